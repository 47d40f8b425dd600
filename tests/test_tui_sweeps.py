"""The Sweeps screen (8): the sweeps with their counts, one opened (the numbers `digits sweep show`
prints, each seed on a strip, the contrasts), followed live while its sweep.json changes, and a
cell's run opened in Browse (or said to have no networks).

The sweeps are the saved fixture sweeps in tests/fixtures/sweeps/ (tests/fixtures/make_sweeps.py:
a 2-point × 3-seed highway sweep, finished, and the same caught running), copied per test:
nothing is trained here.
"""

import asyncio
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.notifications import Notify
from textual.widgets import DataTable
from tui_support import FIXTURE_RUNS

from digits.core.atomic import write_json
from digits.core.sweeps.store import SweepDir, cell_records, read_sweep
from digits.core.sweeps.summary import summary
from digits.tui.app import SCREENS, DigitsApp
from digits.tui.screens import sweeps as sweeps_module
from digits.tui.screens.help import HELP

FIXTURE_SWEEPS = Path(__file__).resolve().parent / "fixtures" / "sweeps"
FINISHED = "sweep-highway-20260101-000000"  # every cell done
RUNNING = "sweep-highway-20260101-010000"  # p001-s1 failed, p001-s2 pending (see make_sweeps.py)
KEY = SCREENS["sweeps"][0]
WAIT = 15  # seconds a change on disk may take to show (polled every second; 2 busy cores)


class Notes:
    """The notifications the app was given (run_test's message hook)."""

    def __init__(self):
        self.seen = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.seen.append(message.notification)

    def texts(self, severity: str | None = None) -> list[str]:
        return [n.message for n in self.seen if severity in (None, n.severity)]


@pytest.fixture
def root(tmp_path):
    """A runs directory holding a fresh copy of both fixture sweeps (tests change them)."""
    runs = tmp_path / "runs"
    for sweep_id in (FINISHED, RUNNING):
        shutil.copytree(FIXTURE_SWEEPS / sweep_id, runs / sweep_id)
    return runs


def text_of(widget) -> str:
    """Everything a widget draws, its border and padding too (tui_support's leaves out their rows)."""
    width, height = widget.outer_size
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height)))


async def until(pilot, condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await pilot.pause(0.05)


async def open_sweep(app, pilot, sweep_id: str) -> None:
    """From anywhere: the Sweeps screen, the cursor on `sweep_id`, enter; wait until it is read."""
    await pilot.press(KEY)
    await pilot.pause()
    screen = app.screen
    assert type(screen).__name__ == "SweepsScreen"
    row = [info["sweep_id"] for info in screen.sweeps].index(sweep_id)
    screen.query_one("#sweeps-table", DataTable).move_cursor(row=row)
    await pilot.press("enter")
    await until(pilot, lambda: screen.opened is not None, f"{sweep_id} opened")
    await pilot.pause()


def answer_text(screen) -> str:
    return text_of(screen.query_one("#sweep-answer"))


def cell_rows(screen) -> dict[str, list[str]]:
    table = screen.query_one("#sweep-cells", DataTable)
    return {str(row.value): [str(c) for c in table.get_row(row)] for row in table.rows}


def strip_rows(text: str) -> list[str]:
    """The rows of the strips: a point's label, then the marks."""
    return [line for line in text.splitlines() if line.startswith("  width=") and ("●" in line or "─" in line)]


async def test_the_list_gives_each_sweeps_task_status_and_counts(mnist, root):
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await pilot.pause()
        screen = app.screen
        assert app.current_mode == "sweeps"
        table = screen.query_one("#sweeps-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [[RUNNING, "highway", "running", "4", "1", "6"],  # newest first
                        [FINISHED, "highway", "finished", "6", "0", "6"]]
        spec = text_of(screen.query_one("#sweep-spec"))
        assert RUNNING in spec and "grid width=8,16 · seeds 0-2 · networks kept: none" in spec
        await pilot.press("down")
        assert FINISHED in text_of(screen.query_one("#sweep-spec"))
        assert "`8`" in HELP and "Sweeps" in HELP


async def test_an_opened_sweep_shows_what_sweep_show_prints(mnist, root):
    info = read_sweep(root / FINISHED)
    expected = summary(SweepDir(root / FINISHED, info).spec, cell_records(SweepDir(root / FINISHED, info)))
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sweep(app, pilot, FINISHED)
        screen = app.screen
        title = text_of(screen.query_one("#sweep-title"))
        assert f"{FINISHED} · highway · finished" in title and "6 of 6 cells done, 0 failed" in title
        text = answer_text(screen)
        for point in expected["points"]:
            label = f"width={point['options']['width']}"
            assert f"{label} · 3 seeds" in text
            for s in point["metrics"].values():  # mean ± std and the 95% interval, as the CLI formats them
                shown = rf"{s['mean']:.4f} ± {s['std']:.4f}\s+{s['mean'] - s['ci95']:.4f} – {s['mean'] + s['ci95']:.4f}"
                assert re.search(shown, text), shown
            contrast = point["contrasts"]["highway − plain"]
            assert any(line.startswith(label) and f"{contrast['mean']:.4f}" in line
                       and line.endswith(f"{contrast['agree']} of 3") for line in text.splitlines())
        assert "paired contrast highway − plain" in text
        # each strip row holds every seed: one ● per seed, or a digit for seeds in one place
        rows = strip_rows(text)
        assert len(rows) == 2 * 3  # two points × (two headline metrics + one contrast)
        for row in rows:
            marks = row.split(maxsplit=1)[1]
            assert marks.count("●") + sum(int(c) for c in marks if c.isdigit()) == 3, row
        assert all("┊" in row or "●" in row for row in rows[-2:])  # the contrast's strip marks 0 (unless hidden)
        cells = cell_rows(screen)
        assert list(cells) == [f"p00{p}-s{s}" for p in (0, 1) for s in (0, 1, 2)]
        records = cell_records(SweepDir(root / FINISHED, info))
        for cell_id, row in cells.items():
            assert row[0] == "✓" and row[3] == f"{records[cell_id]['metrics']['highway_test_accuracy']:.4f}"
        await pilot.press("escape")
        assert screen.query_one("#sweeps-table").has_focus and screen.opened is None


async def test_the_view_follows_a_running_sweep_and_reads_only_what_changed(mnist, root, monkeypatch):
    reads = []
    real_read = sweeps_module.read

    def counted(path, known=None):
        reads.append((Path(path).name, sorted(known or {})))
        return real_read(path, known)

    monkeypatch.setattr(sweeps_module, "read", counted)
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sweep(app, pilot, RUNNING)
        screen = app.screen
        title = lambda: text_of(screen.query_one("#sweep-title"))  # noqa: E731
        assert "· running" in title() and "4 of 6 cells done, 1 failed" in title()
        assert "width=16 · 1 seed\n" in answer_text(screen)
        assert cell_rows(screen)["p001-s2"][0] == "·" and cell_rows(screen)["p001-s2"][3] == "pending"
        assert cell_rows(screen)["p001-s1"][3] == "failed"
        await asyncio.sleep(2.5)  # two polls or more: nothing changed, nothing read again
        await pilot.pause()
        assert len(reads) == 1, reads

        # the sweep goes on: a cell's directory appears whole, then sweep.json says so (as the runner writes them)
        shutil.copytree(FIXTURE_SWEEPS / FINISHED / "cells" / "p001-s2", root / RUNNING / "cells" / "p001-s2")
        info = json.loads((root / RUNNING / "sweep.json").read_text())
        info["cells"]["p001-s2"].update(status="finished", attempts=1, seconds=1.0)
        write_json(root / RUNNING / "sweep.json", info)
        await until(pilot, lambda: "5 of 6 cells done, 1 failed" in title(), "the new count")
        await pilot.pause()
        assert "width=16 · 2 seeds\n" in answer_text(screen)
        assert cell_rows(screen)["p001-s2"][0] == "✓" and cell_rows(screen)["p001-s2"][3] != "pending"
        assert len(reads) == 2 and reads[1] == (RUNNING, ["p000-s0", "p000-s1", "p000-s2", "p001-s0"])  # cached

        info["status"], info["finished"] = "finished", info["created"] + 60
        write_json(root / RUNNING / "sweep.json", info)
        await until(pilot, lambda: "· finished" in title(), "the finished status")
        await pilot.press("escape")  # the list followed too
        await until(pilot, lambda: screen.query_one("#sweeps-table", DataTable).row_count == 2, "the list")
        table = screen.query_one("#sweeps-table", DataTable)
        await until(pilot, lambda: [str(c) for c in table.get_row_at(0)][2:] == ["finished", "5", "1", "6"],
                    "the list's counts")


async def test_enter_on_a_cell_without_networks_or_run_says_so(mnist, root):
    notes = Notes()
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_sweep(app, pilot, RUNNING)
        await pilot.press("enter")  # p000-s0: finished, saved with --save-models none
        await pilot.pause()
        assert app.current_mode == "sweeps" and app.lab is None and app.is_running
        warnings = notes.texts("warning")
        assert len(warnings) == 1 and "p000-s0 saved no networks" in warnings[0] and "none" in warnings[0]
        assert not notes.texts("error")
        table = app.screen.query_one("#sweep-cells", DataTable)
        table.move_cursor(row=5)  # p001-s2, pending
        await pilot.press("c")
        await pilot.pause()
        assert "p001-s2 is pending" in notes.texts("warning")[-1]
        assert not any(w.group == "load" for w in app.workers)  # nothing was loaded
        assert app.current_mode == "sweeps" and app.is_running


async def test_enter_on_a_cell_with_networks_opens_its_run_in_browse(mnist, root):
    cell = root / FINISHED / "cells" / "p000-s1"
    shutil.rmtree(cell)
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", cell)  # a run with a network, as the cell's run
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sweep(app, pilot, FINISHED)
        await pilot.press("down", "enter")
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=WAIT)
        await pilot.pause()
        assert app.current_mode == "browse" and type(app.screen).__name__ == "BrowseScreen"
        assert app.lab is not None and Path(app.lab.info["path"]) == cell
        await pilot.press(KEY)  # back: the sweep is still open, on the same cell
        await pilot.pause()
        screen = app.screen
        assert screen.opened is not None and screen.query_one("#sweep-cells", DataTable).cursor_row == 1
        await pilot.press("c")
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=WAIT)
        await pilot.pause()
        assert app.current_mode == "compare" and Path(app.lab.info["path"]) == cell


async def test_no_sweeps_is_said_and_keys_do_nothing_harmful(mnist, tmp_path):
    notes = Notes()
    app = DigitsApp(mnist, tmp_path / "none")
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await pilot.press(KEY, "enter", "escape", "c", "f5", "r")
        await pilot.pause()
        assert "No sweeps in" in text_of(app.screen.query_one("#sweeps-empty"))
        assert notes.texts("warning") == [sweeps_module.SweepsScreen.NO_REPORT_TARGET]
        assert app.current_mode == "sweeps" and app.is_running


@pytest.fixture
def utc(monkeypatch):
    """The sweeps' start times shown in UTC, on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_sweeps_list_snapshot(mnist, root, snap_compare, monkeypatch, utc):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def run_before(pilot):
        await pilot.press(KEY)
        await pilot.pause()

    assert snap_compare(DigitsApp(mnist, root), terminal_size=(80, 24), run_before=run_before)


def test_opened_sweep_snapshot(mnist, root, snap_compare, monkeypatch, utc):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def run_before(pilot):
        await open_sweep(pilot.app, pilot, RUNNING)  # running: done, failed and pending cells, a point of one seed

    assert snap_compare(DigitsApp(mnist, root), terminal_size=(80, 24), run_before=run_before)
