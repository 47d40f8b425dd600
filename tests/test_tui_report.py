"""`r` on the Runs and Compare screens writes the run's report (issue 19) in a worker and says where.

Each test works on its own copy of the fixture runs (the reports are written into the runs'
directories) and waits for the report worker for a bounded time; the notifications are read as
the app receives them (run_test's message hook), the files from the disk.
"""

import asyncio
import os
import time
from pathlib import Path

import pytest
from textual import events
from textual.notifications import Notify
from textual.widgets import Static
from textual.worker import Worker, WorkerState
from tui_support import copy_fixture_runs

from digits.core.runs.inspection import find_run
from digits.tui.app import REPORT_GROUP, DigitsApp
from digits.tui.screens.help import HELP

WAIT = 60  # seconds a report may take on a busy 2-core machine (it takes 2-4 s alone)


class Seen:
    """What the app was told: its notifications, and the workers that died of an error."""

    def __init__(self):
        self.notes = []
        self.failed = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.notes.append(message.notification)
        elif isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
            self.failed.append(message.worker)

    def outcomes(self) -> list:
        """The notifications saying a report was written, or why not."""
        return [n for n in self.notes if n.title.startswith("report of") or n.title == "no report"]

    def texts(self, severity: str | None = None) -> list[str]:
        return [f"{n.title}: {n.message}" for n in self.notes if severity in (None, n.severity)]


@pytest.fixture
def runs(tmp_path):
    """(runs root, task -> run id): a fresh copy of the fixture runs, written into by the reports."""
    root = tmp_path / "runs"
    root.mkdir()
    return root, copy_fixture_runs(root)


async def settle(app, pilot, seen: Seen, reports: int = 1) -> None:
    """Wait (bounded) for the report worker, then until the app has said how the `reports`-th report
    went (the worker's message, then the notification it makes, each wait their turn in the queue)."""
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout=WAIT)
    deadline = time.monotonic() + WAIT
    while len(seen.outcomes()) < reports:
        assert time.monotonic() < deadline, seen.texts()
        await pilot.pause(0.05)
    assert not app.writing_report


async def on_runs_row(app, pilot, run_id: str) -> None:
    """Move the Runs screen's cursor to `run_id`, with the arrow keys."""
    await pilot.pause()
    screen = app.screen
    assert type(screen).__name__ == "RunsScreen"
    step = [info["run_id"] for info in screen.runs].index(run_id) - screen.runs.index(screen.highlighted())
    for _ in range(abs(step)):
        await pilot.press("down" if step > 0 else "up")
    assert screen.highlighted()["run_id"] == run_id


async def press_now(pilot, key: str) -> None:
    """Press a key and let the app handle it, without pilot.press's wait for the CPU to go idle
    (up to 2 s a key while the report's thread keeps it busy: long enough for a report to finish)."""
    event = events.Key(key, key)
    event.set_sender(pilot.app)
    pilot.app.post_message(event)
    await pilot.pause(0)
    await pilot.pause(0)


def assert_written(seen: Seen, run_dir: Path) -> Path:
    report = run_dir / "report" / "report.html"
    assert report.is_file() and report.stat().st_size > 0
    assert (run_dir / "report" / "report.md").is_file()
    done = [n for n in seen.notes if str(report) in n.message]
    assert len(done) == 1, seen.texts()
    assert done[0].severity == "information" and done[0].timeout >= 10  # stays long enough to read
    assert not seen.texts("error") and not seen.failed
    return report


async def test_runs_screen_writes_the_highlighted_runs_report(mnist, runs):
    root, ids = runs
    seen = Seen()
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24), message_hook=seen) as pilot:
        await on_runs_row(app, pilot, ids["baseline"])
        assert app.screen.active_bindings["r"].binding.show  # in the footer
        await press_now(pilot, "r")
        assert app.writing_report
        await press_now(pilot, "r")  # again while it is written: said, not a second build (pyplot is not thread-safe)
        await settle(app, pilot, seen)
        assert [text for text in seen.texts() if "writing the report of" in text] == [
            ": writing the report of baseline-tiny …"]  # one build only
        assert [text for text in seen.texts("warning") if "already being written" in text]
        assert len(seen.outcomes()) == 1
        report = assert_written(seen, root / ids["baseline"])
        summary = str(app.screen.query_one("#run-summary", Static).content)
        assert f"report: {report}" in summary  # the run's summary names it too
        for other in ("subliminal", "distill"):
            assert not (root / ids[other] / "report").exists()
        assert app.is_running and app.current_mode == "runs"


async def test_compare_screen_writes_the_compared_runs_report(mnist, runs):
    root, ids = runs
    seen = Seen()
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24), message_hook=seen) as pilot:
        app.open_run(find_run(root, ids["baseline"]), then="compare")
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=WAIT)
        await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
        assert "r" in app.screen.active_bindings  # bound, listed in the help (the footer is full)
        await pilot.press("r")
        await settle(app, pilot, seen)
        assert_written(seen, root / ids["baseline"])
        assert app.is_running and app.current_mode == "compare"
    assert "`r`" in HELP


async def test_a_report_that_cannot_be_written_is_an_error_not_a_crash(mnist, runs):
    root, ids = runs
    (root / ids["baseline"] / "report").write_text("a file where the report's directory would go\n")
    seen = Seen()
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24), message_hook=seen) as pilot:
        await on_runs_row(app, pilot, ids["baseline"])
        await pilot.press("r")
        await settle(app, pilot, seen)
        errors = seen.texts("error")
        assert len(errors) == 1 and "cannot write" in errors[0], seen.texts()
        assert not seen.failed and app.is_running
        # the report of a run whose record went away after the list was read: the lookup's message
        os.remove(root / ids["subliminal"] / "run.json")
        await on_runs_row(app, pilot, ids["subliminal"])
        await pilot.press("r")
        await settle(app, pilot, seen, reports=2)
        errors = seen.texts("error")
        assert len(errors) == 2 and "no run or sweep" in errors[1], seen.texts()
        assert not seen.failed and app.is_running
        assert not (root / ids["subliminal"] / "report").exists()


async def test_no_run_to_report_is_said(mnist, tmp_path):
    seen = Seen()
    app = DigitsApp(mnist, tmp_path / "none")
    async with app.run_test(size=(80, 24), message_hook=seen) as pilot:
        await pilot.pause()
        await pilot.press("r")  # the Runs screen, empty
        await pilot.press("4", "r")  # Compare with no run loaded
        deadline = time.monotonic() + WAIT
        while len(seen.texts("warning")) < 2 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app.current_mode == "compare" and not app.writing_report
        assert not any(worker.group == REPORT_GROUP for worker in app.workers)  # none started
        warnings = seen.texts("warning")
        assert len(warnings) == 2 and "No run to write a report of" in warnings[0] and "No run loaded" in warnings[1]
        assert not seen.texts("error") and not seen.failed and app.is_running
