"""A seeded random key walk in a real terminal: `digits tui` in a tmux pane must survive it.

The pilot's walk (test_tui_monkey.py) is the thorough one; this one sends a few hundred keys the
way a terminal does (tmux send-keys: escape sequences, Escape merging with the next key into
Alt+key, keys arriving faster than the app draws) and reads everything the app wrote (pipe-pane)
for a traceback. Like the pilot's walk it reads a tiny dataset (conftest's `tiny_dir`) and never
presses q, ctrl+q or ctrl+c. It also leaves out the Train screen's key 5 and the palette (ctrl+p):
a walk there would type random numbers into the form's fields (sizes of networks), which this
walk, blind to the focus, cannot avoid; instead it starts the Runs screen's quick baseline (n)
every so often, so trainings start and finish while it walks.
"""

import os
import random
import re
import shlex
import shutil
import string
import time

import pytest
from terminal_session import DIGITS, Tmux

from digits.core.runs.directory import list_runs

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install -y tmux)")

SEED = int(os.environ.get("DIGITS_MONKEY_SEED", "20260415"))
PRESSES = int(os.environ.get("DIGITS_TMUX_MONKEY_PRESSES", "300"))
GAP = 0.03  # seconds between keys: faster than anyone types
QUICK_EVERY = 100  # keys between deliberate quick baselines
# The current screen's tab is drawn in reverse video (widgets/screen_tabs.py).
CURRENT_TAB = r"\x1b\[(?:[0-9]*;)*7(?:;[0-9]*)*m(?:\x1b\[[0-9;]*m)* {key} {label} "
KEYS = (["1", "2", "3", "4", "6", "7", "Up", "Down", "Left", "Right", "Tab", "BTab", "Enter", "Escape", "Space",
         "?", "PPage", "NPage", "Home", "End", "BSpace", "S-Up", "S-Down", "S-Left", "S-Right", "C-z", "F5"]
        + [c for c in string.ascii_lowercase if c not in "qn"] + list("TPMAB"))


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
def test_random_keys_in_tmux_leave_the_app_running(tui_runs, tiny_dir, tmp_path, size):
    root, ids = tui_runs
    runs = tmp_path / "runs"
    shutil.copytree(root, runs)
    log = tmp_path / "pane.log"
    pane = Tmux(width=size[0], height=size[1], env={"DIGITS_CACHE_DIR": os.environ["DIGITS_CACHE_DIR"]},
                term="xterm-256color")
    rng = random.Random(SEED)
    sent: list[str] = []

    def fail(what: str) -> str:
        return (f"tmux monkey seed {SEED} at {size}, after {len(sent)} keys: {what}\nlast keys: {' '.join(sent[-30:])}"
                f"\nscreen:\n{pane.screen()}")

    try:
        pane.tmux("pipe-pane", "-o", f"cat >> {shlex.quote(str(log))}")  # all the app writes, also a traceback
        pane.send(f"{DIGITS} tui --runs-dir {shlex.quote(str(runs))} --data-dir {shlex.quote(str(tiny_dir))}; "
                  "echo TUI\"\"-EXIT-$?", "Enter")
        pane.wait_for("subliminal-tiny")
        for i in range(PRESSES):
            keys = ["Escape", "1", "n"] if i % QUICK_EVERY == QUICK_EVERY // 2 else [rng.choice(KEYS)]
            for key in keys:
                pane.send(key)
                sent.append(key)
                time.sleep(GAP if len(keys) == 1 else 0.3)
        time.sleep(1)
        assert "TUI-EXIT" not in pane.screen(), fail("the app exited")
        assert "Traceback" not in log.read_text(errors="replace"), fail("a traceback")
        for key in ["Escape", "Escape", "Escape", "4"]:  # close any panel, then a screen key
            pane.send(key)
            time.sleep(0.4)
        deadline = time.monotonic() + 20
        while not re.search(CURRENT_TAB.format(key="4", label="Compare"), pane.screen(escapes=True)):
            assert time.monotonic() < deadline, fail("the app did not answer 4 (Compare)")
            time.sleep(0.2)
        assert "TUI-EXIT" not in pane.screen(), fail("the app exited")
        pane.send("q")
        time.sleep(0.5)
        if "TUI-EXIT" not in pane.screen():
            pane.send("q")  # a second q stops a training that is still going
        screen = pane.wait_for("TUI-EXIT-", timeout=30)
        assert "TUI-EXIT-0" in screen, fail("the app did not quit cleanly")
        assert "Traceback" not in log.read_text(errors="replace"), fail("a traceback")
        trained = [info for info in list_runs(runs) if info["run_id"] not in ids.values()]
        assert trained, fail("no quick baseline was trained during the walk")
    finally:
        pane.close()
