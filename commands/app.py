"""The `digits` command: the root Typer app, its commands (each imported when first used), and the
console-script entry point.

A command's module, with all it imports (numpy and the task registry, Rich's tables, Textual,
Dask), is imported only when that command runs, completes or shows its help: `digits --help`
lists the commands from COMMANDS without importing any (tests/test_startup.py checks each summary
there against the command's own help, and that nothing heavy is imported). Each command is built
by the same Typer calls that build the commands of an app registered up front, and once per
invocation, as Typer does.
"""

import importlib
import sys
from dataclasses import dataclass
from gettext import gettext as _

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

import digits
from digits.commands.coercion import defer_coercion
from digits.commands.common import DEBUG_ENV, READER_GONE, Settings


@dataclass(frozen=True)
class Entry:
    module: str  # under digits.commands
    attribute: str  # the command's function, or (group) the module's Typer app
    summary: str  # the first sentence of its help, as `digits --help` lists it
    group: bool = False
    cls: str | None = None  # the module's command class, if not Typer's
    context_settings: str | None = None  # the module's context settings, if any


COMMANDS = {
    "train": Entry("train", "train", "Train a task: live progress on stderr and the result on stdout, or NDJSON "
                                     "events on stdout with --json.",
                   cls="TaskCommand", context_settings="CONTEXT_SETTINGS"),
    "tasks": Entry("tasks", "tasks", "List the tasks: name, what it shows, and the paper it reproduces."),
    "runs": Entry("runs", "runs", "List saved runs (named <task>-<start time>) with their status and headline "
                                  "result, and the sweeps (cells done, failed and total)."),
    "compare": Entry("compare", "compare", "Put saved runs side by side: the options that differ between them, how "
                                           "many they share, and their metrics, status and wall time."),
    "show": Entry("show", "show", "Draw test digits with the true label and each model's prediction and confidence."),
    "gallery": Entry("gallery", "gallery", "A grid of test digits that fills the terminal: true label, the model's "
                                           "prediction and confidence, and what the other model of the run said."),
    "eval": Entry("evaluate", "evaluate", "Score every model of a run on the test set: per-class accuracy, "
                                          "confusion matrix, top confusions, and how often the run's main pair "
                                          "(teacher and student) agree, class by class."),
    "report": Entry("report", "report", "Write a run's or a sweep's report: what it reproduces, the command that "
                                        "makes it again, its results beside the published figures, training "
                                        "curves, per-class accuracy, confusion matrices, test digits with every "
                                        "model's prediction, the task's own figures; a sweep's spread over seeds."),
    "watch": Entry("watch", "watch", "Follow a run another process is training: live bars per phase, then its "
                                     "result; exits when it ends."),
    "tui": Entry("tui", "tui", "The interactive lab: browse the test set through a run's models, study mistakes, "
                               "compare teacher and student, train and watch, see first-layer features, draw a "
                               "digit."),
    "data": Entry("data", "app", "Inspect the dataset in use.", group=True),
    "sweep": Entry("sweep", "app", "Run a task over a grid of options × seeds; `sweep show` summarises.", group=True),
}


def build(name: str, ctx):
    """The click command `name`, as Typer builds a command (or sub-app) registered on `app`."""
    entry = COMMANDS[name]
    module = importlib.import_module(f"digits.commands.{entry.module}")
    target = getattr(module, entry.attribute)
    shared = {"pretty_exceptions_short": app.pretty_exceptions_short, "rich_markup_mode": app.rich_markup_mode}
    if entry.group:
        command = get_group_from_info(TyperInfo(target, name=name, help=entry.summary),
                                      suggest_commands=app.suggest_commands, **shared)
    else:
        settings = {key: getattr(module, attr) for key, attr in (("cls", entry.cls),
                                                                  ("context_settings", entry.context_settings)) if attr}
        command = get_command_from_info(CommandInfo(name=name, callback=target, **settings), **shared)
    defer_coercion(command, ctx)
    return command


class DigitsGroup(TyperGroup):
    """The root group: COMMANDS, each built on first use."""

    def list_commands(self, ctx) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = build(cmd_name, ctx)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):
        if args and args[0] not in COMMANDS:  # not a command: Typer suggests the closest of all of them
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx, args):
        defer_coercion(self, ctx, subcommands=False)
        return super().parse_args(ctx, args)

    def format_commands(self, ctx, formatter) -> None:
        """TyperGroup's listing, from each summary for a command not built yet."""
        commands = [(name, self.commands.get(name) or TyperCommand(name=name, help=COMMANDS[name].summary))
                    for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


app = typer.Typer(
    name="digits",
    help="A terminal lab for training small numpy neural networks on handwritten digits.",
    cls=DigitsGroup,
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"digits {digits.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help=f"Show full tracebacks (or set {DEBUG_ENV}=1)."),
    version: bool | None = typer.Option(None, "--version", callback=show_version, is_eager=True,
                                           help="Print the version and exit."),
) -> None:
    """digits: watch famous neural-network results happen on MNIST, in numpy, in your terminal."""
    Settings.debug = debug


def main() -> None:
    try:
        app(prog_name="digits")
    except SystemExit as done:
        # Typer (its vendored Click) turns a raw write to a closed pipe (a Sixel image into `| head`)
        # into a quiet exit 1 and wraps stdout in a PacifyFlushWrapper so nothing more is written;
        # report it like the Rich consoles do (common.ResultConsole).
        if done.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            raise SystemExit(READER_GONE) from None
        raise
