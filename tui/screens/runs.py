"""`RunsScreen`: the run picker — saved runs with a summary of the highlighted one.

`enter` opens a run (its models are scored on the test set in a worker), `r` writes the
highlighted run's report, `d` browses the test set without a run, `n` trains a quick baseline on
the Train screen. With no runs yet, the screen says so and offers the last two.
`space` marks (or unmarks) the highlighted run and `c` compares the marked runs side by side
(screens/compare_runs.py); each marked run gets a style — colour and marker, `run_style` of its
place among the marked — which the mark shows here and the comparison keeps.
The list follows the runs directory while it is shown: every POLL seconds it compares each run's
run.json time with the last look (a stat per run) and redraws only when one changed, so a run
another process starts appears, and its status moves from running to finished, without f5.
"""

import os
from datetime import datetime
from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Static

from digits.core.runs.directory import dead, list_runs
from digits.core.tasks import QUICK_RUN, headline
from digits.tui.screens.base import LabScreen, report_binding

QUICK_BASELINE = QUICK_RUN
POLL = 2.0  # seconds between looks at the runs directory while the list is shown
STATUS_MARK = {"finished": "✓", "interrupted": "‖", "failed": "✗", "abandoned": "✗", "running": "…"}
# The styles of marked runs, by their place among the marked (cycled beyond eight).
RUN_COLOURS = ("#5DA5DA", "#FAA43A", "#60BD68", "#F17CB0", "#DECF3F", "#B276B2", "#F15854", "#B2912F")
RUN_MARKERS = ("●", "◆", "▲", "■", "▼", "✚", "✖", "◇")
NOT_ENOUGH_MARKED = "Mark two runs or more with space to compare them (c)."


def run_style(index: int) -> tuple[str, str]:
    """(colour, marker) of the `index`-th marked run: the same in the Runs table and every chart."""
    return RUN_COLOURS[index % len(RUN_COLOURS)], RUN_MARKERS[index % len(RUN_MARKERS)]


def result_text(info: dict) -> str:
    shown = headline(info.get("task", ""), info.get("metrics") or {})[:1]
    return f"{shown[0][1]:.2%} {shown[0][0]}" if shown else "-"


def summary(info: dict) -> str:
    """Markup describing one run: what, when, how long, its results and options."""
    started = datetime.fromtimestamp(info["started"]).strftime("%Y-%m-%d %H:%M") if info.get("started") else "?"
    seconds = f"{info['seconds']:.1f} s" if info.get("seconds") is not None else "-"
    lines = [f"[b]{escape(info['run_id'])}[/b]",
             f"task {escape(str(info.get('task')))} · {info.get('status')} · started {started} · {seconds}", ""]
    for label, value in headline(info.get("task", ""), info.get("metrics") or {}):
        lines.append(f"{value:7.2%}  {escape(label)}")
    models = [m["name"] for m in info.get("models") or []]
    lines += ["", f"models: {escape(', '.join(models)) if models else 'none saved'}"]
    report = Path(info["path"]) / "report" / "report.html" if info.get("path") else None
    if report is not None and report.is_file():  # written by `r` or `digits report`
        lines.append(f"report: {escape(str(report))}")
    lines += ["", "[b]options[/b]"]
    for key, value in (info.get("config") or {}).items():
        lines.append(f"  {key} = {escape(str(value))}")
    if info.get("error"):
        lines += ["", f"[red]error:[/] {escape(info['error'])}"]
    return "\n".join(lines)


class RunsScreen(LabScreen):
    NO_REPORT_TARGET = "No run to write a report of yet: train one first."
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        report_binding(),
        Binding("space", "mark", "Mark"),
        Binding("c", "compare_runs", "Compare marked"),
        Binding("d", "dataset", "Test set alone"),
        Binding("n", "quick", "Quick baseline"),
        Binding("f5", "reload", "Reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="runs-body"):
            with Vertical(id="runs-list"):
                yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
                with Vertical(id="no-runs"):
                    yield Static("No runs yet. Train one, or look at the test set without a model.",
                                 id="no-runs-text")
                    yield Button("Train a quick baseline (about 5 s)", id="quick", variant="primary")
                    yield Button("Browse the test set alone", id="dataset")
            yield Static(id="run-summary")
        yield Footer()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.marked: list[str] = []  # run ids, in the order they were marked
        self._state: tuple = ()  # the runs directory at the last look (see follow_directory)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="mark", width=2)  # the run's marker when marked (space), its status
        table.add_columns("run", "task", "result")
        self.reload()
        self.set_interval(POLL, self.follow_directory)

    def directory_state(self) -> tuple:
        """(name, run.json's time, still alive) of every run directory: what changes when a run starts
        or moves on; "still alive" only for the runs last seen running (a killed run writes nothing)."""
        root = Path(self.app.runs_root).expanduser()
        running = {info["run_id"]: info for info in getattr(self, "runs", []) if info.get("status") == "running"}
        try:
            children = sorted(os.scandir(root), key=lambda entry: entry.name)
        except OSError:
            return ()
        state = []
        for child in children:
            try:
                stamp = os.stat(Path(child.path) / "run.json").st_mtime_ns
            except OSError:
                continue
            info = running.get(child.name)
            state.append((child.name, stamp, info is not None and dead(Path(child.path), info) is None))
        return tuple(state)

    def follow_directory(self) -> None:
        if not self.is_current:
            return
        state = self.directory_state()
        if state != self._state:
            self.reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.reload()

    def reload(self) -> None:
        previous = self.highlighted() if getattr(self, "runs", None) else None
        self.runs = list(reversed(list_runs(self.app.runs_root)))  # newest first
        self._state = self.directory_state()  # after self.runs: which runs to check for life
        ids = {info["run_id"] for info in self.runs}
        self.marked = [run_id for run_id in self.marked if run_id in ids]  # a deleted run is no longer marked
        table = self.query_one(DataTable)
        table.clear()
        for info in self.runs:
            table.add_row(self.mark_cell(info), info["run_id"], info.get("task", "?"), result_text(info),
                          key=info["run_id"])
        empty = not self.runs
        self.query_one("#no-runs").display = empty
        table.display = not empty
        ids = [info["run_id"] for info in self.runs]
        row = ids.index(previous["run_id"]) if previous and previous["run_id"] in ids else 0
        self.query_one("#run-summary", Static).update("" if empty else summary(self.runs[row]))
        if not empty:
            table.move_cursor(row=row)  # stay on the run the user was on (e.g. after closing help)
            table.focus()
        else:
            self.query_one("#quick", Button).focus()

    def action_reload(self) -> None:
        self.reload()

    def mark_cell(self, info: dict) -> Text:
        """The run's marker in its colour when it is marked, then its status."""
        status = STATUS_MARK.get(info.get("status"), "?")
        if info["run_id"] not in self.marked:
            return Text(f" {status}")
        colour, marker = run_style(self.marked.index(info["run_id"]))
        return Text.assemble((marker, colour), status)

    def action_mark(self) -> None:
        info = self.highlighted()
        if info is None:
            return
        run_id = info["run_id"]
        if run_id in self.marked:
            self.marked.remove(run_id)
        else:
            self.marked.append(run_id)
        table = self.query_one(DataTable)
        by_id = {info["run_id"]: info for info in self.runs}
        for marked in {run_id, *self.marked}:  # the runs marked after an unmarked one move up a style
            table.update_cell(marked, "mark", self.mark_cell(by_id[marked]))

    def action_compare_runs(self) -> None:
        if len(self.marked) < 2:
            self.notify(NOT_ENOUGH_MARKED, severity="warning", timeout=4)
            return
        from digits.tui.screens.compare_runs import CompareRunsScreen  # its charts load on first use

        by_id = {info["run_id"]: info for info in self.runs}
        self.app.push_screen(CompareRunsScreen([by_id[run_id] for run_id in self.marked]))

    def highlighted(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.runs or table.cursor_row is None or table.cursor_row >= len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def report_target(self) -> dict | None:
        return self.highlighted()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.update_summary()

    def update_summary(self) -> None:
        info = self.highlighted()
        if info is not None:
            self.query_one("#run-summary", Static).update(summary(info))

    def report_written(self) -> None:
        self.update_summary()  # the summary names the run's report

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        info = self.highlighted()
        if info is None:
            return
        if info.get("status") == "running":  # trained by another process: follow it live on the Train screen
            self.app.follow_run(info)
            return
        if not info.get("models"):
            self.notify(f"{info['run_id']} saved no models ({info.get('status')}); pick another run",
                        severity="warning")
            return
        self.notify(f"loading {info['run_id']} …", timeout=2)
        self.app.open_run(info)

    def action_dataset(self) -> None:
        self.app.open_run(None)

    def action_quick(self) -> None:
        self.app.pending_training = QUICK_BASELINE
        self.app.action_show("train")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quick":
            self.action_quick()
        elif event.button.id == "dataset":
            self.action_dataset()
