"""Helpers shared by the TUI screen tests; the runs they open are the saved fixture runs in
tests/fixtures/runs/ (tiny baseline, subliminal and distill runs, see tests/fixtures/make_runs.py),
copied into a fresh directory per test session, so screenshots are the same on every CPU.
"""

import shutil
from pathlib import Path

from textual.geometry import Region

from digits.core.runs.inspection import find_run

FIXTURE_RUNS = Path(__file__).resolve().parent / "fixtures" / "runs"
TASKS = ("baseline", "subliminal", "distill")


def copy_fixture_runs(root: Path) -> dict[str, str]:
    """Copy the saved fixture runs into `root` (tests may change what they open); return task -> run id."""
    ids = {}
    for task in TASKS:
        run_id = f"{task}-tiny"
        shutil.copytree(FIXTURE_RUNS / run_id, root / run_id)
        ids[task] = run_id
    return ids


def text_of(widget) -> str:
    """Everything a widget draws, also what is scrolled out of view."""
    width, height = widget.size
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height)))


def lab_app(mnist, tui_runs, task: str | None):
    """The app on its Runs screen, to test one screen alone: `show_screen` loads the fixture run of
    `task` (None: the test set alone) without passing through Browse, then presses the screen's key."""
    from digits.tui.app import DigitsApp

    root, ids = tui_runs
    app = DigitsApp(mnist, root)
    app.fixture_run = find_run(root, ids[task]) if task else None
    return app


async def show_screen(app, pilot, key: str) -> None:
    app.open_run(app.fixture_run, then="runs")
    await app.workers.wait_for_complete()  # the run loads in a worker
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
