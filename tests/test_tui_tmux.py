"""`digits tui` in a real terminal (tmux): launch it, press keys, read the pane as a user sees it."""

import os
import shlex
import shutil

import pytest
from terminal_session import DIGITS, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install -y tmux)")


@pytest.fixture
def pane():
    env = {"DIGITS_CACHE_DIR": os.environ["DIGITS_CACHE_DIR"]}
    session = Tmux(width=100, height=30, env=env)
    yield session
    session.close()


# The exit markers are echoed as TUI""-EXIT so that the typed command line never matches them.


def test_tui_in_tmux(pane, tui_runs):
    root, ids = tui_runs
    pane.send(f"{DIGITS} tui --runs-dir {shlex.quote(str(root))} --run {ids['subliminal']}; echo TUI\"\"-EXIT-$?",
              "Enter")
    screen = pane.wait_for("accuracy")  # the run loaded and Browse drew its status line
    assert "subliminal-tiny" in screen and "model teacher" in screen
    assert "▀" in screen  # digits drawn as half blocks (tmux answers the graphics query without Sixel)
    pane.send("w")
    screen = pane.wait_for("show wrong")
    assert "✗" in screen and "✓" not in screen.split("show wrong")[1].split("1–")[0]
    pane.send("3")
    pane.wait_for("'s mistakes")
    pane.send("Enter")
    screen = pane.wait_for("says  top 3")
    assert "untrained" in screen and "aux≠init" in screen
    pane.send("Escape")  # alone: Escape followed at once by a key would arrive as Alt+key
    pane.wait_for("'s mistakes")
    pane.send("1")
    screen = pane.wait_for("baseline-tiny")
    assert "distill-tiny" in screen
    pane.send("?")
    pane.wait_for("Switch screens with the number keys")
    pane.send("Escape")
    pane.wait_for("task distill")
    pane.send("q")
    screen = pane.wait_for("TUI-EXIT-0")
    assert "Traceback" not in screen


def test_tui_unknown_run_is_a_one_line_error(pane, tui_runs):
    root, _ = tui_runs
    pane.send(f"{DIGITS} tui --runs-dir {shlex.quote(str(root))} --run nope; echo TUI\"\"-EXIT-$?", "Enter")
    screen = pane.wait_for("TUI-EXIT-")
    assert "error: no run 'nope'" in screen and "TUI-EXIT-2" in screen
