"""`OptionsForm`: a task's options as a form generated from its config dataclass.

Each field becomes a row: its CLI flag, a control (Select for choices, Checkbox for switches,
Input for numbers, size lists and text) and its help on one line (the focused option's full help
shows below the rows). Values are kept as the text the user typed and turned into a config by
`Config.build`, so the form accepts and refuses exactly what `digits train` does, with the same
messages. Choosing a preset fills the form with that preset's values.
"""

import re
from dataclasses import fields

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from digits.core.config import TrainConfig, field_types, flag, parse_text
from digits.core.errors import ConfigError
from digits.core.tasks import get_task


def as_text(value) -> str:
    """A config value as the form shows it: 256,256 for size lists, 0.002 or 2 for floats."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return repr(value).removesuffix(".0")  # repr: the shortest text that reads back the same
    return str(value)


def parse_overrides(config_cls: type[TrainConfig], texts: dict[str, str]) -> dict:
    """Option texts -> typed values for `Config.build` (size lists stay text: build parses them).

    Numbers are checked here because the CLI's parser checks them there; the rest (ranges,
    choices, lists) is left to the config so its messages are the CLI's.
    """
    types = field_types(config_cls)
    return {name: parse_text(types.get(name), name, text) for name, text in texts.items()}


def option_of(widget: Widget) -> str | None:
    """The option a form control edits (its id is opt-<name>)."""
    return widget.id[4:] if widget.id and widget.id.startswith("opt-") else None


def form_values(task: str, given: dict | None = None) -> dict[str, str]:
    """The texts the form shows: the task's defaults, then its preset's values, then `given`."""
    config_cls = get_task(task).Config
    names = [f.name for f in config_cls.options()]
    given = {k: as_text(v) for k, v in (given or {}).items() if k in names}
    preset = {"preset": given["preset"]} if "preset" in given else {}
    try:
        base = config_cls.build(preset)
    except ConfigError:  # an unknown preset: show the plain defaults, Start will name the problem
        base = config_cls()
    values = {name: as_text(getattr(base, name)) for name in names}
    values.update(given)
    return values


class OptionsForm(Vertical):
    """The options of one task; `load` switches task, `config` validates and builds."""

    DEFAULT_CSS = """
    OptionsForm {
        #option-rows { height: 1fr; }
        .option-row { height: 1; }
        .option-name { width: 18; }
        .option-row Input, .option-row Select, .option-row Checkbox { width: 20; }
        .option-help { width: 1fr; padding-left: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
        #option-hint { height: 3; padding-top: 1; color: $text-muted; }
    }
    """

    def __init__(self, task: str, values: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.load(task, values, recompose=False)

    def load(self, task: str, values: dict | None = None, recompose: bool = True) -> None:
        """Show `task`'s options: defaults, the preset's values, then `values` (texts or values)."""
        self.task_name = get_task(task).name
        self.config_cls = get_task(task).Config
        self.values = form_values(self.task_name, values)
        if recompose:
            self.refresh(recompose=True)

    def overrides(self) -> dict:
        return parse_overrides(self.config_cls, self.values)

    def config(self) -> TrainConfig:
        """The config the form describes; raises ConfigError with the CLI's message."""
        return self.config_cls.build(self.overrides())

    def compose(self) -> ComposeResult:
        types = field_types(self.config_cls)
        # The preset first: choosing one rewrites the values below it.
        ordered = sorted(self.config_cls.options(), key=lambda f: f.name != "preset")
        with VerticalScroll(id="option-rows"):
            for f in ordered:
                with Horizontal(classes="option-row"):
                    yield Label(flag(f.name), classes="option-name")
                    yield self.control(f.name, types[f.name], f.metadata)
                    yield Label(escape(f.metadata.get("help", "")), classes="option-help")
        yield Static(self.task_hint(), id="option-hint")

    def control(self, name: str, tp, meta) -> Widget:
        value, help_text = self.values[name], meta.get("help", "")
        widget_id = f"opt-{name}"
        if meta.get("choices"):
            choices = [str(c) for c in meta["choices"]]
            if value not in choices:
                choices.append(value)
            widget = Select([(c, c) for c in choices], value=value, allow_blank=False, compact=True, id=widget_id)
        elif tp is bool:
            widget = Checkbox("on", value=value == "true", compact=True, id=widget_id)
        else:
            placeholder = meta.get("metavar") or ("number" if tp in (int, float) else "")
            widget = Input(value, placeholder=placeholder, compact=True, id=widget_id)
        widget.tooltip = help_text
        return widget

    def task_hint(self) -> str:
        task = get_task(self.task_name)
        return f"[b]{escape(task.name)}[/b]: {escape(task.summary)}"

    def option_hint(self, name: str) -> str:
        meta = next(f.metadata for f in fields(self.config_cls) if f.name == name)
        default = as_text(self.config_cls.default_of(name)) or "none"
        return f"[b]{flag(name)}[/b] {escape(meta.get('help', ''))} [dim](default {escape(default)})[/dim]"

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        name = option_of(event.widget)
        if name is not None:
            self.query_one("#option-hint", Static).update(self.option_hint(name))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.values[option_of(event.input)] = event.value
        event.input.remove_class("-invalid")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.values[option_of(event.checkbox)] = as_text(event.value)
        event.checkbox.remove_class("-invalid")

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        name, value = option_of(event.select), str(event.value)
        if self.values.get(name) == value:
            return  # the Select reporting the value it was created with
        event.select.remove_class("-invalid")
        if name == "preset":
            self.load(self.task_name, {"preset": value})
        else:
            self.values[name] = value

    def mark_invalid(self, message: str) -> None:
        """Focus and mark the option a ConfigError message names first."""
        # --lr must not match --lr-decay: a flag ends where no word character or dash follows
        found = [(m.start(), f.name) for f in self.config_cls.options()
                 if (m := re.search(re.escape(flag(f.name)) + r"(?![\w-])", message))]
        if not found:
            return
        for widget in self.query(f"#opt-{min(found)[1]}"):  # none while the form is being rebuilt
            widget.add_class("-invalid")
            widget.focus()
