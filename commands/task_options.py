"""The task options of `digits train` and `digits sweep`, generated from every registered task's
config dataclass, so a new task's options appear without editing the commands.

Each task has its own namespace: `--task lwta --help` lists only what lwta reads, with lwta's
defaults, and an option the chosen task does not read is refused (one line, exit 2). Two tasks may
even type one option differently: the CLI then reads it as text and the task parses it.
"""

import inspect

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from digits.commands import completion
from digits.core.config import field_types, flag, is_int_tuple, parse_int_list, parse_text
from digits.core.errors import ConfigError
from digits.core.tasks import DEFAULT_TASK, TASKS

FRONT_END_OPTIONS = ("task", "json_out", "quiet", "runs_dir", "data_dir", "no_save", "seeds", "grid", "workers",
                     "scheduler", "sweep_dir", "resume", "save_models")


def show(value) -> str:
    if value in ("", ()):
        return "none"
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def option_table() -> dict[str, dict]:
    """name -> {type, meta, defaults: {task: default}, helps: {task: help}} over every registered
    task's options (a field a task ignores is not its option)."""
    table: dict[str, dict] = {}
    for task_name, task_cls in sorted(TASKS.items()):
        types = field_types(task_cls.Config)
        for f in task_cls.Config.options():
            entry = table.setdefault(f.name, {"type": types[f.name], "meta": f.metadata, "defaults": {},
                                              "helps": {}, "choices": {}})
            if entry["type"] != types[f.name]:
                entry["type"] = str  # typed differently by two tasks: text here, parsed by the chosen task
            entry["defaults"][task_name] = task_cls.Config.default_of(f.name)
            entry["helps"][task_name] = f.metadata["help"]
            entry["choices"][task_name] = f.metadata.get("choices")
            if f.metadata.get("choices"):  # the CLI accepts the union; each task validates its own
                merged = dict.fromkeys((entry["meta"].get("choices") or ()) + f.metadata["choices"])
                entry["meta"] = {**entry["meta"], "choices": tuple(merged)}
    return table


def help_text(entry: dict) -> str:
    """One help text when every task agrees, else each task's own: `task: help (default x)`."""
    defaults, helps = entry["defaults"], entry["helps"]
    if len(set(helps.values())) == 1:
        values = {show(v) for v in defaults.values()}
        if len(defaults) == len(TASKS) and len(values) == 1:
            suffix = f"(default {values.pop()})"
        else:
            suffix = "(default " + "; ".join(f"{t}: {show(v)}" for t, v in defaults.items()) + ")"
        return f"{next(iter(helps.values()))} {suffix}"
    return " ".join(f"{t}: {helps[t]} (default {show(defaults[t])})" for t in defaults)


def cli_parameter(name: str, entry: dict) -> inspect.Parameter:
    tp, meta = entry["type"], entry["meta"]
    kwargs = {"help": help_text(entry), "show_default": False}
    decls = [flag(name)]
    if name == "preset":
        kwargs["autocompletion"] = completion.presets
    if meta.get("choices"):
        # Checked by the config, not the parser, so a bad value is one `error:` line (and an
        # `error` event with --json) like every other invalid option.
        annotation = str | None
        kwargs["metavar"] = "[" + "|".join(map(str, meta["choices"])) + "]"
        kwargs.setdefault("autocompletion", completion.choices(meta["choices"]))
    elif is_int_tuple(tp):
        annotation = str | None
        kwargs["metavar"] = meta.get("metavar") or "SIZES"
    elif tp is bool:
        annotation = bool | None
        decls = [f"{flag(name)}/--no-{flag(name)[2:]}"]
    else:
        annotation = tp | None
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                             default=typer.Option(None, *decls, **kwargs), annotation=annotation)


def config_overrides(task_name: str, given: dict) -> dict:
    """The options the user set, checked against the chosen task's own options, parsed as it types them."""
    config = TASKS[task_name].Config
    names = {f.name for f in config.options()}
    unset = {k: v for k, v in given.items() if v is not None}
    foreign = sorted(k for k in unset if k not in names)
    if foreign:
        why = "; ".join(config.ignored[k] for k in foreign if k in config.ignored)
        raise ConfigError(f"{', '.join(map(flag, foreign))} does not apply to --task {task_name}"
                          + (f" ({why})" if why else f" (its options: {', '.join(flag(n) for n in sorted(names))}; "
                             f"see `digits train --task {task_name} --help`)"))
    types = field_types(config)
    return {k: parse_int_list(v, k) if is_int_tuple(types[k]) else
            parse_text(types[k], k, v) if isinstance(v, str) else v for k, v in unset.items()}


def task_in(args: list[str]) -> str | None:
    """The --task (or -t) value on a command line, before it is parsed."""
    for i, word in enumerate(args):
        if word in ("--task", "-t") and i + 1 < len(args):
            return args[i + 1]
        if word.startswith("--task="):
            return word.split("=", 1)[1]
    return None


def show_task_options(params: list, args: list[str]) -> None:
    """Before parsing: hide every option the chosen task (--task on `args`) does not read, and give
    the others that task's help text, default and choices, so `--task lwta --help` is lwta's page."""
    task = task_in(args) or DEFAULT_TASK
    if task not in TASKS:
        return
    table = option_table()
    for param in params:
        entry = table.get(param.name)
        if param.name in FRONT_END_OPTIONS or not isinstance(param, TyperOption):
            continue
        if entry is None or task not in entry["defaults"]:
            param.hidden = True
        else:
            param.help = f"{entry['helps'][task]} (default {show(entry['defaults'][task])})"
            if entry["choices"][task]:
                param.metavar = "[" + "|".join(map(str, entry["choices"][task])) + "]"


class TaskCommand(TyperCommand):
    """`digits train`: its help shows the chosen task's options only."""

    def parse_args(self, ctx, args):
        show_task_options(self.params, args)
        return super().parse_args(ctx, args)


class TaskGroup(TyperGroup):
    """`digits sweep` (a group: `digits sweep show` is its subcommand): the same per-task help."""

    def parse_args(self, ctx, args):
        show_task_options(self.params, args)
        return super().parse_args(ctx, args)
