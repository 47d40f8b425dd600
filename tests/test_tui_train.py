"""The Train screen: the form validates like the CLI, a run trains in a worker, can be cancelled,
and opens in Browse when it finishes. Runs here are tiny (about a second)."""

import asyncio
import json
import time

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from digits.core.runs.directory import list_runs
from digits.tui.app import DigitsApp
from digits.tui.screens.train import TrainScreen
from digits.tui.widgets.event_log import EventLog
from digits.tui.widgets.options_form import OptionsForm

TINY = {"preset": "tiny", "epochs": "1", "train_size": "1000"}


async def wait_until(pilot, condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def open_train(pilot) -> TrainScreen:
    await pilot.press("5")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TrainScreen)
    return screen


async def set_options(pilot, screen: TrainScreen, values: dict) -> None:
    """Set options through the form's controls, as a user would (the preset first: it refills the form)."""
    for name, text in sorted(values.items(), key=lambda item: item[0] != "preset"):
        widget = screen.query_one(f"#opt-{name}")
        if isinstance(widget, Select):
            widget.value = text
        elif isinstance(widget, Checkbox):
            widget.value = text == "true"
        else:
            widget.value = text
        await pilot.pause()


async def choose_task(pilot, screen: TrainScreen, task: str) -> None:
    screen.query_one("#task", Select).value = task
    await pilot.pause()
    await pilot.pause()


def log_text(screen: TrainScreen) -> str:
    """The event log as one line of words (lines are wrapped to the pane)."""
    return " ".join(" ".join(line.text.split()) for line in screen.query_one(EventLog).lines)


def status_text(screen: TrainScreen) -> str:
    return str(screen.query_one("#train-status", Static).content)


async def finish(pilot, screen: TrainScreen) -> None:
    """Wait for the training thread, then for the finished run to load (the app's worker)."""
    await wait_until(pilot, lambda: not screen.running)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_trains_a_tiny_baseline_and_opens_it_in_browse(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_train(pilot)
        await choose_task(pilot, screen, "baseline")
        await set_options(pilot, screen, {"preset": "tiny", "epochs": "2", "train_size": "1000"})
        assert screen.query_one("#opt-hidden", Input).value == "10"  # the tiny preset filled the form
        await pilot.press("f5")
        await finish(pilot, screen)
        log = log_text(screen)
        assert "train epoch 1/2" in log and "train epoch 2/2" in log and "test acc" in log
        assert "finished in" in log
        runs = list_runs(tmp_path)
        assert [info["status"] for info in runs] == ["finished"]
        assert runs[0]["config"]["epochs"] == 2 and runs[0]["config"]["hidden"] == [10]
        assert app.current_mode == "browse"
        assert app.lab.info["run_id"] == runs[0]["run_id"]


@pytest.mark.parametrize("name, text, message", [
    ("epochs", "0", "--epochs must be at least 1 (got 0)"),
    ("lr", "abc", "--lr takes a number (got 'abc')"),
    ("hidden", "12,x", "--hidden takes comma-separated whole numbers like 256,256 (got '12,x')"),
])
async def test_an_invalid_option_shows_the_cli_error_and_starts_nothing(mnist, tmp_path, name, text, message):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_train(pilot)
        await set_options(pilot, screen, {**TINY, name: text})
        await pilot.press("f5")
        await pilot.pause()
        assert message in str(screen.query_one("#form-error", Static).content)
        assert not screen.running and screen.worker is None
        assert app.focused is screen.query_one(f"#opt-{name}")  # the option to fix
        assert list_runs(tmp_path) == []


async def test_options_that_need_the_data_are_refused_by_the_run(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_train(pilot)
        await set_options(pilot, screen, {**TINY, "batch_size": "2000"})
        await pilot.press("f5")
        await wait_until(pilot, lambda: not screen.running)
        await pilot.pause()
        error = str(screen.query_one("#form-error", Static).content)
        assert "--batch-size 2000 is larger than the 1000 training images" in error
        assert list_runs(tmp_path) == []
        assert app.current_mode == "train"


async def test_changing_the_task_rebuilds_the_form(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_train(pilot)
        assert screen.query("#opt-activation")
        await choose_task(pilot, screen, "subliminal")
        assert not screen.query("#opt-activation")
        assert screen.query_one("#opt-aux", Input).value == "3"
        assert screen.query_one("#opt-controls", Checkbox).value is True
        await set_options(pilot, screen, {"preset": "paper"})
        assert screen.query_one("#opt-batch_size", Input).value == "1024"
        assert screen.query_one(OptionsForm).config().temperature == 1.0
        await choose_task(pilot, screen, "distill")
        assert not screen.query("#opt-preset")  # distill has no presets
        assert screen.query_one("#opt-omit", Input).value == "3"


async def start_long_run(pilot):
    """The Train screen with a run going that would take a minute (cancelled or quit in a few seconds):
    the default 256-128 network on all 60,000 images for 30 epochs. Each pilot key press may wait up
    to a second while training keeps the process busy."""
    screen = await open_train(pilot)
    await set_options(pilot, screen, {"epochs": "30", "train_size": "0"})
    await pilot.press("f5")
    await wait_until(pilot, lambda: "Training" in status_text(screen))
    return screen


async def test_cancel_interrupts_the_run(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_long_run(pilot)
        await pilot.press("f5")  # a second start is refused while one runs
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running)
        await pilot.pause()
        runs = list_runs(tmp_path)
        assert len(runs) == 1
        info = json.loads((tmp_path / runs[0]["run_id"] / "run.json").read_text())
        assert info["status"] == "interrupted"
        assert "interrupted at phase train, epoch" in log_text(screen)
        assert "Interrupted" in status_text(screen)
        assert app.current_mode == "train"


async def test_pending_training_starts_when_the_screen_is_shown(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.pending_training = ("baseline", TINY)
        await pilot.press("5")  # the tiny run may be over, and Browse shown, by the time this returns
        assert app.pending_training is None
        await wait_until(pilot, lambda: [info["status"] for info in list_runs(tmp_path)] == ["finished"])
        await wait_until(pilot, lambda: app.lab is not None)
        await app.workers.wait_for_complete()
        await pilot.pause()
        info = list_runs(tmp_path)[0]
        assert info["config"]["epochs"] == 1 and info["config"]["train_size"] == 1000
        assert info["config"]["hidden"] == [10]  # the tiny preset
        assert app.current_mode == "browse" and app.lab.info["run_id"] == info["run_id"]


async def test_training_goes_on_while_another_screen_is_shown(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_train(pilot)
        await set_options(pilot, screen, {**TINY, "epochs": "2"})
        screen.action_start()
        app.switch_mode("runs")  # at once: a pilot key press may wait up to a second
        await finish(pilot, screen)
        assert app.current_mode == "runs"  # not pulled away to Browse
        assert app.lab is None
        assert [info["status"] for info in list_runs(tmp_path)] == ["finished"]
        await pilot.press("5")
        assert app.screen is screen
        assert "Finished" in status_text(screen) and "train epoch 2/2" in log_text(screen)


def test_snapshot_of_the_subliminal_form(mnist, tmp_path, monkeypatch, snap_compare):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def subliminal_form(pilot):
        screen = await open_train(pilot)
        await choose_task(pilot, screen, "subliminal")

    assert snap_compare(DigitsApp(mnist, tmp_path), run_before=subliminal_form, terminal_size=(80, 24))


async def test_quit_while_training_needs_a_second_q(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_long_run(pilot)
        await pilot.press("f3")  # the Progress pane: no Input has focus, so q reaches the app
        await pilot.press("q")
        assert app.is_running and screen.running  # the first q only warns
        await pilot.press("q")
    assert app.return_code == 0
    await app.workers.wait_for_complete()
    deadline = 30
    while list_runs(tmp_path)[0]["status"] != "interrupted" and deadline > 0:  # the worker marks it
        await asyncio.sleep(0.1)
        deadline -= 0.1
    assert list_runs(tmp_path)[0]["status"] == "interrupted"
