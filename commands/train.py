"""`digits train`: run a task, showing live progress (Rich) or printing NDJSON events (--json).

The task options are generated from every registered task's config dataclass, so a new task's
options appear here without editing this module. Options left unset take the task's default.
Each task has its own namespace: `digits train --task lwta --help` lists only what lwta reads, with
lwta's defaults, and an option the chosen task does not read is refused (one line, exit 2). Two
tasks may even type one option differently: the CLI then reads it as text and the task parses it.
"""

import inspect
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperOption

from digits.commands import completion
from digits.commands.common import (
    READER_GONE,
    StopFlag,
    err_console,
    errors_reported,
    out_console,
    print_error,
    print_json,
    silence_stdout,
)
from digits.commands.display import RichDisplay
from digits.core import paths
from digits.core.config import field_types, flag, is_int_tuple, parse_int_list, parse_text
from digits.core.data.dataset import load_dataset
from digits.core.errors import ConfigError
from digits.core.events import Error, RunFinished, RunInterrupted
from digits.core.runs.runner import execute
from digits.core.tasks import DEFAULT_TASK, TASKS, get_task

CONTEXT_SETTINGS = {"allow_extra_args": True}  # lets `--hidden 256 256` work as the users type it

FRONT_END_OPTIONS = ("task", "json_out", "quiet", "runs_dir", "data_dir", "no_save")


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


def front_end_parameters() -> list[inspect.Parameter]:
    def param(name, annotation, option):
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)

    tasks = tuple(sorted(TASKS))
    return [
        param("task", str, typer.Option(DEFAULT_TASK, "--task", "-t", metavar="[" + "|".join(tasks) + "]",
                                        help="Which experiment to run (see `digits tasks`).",
                                        autocompletion=completion.tasks)),
        param("json_out", bool, typer.Option(False, "--json", help="Print NDJSON events on stdout, nothing else.")),
        param("quiet", bool, typer.Option(False, "--quiet", "-q", help="No progress; print only the result.")),
        param("runs_dir", Path | None, typer.Option(None, "--runs-dir", help="Where runs are saved "
                                                       "(default $DIGITS_HOME/runs or the user data dir).")),
        param("data_dir", Path | None, typer.Option(None, "--data-dir", help="Directory of MNIST-layout IDX "
                                                       "files (default $DIGITS_DATA_DIR or the bundled MNIST).")),
        param("no_save", bool, typer.Option(False, "--no-save", help="Do not write a run directory.")),
    ]


def join_extra_sizes(extra: list[str], given: dict) -> None:
    """Attach spare whole numbers to the one size-list option given (`--hidden 256 256`), or refuse them."""
    if not extra:
        return
    table = option_table()
    lists = [k for k, v in given.items() if v is not None and k in table and is_int_tuple(table[k]["type"])]
    if len(lists) == 1 and all(word.isdigit() for word in extra):
        given[lists[0]] = ",".join([given[lists[0]], *extra])
        return
    if extra[0] in TASKS:
        raise ConfigError(f"unexpected argument {extra[0]!r}; did you mean --task {extra[0]}?")
    hint = "; with several size options give each as one list, like --hidden 256,256" if lists else ""
    raise ConfigError(f"unexpected argument {' '.join(extra)!r}{hint}")


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


class TaskCommand(TyperCommand):
    """`digits train`, whose help shows the chosen task's options (with its help texts and
    defaults) and hides every other task's, so `--task lwta --help` is lwta's own page."""

    def parse_args(self, ctx, args):
        task = task_in(args) or DEFAULT_TASK
        if task in TASKS:
            table = option_table()
            for param in self.params:
                entry = table.get(param.name)
                if param.name in FRONT_END_OPTIONS or not isinstance(param, TyperOption):
                    continue
                if entry is None or task not in entry["defaults"]:
                    param.hidden = True
                else:
                    param.help = f"{entry['helps'][task]} (default {show(entry['defaults'][task])})"
                    if entry["choices"][task]:
                        param.metavar = "[" + "|".join(map(str, entry["choices"][task])) + "]"
        return super().parse_args(ctx, args)


def exit_code(last_event) -> int:
    if isinstance(last_event, RunFinished):
        return 0
    if isinstance(last_event, RunInterrupted):
        return 130
    return 1


def train(ctx: typer.Context, **options) -> None:
    """Train a task: live progress on stderr and the result on stdout, or NDJSON events on stdout with --json."""
    front = {k: options.pop(k) for k in FRONT_END_OPTIONS}
    as_json, console = front["json_out"], err_console()
    with errors_reported(as_json):
        task_name = get_task(front["task"]).name
        join_extra_sizes(ctx.args, options)
        config = TASKS[task_name].Config.build(config_overrides(task_name, options))
        dataset = load_dataset(front["data_dir"])
        runs_root = None if front["no_save"] else (front["runs_dir"] or paths.runs_root())
        with StopFlag() as stop:
            stream = execute(task_name, config, dataset, runs_root, should_stop=stop)
            try:
                last = consume(stream, as_json, front["quiet"], console)
            except KeyboardInterrupt:
                console.print("aborted (second Ctrl-C); run marked interrupted", highlight=False)
                raise typer.Exit(130) from None
    raise typer.Exit(exit_code(last))


def consume(stream, as_json: bool, quiet: bool, console) -> object:
    """Feed the event stream to the NDJSON printer or the Rich display; return the last event."""
    last = None
    if as_json:
        try:
            for last in stream:
                print_json(last.to_dict())
        except BrokenPipeError:
            stream.close()
            silence_stdout()
            raise typer.Exit(READER_GONE) from None
        if isinstance(last, Error):
            print_error(console, last.message)
        return last
    with RichDisplay(console, out_console(), quiet=quiet) as display:
        for last in stream:
            display.handle(last)
    return last


def build_signature() -> inspect.Signature:
    table = option_table()
    task_params = [cli_parameter(name, entry) for name, entry in table.items()]
    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    return inspect.Signature([ctx] + front_end_parameters() + task_params)


train.__signature__ = build_signature()
train.__annotations__ = {p.name: p.annotation for p in train.__signature__.parameters.values()}
