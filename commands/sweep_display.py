"""What a person sees of a sweep: on a terminal one overall bar (cells done / total, failed, ETA,
cells per minute) and one line per worker with its current cell; in a log one line per cell; at the
end, and for `digits sweep show`, the summary table per grid point and the paired contrasts."""

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from digits.commands.display import EventDisplay
from digits.core.sweeps import events as sev
from digits.core.tasks import TASKS


def options_text(options: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in options.items()) or "all cells"


def fmt(value: float) -> str:
    return f"{value:.4f}"


def interval(s: dict) -> str:
    return f"{fmt(s['mean'] - s['ci95'])} – {fmt(s['mean'] + s['ci95'])}"


def summary_tables(summary: dict) -> list[Table]:
    """Per grid point (a bold row), each headline metric over the seeds; then the paired contrasts."""
    points = summary.get("points") or []
    labels = dict(TASKS[summary["task"]].headline) if summary.get("task") in TASKS else {}
    table = Table(title=f"{summary.get('task')} over seeds: mean ± sample std, 95% t-interval", title_justify="left")
    for column in ("metric", "n", "mean ± std", "95% interval", "min – max"):
        table.add_column(column, justify="right" if column == "n" else "left")
    contrast = Table(title="paired contrasts (a − b of the same run, per seed)", title_justify="left")
    for column in ("contrast", "n", "mean ± std", "95% interval", "same sign"):
        contrast.add_column(column, justify="right" if column == "n" else "left")
    for p in points:
        head = f"[bold]{escape(options_text(p['options']))}[/]"
        table.add_row(head, str(p["n"]), "", "", "")
        for name, s in p["metrics"].items():
            table.add_row(f"  {escape(labels.get(name, name))}", "", f"{fmt(s['mean'])} ± {fmt(s['std'])}", interval(s),
                          f"{fmt(s['min'])} – {fmt(s['max'])}")
        if p["contrasts"]:
            contrast.add_row(head, str(p["n"]), "", "", "")
            for label, s in p["contrasts"].items():
                contrast.add_row(f"  {escape(label)}", "", f"{fmt(s['mean'])} ± {fmt(s['std'])}", interval(s),
                                 f"{s['agree']} of {s['n']}")
    return [table] + ([contrast] if any(p["contrasts"] for p in points) else [])


class SweepDisplay(EventDisplay):
    """A sweep's events: an overall bar and a line per worker, then the summary tables."""

    def __init__(self, console: Console, out: Console):
        self.console, self.out = console, out
        self.live = console.is_terminal
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[info]}"), TimeRemainingColumn(), console=console,
                                 disable=not self.live)
        self.overall = None
        self.workers: dict[int, int] = {}
        self.failed = 0
        self.done = 0
        self.started_at = None

    def on_sweep_started(self, e: sev.SweepStarted) -> None:
        threads = f"{e.threads_per_worker} BLAS thread{'s' if e.threads_per_worker != 1 else ''} each" \
            if e.threads_per_worker else "BLAS threads as the machine sets"
        self.console.print(f"[bold]sweep[/] {escape(e.sweep_id)} · task [cyan]{escape(e.task)}[/] · {e.cells} cells "
                           f"({e.pending} to run) · {e.workers} workers, {threads}", highlight=False)
        self.started_at = e.time
        self.overall = self.progress.add_task("cells", total=e.pending, info="")
        for slot in range(e.workers):
            self.workers[slot] = self.progress.add_task(f"worker {slot + 1}", total=None, info="idle")

    def info(self) -> str:
        rate = ""
        if self.started_at is not None and self.done:
            import time

            minutes = max((time.time() - self.started_at) / 60, 1e-9)
            rate = f" · {self.done / minutes:.1f} cells/min"
        return (f"[red]{self.failed} failed[/]" if self.failed else "0 failed") + rate

    def on_cell_started(self, e: sev.CellStarted) -> None:
        retry = f" (attempt {e.attempt})" if e.attempt > 1 else ""
        self.progress.update(self.workers[e.worker], info=f"{e.cell}: {options_text(e.options)}, seed {e.seed}{retry}")

    def on_cell_finished(self, e: sev.CellFinished) -> None:
        self.done += 1
        self.progress.update(self.overall, advance=1, info=self.info())
        if not self.live:
            shown = ", ".join(f"{k} {v:.4f}" for k, v in list(e.metrics.items())[:3] if isinstance(v, float))
            self.console.print(f"cell {e.cell} ({options_text(e.options)}, seed {e.seed}) done in {e.seconds:.1f}s: "
                               f"{shown}", highlight=False, markup=False)

    def on_cell_failed(self, e: sev.CellFailed) -> None:
        if not e.retried:
            self.failed += 1
            self.progress.update(self.overall, advance=1, info=self.info())
        self.console.print(f"[yellow]cell {escape(e.cell)}[/] ({escape(options_text(e.options))}, seed {e.seed}): "
                           f"{escape(e.message)}", highlight=False)

    def on_sweep_finished(self, e: sev.SweepFinished) -> None:
        self.progress.stop()
        for table in summary_tables(e.summary):
            self.out.print(table)
        what = "interrupted: `digits sweep --resume " + e.sweep_id + "` runs what is missing" \
            if e.status == "interrupted" else "finished"
        self.console.print(f"sweep {escape(e.sweep_id)} {what} · {e.done} of {e.total} cells done, {e.failed} failed "
                           f"· {e.seconds:.1f}s", highlight=False)
