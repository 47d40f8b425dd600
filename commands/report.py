"""`digits report`: a run or a sweep as a shareable page — report.html (self-contained) and report.md
with figures/*.png and .svg — drawn from the record, nothing retrained. The path goes to stdout,
progress to stderr; --json prints the files written."""

import webbrowser
from pathlib import Path

import typer

from digits.commands import completion
from digits.commands.common import err_console, errors_reported, out_console, print_json
from digits.commands.run_views import DATA_DIR_OPTION, RUNS_DIR_OPTION
from digits.core import paths


def report(
    target: str = typer.Argument(..., metavar="RUN_OR_SWEEP", help="Run or sweep id (see `digits runs`), or its "
                                 "directory.", autocompletion=completion.runs_and_sweeps),
    out: Path | None = typer.Option(None, "-o", "--out", help="Directory to write into (default: report/ in the "
                                                              "run's or sweep's own directory)."),
    fmt: str = typer.Option("both", "--format", metavar="[html|md|both]",
                            help="report.html (one self-contained file), report.md with figures/, or both."),
    open_it: bool = typer.Option(False, "--open", help="Open report.html in the web browser when it is written."),
    runs_dir: Path | None = RUNS_DIR_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the files written as one JSON object on stdout."),
) -> None:
    """Write a run's or a sweep's report: what it reproduces, the command that makes it again, its
    results beside the published figures, training curves, per-class accuracy, confusion matrices,
    test digits with every model's prediction, the task's own figures; a sweep's spread over seeds."""
    from digits.report.build import build_report  # matplotlib only for this command

    status = err_console()
    with errors_reported(json_out):
        if json_out:
            built = build_report(target, runs_dir or paths.runs_root(), out, fmt, data_dir)
        else:
            with status.status("building the report…") as spinner:
                built = build_report(target, runs_dir or paths.runs_root(), out, fmt, data_dir,
                                     progress=lambda message: spinner.update(message + "…"))
    if json_out:
        print_json({"report": str(built.report), "files": [str(f) for f in built.files], "figures": built.figures,
                    "seconds": round(built.seconds, 3)})
    else:
        status.print(f"{built.figures} figures, {len(built.files)} files in {built.seconds:.1f} s", highlight=False)
        out_console().print(str(built.report), highlight=False, markup=False, soft_wrap=True)
    if open_it:
        page = built.report.with_name("report.html")
        if not page.is_file() or not webbrowser.open(page.resolve().as_uri()):
            status.print(f"no web browser to open {page} with; open it yourself", highlight=False)
