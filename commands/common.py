"""Shared CLI plumbing: the result and diagnostics consoles, error reporting, and Ctrl-C handling.

A command's result (tables, drawings, the final panel of a run) goes to stdout, even when it is
formatted for people, so it can be piped, paged and saved; progress, status lines, warnings and
errors go to stderr. Rich decides colour per stream: only a terminal gets it, and `NO_COLOR` or
`TERM=dumb` turn it off, unless a command was asked for colour explicitly.

Rich is imported when the first console is made, not with this module (which the root app
imports): `digits --help` and `digits train --json` need no console.
"""

import contextlib
import json
import os
import signal
import sys
import threading
from functools import cache
from typing import TYPE_CHECKING

import typer

from digits.core.errors import DigitsError
from digits.core.events import Error, json_safe

if TYPE_CHECKING:
    from rich.console import Console

DEBUG_ENV = "DIGITS_DEBUG"


class Settings:
    """Per-invocation switches set by the root callback."""

    debug = False


def err_console() -> "Console":
    """Progress, status, warnings and errors: stderr, so stdout carries only the result (or --json)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


READER_GONE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away


@cache
def result_console_class() -> type:
    """ResultConsole, a Rich Console (made on first use, with Rich)."""
    from rich.console import Console

    class ResultConsole(Console):
        """The stdout console. When the reader goes away (`digits eval | head`), Rich points stdout at
        /dev/null and exits 1; exit as a shell reports a closed pipe instead, as `train --json` does."""

        def on_broken_pipe(self) -> None:
            silence_stdout()
            raise SystemExit(READER_GONE)

    return ResultConsole


def out_console(colour: bool = False) -> "Console":
    """A command's result: stdout. `colour` forces truecolor even into a pipe or a file, or under
    NO_COLOR (an explicit request, e.g. `--render blocks`, overrides the environment)."""
    if colour:
        return result_console_class()(file=sys.stdout, highlight=False, color_system="truecolor", no_color=False)
    return result_console_class()(file=sys.stdout, highlight=False)


def debug_enabled() -> bool:
    return Settings.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def print_json(obj) -> None:
    """One JSON object as one line on stdout, flushed (NDJSON)."""
    sys.stdout.write(json.dumps(json_safe(obj), allow_nan=False) + "\n")
    sys.stdout.flush()


def fail(exc: DigitsError, as_json: bool = False) -> typer.Exit:
    """Report a DigitsError as one line (and an error event with --json); return the Exit to raise."""
    if debug_enabled():
        raise exc
    if as_json:
        with contextlib.suppress(BrokenPipeError):
            print_json(Error(str(exc)).to_dict())
    print_error(err_console(), str(exc))
    return typer.Exit(exc.exit_code)


def print_error(console: "Console", message: str) -> None:
    """One line, never wrapped, so logs and tests see the whole message."""
    from rich.markup import escape

    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


@contextlib.contextmanager
def errors_reported(as_json: bool = False):
    """Turn DigitsError into a one-line message and its exit status."""
    try:
        yield
    except DigitsError as exc:
        raise fail(exc, as_json) from None


def silence_stdout() -> None:
    """After the reader of our stdout went away: point stdout at /dev/null so exit is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class StopFlag:
    """Ctrl-C sets the flag (the run stops at the next batch); a second Ctrl-C aborts at once."""

    def __init__(self):
        self.event = threading.Event()
        self._previous = None

    def __call__(self) -> bool:
        return self.event.is_set()

    def _handle(self, signum, frame):
        if self.event.is_set():
            raise KeyboardInterrupt
        self.event.set()

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False
