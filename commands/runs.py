"""`digits runs`: the saved runs, newest last."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from digits.commands.common import err_console, out_console, print_json
from digits.core import paths
from digits.core.runs.directory import list_runs
from digits.core.tasks import headline

STATUS_STYLE = {"finished": "green", "interrupted": "yellow", "failed": "red", "abandoned": "red"}


def runs(
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs "
                                            "or the user data dir)."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per run on stdout."),
) -> None:
    """List saved runs (named <task>-<start time>) with their status and headline result."""
    root = runs_dir or paths.runs_root()
    found = list_runs(root)
    if json_out:
        for info in found:
            print_json({k: info.get(k) for k in ("run_id", "task", "status", "started", "seconds", "metrics",
                                                 "config", "path")})
        return
    if not found:  # nothing on stdout: `digits runs | wc -l` counts 0; the hint is for the person
        err_console().print(f"no runs in {escape(str(root))} yet; start one with `digits train --task baseline`")
        return
    table = Table(title=f"runs in {escape(str(root))}", title_justify="left")
    table.add_column("run", no_wrap=True)
    table.add_column("task", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("seconds", justify="right", no_wrap=True)
    table.add_column("result")
    for info in found:
        shown = headline(info.get("task", ""), info.get("metrics") or {})[:1]
        status = info.get("status", "?")
        table.add_row(
            escape(info["run_id"]),
            escape(str(info.get("task", "?"))),
            f"[{STATUS_STYLE.get(status, 'default')}]{status}[/]",
            f"{info['seconds']:.1f}" if info.get("seconds") is not None else "-",
            f"{shown[0][1]:.2%} {shown[0][0]}" if shown else "-",
        )
    out_console().print(table)
