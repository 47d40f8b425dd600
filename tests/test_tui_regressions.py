"""Regressions: key walks and event orders that once crashed the TUI or started a run nobody asked for.

Issue 15, part 4. Each test names the crash it guards against; the runs are tiny or none at all.
"""

import shutil

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.widgets import Button, Input
from tui_support import lab_app

from digits.core import events as ev
from digits.core.runs.directory import list_runs
from digits.tui.app import DigitsApp
from digits.tui.screens.help import HelpScreen
from digits.tui.screens.train import TrainScreen
from digits.tui.widgets.event_log import EventLog
from digits.tui.widgets.phase_progress import PhaseProgress
from digits.tui.widgets.training_curves import TrainingCurves
from digits.tui.widgets.training_view import TrainingView

# The walk of the report, in Textual's key names (tmux's Tab, Down, Enter, Escape, ?).
REPORTED_WALK = ["tab", "down", "down", "enter", "escape", "2", "3", "4", "5", "6", "1", "question_mark", "escape"]


def one_subliminal_run(tui_runs, root):
    """A runs directory holding just the fixture's finished subliminal run (as in the report)."""
    fixture_root, ids = tui_runs
    shutil.copytree(fixture_root / ids["subliminal"], root / ids["subliminal"])
    return ids["subliminal"]


def phase_events(phase: str = "train") -> list[ev.Event]:
    """A one-epoch phase as a run reports it (made-up numbers: only what the view shows matters)."""
    return [
        ev.PhaseStarted(phase, epochs=1, steps_per_epoch=4, samples_per_epoch=1000, model="mlp"),
        ev.Progress(phase, epoch=1, epochs=1, step=2, steps=4, loss=1.5, samples_per_second=5000),
        ev.EpochFinished(phase, epoch=1, epochs=1, train_loss=1.25, test_accuracy=0.5, seconds=0.2,
                         samples_per_second=5000, lr=0.001),
        ev.PhaseFinished(phase, metrics={"test_accuracy": 0.5}, seconds=0.2, samples_per_second=5000),
    ]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_reported_walk_starts_nothing_and_keeps_the_app_up(mnist, tui_runs, tmp_path, size):
    """The report's walk: a baseline appeared as running and a PhaseStarted then hit MountError."""
    run_id = one_subliminal_run(tui_runs, tmp_path)
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=size) as pilot:
        for key in REPORTED_WALK:
            await pilot.press(key)
            await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert app.current_mode == "runs" and type(app.screen).__name__ == "RunsScreen"  # help closed
        assert [(info["run_id"], info["status"]) for info in list_runs(tmp_path)] == [(run_id, "finished")]
        assert not any(worker.group == "train" for worker in app.workers)


async def test_tab_then_enter_on_the_train_screen_starts_nothing(mnist, tmp_path):
    """Tab from the task moved focus onto the Start button, and Enter (or space) pressed it: a full
    default baseline started from keys meant for the form. Keys start a run only with f5 / ctrl+s."""
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, TrainScreen)
        for key in ["tab", "down", "down", "enter", "space", "shift+tab", "shift+tab", "enter", "space"]:
            await pilot.press(key)
            assert not isinstance(app.focused, Button), f"{key} put the focus on {app.focused}"
        for _ in range(40):  # all the way round the focus chain
            await pilot.press("tab")
            assert not isinstance(app.focused, Button)
        await pilot.press("escape")
        assert not screen.running and screen.worker is None
        assert list_runs(tmp_path) == []


async def test_the_start_button_still_starts_with_the_mouse(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        screen = app.screen
        screen.query_one("#opt-preset").value = "tiny"
        await pilot.pause()
        screen.query_one("#opt-epochs").value = "1"
        screen.query_one("#opt-train_size").value = "1000"
        await pilot.click("#start")
        assert screen.worker is not None
        await screen.worker.wait()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [info["status"] for info in list_runs(tmp_path)] == ["finished"]


async def test_run_events_after_the_app_began_to_exit_do_not_raise_mount_error(mnist, tmp_path):
    """Quitting (q q) just as a run started: its PhaseStarted arrived while the app was exiting, when no
    widget counts as attached, and mounting the phase's bar raised MountError from TrainingView.handle."""
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, TrainScreen)
        view = screen.query_one(TrainingView)
        app.exit()
        screen.post_message(TrainScreen.RunEvent(ev.RunStarted("baseline", "baseline-x", {}, None)))
        for event in phase_events():
            screen.post_message(TrainScreen.RunEvent(event))
        screen.post_message(TrainScreen.RunEvent(ev.RunFinished("baseline", "baseline-x", None, 1.0, {}, None)))
    assert app.return_code == 0
    assert [kind for kind, _ in view.backlog].count("event") == 6  # kept, not lost


class Host(App):
    """An empty app to mount a lone TrainingView into."""


async def test_events_before_the_view_is_mounted_are_shown_when_it_is():
    """Events that reach a TrainingView before it is mounted wait, and are drawn in order once it is."""
    view = TrainingView()
    view.handle(ev.RunStarted("subliminal", "subliminal-x", {}, None))
    for event in phase_events("teacher") + phase_events("student"):
        view.handle(event)
    view.note("a note of the screen's own")
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.screen.mount(view)
        await pilot.pause()
        bars = list(view.query(PhaseProgress))
        assert [bar.phase for bar in bars] == ["teacher", "student"]
        assert all(bar.text.startswith("done acc 50.00%") for bar in bars)
        assert len(view.query_one(TrainingCurves).series) == 2
        log = " ".join(line.text for line in view.query_one(EventLog).lines)
        assert log.index("subliminal-x started") < log.index("teacher:") < log.index("student:")
        assert log.rstrip().endswith("a note of the screen's own")
        assert view.backlog == []
        view.handle(ev.PhaseStarted("again", epochs=1, steps_per_epoch=1, samples_per_epoch=10))  # live now
        await pilot.pause()
        assert [bar.phase for bar in view.query(PhaseProgress)] == ["teacher", "student", "again"]


async def test_ctrl_p_after_a_run_loaded_under_the_palette(mnist, tui_runs):
    """The palette was open when a run finished loading; the switch to Browse left it on the Runs
    screen's stack, and the next ctrl+p pushed a second palette with its id: DuplicateIds."""
    app = lab_app(mnist, tui_runs, "baseline")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        app.open_run(app.fixture_run)  # as if Enter on Runs had started loading just before
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == "browse" and not CommandPalette.is_open(app)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press("escape", "1")
        assert type(app.screen).__name__ == "RunsScreen"  # no palette left behind on Runs either


async def test_a_panel_does_not_come_back_with_its_screen(mnist, tui_runs):
    """Help was open on Runs when a run finished loading and the app switched to Browse: back on Runs
    (1), the stale help was shown again."""
    app = lab_app(mnist, tui_runs, "baseline")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        app.open_run(app.fixture_run)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == "browse"
        await pilot.press("1")
        assert type(app.screen).__name__ == "RunsScreen"


async def test_switching_screens_while_the_palette_searches(mnist, tui_runs):
    """The palette was closed by a screen switch (a run finished loading) while its search worker ran:
    the worker then looked for the palette's command list, gone, and its NoMatches ended the app."""
    app = lab_app(mnist, tui_runs, "baseline")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.press("ctrl+p")
            assert CommandPalette.is_open(app)
            app.screen.query_one(Input).value = "open run"  # a search starts
            app.action_show("browse" if app.current_mode != "browse" else "runs")  # at once, as _set_lab does
            await pilot.pause()
            await pilot.pause(0.2)
            assert app.is_running and app.return_code is None
            assert not CommandPalette.is_open(app)
