"""`SweepsScreen`: the sweeps in the runs directory, and one of them opened, followed live.

The list gives each sweep's task, status and cells done / failed / total, and the highlighted
sweep's grid, seeds and fixed options. `enter` opens a sweep: per grid point each headline metric
over the seeds (n, mean ± sample std, 95% t-interval, as `digits sweep show` prints them), a strip
per grid point of every seed's value on a scale shared by the points with the mean and its
interval, the paired contrasts (mean, interval, how many seeds agree in sign), and the sweep's
cells with their status and first headline metric. `enter` on a cell opens its run in Browse, `c`
in Compare, as a run from the Runs screen (a cell saved without networks cannot be: that is said);
`escape` goes back to the list, `r` writes the sweep's report, `f5` reads everything again.

While a sweep runs the screen follows it: every second a worker thread looks at the sweep.json
files' modification times and, only when one changed, reads that sweep again (each finished
cell's run record once) and posts what it read; the event loop only draws.
"""

from datetime import datetime
from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Static

from digits.core.figures.sweep import point_label
from digits.core.runs.directory import read_run
from digits.core.sweeps.store import SWEEP_FILE, SweepDir, list_sweeps
from digits.core.tasks import TASKS
from digits.tui.screens.base import LabScreen, report_binding
from digits.tui.widgets.sweep_answer import Reading, answer, fmt, grid_text, read, seeds_text, stamp

POLL = 1.0  # seconds between looks at the sweep.json files' modification times
CELL_MARK = {"finished": "✓", "failed": "✗", "running": "…", "pending": "·"}
def spec_text(info: dict) -> str:
    """Markup describing a listed sweep: its grid, seeds, fixed options, how it ran, when."""
    spec = info.get("spec") or {}
    created = datetime.fromtimestamp(info["created"]).strftime("%Y-%m-%d %H:%M") if info.get("created") else "?"
    grid = grid_text(spec.get("grid") or {})
    options = ", ".join(f"{k}={v}" for k, v in (spec.get("options") or {}).items()) or "the defaults"
    how = info.get("how") or {}
    lines = [f"[b]{escape(info['sweep_id'])}[/b] · started {created}",
             f"grid {escape(grid)} · seeds {escape(seeds_text(spec.get('seeds') or []))} · networks kept: "
             f"{escape(str(how.get('save_models', '?')))}",
             f"options {escape(options)}"]
    return "\n".join(lines)


class SweepTable(DataTable):
    """The sweeps, one a row: `enter` (in the footer) opens the highlighted one."""

    BINDINGS = [Binding("enter", "select_cursor", "Open")]


class CellTable(DataTable):
    """The opened sweep's cells, one a row: `enter` (in the footer) opens its run in Browse."""

    BINDINGS = [Binding("enter", "select_cursor", "Browse")]


class SweepsScreen(LabScreen):
    CSS_PATH = "sweeps.tcss"
    NO_REPORT_TARGET = "No sweep to write a report of: start one with `digits sweep`."
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("c", "compare", "Compare"),
        Binding("g", "compare_points", "Compare points", show=False),  # the footer is full at 80 columns: in ? help
        Binding("escape", "back", "Back"),
        report_binding(),
        Binding("f5", "reload", "Reload", show=False),  # (it follows the files anyway)
    ]

    class Listed(Message):
        """The sweeps of the runs directory (oldest first), read by the poll worker."""

        def __init__(self, sweeps: list[dict], stamps: dict) -> None:
            super().__init__()
            self.sweeps, self.stamps = sweeps, stamps

    class Read(Message):
        """The opened sweep, read again by the poll worker (None: it is gone or no longer readable)."""

        def __init__(self, path: Path, reading: Reading | None, stamp: tuple | None) -> None:
            super().__init__()
            self.path, self.reading, self.stamp = path, reading, stamp

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sweeps: list[dict] = []  # newest first
        self.stamps: dict[str, tuple | None] = {}  # sweep dir -> stamp of its sweep.json, when last listed
        self.opened_path: Path | None = None  # the sweep shown (None: the list is)
        self.opened: Reading | None = None  # what was last read of it
        self.opened_stamp: tuple | None = None
        self.timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="sweeps-list", id="sweeps-switcher"):
            with Vertical(id="sweeps-list"):
                yield SweepTable(id="sweeps-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="sweeps-empty")
                yield Static(id="sweep-spec")
            with Vertical(id="sweep-view"):
                yield Static(id="sweep-title")
                with Horizontal(id="sweep-body"):
                    yield CellTable(id="sweep-cells", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(id="sweep-summary"):
                        yield Static(id="sweep-answer")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sweeps-table", DataTable)
        table.add_column("sweep", key="sweep")
        table.add_column("task", key="task")
        table.add_column("status", key="status")
        for key in ("done", "failed", "total"):
            table.add_column(key, key=key)
        self.list_now()
        self.timer = self.set_interval(POLL, self.poll)

    def on_screen_resume(self) -> None:
        if self.timer is not None:
            self.timer.resume()
        self.poll()

    def on_screen_suspend(self) -> None:
        if self.timer is not None:
            self.timer.pause()  # no reading for a screen nobody sees

    @property
    def viewing(self) -> bool:
        return self.opened_path is not None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("compare", "compare_points", "back"):
            return self.viewing
        return True

    # Reading, off the event loop ------------------------------------------------------------------

    def poll(self) -> None:
        if not any(w.group == "sweeps-poll" and not w.is_finished for w in self.workers):
            opened = self.opened_path if self.opened is not None else None  # (until then: being loaded)
            self.look(dict(self.stamps), opened, self.opened_stamp, dict(self.opened.records) if opened else {})

    @work(thread=True, group="sweeps-poll", exit_on_error=False)
    def look(self, stamps: dict, opened: Path | None, opened_stamp: tuple | None, known: dict) -> None:
        """Post the sweeps again if a sweep.json appeared, went or changed; the opened sweep if its did."""
        root = Path(self.app.runs_root).expanduser()
        try:
            now = {str(child): stamp(child / SWEEP_FILE) for child in root.iterdir() if child.is_dir()}
        except OSError:
            now = {}
        now = {path: st for path, st in now.items() if st is not None}
        if now != stamps:
            self.post_message(self.Listed(list_sweeps(root), now))
        if opened is not None:
            current = stamp(opened / SWEEP_FILE)
            if current != opened_stamp:
                self.post_message(self.Read(opened, read(opened, known), current))

    def list_now(self) -> None:
        """Read the list on the event loop (first drawing, f5): sweep.json files are small."""
        root = Path(self.app.runs_root).expanduser()
        sweeps = list_sweeps(root)
        self.show_list(sweeps, {info["path"]: stamp(Path(info["path"]) / SWEEP_FILE) for info in sweeps})

    def on_sweeps_screen_listed(self, message: Listed) -> None:
        self.show_list(message.sweeps, message.stamps)

    # The list -------------------------------------------------------------------------------------

    def show_list(self, sweeps: list[dict], stamps: dict) -> None:
        previous = self.highlighted()
        self.sweeps, self.stamps = list(reversed(sweeps)), stamps  # newest first
        table = self.query_one("#sweeps-table", DataTable)
        table.clear()
        for info in self.sweeps:
            counts = SweepDir(Path(info["path"]), info).counts() if isinstance(info.get("cells"), dict) else {}
            table.add_row(info.get("sweep_id", "?"), str(info.get("task", "?")), str(info.get("status", "?")),
                          *(str(counts.get(key, "?")) for key in ("done", "failed", "total")), key=info["path"])
        empty = not self.sweeps
        table.display = not empty
        self.query_one("#sweeps-empty", Static).update(
            f"No sweeps in {escape(str(self.app.runs_root))} yet. Start one with `digits sweep --grid NAME=V1,V2 "
            "--seeds 0-4` (see `digits sweep --help`); it appears here as it runs." if empty else "")
        self.query_one("#sweeps-empty").display = empty
        paths = [info["path"] for info in self.sweeps]
        row = paths.index(previous["path"]) if previous and previous["path"] in paths else 0
        if not empty:
            table.move_cursor(row=row)
        self.update_spec()
        if not self.viewing and not empty:
            table.focus()

    def highlighted(self) -> dict | None:
        table = self.query_one("#sweeps-table", DataTable)
        if not self.sweeps or table.cursor_row is None or not 0 <= table.cursor_row < len(self.sweeps):
            return None
        return self.sweeps[table.cursor_row]

    def update_spec(self) -> None:
        info = self.highlighted()
        self.query_one("#sweep-spec", Static).update(spec_text(info) if info else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "sweeps-table":
            self.update_spec()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    # One sweep ------------------------------------------------------------------------------------

    def action_open(self) -> None:
        if self.viewing:
            self.open_cell("browse")
            return
        info = self.highlighted()
        if info is None:
            return
        self.opened_path, self.opened, self.opened_stamp = Path(info["path"]), None, None
        self.query_one("#sweep-cells", DataTable).clear(columns=True)
        self.query_one("#sweep-title", Static).update(f"[b]{escape(info['sweep_id'])}[/b] · reading …")
        self.query_one("#sweep-answer", Static).update("")
        self.query_one("#sweep-summary", VerticalScroll).scroll_home(animate=False)
        self.query_one(ContentSwitcher).current = "sweep-view"
        self.query_one("#sweep-cells", DataTable).focus()
        self.refresh_bindings()
        self.load(self.opened_path)

    @work(thread=True, exclusive=True, group="sweeps-open", exit_on_error=False)
    def load(self, path: Path) -> None:
        """Read a sweep being opened (all its cells' records: many cells take a while)."""
        current = stamp(path / SWEEP_FILE)
        self.post_message(self.Read(path, read(path), current))

    def on_sweeps_screen_read(self, message: Read) -> None:
        if message.path != self.opened_path:
            return  # read for a sweep no longer open
        self.opened_stamp = message.stamp
        if message.reading is not None:
            self.show_sweep(message.reading)
        elif self.opened is None:
            self.notify(f"cannot read the sweep in {message.path}: its sweep.json is missing or damaged",
                        severity="error", timeout=6, markup=False)
            self.action_back()

    def build_cells(self, reading: Reading) -> None:
        """The cells' table of a sweep just opened: one row per cell of its spec, in its order."""
        cells = self.query_one("#sweep-cells", DataTable)
        cells.clear(columns=True)
        headline = TASKS[reading.spec.task].headline[:1] if reading.spec.task in TASKS else ()
        cells.add_column("", key="mark")
        cells.add_column("cell", key="cell")
        cells.add_column("point", key="point")
        cells.add_column(headline[0][1] if headline else "result", key="metric")
        for cell in reading.spec.cells():
            cells.add_row("", cell.id, point_label(cell.options), "", key=cell.id)
        cells.move_cursor(row=0)

    def show_sweep(self, reading: Reading) -> None:
        """Draw the opened sweep (again: the cells' rows are updated in place, the cursor stays)."""
        if self.opened is None:
            self.build_cells(reading)
        self.opened = reading
        info, counts = reading.info, reading.counts
        self.query_one("#sweep-title", Static).update(
            f"[b]{escape(info['sweep_id'])}[/b] · {escape(str(info.get('task')))} · {escape(str(info.get('status')))}"
            f"\n{counts['done']} of {counts['total']} cells done, {counts['failed']} failed · grid "
            f"{escape(grid_text(reading.spec.grid))} · seeds {escape(seeds_text(reading.spec.seeds))}")
        headline = TASKS[reading.spec.task].headline[:1] if reading.spec.task in TASKS else ()
        cells = self.query_one("#sweep-cells", DataTable)
        for cell_id, state in info["cells"].items():
            if cell_id not in cells.rows:
                continue
            status = state.get("status", "?")
            metric = (reading.records.get(cell_id) or {}).get("metrics") or {}
            value = metric.get(headline[0][0]) if headline else None
            cells.update_cell(cell_id, "mark", CELL_MARK.get(status, "?"))
            cells.update_cell(cell_id, "metric", fmt(value) if isinstance(value, (int, float)) else status,
                              update_width=True)
        self.query_one("#sweep-answer", Static).update(answer(reading))

    def action_back(self) -> None:
        if not self.viewing:
            return
        self.opened_path = self.opened = None
        self.query_one(ContentSwitcher).current = "sweeps-list"
        self.refresh_bindings()
        table = self.query_one("#sweeps-table", DataTable)
        if self.sweeps:
            table.focus()
        self.poll()

    def action_compare(self) -> None:
        if self.viewing:
            self.open_cell("compare")

    def action_compare_points(self) -> None:
        """The opened sweep's grid points side by side in Compare-runs: each point's curves as the mean
        over its finished cells with a band, its metrics as their mean."""
        if not self.viewing or self.opened is None:
            return
        from digits.tui.screens.compare_runs import CompareRunsScreen  # its charts load with it

        reading = self.opened
        groups = []
        for index, options in enumerate(reading.spec.points()):
            runs = [{**reading.records[c.id], "path": str(reading.path / "cells" / c.id)}
                    for c in reading.spec.cells() if c.point == index and c.id in reading.records]
            if runs:
                groups.append((point_label(options), runs))
        if len(groups) < 2:
            self.notify("Comparing grid points needs two with a finished cell or more.", severity="warning")
            return
        self.app.push_screen(CompareRunsScreen(groups=groups))

    def open_cell(self, then: str) -> None:
        """The highlighted cell's run in Browse or Compare, as the Runs screen opens a run."""
        if self.opened is None:
            return
        cells = self.query_one("#sweep-cells", DataTable)
        if cells.row_count == 0 or cells.cursor_row is None:
            return
        cell_id = cells.coordinate_to_cell_key((cells.cursor_row, 0)).row_key.value
        state = self.opened.info["cells"].get(cell_id) or {}
        info = read_run(self.opened.path / "cells" / cell_id) if state.get("status") == "finished" else None
        if info is None:
            self.notify(f"cell {cell_id} is {state.get('status', 'unknown')}: it has no run to open yet",
                        severity="warning", markup=False)
        elif not info.get("models"):
            how = (self.opened.info.get("how") or {}).get("save_models")
            why = f" (the sweep kept networks: {how})" if how else ""
            self.notify(f"cell {cell_id} saved no networks{why}: nothing to browse; its numbers are in the summary",
                        severity="warning", markup=False)
        else:
            self.notify(f"loading {info['run_id']} …", timeout=2, markup=False)
            self.app.open_run(info, then=then)

    def action_reload(self) -> None:
        self.list_now()
        if self.opened_path is not None:
            self.load(self.opened_path)

    def action_report(self) -> None:
        """`r`: the report of the opened sweep, or of the highlighted one."""
        if self.opened is not None and self.viewing:
            path, name = self.opened.path, self.opened.info["sweep_id"]
        elif (info := self.highlighted()) is not None:
            path, name = Path(info["path"]), info["sweep_id"]
        else:
            self.notify(self.NO_REPORT_TARGET, severity="warning", timeout=4)
            return
        self.app.write_report(str(path), name)
