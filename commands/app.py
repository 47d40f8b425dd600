"""The `digits` command: the root Typer app and its sub-apps, and the console-script entry point."""


import sys

import typer

import digits
from digits.commands import data, evaluate, gallery, runs, show, sweep, tasks, train, tui
from digits.commands.common import DEBUG_ENV, READER_GONE, Settings

app = typer.Typer(
    name="digits",
    help="A terminal lab for training small numpy neural networks on handwritten digits.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("train", cls=train.TaskCommand, context_settings=train.CONTEXT_SETTINGS)(train.train)
app.command("tasks")(tasks.tasks)
app.command("runs")(runs.runs)
app.command("show")(show.show)
app.command("gallery")(gallery.gallery)
app.command("eval")(evaluate.evaluate)
app.command("tui")(tui.tui)
app.add_typer(data.app, name="data", help="Inspect the dataset in use.")
app.add_typer(sweep.app, name="sweep", help="Run a task over a grid of options × seeds; `sweep show` summarises.")


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
