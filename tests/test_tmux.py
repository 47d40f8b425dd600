"""`digits show` in a real terminal (tmux 3.3): ASCII and colour half blocks as a user sees them,
`auto` choosing blocks there and ASCII in a pipe, and no terminal reply leaking into the shell."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from terminal_session import DIGITS, Tmux, cell_colours
from typer.testing import CliRunner

from digits.commands.app import app
from digits.imaging.render import ascii_art

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install -y tmux)")


def tmux_version() -> tuple[int, int]:
    found = re.search(r"(\d+)\.(\d+)", subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


@pytest.fixture(scope="module")
def run_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    result = CliRunner().invoke(app, ["train", "--task", "baseline", "--hidden", "16", "--epochs", "1",
                                      "--train-size", "2000", "--runs-dir", str(home / "runs"), "--quiet"])
    assert result.exit_code == 0, result.stderr
    return home


@pytest.fixture
def pane(run_home):
    env = {"DIGITS_HOME": str(run_home), "DIGITS_CACHE_DIR": os.environ["DIGITS_CACHE_DIR"]}
    session = Tmux(width=120, height=60, env=env)
    yield session
    session.close()


def test_ascii_digit_as_a_user_sees_it(pane, mnist):
    pane.run(f"{DIGITS} show 0 --render ascii")
    screen = pane.screen()
    art = ascii_art(mnist.test_images[0])
    inside = [line.split("│")[1][1:-1].rstrip() for line in screen.splitlines() if line.count("│") == 2]
    assert [a.rstrip() for a in art] == inside[:28]
    assert f"true {mnist.test_labels[0]}" in screen and "ascii" in screen.splitlines()[1]


def test_auto_picks_colour_blocks_and_draws_the_pixels(pane, mnist):
    if tmux_version() >= (3, 4):
        pytest.skip("tmux >= 3.4 may be built with Sixel; this check is for a terminal without graphics")
    pane.run(f"{DIGITS} show 0 --scale 1")
    assert " · blocks" in pane.screen()
    rows = [cell_colours(line) for line in pane.screen(escapes=True).splitlines()]
    rows = [[(fg, bg) for ch, fg, bg in cells if ch == "▀"] for cells in rows]
    rows = [r for r in rows if r]
    assert len(rows) == 14 and all(len(r) == 28 for r in rows)
    shown = np.zeros((28, 28))
    for r, cells in enumerate(rows):
        shown[2 * r] = [fg for fg, _ in cells]
        shown[2 * r + 1] = [bg for _, bg in cells]
    # 256 colours: greys come back within the palette's spacing (10 levels in the grey ramp).
    assert np.abs(shown - mnist.test_images[0]).max() <= 20


def test_no_terminal_reply_leaks_into_the_shell(pane):
    pane.run(f"{DIGITS} show 0 --scale 1 >/dev/null")
    pane.run("read -t 0.5 -r leaked; echo \"leaked=[$leaked]\"")
    assert "leaked=[]" in pane.screen()


def test_a_pipe_gets_plain_ascii(pane):
    pane.run(f"{DIGITS} show 0 2>&1 | cat")
    screen = pane.screen(escapes=True)
    assert " · ascii" in screen and "\x1b[" not in screen.split(" · ascii")[1].split("END-")[0]
