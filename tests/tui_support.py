"""Fixture runs for the TUI tests: tiny baseline, subliminal and distill runs with fixed names.

Trained for real (about 2 s in all) into one directory per test session, then given fixed run ids
and times so that screenshots do not change from run to run. Also helpers shared by the screen tests.
"""

import json
import shutil
from pathlib import Path

from textual.geometry import Region

from digits.core.inspection import find_run
from digits.core.runner import execute
from digits.core.tasks import get_task

TINY = {
    "baseline": {"preset": "tiny", "epochs": 1, "train_size": 1000},
    "subliminal": {"hidden": (32, 32), "epochs": 1, "student_epochs": 1, "train_size": 2000, "noise_size": 2000},
    "distill": {"hidden": (64,), "student_hidden": (32,), "epochs": 1, "student_epochs": 1, "train_size": 2000,
                "probe_size": 500},
}
STARTED = 1_767_225_600.0  # 2026-01-01 00:00 UTC, shown in run summaries


def make_runs(root: Path, dataset) -> dict[str, str]:
    """Train the tiny runs into `root`; return task -> run id ("<task>-tiny")."""
    ids = {}
    for i, (task, overrides) in enumerate(TINY.items()):
        config = get_task(task).Config.build(overrides)
        events = list(execute(task, config, dataset, root / "scratch"))
        path = Path(events[-1].run_dir)
        run_id = f"{task}-tiny"
        shutil.move(path, root / run_id)
        info_path = root / run_id / "run.json"
        info = json.loads(info_path.read_text())
        info.update(run_id=run_id, started=STARTED + 60 * i, finished=STARTED + 60 * i + 1, seconds=1.0, pid=1)
        info_path.write_text(json.dumps(info))
        ids[task] = run_id
    shutil.rmtree(root / "scratch")
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
