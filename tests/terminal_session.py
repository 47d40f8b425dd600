"""Running digits inside real terminals for the tests: a tmux pane, read back with capture-pane."""

import os
import re
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

DIGITS = str(Path(sys.executable).parent / "digits")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


class Tmux:
    """A detached tmux server of its own (private socket) with one pane of a fixed size."""

    def __init__(self, width=120, height=60, env=None, term="tmux-256color"):
        self.socket = f"digits-test-{uuid.uuid4().hex[:8]}"
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                       "TERM": term, "LANG": "C.UTF-8", "PS1": "$ ", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                  f"env -i {exports} bash --norc --noprofile")
        self.tmux("set-option", "-g", "status", "off")

    def tmux(self, *args) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def run(self, command: str, timeout: float = 60) -> None:
        """Type `command` at the prompt and wait until it has finished."""
        marker = f"END-{uuid.uuid4().hex[:6]}"
        self.tmux("send-keys", "clear", "Enter")
        self.tmux("send-keys", f"{command}; echo {marker}", "Enter")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(line.startswith(marker) for line in self.screen().splitlines()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"{command!r} did not finish in {timeout} s; screen:\n{self.screen()}")

    def send(self, *keys: str) -> None:
        """Press keys (tmux key names such as Enter, Escape, Down, or literal text)."""
        self.tmux("send-keys", *keys)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Poll the pane until `text` is on it; return the screen (TimeoutError with the screen if not)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise TimeoutError(f"{text!r} did not appear in {timeout} s; screen:\n{screen}")
            time.sleep(0.1)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        # tmux leaves the socket file behind; remove ours.
        socket_dir = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (socket_dir / self.socket).unlink(missing_ok=True)


def xterm_256_grey(n: int) -> int:
    """The grey level of a 256-colour palette entry (greys only: cube entries with r = g = b)."""
    if n >= 232:
        return 8 + 10 * (n - 232)
    if n >= 16:
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = (n - 16) // 36, (n - 16) // 6 % 6, (n - 16) % 6
        assert r == g == b, f"colour {n} is not a grey"
        return levels[r]
    return {0: 0, 7: 192, 8: 128, 15: 255}[n]


def cell_colours(line: str) -> list[tuple[str, int | None, int | None]]:
    """(character, foreground grey, background grey) of each cell of a captured line."""
    fg = bg = None
    cells = []
    pos = 0
    for match in SGR.finditer(line + "\x1b[m"):
        for ch in line[pos:match.start()]:
            cells.append((ch, fg, bg))
        pos = match.end()
        codes = [int(c) if c else 0 for c in match.group(1).split(";")] if match.group(1) else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                fg = bg = None
            elif code in (38, 48) and codes[i + 1] == 5:
                value = xterm_256_grey(codes[i + 2])
                fg, bg = (value, bg) if code == 38 else (fg, value)
                i += 2
            elif code in (38, 48) and codes[i + 1] == 2:
                value = codes[i + 2]
                fg, bg = (value, bg) if code == 38 else (fg, value)
                i += 4
            elif code == 39:
                fg = None
            elif code == 49:
                bg = None
            i += 1
    return cells
