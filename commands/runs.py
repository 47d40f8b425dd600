"""`digits runs`: the saved runs and sweeps, newest last (a sweep's cells only with --all)."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from digits.commands.common import err_console, out_console, print_json
from digits.core import paths
from digits.core.runs.directory import list_runs
from digits.core.sweeps.store import list_sweeps
from digits.core.tasks import headline

STATUS_STYLE = {"finished": "green", "interrupted": "yellow", "failed": "red", "abandoned": "red"}


def runs(
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs "
                                            "or the user data dir)."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per run or sweep on stdout."),
    show_all: bool = typer.Option(False, "--all", help="Also every cell of every sweep, as runs."),
) -> None:
    """List saved runs (named <task>-<start time>) with their status and headline result, and the
    sweeps (cells done, failed and total)."""
    root = runs_dir or paths.runs_root()
    found = list_runs(root)
    sweeps = list_sweeps(root)
    if show_all:
        found += [info for s in sweeps for info in list_runs(Path(s["path"]) / "cells")]
        found.sort(key=lambda info: info.get("started") or 0)
    if json_out:
        for info in found:
            print_json({"kind": "run", **{k: info.get(k) for k in ("run_id", "task", "status", "started", "seconds",
                                                                    "metrics", "config", "path")}})
        for info in sweeps:
            print_json({"kind": "sweep", "sweep_id": info["sweep_id"], "task": info.get("task"),
                        "status": info.get("status"), "created": info.get("created"), **cell_counts(info),
                        "path": info.get("path")})
        return
    if not found and not sweeps:  # nothing on stdout: `digits runs | wc -l` counts 0; the hint is for the person
        err_console().print(f"no runs in {escape(str(root))} yet; start one with `digits train --task baseline`")
        return
    if found:
        out_console().print(runs_table(root, found))
    if sweeps:
        out_console().print(sweeps_table(sweeps))


def cell_counts(info: dict) -> dict:
    states = [c.get("status") for c in (info.get("cells") or {}).values()]
    return {"done": states.count("finished"), "failed": states.count("failed"), "total": len(states)}


def sweeps_table(sweeps: list[dict]) -> Table:
    table = Table(title="sweeps (their cells: `digits runs --all`)", title_justify="left")
    table.add_column("sweep", overflow="fold")
    table.add_column("task", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("cells", no_wrap=True)
    for info in sweeps:
        counts, status = cell_counts(info), info.get("status", "?")
        failed = f", [red]{counts['failed']} failed[/]" if counts["failed"] else ""
        table.add_row(escape(info["sweep_id"]), escape(str(info.get("task"))),
                      f"[{STATUS_STYLE.get(status, 'default')}]{status}[/]",
                      f"{counts['done']}/{counts['total']} done{failed}")
    return table


def runs_table(root: Path, found: list[dict]) -> Table:
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
    return table
