"""`digits tui`: open the interactive lab (Textual)."""

from pathlib import Path

import typer

from digits.commands import completion
from digits.commands.common import errors_reported
from digits.commands.drawing import RENDER_OPTION
from digits.commands.terminal import choose_mode
from digits.core import paths
from digits.core.data.dataset import load_dataset


def tui(
    run: str | None = typer.Option(None, "--run", help="Open this run (id from `digits runs`, or its directory) "
                                                       "instead of the run picker.", autocompletion=completion.runs),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs or "
                                                                  "the user data dir)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Dataset directory (default: the bundled MNIST)."),
    render: str = RENDER_OPTION,
) -> None:
    """The interactive lab: browse the test set through a run's models, study mistakes, compare
    teacher and student, train and watch, see first-layer features, draw a digit."""
    from rich.console import Console

    with errors_reported():
        # The terminal is asked about graphics before Textual takes it over (it cannot be asked after).
        mode = choose_mode(render, Console(stderr=True))
        if mode in ("sixel", "kitty"):
            import textual_image.widget  # noqa: F401  (queries the terminal's cell size on import)
        root = runs_dir or paths.runs_root()
        if run is not None:
            from digits.core.runs.inspection import find_run

            find_run(root, run)  # a wrong id is reported here, as a one-line error

        from digits.tui.app import DigitsApp

        DigitsApp(lambda: load_dataset(data_dir), root, run=run, render_mode=mode).run()
