"""The TUI follows a run that another process trains: the run shows as running on Runs, `enter`
opens it live on the Train screen, whose event log gains its epochs as the other process writes
them, and it opens in Browse when it finishes; a run whose process dies shows as abandoned. The
trainings are real `digits train` processes started by the tests, stopped by them."""

import os
import shutil
import signal
import time

import pytest
from terminal_session import DIGITS, Tmux
from test_follow import SLOW, start_training, stop, train_in_pane
from test_tui_train import log_text, status_text, wait_until
from textual.widgets import DataTable

from digits.core.runs.directory import read_run
from digits.tui.app import DigitsApp
from digits.tui.screens.runs import STATUS_MARK
from digits.tui.screens.train import TrainScreen


def epochs_logged(screen: TrainScreen) -> int:
    return sum(f"train epoch {n}/4" in log_text(screen) for n in (1, 2, 3, 4))


async def test_a_run_of_another_process_is_followed_live_then_opens(mnist, tmp_path):
    root = tmp_path / "runs"
    proc, run = start_training(root, *SLOW)
    try:
        app = DigitsApp(mnist, root)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert any(STATUS_MARK["running"] in str(c) for c in table.get_row_at(0)), table.get_row_at(0)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, TrainScreen), timeout=10)
            screen = app.screen
            assert "Following" in status_text(screen)
            await wait_until(pilot, lambda: epochs_logged(screen) >= 1, timeout=120)
            alive_when_first = proc.poll() is None
            await wait_until(pilot, lambda: epochs_logged(screen) == 4, timeout=180)
            await wait_until(pilot, lambda: not screen.running, timeout=60)
            assert alive_when_first, "the first epoch arrived only after the trainer had ended: not live"
            assert "Finished" in status_text(screen)
            await app.workers.wait_for_complete()
            await wait_until(pilot, lambda: app.current_mode == "browse" and app.lab is not None, timeout=60)
            assert app.lab.info["run_id"] == run.name
    finally:
        stop(proc)


async def test_a_followed_run_whose_process_dies_is_abandoned(mnist, tmp_path):
    root = tmp_path / "runs"
    proc, run = start_training(root, *SLOW)
    try:
        app = DigitsApp(mnist, root)
        async with app.run_test(size=(100, 30)) as pilot:
            app.follow_run(read_run(run))
            await wait_until(pilot, lambda: isinstance(app.screen, TrainScreen) and app.screen.running, timeout=10)
            screen = app.screen
            await wait_until(pilot, lambda: epochs_logged(screen) >= 1, timeout=120)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            await wait_until(pilot, lambda: not screen.running, timeout=30)
            assert "abandoned" in status_text(screen) and f"process {proc.pid} is gone" in status_text(screen)
    finally:
        stop(proc)



@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install -y tmux)")
def test_the_tui_in_one_pane_follows_a_training_in_another(tmp_path):
    env = {"DIGITS_HOME": str(tmp_path), "DIGITS_CACHE_DIR": os.environ["DIGITS_CACHE_DIR"]}
    trainer, lab = Tmux(width=100, height=30, env=env), Tmux(width=100, height=30, env=env)
    try:
        run_id = train_in_pane(trainer, tmp_path, epochs=3)
        lab.send(f"{DIGITS} tui", "Enter")
        lab.wait_for(run_id, timeout=60)  # listed on Runs, newest first, highlighted
        lab.send("Enter")
        first = lab.wait_for("Following", timeout=30)
        lab.wait_for("train epoch 1/3", timeout=120)
        second = lab.wait_for("train epoch 2/3", timeout=120)
        assert first != second and "Traceback" not in second
        deadline = time.monotonic() + 180  # the Train screen says Finished, then the run opens in Browse
        while not any(word in lab.screen() for word in ("Finished", "opening it in Browse")):
            assert time.monotonic() < deadline, lab.screen()
            time.sleep(0.1)
        lab.send("q")
    finally:
        trainer.close()
        lab.close()


async def test_the_runs_list_follows_the_directory(mnist, tmp_path):
    root = tmp_path / "runs"
    root.mkdir()
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        proc, run = start_training(root, *SLOW)  # started after the list was drawn
        try:
            table = app.screen.query_one(DataTable)

            def status_of_first() -> str:
                return " ".join(str(c) for c in table.get_row_at(0)) if table.row_count else ""

            await wait_until(pilot, lambda: run.name in status_of_first(), timeout=90)
            assert STATUS_MARK["running"] in status_of_first()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            await wait_until(pilot, lambda: STATUS_MARK["abandoned"] in status_of_first(), timeout=90)
        finally:
            stop(proc)
