"""Graphics in real terminals under Xvfb, screenshot with xwd: Sixel in `xterm -ti vt340`, the
Kitty graphics protocol in kitty (skipped when kitty is not installed).

Opt-in (`pytest -m e2e`): it starts an X server and a terminal. `digits show` with the default
`--render auto` must detect the terminal's graphics, and the digit's pixels must be on screen.
"""

import os
import shutil
import subprocess
import time

import numpy as np
import pytest
from terminal_session import DIGITS
from typer.testing import CliRunner
from xwd import read_xwd

from digits.commands.app import app
from digits.imaging.sixel import quantise

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(any(shutil.which(t) is None for t in ("Xvfb", "xwd")),
                       reason="needs Debian's xvfb and x11-apps"),
]
SCALE = 4
# Each terminal with the flags digits gets: kitty's background is black, so there the digit is
# drawn inverted (a white square) to be found on screen.
TERMINALS = {
    "xterm": (["xterm", "-ti", "vt340", "-geometry", "100x40+0+0", "-fa", "Monospace", "-fs", "10", "-e"], ""),
    "kitty": (["kitty", "--config", "NONE", "-o", "initial_window_width=800", "-o", "initial_window_height=600",
               "-o", "remember_window_size=no"], "--invert"),
}


@pytest.fixture
def display():
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    number = server.stdout.readline().strip()
    yield f":{number}"
    server.terminate()
    server.wait(10)


@pytest.mark.parametrize("terminal_name", TERMINALS)
def test_auto_detects_graphics_and_draws_the_digit(display, tmp_path, mnist, terminal_name):
    command, flags = TERMINALS[terminal_name]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (apt-get install -y {command[0]})")
    home = tmp_path / "home"
    trained = CliRunner().invoke(app, ["train", "--task", "baseline", "--hidden", "16", "--epochs", "1",
                                       "--train-size", "2000", "--runs-dir", str(home / "runs"), "--quiet"])
    assert trained.exit_code == 0, trained.stderr
    done = tmp_path / "done"
    script = (f"DIGITS_HOME={home} DIGITS_CACHE_DIR={os.environ['DIGITS_CACHE_DIR']} {DIGITS} show 0 "
              f"--scale {SCALE} {flags}; echo $? > {done}; sleep 60")
    env = {**os.environ, "DISPLAY": display, "LIBGL_ALWAYS_SOFTWARE": "1"}  # kitty needs OpenGL; Xvfb has none
    for name in ("DIGITS_RENDER", "NO_COLOR"):  # the test session sets NO_COLOR; a user's xterm does not
        env.pop(name, None)
    terminal = subprocess.Popen([*command, "bash", "-c", script], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists() and done.read_text().strip() == "0", f"digits show did not finish in {terminal_name}"
        time.sleep(0.5)  # let xterm paint
        shot = subprocess.run(["xwd", "-root", "-silent", "-display", display], capture_output=True, check=True).stdout
    finally:
        terminal.terminate()
        terminal.wait(10)
    screen = read_xwd(shot)
    if os.environ.get("DIGITS_E2E_SCREENSHOT"):
        from PIL import Image
        Image.fromarray(screen).save(os.environ["DIGITS_E2E_SCREENSHOT"])
    grey = screen.mean(axis=2)
    side = 28 * SCALE
    # The digit's square starts at the first row holding a run of exactly `side` background pixels
    # (black, white when inverted) between others (MNIST digits have empty margins); xterm's
    # 1-pixel window border and the black X root window beside the terminal make longer runs.
    black = grey > 247 if flags else grey < 8
    top = left = None
    for row in range(grey.shape[0]):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], black[row].astype(int), [0]])))
        starts, ends = edges[0::2], edges[1::2]
        exact = starts[ends - starts == side]
        if len(exact):
            top, left = row, int(exact[0])
            break
    assert top is not None, f"no image on the screen ({terminal_name} drew no square of the digit's background)"
    drawn = grey[top:top + side, left:left + side][SCALE // 2::SCALE, SCALE // 2::SCALE]
    expected = quantise(mnist.test_images[0], invert=bool(flags)) * 255 / 15  # kitty: 8 bits, within 9
    assert np.abs(drawn - expected).max() <= 12, "the pixels on screen differ from the digit"
