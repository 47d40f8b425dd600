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

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Group
from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Static

from digits.core.figures.sweep import numbers, per_point, point_label, strip
from digits.core.runs.directory import read_run
from digits.core.sweeps.spec import SweepSpec
from digits.core.sweeps.store import SWEEP_FILE, SweepDir, cell_records, list_sweeps, read_sweep
from digits.core.sweeps.summary import summary
from digits.core.tasks import TASKS
from digits.tui.screens.base import LabScreen, report_binding

POLL = 1.0  # seconds between looks at the sweep.json files' modification times
CELL_MARK = {"finished": "✓", "failed": "✗", "running": "…", "pending": "·"}
LONGEST = 60  # a strip wider than this only spreads its marks apart
SEED, MEAN, SPAN, ZERO = "●", "┃", "─", "┊"  # a strip's marks (a digit: that many seeds in one column)
SEED_STYLE, MEAN_STYLE, SPAN_STYLE, ZERO_STYLE = "bold #7fb2e5", "bold #f0a030", "#7fb2e5", "dim"


def fmt(value: float) -> str:
    return f"{value:.4f}"


def interval(s: dict) -> str:
    return f"{fmt(s['mean'] - s['ci95'])} – {fmt(s['mean'] + s['ci95'])}"


def spread(s: dict) -> str:
    """mean ± sample std; the mean alone from one seed (no spread, no interval yet)."""
    return f"{fmt(s['mean'])} ± {fmt(s['std'])}" if s["n"] > 1 else fmt(s["mean"])


def seeds_text(seeds) -> str:
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(map(str, seeds))


def grid_text(grid: dict) -> str:
    """width=8,16; hidden=256x256,512x512 (as --grid takes them)."""
    return "; ".join(f"{k}={','.join(point_label({k: v}).split('=', 1)[1] for v in values)}"
                     for k, values in grid.items()) or "none"


def stamp(path: Path) -> tuple | None:
    """What changes when a file is rewritten (sweep.json is replaced whole): None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


@dataclass
class Reading:
    """One sweep as read from its directory: sweep.json, its counts, the finished cells' run
    records and their summary (None when its task is unknown here)."""

    path: Path
    info: dict
    counts: dict
    records: dict[str, dict]
    summary: dict | None
    spec: SweepSpec


def read(path: Path, known: dict[str, dict] | None = None) -> Reading | None:
    """The sweep at `path`, reading only the run records of cells not in `known` (cell id -> record
    read before: a finished cell's directory is written once, whole). None if it is no sweep."""
    info = read_sweep(path)
    if info is None:
        return None
    try:
        cells = info["cells"]
        finished = {cid for cid, state in cells.items() if state.get("status") == "finished"}
        records = {cid: record for cid, record in (known or {}).items() if cid in finished}
        fresh = SweepDir(path, {**info, "cells": {cid: cells[cid] for cid in finished - set(records)}})
        records |= cell_records(fresh)
        sweep = SweepDir(path, info)
        spec = sweep.spec
        return Reading(Path(path), info, sweep.counts(), records,
                       summary(spec, records) if spec.task in TASKS else None, spec)
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged sweep.json: not listed as openable
        return None


class Strips:
    """Per grid point, every seed's value on one scale shared by the points, with the mean and its
    95% interval; `zero` marks 0 (a contrast). Laid out for the width it is drawn at."""

    def __init__(self, rows: list[tuple[str, object]], zero: bool = False):
        self.rows, self.zero = rows, zero  # (point label, figures.sweep.Strip or None)

    def scale(self) -> tuple[float, float]:
        ends = [v for _, s in self.rows if s is not None for v in (*s.values, s.lo, s.hi)]
        ends += [0.0] if self.zero else []
        lo, hi = min(ends), max(ends)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
        return lo, hi

    def __rich_console__(self, console, options):
        if not any(s is not None for _, s in self.rows):
            return
        label_width = min(max(len(label) for label, _ in self.rows), max(options.max_width // 3, 4))
        width = min(max(options.max_width - label_width - 4, 10), LONGEST)
        lo, hi = self.scale()

        def column(value: float) -> int:
            return min(max(round((value - lo) / (hi - lo) * (width - 1)), 0), width - 1)

        for label, s in self.rows:
            line = Text(no_wrap=True, overflow="crop", end="\n")
            shown = label if len(label) <= label_width else label[: label_width - 1] + "…"
            line.append(f"  {shown.ljust(label_width)}  ")
            cells = [(" ", "")] * width
            if s is not None:
                for k in range(column(s.lo), column(s.hi) + 1):
                    cells[k] = (SPAN, SPAN_STYLE)
            if self.zero:  # over the interval: whether it holds 0 shows
                cells[column(0.0)] = (ZERO, ZERO_STYLE)
            if s is not None:
                cells[column(s.mean)] = (MEAN, MEAN_STYLE)
                counts: dict[int, int] = {}
                for value in s.values:
                    counts[column(value)] = counts.get(column(value), 0) + 1
                for k, count in counts.items():
                    cells[k] = (SEED if count == 1 else str(count) if count < 10 else "+", SEED_STYLE)
            for mark, style in cells:
                line.append(mark, style)
            yield line
        left, right = fmt(lo), fmt(hi)
        yield Text(" " * (label_width + 4) + left + right.rjust(width - len(left)), style="dim", no_wrap=True,
                   overflow="crop")


class NumberTable:
    """A label column, then columns of numbers (right-aligned: their decimals line up); a row that
    is a string is a heading on a line of its own (bold). A label longer than the room the numbers
    leave gets a line of its own too, so no number is ever cut or wrapped."""

    def __init__(self, headers: list[str], rows: list[list[str] | str]):
        self.headers, self.rows = headers, rows

    def __rich_console__(self, console, options):
        table = [self.headers, *(row for row in self.rows if not isinstance(row, str))]
        widths = [max(len(row[k]) for row in table) for k in range(1, len(self.headers))]
        room = options.max_width - sum(widths) - 2 * len(widths)
        label_width = max(min(max(len(row[0]) for row in table), room), 0)
        for row in [self.headers, *self.rows]:
            if isinstance(row, str):
                yield Text(row, style="bold", no_wrap=True, overflow="ellipsis")
                continue
            style = "bold" if row is self.headers else ""
            label = row[0]
            if len(label) > label_width:
                yield Text(label, style=style)
                label = ""
            line = Text(no_wrap=True, overflow="crop", end="\n")
            line.append(label.ljust(label_width), style)
            for cell, width in zip(row[1:], widths):
                line.append("  ")  # unstyled: each cell its own segment, placed exactly in screenshots
                line.append(cell.rjust(width), style)
            yield line


def metrics_table(points: list[dict], labels: dict[str, str]) -> NumberTable:
    """Per grid point (a heading with its n), each headline metric: mean ± std and its interval."""
    rows: list[list[str] | str] = []
    for p in points:
        rows.append(f"{point_label(p['options'])} · {p['n']} seed{'s' if p['n'] != 1 else ''}")
        for name, s in p["metrics"].items():
            rows.append([f"  {labels.get(name, name)}", spread(s), interval(s) if s["n"] > 1 else "—"])
    return NumberTable(["", "mean ± std", "95% interval"], rows)


def contrast_table(points: list[dict], label: str) -> NumberTable:
    """One contrast per grid point: its mean, interval and how many seeds share the mean's sign."""
    rows = [[point_label(p["options"]), fmt(s["mean"]), interval(s) if s["n"] > 1 else "—", f"{s['agree']} of {s['n']}"]
            for p in points if (s := p["contrasts"].get(label)) is not None]
    return NumberTable(["", "mean", "95% interval", "same sign"], rows)


def answer(reading: Reading) -> Group | Text:
    """The opened sweep's summary, strips and contrasts, top to bottom."""
    if reading.summary is None:
        return Text(f"task {reading.spec.task!r} is not known to this digits: no summary", style="yellow")
    task = TASKS[reading.spec.task]
    points = reading.summary["points"]
    if not any(p["n"] for p in points):
        return Text("no cell finished yet: the summary appears with the first", style="dim")
    labels = dict(task.headline)
    cells = per_point(reading.spec, reading.records)
    names = [point_label(p) for p in reading.spec.points()]
    parts: list = [Text("over the seeds: mean ± std, 95% t-interval", style="bold"),
                   metrics_table(points, labels), Text(""),
                   Text.assemble((SEED, SEED_STYLE), " a seed (2: two) · ", (MEAN, MEAN_STYLE), " mean · ",
                                 (SPAN * 3, SPAN_STYLE), " 95% interval")]
    for name, label in task.headline:
        rows = [(point, strip(point, numbers(metrics, name))) for point, metrics in zip(names, cells)]
        if any(s is not None for _, s in rows):
            parts += [Text(label, style="bold"), Strips(rows)]
    for label, a, b in task.contrasts:
        if not any(label in p["contrasts"] for p in points):
            continue
        rows = [(point, strip(point, [float(m[a] - m[b]) for m in metrics if isinstance(m.get(a), (int, float))
                                      and isinstance(m.get(b), (int, float))]))
                for point, metrics in zip(names, cells)]
        parts += [Text(""), Text(f"paired contrast {label}", style="bold"),
                  Text.assemble("a − b of each seed's run; ", (ZERO, ZERO_STYLE), " is 0"),
                  contrast_table(points, label), Strips(rows, zero=True)]
    return Group(*parts)


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
        if action in ("compare", "back"):
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
