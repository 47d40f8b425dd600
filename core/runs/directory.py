"""Run directories: one per run, holding run.json (the run record, core/runs/record.py), events.jsonl
and models/.

run.json is rewritten atomically at start, when a model is saved, and at the end; events.jsonl is
appended one flushed line per event, so a crash loses at most a partial last line (readers skip
it). While it trains, progress.json holds its latest within-epoch progress, rewritten at most once
a second (the live state another process follows, core/runs/follow.py; removed when the run ends).
A run whose status is still "running" is reported as "abandoned" when its process is gone (on this
host), or, from another host, when neither file has changed for STALE_SECONDS.
Every reader gets schema 2: older records are migrated as they are read.
"""

import contextlib
import json
import os
import socket
import time
from datetime import datetime
from pathlib import Path

from digits.core.atomic import write_json
from digits.core.events import Event, Progress
from digits.core.nn.network import Network
from digits.core.nn.persist import save_network
from digits.core.runs.environment import environment
from digits.core.runs.record import SCHEMA, ModelInfo

RUN_FILE = "run.json"
EVENTS_FILE = "events.jsonl"
PROGRESS_FILE = "progress.json"
PROGRESS_EVERY = 1.0  # seconds between rewrites of progress.json (also the run's heartbeat)
STALE_SECONDS = 120.0  # a run on another host that wrote nothing for this long has died


class RunDir:
    """The on-disk record of one run."""

    def __init__(self, path: Path, info: dict):
        self.path, self.info = Path(path), info
        self._events = None
        self._progress_written = 0.0

    @property
    def run_id(self) -> str:
        return self.info["run_id"]

    @classmethod
    def create(cls, root: Path, task: str, config: dict, dataset: str) -> "RunDir":
        root = Path(root).expanduser()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        root.mkdir(parents=True, exist_ok=True)
        for n in range(1000):
            run_id = f"{task}-{stamp}" + (f"-{n}" if n else "")
            try:
                (root / run_id).mkdir()
                break
            except FileExistsError:
                continue
        env = environment()
        info = {
            "schema": SCHEMA, "run_id": run_id, "task": task, "status": "running", "started": time.time(),
            "finished": None, "seconds": None, "config": config, "dataset": dataset, "metrics": {}, "models": [],
            "comparison": None, "reference": [], "results": None, "test_subset": None, "environment": env,
            "pid": os.getpid(),
            "host": env["host"],
        }
        run = cls(root / run_id, info)
        run.write_info()
        return run

    def write_info(self) -> None:
        write_json(self.path / RUN_FILE, self.info)

    def record(self, event: Event) -> None:
        if isinstance(event, Progress):
            now = time.monotonic()
            if now - self._progress_written >= PROGRESS_EVERY:
                self._progress_written = now
                with contextlib.suppress(OSError):  # live state only: a failed write costs nothing
                    write_json(self.path / PROGRESS_FILE, event.to_dict())
            return
        if self._events is None:
            # Kept open for the run's lifetime (one flushed line per event); finish() closes it.
            self._events = open(self.path / EVENTS_FILE, "a", encoding="utf-8")  # noqa: SIM115
        self._events.write(json.dumps(event.to_dict(), allow_nan=False) + "\n")
        self._events.flush()

    def save_model(self, model: ModelInfo, net: Network, meta: dict | None = None) -> Path:
        """The network's files, and its entry in the record (replacing one of the same name)."""
        path = save_network(self.path / "models" / model.name, net, {"scale": model.scale, **(meta or {})})
        self.info["models"] = [m for m in self.info["models"] if m["name"] != model.name] + [model.to_dict()]
        self.write_info()
        return path

    def finish(self, status: str, metrics: dict | None = None, error: str | None = None,
               where: dict | None = None, **record) -> None:
        """Mark the outcome; `record` sets further fields (comparison, reference, results)."""
        self.info.update(status=status, finished=time.time(), **record)
        self.info["seconds"] = self.info["finished"] - self.info["started"]
        if metrics is not None:
            self.info["metrics"] = metrics
        if error is not None:
            self.info["error"] = error
        if where is not None:
            self.info["stopped_at"] = where
        self.write_info()
        if self._events is not None:
            self._events.close()
            self._events = None
        with contextlib.suppress(OSError):
            (self.path / PROGRESS_FILE).unlink(missing_ok=True)


def pid_alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except PermissionError:
        return True  # exists, owned by someone else
    except (OSError, ValueError, TypeError):
        return False
    return True


def read_run(path: Path) -> dict | None:
    """The run.json of a run directory, or None if it is not one (or damaged)."""
    try:
        info = json.loads((Path(path) / RUN_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or "run_id" not in info:
        return None
    if info.get("schema", 1) < SCHEMA:
        from digits.core.runs.migration import migrate

        try:
            info = migrate(info, Path(path))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a damaged old run: listed, not fatal
            info = {**info, "schema": SCHEMA, "models": [], "comparison": None, "reference": [], "results": None,
                    "test_subset": None, "environment": {}, "error": f"cannot read its schema-1 files ({exc})"}
    if info.get("status") == "running":
        why = dead(Path(path), info)
        if why:
            info["status"], info["abandoned_why"] = "abandoned", why
    info["path"] = str(path)
    return info


def last_sign_of_life(path: Path) -> float | None:
    """When the run last wrote its event log or its progress (file times), if it did."""
    stamps = []
    for name in (EVENTS_FILE, PROGRESS_FILE, RUN_FILE):
        with contextlib.suppress(OSError):
            stamps.append(os.stat(path / name).st_mtime)
    return max(stamps) if stamps else None


def dead(path: Path, info: dict) -> str | None:
    """Why a run recorded as running is not, or None while it may be: on this host its process
    tells; a process of another host cannot be asked, so there the files' age tells."""
    host = info.get("host")
    if host in (None, socket.gethostname()):
        return None if pid_alive(info.get("pid")) else f"its process {info.get('pid')} is gone"
    seen = last_sign_of_life(path)
    age = time.time() - seen if seen is not None else None
    if age is not None and age > STALE_SECONDS:
        return f"no sign of life from {host} for {age:.0f} s"
    return None


def list_runs(root: Path) -> list[dict]:
    """All readable runs under `root`, oldest first."""
    root = Path(root).expanduser()
    if not root.is_dir():
        return []
    runs = [info for child in root.iterdir()
            if child.is_dir() and not child.name.startswith(".") and (info := read_run(child))]
    return sorted(runs, key=lambda info: info.get("started") or 0)
