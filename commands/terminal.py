"""Which way to draw digits on this terminal: ascii, blocks, sixel or kitty.

`auto` asks the terminal only when both stdin and stdout are terminals: it sends a Kitty graphics
query and DA1 (`ESC [ c`) together and reads the replies from the TTY with a timeout. Sixel is
supported when DA1's reply lists attribute 4 (the reply is split on `;`: a substring test would
take 64 for 4); Kitty when the graphics query is answered OK. Late replies are drained so they
never reach the shell as keystrokes. Without graphics: `blocks` on a colour terminal, else `ascii`
(pipes, files, NO_COLOR, TERM=dumb). DIGITS_RENDER=ascii|blocks|sixel|kitty overrides detection.
"""

import contextlib
import os
import re
import select
import sys
import time

from digits.core.errors import ConfigError

MODES = ("auto", "ascii", "blocks", "sixel", "kitty")
ENV = "DIGITS_RENDER"
TIMEOUT = 0.25  # seconds to wait for the terminal's answer; DA1 is answered by every VT100 descendant
KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
DA1 = "\x1b[c"
DA1_REPLY = re.compile(r"\x1b\[\?([0-9;]*)c")


def sixel_in_da1(reply: str) -> bool:
    """Whether a DA1 reply (e.g. ESC [ ? 63;1;2;4;6 c) lists the Sixel attribute 4."""
    match = DA1_REPLY.search(reply)
    return bool(match) and "4" in match.group(1).split(";")


def kitty_in_reply(reply: str) -> bool:
    return "\x1b_Gi=31;OK" in reply


def query_terminal(timeout: float = TIMEOUT) -> str:
    """Send the Kitty query and DA1 to the controlling terminal; return what it answered ('' if
    nothing, or if there is no terminal to ask)."""
    try:
        import termios
        import tty
    except ImportError:  # not a POSIX terminal
        return ""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return ""
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        os.close(fd)
        return ""
    reply = b""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        new = termios.tcgetattr(fd)
        new[3] &= ~termios.ECHO  # the answer must not be echoed onto the screen
        termios.tcsetattr(fd, termios.TCSANOW, new)
        os.write(fd, (KITTY_QUERY + DA1).encode())
        deadline = time.monotonic() + timeout
        while not DA1_REPLY.search(reply.decode("latin-1")):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            reply += os.read(fd, 1024)
        # Terminals answer in order, so after DA1 nothing of ours should follow; anything that
        # still arrives (a slow terminal answering after the timeout) is discarded, not typed.
        time.sleep(0.02)
        termios.tcflush(fd, termios.TCIFLUSH)
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        os.close(fd)
    return reply.decode("latin-1")


def explicit(requested: str) -> bool:
    """Whether a render mode was asked for (--render or DIGITS_RENDER) rather than detected: an
    explicit mode is drawn as asked even into a pipe or a file (`--render sixel > d.six`)."""
    return (requested or "auto").lower() != "auto" or bool(os.environ.get(ENV, "").strip())


def colour_terminal(console) -> bool:
    """Rich's view: a terminal with colours, and NO_COLOR unset."""
    return console.is_terminal and console.color_system is not None and not console.no_color


def choose_mode(requested: str, console, interactive: bool | None = None, ask=query_terminal) -> str:
    """The concrete mode for `requested` (a MODES entry) on `console`'s terminal."""
    mode = (requested or "auto").lower()
    if mode == "auto":
        env = os.environ.get(ENV, "").strip().lower()
        if env:
            if env not in MODES:
                raise ConfigError(f"{ENV}={env!r} is not a render mode; use one of {', '.join(MODES)}")
            mode = env
    if mode not in MODES:
        raise ConfigError(f"--render {requested!r} is not a render mode; use one of {', '.join(MODES)}")
    if mode != "auto":
        return mode
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty() and console.is_terminal
    if interactive and os.environ.get("TERM", "") not in ("dumb", ""):
        reply = ask()
        if kitty_in_reply(reply):
            return "kitty"
        if sixel_in_da1(reply):
            return "sixel"
    return "blocks" if colour_terminal(console) else "ascii"


def cell_pixels(default: tuple[int, int] = (10, 20)) -> tuple[int, int]:
    """(width, height) of a character cell in pixels, from the terminal's window size when it tells."""
    import fcntl
    import struct
    import termios

    for stream in (sys.stdout, sys.stderr, sys.stdin):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            rows, cols, xpix, ypix = struct.unpack("HHHH", fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8))
            if rows and cols and xpix and ypix:
                return xpix // cols, ypix // rows
    return default
