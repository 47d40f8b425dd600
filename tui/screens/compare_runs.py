"""`CompareRunsScreen`: the runs marked on the Runs screen, side by side.

One phase's training curves overlaid (loss and test accuracy against the epoch; `p`/`P` pick the
phase when the runs have several), the runs' headline metrics in one table, one column per run,
and the options whose values differ between them (the count of shared ones below). Every run keeps
its style — colour and marker, from its place among the marked runs — in the legend, the charts
and the tables. The runs' event logs are read in a worker; `escape` goes back to the Runs screen.

Given groups instead (a sweep's cells by grid point, `g` on the Sweeps screen), each column is a
group: its curves are the mean over its runs with a band from the lowest to the highest, its
metrics the mean over its runs, its options those of its first run (the seed aside, its runs
share them).
"""

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from digits.core.figures.run import over_seeds, phase_groups
from digits.core.figures.source import read_events
from digits.core.runs.compare import differing_options, metric_names, shared_options
from digits.core.runs.directory import EVENTS_FILE
from digits.core.tasks import TASKS
from digits.tui.screens.runs import run_style
from digits.tui.widgets.run_curves import RunCurves, RunLine

Curves = dict[str, tuple]  # phase -> (loss Series | None, accuracy Series | None, seeds)


def group_curves(event_logs: list[list[dict]]) -> Curves:
    """phase -> its loss and test-accuracy series over every seed of every log (the mean, a band from
    lowest to highest) and how many seeds that is."""
    by_phase: dict[str, list[list[dict]]] = {}
    for events in event_logs:
        usable = [e for e in events if isinstance(e.get("epoch"), int) and not isinstance(e.get("epoch"), bool)]
        for phase, seeds in phase_groups(usable).items():
            by_phase.setdefault(phase, []).extend(seeds.values())
    return {phase: (over_seeds(phase, runs, "train_loss"), over_seeds(phase, runs, "test_accuracy"), len(runs))
            for phase, runs in by_phase.items()}


def run_curves(events: list[dict]) -> Curves:
    """phase -> its loss and test-accuracy series (mean over seeds, band lowest-highest) and seed count."""
    return group_curves([events])


def group_record(label: str, records: list[dict]) -> dict:
    """A group of runs as one column: its first run's task and options, the mean of each metric."""
    names = dict.fromkeys(k for r in records for k, v in (r.get("metrics") or {}).items()
                          if isinstance(v, (int, float)) and not isinstance(v, bool))
    means = {}
    for name in names:
        values = [r["metrics"][name] for r in records if isinstance((r.get("metrics") or {}).get(name), (int, float))]
        means[name] = sum(values) / len(values)
    return {"run_id": label, "task": records[0].get("task"), "config": records[0].get("config") or {},
            "metrics": means, "path": None}


def phase_order(curves: list[Curves]) -> list[str]:
    """Every phase of the runs, in the order they first appear (runs in their marked order)."""
    return list(dict.fromkeys(phase for run in curves for phase in run))


def default_phase(curves: list[Curves]) -> int:
    """The phase most of the runs have (the first such)."""
    phases = phase_order(curves)
    counts = [sum(phase in run for run in curves) for phase in phases]
    return counts.index(max(counts)) if counts else 0


def metric_text(value, percent: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.2%}" if percent else f"{value:.4g}"


def option_text(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return "x".join(map(str, value)) if value else "none"
    return str(value) if value != "" else '""'  # an empty text, shown


class CompareRunsScreen(Screen):
    CSS_PATH = "compare_runs.tcss"
    BINDINGS = [
        Binding("escape", "close", "Back to Runs"),
        Binding("p", "phase(1)", "Next phase"),
        Binding("P", "phase(-1)", "Previous phase", show=False),
    ]

    class Loaded(Message):
        """The runs' curves, read from their event logs (one `Curves` per run, in order)."""

        def __init__(self, curves: list[Curves]) -> None:
            super().__init__()
            self.curves = curves

    def __init__(self, records: list[dict] | None = None, groups: list[tuple[str, list[dict]]] | None = None):
        """`records`: runs (each with its `path`); or `groups`: (label, runs) pairs, one column each."""
        super().__init__()
        self.groups = groups or [(r["run_id"], [r]) for r in records or []]
        self.grouped = groups is not None
        self.records = [group_record(label, runs) if self.grouped else runs[0] for label, runs in self.groups]
        self.curves: list[Curves] | None = None  # None until the worker has read the logs
        self.phase = 0

    @property
    def phases(self) -> list[str]:
        return phase_order(self.curves or [])

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-runs-legend")
        yield Static("reading the runs' event logs …", id="compare-runs-phase")
        yield RunCurves(id="compare-runs-curves")
        with VerticalScroll(id="compare-runs-body"):
            yield Static("[b]headline metrics[/b]", classes="compare-runs-title")
            yield DataTable(id="compare-runs-metrics", cursor_type="none", zebra_stripes=True)
            yield Static(id="compare-runs-options-title", classes="compare-runs-title")
            yield DataTable(id="compare-runs-options", cursor_type="none", zebra_stripes=True)
            yield Static(id="compare-runs-shared")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = (f"comparing {len(self.records)} grid points (means over their runs)" if self.grouped
                          else f"comparing {len(self.records)} runs")
        for table in self.query(DataTable):
            table.can_focus = False  # the body scrolls as one
        self.query_one("#compare-runs-body").focus()
        self.fill_tables()
        self.show_legend()
        self.load_curves()

    def style(self, index: int) -> tuple[str, str]:
        return run_style(index)

    def run_label(self, index: int) -> Text:
        colour, marker = self.style(index)
        return Text(f"{marker} {self.records[index]['run_id']}", style=colour)

    def fill_tables(self) -> None:
        records = self.records
        headline = {name for r in records if (task := TASKS.get(r.get("task"))) for name, _label in task.headline}
        metrics = self.query_one("#compare-runs-metrics", DataTable)
        metrics.add_column("metric", key="metric")
        for i in range(len(records)):
            metrics.add_column(self.run_label(i), key=str(i))
        for name, label in metric_names(records):
            values = [(r.get("metrics") or {}).get(name) for r in records]
            percent = name in headline or (name.endswith(("accuracy", "_error")) and all(
                isinstance(v, float) and 0 <= v <= 1 for v in values if v is not None))
            metrics.add_row(Text(label), *(Text(metric_text(v, percent), justify="right") for v in values))
        if not metrics.row_count:
            metrics.add_row(Text("no metrics in common", style="dim"), *("" for _ in records))

        differing = differing_options(records)
        shared = shared_options(records)
        options = self.query_one("#compare-runs-options", DataTable)
        options.add_column("option", key="option")
        for i in range(len(records)):
            options.add_column(self.run_label(i), key=str(i))
        for name, values in differing.items():
            options.add_row(Text(name), *(Text(option_text(v)) for v in values))
        options.display = bool(differing)
        title = (f"[b]options that differ[/b] ({len(differing)}; - : not an option of the run's task)" if differing
                 else "[b]no option differs[/b]")
        self.query_one("#compare-runs-options-title", Static).update(title)
        listed = ", ".join(f"{name}={option_text(value)}" for name, value in shared.items())
        self.query_one("#compare-runs-shared", Static).update(
            Text(f"{len(shared)} options shared" + (f": {listed}" if listed else ""), style="dim"))

    def show_legend(self) -> None:
        legend = Text(no_wrap=False)
        phase = self.phases[self.phase] if self.phases else None
        for i, run in enumerate(self.curves or [None] * len(self.records)):
            if i:
                legend.append("   ")
            legend.append_text(self.run_label(i))
            if run is not None and phase is not None:
                if phase not in run:
                    legend.append(" (no such phase)", style="dim")
                elif run[phase][2] > 1:
                    legend.append(f" ({run[phase][2]} seeds: mean, band low-high)", style="dim")
        self.query_one("#compare-runs-legend", Static).update(legend)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_curves(self) -> None:
        curves = [group_curves([read_events(Path(r["path"]) / EVENTS_FILE) for r in runs if r.get("path")])
                  for _label, runs in self.groups]
        self.post_message(self.Loaded(curves))

    def on_compare_runs_screen_loaded(self, message: Loaded) -> None:
        self.curves = message.curves
        self.phase = default_phase(self.curves)
        self.show_phase()

    def show_phase(self) -> None:
        phases = self.phases
        self.show_legend()
        status = self.query_one("#compare-runs-phase", Static)
        if not phases:
            status.update("No training curves: the runs' event logs hold no finished epoch.")
            self.query_one(RunCurves).show([])
            return
        phase = phases[self.phase]
        having = sum(phase in run for run in self.curves)
        hint = f" ({self.phase + 1} of {len(phases)}, p: next)" if len(phases) > 1 else ""
        status.update(Text.assemble(("phase ", "dim"), (phase, "bold"),
                                    (f"{hint} · in {having} of {len(self.curves)} runs", "dim")))
        lines = []
        for i, run in enumerate(self.curves):
            colour, marker = self.style(i)
            loss, accuracy, _seeds = run.get(phase, (None, None, 0))
            lines.append(RunLine(colour, marker, loss, accuracy))
        self.query_one(RunCurves).show(lines)

    def action_phase(self, step: int) -> None:
        if len(self.phases) > 1:
            self.phase = (self.phase + step) % len(self.phases)
            self.show_phase()

    def action_close(self) -> None:
        self.dismiss()
