"""A seeded random key walk over the whole TUI ("monkey test"): no key sequence may crash it.

A Textual pilot presses keys drawn from every screen's bindings plus the keys anyone might press
(digits, arrows, tab, enter, escape, space, `?`, ctrl+p, letters) while tiny trainings start and
finish and runs are opened. After every key the app must still be running, with no exception and
no worker that died of an unhandled error; at the end it must still answer a screen key.

The walk is reproducible from its seed (printed, and named in the failure with the last keys):
`DIGITS_MONKEY_SEED=7 DIGITS_MONKEY_PRESSES=5000 pytest tests/test_tui_monkey.py` walks further.
Timing still varies (trainings run in threads), so a seed replays the keys, not every interleaving.

Bounds that keep it a test, not a load test: the app reads a tiny MNIST-layout dataset (600 training
and 100 test digits, conftest's `tiny_dir`), so any task at any options trains in seconds; a run
still going after a few seconds is cancelled, as a user would with escape; and no digits are typed
into the Train form's text fields (a random number there could ask for billions of weights).
Letters are typed there, and the form must refuse them. `q`, ctrl+q and ctrl+c are never pressed;
should the walk quit anyway (the palette's Quit), the app is started again and the walk goes on.
"""

import os
import random
import shutil
import string
import time
from collections import deque

from textual import events
from textual.widgets import Input, Select
from textual.worker import Worker, WorkerState

from digits.core import events as ev
from digits.core.data.dataset import load_dataset
from digits.tui.app import SCREENS, DigitsApp, screen_class
from digits.tui.screens.detail import DetailScreen
from digits.tui.screens.help import HelpScreen
from digits.tui.screens.train import TrainScreen
from digits.tui.widgets.canvas import DrawCanvas
from digits.tui.widgets.digit_grid import DigitGrid

SEED = int(os.environ.get("DIGITS_MONKEY_SEED", "20260415"))
PRESSES = int(os.environ.get("DIGITS_MONKEY_PRESSES", "1500"))
EPISODE = 150  # keys between deliberate episodes (a tiny training, opening a run)
SLOW_RUN = 4.0  # seconds: a run the walk started with large options is cancelled after this
NEVER = {"q", "ctrl+q", "ctrl+c"}  # quit keys (the walk must go on)
TINY_RUN = {"preset": "tiny", "epochs": "1", "train_size": "500"}
SIZE = (80, 24)
CHARACTERS = {"space": " ", "question_mark": "?", "tab": "\t", "enter": "\r", "backspace": "\x08", "escape": "\x1b"}


def key_pool() -> list[str]:
    """Every key some screen or widget binds, and the keys a user presses anywhere."""
    keys = {str(digit) for digit in range(1, 8)}
    keys |= {"up", "down", "left", "right", "tab", "shift+tab", "enter", "escape", "space", "question_mark",
             "ctrl+p", "pageup", "pagedown", "home", "end", "backspace", "shift+up", "shift+down"}
    keys |= set(string.ascii_lowercase) | set("TPMAB")
    owners = [DigitsApp, DetailScreen, HelpScreen, DrawCanvas, DigitGrid, *(screen_class(mode) for mode in SCREENS)]
    for owner in owners:
        for binding in owner.BINDINGS:
            keys |= {key.strip() for key in binding.key.split(",")}
    return sorted(keys - NEVER)


def choose(rng: random.Random, pool: list[str], app) -> str:
    key = rng.choice(pool)
    # digits into a text field of the form would make random sizes and counts: leave the field instead
    if isinstance(app.focused, Input) and key.isdigit():
        return "tab"
    return key


async def press(pilot, key: str) -> None:
    """One key as the terminal driver delivers it, then wait until the app and the widgets of the
    screen have handled what was pending. (pilot.press also waits for the CPU to go idle, 40 ms at
    least per key and up to 2 s while a training thread keeps it busy: too slow for thousands.)"""
    app = pilot.app
    character = key if len(key) == 1 else CHARACTERS.get(key)
    message = events.Key(key, character)
    message.set_sender(app)
    app.post_message(message)
    await pilot.pause(0)  # the app forwards the key to the screen and the focused widget ...
    await pilot.pause(0)  # ... which may post messages of their own


def train_screen(app):
    try:
        return app.get_screen_stack("train")[0]
    except KeyError:  # the Train screen was never shown
        return None


async def set_form(pilot, screen, task: str, values: dict) -> None:
    """Fill the form as its controls would (the task, then the preset: both rebuild the form, so each
    option is set once its control is back)."""
    screen.query_one("#task", Select).value = task
    await pilot.pause()
    for name, text in sorted(values.items(), key=lambda item: item[0] != "preset"):
        for _ in range(100):
            if screen.form.task_name == task and screen.query(f"#opt-{name}"):
                break
            await pilot.pause(0.02)
        screen.query_one(f"#opt-{name}").value = text
        await pilot.pause()


class Walk:
    """The state of one walk: its keys so far, what it saw go wrong, its trainings."""

    def __init__(self, seed: int, presses: int, runs_root, dataset):
        self.rng = random.Random(seed)
        self.seed, self.presses = seed, presses
        self.pool = key_pool()
        self.root, self.dataset = runs_root, dataset
        self.history: deque[str] = deque(maxlen=30)
        self.done = 0
        self.errors: list[str] = []
        self.restarts = 0
        self.trainings = self.finished = 0
        self.run_started: float | None = None

    def hook(self, message) -> None:
        """Sees every message of the app: a worker that died of an error it did not handle."""
        if isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
            self.errors.append(f"worker {message.worker.name!r} failed: {message.worker.error!r}")
        elif isinstance(message, TrainScreen.RunEvent):
            self.trainings += isinstance(message.event, ev.RunStarted)
            self.finished += isinstance(message.event, ev.RunFinished)

    def fail(self, what: str) -> AssertionError:
        return AssertionError(f"monkey seed {self.seed}, after {self.done} keys: {what}\n"
                              f"last keys: {' '.join(self.history)}")

    def check(self, app) -> None:
        if self.errors:
            raise self.fail("; ".join(self.errors))
        if app.return_code not in (None, 0):
            raise self.fail(f"the app exited with {app.return_code}")

    def watch_training(self, app) -> None:
        """Cancel a run the walk started with large options once it has had its few seconds."""
        screen = train_screen(app)
        if screen is None or not screen.running:
            self.run_started = None
            return
        if self.run_started is None:
            self.run_started = time.monotonic()
        elif time.monotonic() - self.run_started > SLOW_RUN and not screen.worker.is_cancelled:
            screen.action_cancel()

    async def episode(self, app, pilot) -> None:
        """Something deliberate between random keys: alternately a tiny training and opening a run."""
        if (self.done // EPISODE) % 2:
            app.action_show("runs")
            await pilot.pause()
            await pilot.press("enter")
            return
        app.action_show("train")
        await pilot.pause()
        screen = train_screen(app)
        if screen is not None and not screen.running and app.screen is screen:
            await set_form(pilot, screen, "baseline", TINY_RUN)
            await pilot.press("f5")

    async def run(self) -> None:
        """Walk until `presses` keys are pressed, starting the app again if the walk quit it."""
        while self.done < self.presses:
            app = DigitsApp(self.dataset, self.root)
            async with app.run_test(size=SIZE, notifications=True, message_hook=self.hook) as pilot:
                await pilot.pause()
                while self.done < self.presses and app.return_code is None:
                    if self.done and self.done % EPISODE == 0:
                        await self.episode(app, pilot)
                    key = choose(self.rng, self.pool, app)
                    self.history.append(key)
                    self.done += 1
                    await press(pilot, key)
                    self.check(app)
                    self.watch_training(app)
                if app.return_code is None:
                    await self.finish(app, pilot)
                    return
            self.check(app)
            self.restarts += 1  # quit cleanly (the palette's Quit): go on in a new app

    async def finish(self, app, pilot) -> None:
        """Stop any run, then the app must still answer a screen key."""
        screen = train_screen(app)
        if screen is not None and screen.running:
            screen.action_cancel()
            deadline = time.monotonic() + 60
            while screen.running:
                assert time.monotonic() < deadline, self.fail("a cancelled run did not stop in 60 s")
                await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        for _ in range(4):  # close the palette, help, a digit's details, a Select's list
            await pilot.press("escape")
        if app.current_mode == "train":
            await pilot.press("f3")  # out of the form's fields, which would take a digit as text
        target = "compare" if app.current_mode != "compare" else "runs"
        await pilot.press(SCREENS[target][0])
        self.check(app)
        assert app.current_mode == target, self.fail(f"the app did not answer {SCREENS[target][0]!r}")
        assert type(app.screen).__name__ == SCREENS[target][2], self.fail(f"{app.screen} is shown")


async def test_random_keys_never_crash_the_app(mnist, tui_runs, tiny_dir, tmp_path, monkeypatch):
    root, _ids = tui_runs
    runs = tmp_path / "runs"
    shutil.copytree(root, runs)  # the walk trains into its own copy, not into the shared fixture runs
    monkeypatch.setenv("HOME", str(tmp_path))  # the palette's screenshot command saves under ~/Downloads
    monkeypatch.chdir(tmp_path)
    walk = Walk(SEED, PRESSES, runs, load_dataset(tiny_dir))
    print(f"monkey seed {SEED}, {PRESSES} keys")
    started = time.monotonic()
    try:
        await walk.run()
    except AssertionError:
        raise
    except Exception as exc:  # the app's own exception, re-raised by run_test
        raise walk.fail(f"{type(exc).__name__}: {exc}") from exc
    print(f"{walk.done} keys in {time.monotonic() - started:.1f} s, {walk.trainings} trainings started, "
          f"{walk.finished} finished, {walk.restarts} restarts")
    assert walk.done == PRESSES
