"""Several runs side by side: `space` marks runs on the Runs screen (the marks survive a reload),
`c` opens the Compare-runs view of the marked ones — their curves per phase, each run in one style,
their headline metrics, the options that differ — and `escape` goes back. Nothing is trained: the
runs are the committed fixture runs, copied into the test's own directory."""

import random

import pytest
from rich.text import Text
from textual import events
from textual.notifications import Notify
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState
from tui_support import copy_fixture_runs, text_of

from digits.core.data.dataset import load_dataset
from digits.core.figures.run import phase_groups
from digits.core.figures.source import read_events
from digits.core.runs.compare import differing_options, shared_options
from digits.core.runs.directory import read_run
from digits.tui.app import DigitsApp
from digits.tui.screens.compare_runs import CompareRunsScreen
from digits.tui.screens.runs import NOT_ENOUGH_MARKED, RunsScreen, run_style
from digits.tui.widgets.run_curves import RunCurves


@pytest.fixture
def runs(tmp_path):
    """(runs root, task -> run id) of a fresh copy of the fixture runs."""
    root = tmp_path / "runs"
    root.mkdir()
    return root, copy_fixture_runs(root)


def app_and_notes(root):
    notes = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    return DigitsApp(load_dataset, root), notes, hook  # the dataset is never loaded: nothing is opened


async def mark(pilot, run_ids: list[str]) -> None:
    """On the Runs screen, move to each run with the arrow keys and press space."""
    screen = pilot.app.screen
    table = screen.query_one(DataTable)
    for run_id in run_ids:
        target = [info["run_id"] for info in screen.runs].index(run_id)
        while table.cursor_row != target:
            await pilot.press("down" if table.cursor_row < target else "up")
        await pilot.press("space")


async def opened(app, pilot) -> CompareRunsScreen:
    await pilot.press("c")
    await app.workers.wait_for_complete()  # the event logs are read in a worker
    await pilot.pause()
    assert isinstance(app.screen, CompareRunsScreen)
    return app.screen


def shown(value) -> str:
    """An option's value as the view shows it: - where the run's task lacks it, lists as 64x32."""
    if value is None:
        return "-"
    if isinstance(value, list):
        return "x".join(map(str, value)) or "none"
    return str(value) or '""'


def mark_of(screen: RunsScreen, run_id: str) -> Text:
    return screen.query_one(DataTable).get_cell(run_id, "mark")


async def test_space_marks_runs_and_c_compares_them(runs):
    root, ids = runs
    app, notes, hook = app_and_notes(root)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        runs_screen = app.screen
        await mark(pilot, [ids["distill"], ids["subliminal"]])
        assert runs_screen.marked == [ids["distill"], ids["subliminal"]]
        for index, run_id in enumerate(runs_screen.marked):  # each mark in its run's style
            colour, marker = run_style(index)
            cell = mark_of(runs_screen, run_id)
            assert cell.plain.startswith(marker) and str(cell.spans[0].style) == colour
        assert mark_of(runs_screen, ids["baseline"]).plain.strip() == "✓"  # not marked: its status alone

        await pilot.press("f5")  # the marks survive a reload of the list
        assert runs_screen.marked == [ids["distill"], ids["subliminal"]]
        assert mark_of(runs_screen, ids["subliminal"]).plain.startswith(run_style(1)[1])

        screen = await opened(app, pilot)
        records = [read_run(root / run_id) for run_id in runs_screen.marked]
        legend = text_of(screen.query_one("#compare-runs-legend"))
        assert ids["distill"] in legend and ids["subliminal"] in legend
        options = text_of(screen.query_one("#compare-runs-options"))
        differing = differing_options(records)
        assert "task" in differing and "temperature" in differing and "seed" not in differing
        for name, values in differing.items():
            row = next(line for line in options.splitlines() if line.split() and line.split()[0] == name)
            assert row.split()[1:] == [shown(v) for v in values], name
        shared = text_of(screen.query_one("#compare-runs-shared"))
        assert shared.startswith(f"{len(shared_options(records))} options shared") and "seed=0" in shared
        metrics = text_of(screen.query_one("#compare-runs-metrics"))
        assert "63.65%" in metrics and "18.83%" in metrics  # the teachers' test accuracy, side by side

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is runs_screen
        assert runs_screen.marked == [ids["distill"], ids["subliminal"]]  # back, the marks kept

        await pilot.press("space")  # the cursor is on the subliminal run: unmarked
        assert runs_screen.marked == [ids["distill"]]
        assert mark_of(runs_screen, ids["subliminal"]).plain.strip() == "✓"
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is runs_screen
        assert notes == [NOT_ENOUGH_MARKED] and "space" in notes[0]


async def test_each_run_keeps_its_style_and_p_picks_the_phase(runs):
    root, ids = runs
    app, _notes, hook = app_and_notes(root)
    order = [ids["baseline"], ids["subliminal"], ids["distill"]]
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        await mark(pilot, order)
        screen = await opened(app, pilot)
        assert [r["run_id"] for r in screen.records] == order

        events = [phase_groups(read_events(root / run_id / "events.jsonl")) for run_id in order]
        phases = list(dict.fromkeys(phase for run in events for phase in run))
        assert screen.phases == phases and phases[0] == "train"
        assert phases[screen.phase] == "teacher"  # the phase most runs have comes first

        metrics = screen.query_one("#compare-runs-metrics", DataTable)
        seen = set()
        for _ in range(len(phases)):
            phase = phases[screen.phase]
            seen.add(phase)
            assert phase in text_of(screen.query_one("#compare-runs-phase"))
            lines = screen.query_one(RunCurves).lines
            for index, (line, run) in enumerate(zip(lines, events)):
                colour, marker = run_style(index)
                assert (line.style, line.marker) == (colour, marker)  # the same run, the same style
                column = metrics.columns[str(index)].label
                assert column.plain == f"{marker} {order[index]}" and str(column.style) == colour
                if phase in run:
                    finished = [e for seed in run[phase].values() for e in seed]
                    assert line.loss.y == [e["train_loss"] for e in finished]
                    assert line.accuracy.y == [e["test_accuracy"] for e in finished]
                else:
                    assert line.loss is None and line.accuracy is None
            await pilot.press("p")
        assert seen == set(phases) and phases[screen.phase] == "teacher"  # round the cycle
        await pilot.press("P")
        assert phases[screen.phase] == "train"
        legend = " ".join(text_of(screen.query_one("#compare-runs-legend")).split())
        assert legend == f"● {order[0]} ◆ {order[1]} (no such phase) ▲ {order[2]} (no such phase)"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen)


# The keys of the Runs screen and the view that neither open a run, train nor write a report.
WALK_KEYS = ["space", "space", "c", "c", "up", "down", "home", "end", "pageup", "pagedown", "left", "right",
             "p", "P", "escape", "f5", "tab", "question_mark"]


async def test_random_marking_and_comparing_never_crash(runs):
    """A seeded walk over marking, unmarking, comparing, cycling phases and going back (the whole
    app's walk, test_tui_monkey.py, seldom has two runs marked when it presses c)."""
    root, _ids = runs
    app, _notes, hook = app_and_notes(root)
    failed = []

    def watch(message) -> None:
        hook(message)
        if isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
            failed.append(repr(message.worker.error))

    rng = random.Random(20)
    opened_views = 0
    async with app.run_test(size=(80, 24), message_hook=watch) as pilot:
        await pilot.pause()
        runs_screen = app.screen
        for n in range(200):
            key = rng.choice(WALK_KEYS)
            message = events.Key(key, " " if key == "space" else key if len(key) == 1 else None)
            message.set_sender(app)
            app.post_message(message)
            await pilot.pause(0)
            await pilot.pause(0)
            opened_views += isinstance(app.screen, CompareRunsScreen) and key == "c"
            assert not failed and app.return_code is None, (n, key, failed)
            assert set(runs_screen.marked) <= {info["run_id"] for info in runs_screen.runs}
        await app.workers.wait_for_complete()
        for _ in range(2):  # help, the view
            await pilot.press("escape")
        assert app.screen is runs_screen and not failed
    assert opened_views >= 3  # the walk did compare


def test_compare_runs_snapshot(runs, snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)  # each run in its colour
    root, ids = runs

    async def run_before(pilot):
        await pilot.pause()
        await mark(pilot, [ids["distill"], ids["subliminal"]])
        await opened(pilot.app, pilot)

    assert snap_compare(DigitsApp(load_dataset, root), terminal_size=(80, 24), run_before=run_before)


async def test_a_sweeps_grid_points_compare_as_means_over_their_cells(mnist, tmp_path):
    """`g` on an opened sweep: one column per grid point, its metrics the mean over its cells, its
    curves the mean over their seeds with a band."""
    import json
    import shutil
    import time
    from pathlib import Path

    from digits.core.figures.run import phase_groups
    from digits.core.figures.source import read_events
    from digits.tui.app import SCREENS, DigitsApp

    sweep_id = "sweep-highway-20260101-000000"
    fixture = Path(__file__).resolve().parent / "fixtures" / "sweeps" / sweep_id
    root = tmp_path / "runs"
    shutil.copytree(fixture, root / sweep_id)
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(SCREENS["sweeps"][0])
        await pilot.pause()
        sweeps = app.screen
        await pilot.press("enter")
        deadline = time.monotonic() + 30
        while sweeps.opened is None:
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        await pilot.press("g")
        deadline = time.monotonic() + 30
        while not (isinstance(app.screen, CompareRunsScreen) and app.screen.curves is not None):
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        screen = app.screen
        assert [label for label, _runs in screen.groups] == ["width=8", "width=16"]
        cells = {c.name: json.loads((c / "run.json").read_text()) for c in (root / sweep_id / "cells").iterdir()}
        for (label, runs), record in zip(screen.groups, screen.records):
            assert len(runs) == 3 and record["run_id"] == label
            point = "p000" if label == "width=8" else "p001"
            mine = [cells[name]["metrics"]["highway_test_accuracy"] for name in sorted(cells) if name.startswith(point)]
            assert record["metrics"]["highway_test_accuracy"] == pytest.approx(sum(mine) / 3)
        phase = screen.phases[screen.phase]
        for (_label, runs), curves in zip(screen.groups, screen.curves):
            loss, _accuracy, seeds = curves[phase]
            assert seeds == 3 and loss.lo is not None  # a band over the three seeds
            first = [next(e["train_loss"] for e in phase_groups(read_events(Path(r["path"]) / "events.jsonl"))
                          [phase][-1] if e["epoch"] == 1) for r in runs]
            assert loss.y[0] == pytest.approx(sum(first) / 3)
        options = screen.query_one("#compare-runs-options")
        assert [str(options.get_row(key)[0]) for key in options.rows] == ["width"]  # the grid's option alone
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is sweeps
