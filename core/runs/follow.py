"""Follow a run from another process, or another machine writing to a shared directory: the events
its `events.jsonl` gains, and its latest within-epoch progress (`progress.json`, rewritten about
once a second while it trains; the log keeps only whole-epoch events).

Only complete lines are parsed: a line still being written (no newline yet) is kept and read again
when it is whole. The files are stat'ed before they are read, and the wait between looks grows
from 0.1 s to 1 s while nothing changes (and drops back when something does), so following costs
next to nothing. The run is over at its `run_finished`, `run_interrupted` or `error` event, or
when its record says it is no longer running: finished, failed, or abandoned (its process is gone
on this host; from another host, no sign of life for `STALE_SECONDS`).
"""

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from digits.core.runs.directory import EVENTS_FILE, PROGRESS_FILE, read_run

ENDS = ("run_finished", "run_interrupted", "error")
FASTEST, SLOWEST = 0.1, 1.0  # seconds between looks at the files


class LogTail:
    """The complete lines an append-only JSON-lines file has gained since the last look."""

    def __init__(self, path: Path):
        self.path, self.offset, self.partial, self.size = Path(path), 0, b"", -1

    def changed(self) -> bool:
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return False
        return size != self.size

    def read(self) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except OSError:
            return []
        self.offset += len(data)
        self.size = self.offset
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()  # b"" after a newline; else a line still being written
        out = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a torn line from a crash, followed by more: skipped as readers do
            if isinstance(event, dict):
                out.append(event)
        return out


class ProgressFile:
    """The run's latest progress event, when `progress.json` has been rewritten since the last look."""

    def __init__(self, path: Path):
        self.path, self.seen = Path(path), None

    def read(self) -> dict | None:
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except OSError:
            return None
        if stamp == self.seen:
            return None
        self.seen = stamp
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # replaced while we read it: the next look gets the new one
        return found if isinstance(found, dict) and found.get("event") == "progress" else None


def follow(run_path: Path, should_stop: Callable[[], bool] = lambda: False,
           sleep: Callable[[float], None] = time.sleep) -> Iterator[dict]:
    """Every event of the run, from its first, then the new ones as they come (with the latest
    progress between them), until the run ends; then, if it ended without saying so in its log, a
    `{"event": "run_abandoned" | "run_ended", "status": ...}` of what its record says."""
    run_path = Path(run_path)
    log, progress = LogTail(run_path / EVENTS_FILE), ProgressFile(run_path / PROGRESS_FILE)
    wait, last_progress = FASTEST, None
    while not should_stop():
        events = log.read() if log.changed() else []
        for event in events:
            yield event
            if event.get("event") in ENDS:
                return
        latest = progress.read()
        if latest is not None and latest != last_progress:
            last_progress = latest
            yield latest
        if events or latest is not None:
            wait = FASTEST
            continue
        info = read_run(run_path)
        if info is None or info.get("status") != "running":
            for event in log.read():  # what it wrote between our last look and its end
                yield event
                if event.get("event") in ENDS:
                    return
            status = (info or {}).get("status", "gone")
            yield {"event": "run_abandoned" if status == "abandoned" else "run_ended", "status": status,
                   "run_id": (info or {}).get("run_id"), "why": (info or {}).get("abandoned_why")}
            return
        sleep(wait)
        wait = min(SLOWEST, wait * 2)
