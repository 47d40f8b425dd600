"""`digits train`: run a task, showing live progress (Rich) or printing NDJSON events (--json).

The task options come from commands/task_options.py (each task its own namespace); options left
unset take the task's default.
"""

import inspect
from pathlib import Path

import typer

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
from digits.commands.task_options import TaskCommand, cli_parameter, config_overrides, option_table
from digits.core import paths
from digits.core.config import is_int_tuple
from digits.core.data.dataset import load_dataset
from digits.core.errors import ConfigError
from digits.core.events import Error, RunFinished, RunInterrupted
from digits.core.runs.runner import execute
from digits.core.tasks import DEFAULT_TASK, TASKS, get_task

CONTEXT_SETTINGS = {"allow_extra_args": True}  # lets `--hidden 256 256` work as the users type it

FRONT_END_OPTIONS = ("task", "json_out", "quiet", "runs_dir", "data_dir", "no_save")
__all__ = ["TaskCommand", "train"]


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


def exit_code(last_event) -> int:
    if isinstance(last_event, RunFinished):
        return 0
    if isinstance(last_event, RunInterrupted):
        return 130
    return 1


def train(ctx: typer.Context, **options) -> None:
    """Train a task: live progress on stderr and the result on stdout, or NDJSON events on stdout with --json."""
    front = {k: options.pop(k) for k in FRONT_END_OPTIONS}
    as_json = front["json_out"]
    console = None if as_json else err_console()  # with --json, made only for an error (Rich costs ~0.04 s)
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
                (console or err_console()).print("aborted (second Ctrl-C); run marked interrupted", highlight=False)
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
            print_error(console or err_console(), last.message)
        return last
    from digits.commands.display import RichDisplay

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
