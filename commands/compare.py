"""`digits compare RUN RUN...`: saved runs side by side, from their records (nothing is loaded or
retrained): the options whose values differ between them, one column per run, how many they share,
and their metrics (headline first), status and wall time. --json prints the same as one object.

A run is an id under the runs directory, a sweep cell's `<sweep id>/cells/<cell>`, or a run directory."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from digits.commands import completion
from digits.commands.common import err_console, errors_reported, out_console, print_json
from digits.commands.display import fmt_metric
from digits.commands.run_views import RUNS_DIR_OPTION
from digits.commands.runs import STATUS_STYLE
from digits.core import paths
from digits.core.errors import ConfigError, RunLookupError
from digits.core.runs.compare import differing_options, metric_names, metric_values, shared_options
from digits.core.runs.inspection import find_run
from digits.core.sweeps.store import read_sweep


def compare(
    runs: list[str] | None = typer.Argument(None, metavar="RUN", help="Two or more run ids (see `digits runs`; "
                                            "a sweep cell is <sweep id>/cells/<cell>), or run directories.",
                                            autocompletion=completion.runs_and_cells, show_default=False),
    runs_dir: Path | None = RUNS_DIR_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the comparison as one JSON object on stdout."),
) -> None:
    """Put saved runs side by side: the options that differ between them, how many they share, and
    their metrics, status and wall time."""
    root = runs_dir or paths.runs_root()
    with errors_reported(json_out):
        records = find_records(root, runs or [])
    ids = column_names(records, runs or [])
    differing, shared = differing_options(records), shared_options(records)
    metrics = metric_values(records)
    if json_out:
        print_json({"runs": ids, "differing": differing, "shared": shared, "metrics": metrics,
                    "status": [r.get("status") for r in records], "seconds": [r.get("seconds") for r in records]})
        return
    out = out_console()
    if differing:
        out.print(options_table(ids, differing))
    else:
        out.print("no option differs between these runs", highlight=False)
    out.print(shared_line(records, shared), highlight=False, markup=False)
    out.print(metrics_table(ids, records, metrics))
    if not metrics:
        err_console().print("these runs have no metric in common (unfinished runs have none)", highlight=False)


def find_records(root: Path, runs: list[str]) -> list[dict]:
    """Each run's record, in the order given; at least two, each once."""
    if len(runs) < 2:
        got = f"only {runs[0]!r}" if runs else "none"
        raise ConfigError(f"compare needs at least two runs (got {got}); e.g. `digits compare RUN RUN`, with ids "
                          f"from `digits runs`")
    records, seen = [], {}
    for run in runs:
        try:
            info = find_run(root, run)
        except RunLookupError:
            if read_sweep(Path(root).expanduser() / run) or read_sweep(Path(run).expanduser()):
                raise RunLookupError(f"{run!r} is a sweep; compare its cells, each <sweep id>/cells/<cell> "
                                     f"(see `digits runs --all`)") from None
            raise
        where = str(Path(info["path"]).resolve())
        if where in seen:
            raise ConfigError(f"{run!r} and {seen[where]!r} are the same run; give each run once")
        seen[where] = run
        records.append(info)
    return records


def column_names(records: list[dict], given: list[str]) -> list[str]:
    """The run ids, or (when two runs of different directories have the same id) the runs as given."""
    ids = [r["run_id"] for r in records]
    return ids if len(set(ids)) == len(ids) else list(given)


def value_text(value) -> str:
    """An option's value as `digits train` spells it; '-' for an option the run's task does not have."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if value != "" else "''"


def options_table(ids: list[str], differing: dict[str, list]) -> Table:
    table = Table(title="options that differ", title_justify="left")
    table.add_column("option", no_wrap=True)
    for run_id in ids:
        table.add_column(escape(run_id), overflow="fold")
    for name, values in differing.items():
        table.add_row(escape(name), *(escape(value_text(v)) for v in values))
    return table


def shared_line(records: list[dict], shared: dict) -> str:
    tasks = {r.get("task") for r in records}
    prefix = f"all of task {next(iter(tasks))}; " if len(tasks) == 1 else ""
    if not shared:
        return f"{prefix}they share no option"
    values = ", ".join(f"{name}={value_text(v)}" for name, v in shared.items())
    return f"{prefix}they share {len(shared)} option{'s' if len(shared) != 1 else ''}: {values}"


def metrics_table(ids: list[str], records: list[dict], metrics: dict[str, list]) -> Table:
    """Status and wall time, then each metric (by its label) with every run's value."""
    table = Table(title="metrics", title_justify="left")
    table.add_column("metric", no_wrap=True)
    for run_id in ids:
        table.add_column(escape(run_id), justify="right", overflow="fold")
    table.add_row("status", *(f"[{STATUS_STYLE.get(s, 'default')}]{escape(s)}[/]"
                              for s in (str(r.get("status", "?")) for r in records)))
    table.add_row("wall time", *(f"{r['seconds']:.1f} s" if isinstance(r.get("seconds"), (int, float)) else "-"
                                 for r in records), end_section=True)
    labels = dict(metric_names(records))
    taken = [labels.get(name, name) for name in metrics]
    for name, values in metrics.items():
        label = labels.get(name, name)
        shown = f"{label} ({name})" if taken.count(label) > 1 else label
        table.add_row(escape(shown), *("-" if v is None else fmt_metric(name, v) for v in values))
    return table
