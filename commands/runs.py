"""`digits runs`: the saved runs and sweeps, newest last (a sweep's cells only with --all);
`--task` and `--where NAME=VALUE` keep the runs of one task, or whose config has those values.

A sweep is listed under `--task` when it is of that task; `--where` lists runs only (a sweep has
no single config: its cells, with `--all`, are runs and are filtered like the others)."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from digits.commands import completion
from digits.commands.common import err_console, errors_reported, out_console, print_json
from digits.core import paths
from digits.core.runs.compare import matches, parse_where
from digits.core.runs.directory import list_runs
from digits.core.sweeps.store import list_sweeps
from digits.core.tasks import get_task, headline

STATUS_STYLE = {"finished": "green", "interrupted": "yellow", "failed": "red", "abandoned": "red"}


def runs(
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs "
                                            "or the user data dir)."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per run or sweep on stdout."),
    show_all: bool = typer.Option(False, "--all", help="Also every cell of every sweep, as runs."),
    task: str | None = typer.Option(None, "--task", metavar="TASK", help="Only the runs (and sweeps) of this task.",
                                    autocompletion=completion.tasks),
    where: list[str] | None = typer.Option(None, "--where", metavar="NAME=VALUE",
                                           help="Only the runs whose config has this value (e.g. temperature=20, "
                                                "hidden=256x256); repeat it for several, all must hold. Sweeps are "
                                                "left out; their cells (--all) are filtered."),
) -> None:
    """List saved runs (named <task>-<start time>) with their status and headline result, and the
    sweeps (cells done, failed and total)."""
    root = runs_dir or paths.runs_root()
    with errors_reported(json_out):
        if task is not None:
            get_task(task)  # an unknown task: one line naming the tasks
        wanted = parse_where(task, where or [])
    found = list_runs(root)
    sweeps = list_sweeps(root)
    if show_all:
        found += [info for s in sweeps for info in list_runs(Path(s["path"]) / "cells")]
        found.sort(key=lambda info: info.get("started") or 0)
    any_saved = bool(found or sweeps)
    if task is not None:
        found = [info for info in found if info.get("task") == task]
        sweeps = [info for info in sweeps if info.get("task") == task]
    left_out = 0
    if where:
        found = [info for info in found if matches(info, wanted)]
        left_out, sweeps = len(sweeps), []
    asked = filter_text(task, where or [])
    if any_saved and asked and not found and not sweeps:  # the filter left nothing: nothing on stdout, exit 0
        what = "runs" if where else "runs or sweeps"
        err_console().print(f"no {what} {escape(asked)} in {escape(str(root))}; `digits runs` lists them all",
                            highlight=False)
        return
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
        out_console().print(runs_table(root, found, asked))
    if sweeps:
        out_console().print(sweeps_table(sweeps))
    if left_out:
        cells = "their cells that match are listed as runs" if show_all else "a sweep's cells are runs with --all"
        err_console().print(f"{left_out} sweep{'s' if left_out != 1 else ''} not listed: --where filters runs "
                            f"({cells})", highlight=False)


def filter_text(task: str | None, where: list[str]) -> str:
    """What the filter asked for, in words: 'of task distill with temperature=20, hidden=64'."""
    parts = ([f"of task {task}"] if task else []) + ([f"with {', '.join(where)}"] if where else [])
    return " ".join(parts)


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


def runs_table(root: Path, found: list[dict], asked: str = "") -> Table:
    """One row per run; `asked` (filter_text) says which runs these are."""
    table = Table(title=f"runs in {escape(str(root))}" + (f" {escape(asked)}" if asked else ""), title_justify="left")
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
