"""A sweep's directory, the single source of truth: `sweep.json` (the spec, how it is run, its
status, and every cell's state) and `cells/<cell id>/`, each finished cell's run directory, written
here by the client from what its worker sent back. sweep.json is rewritten atomically after every
cell, and a cell's directory appears whole (written beside, then renamed), so an interrupted sweep
keeps every finished cell and `--resume` runs only what is missing.

What comes back from a worker is data, and checked as such: a run record of schema 2 whose task
is the sweep's, an event log of JSON lines, and networks that load as digits networks (npz
without pickles); anything else fails its cell with a message, never the sweep.
"""

import base64
import json
import os
import shutil
import socket
import time
from datetime import datetime
from pathlib import Path

from digits.core.atomic import write_json
from digits.core.errors import DigitsError, RunLookupError
from digits.core.nn.persist import load_network
from digits.core.runs.directory import pid_alive
from digits.core.runs.record import SCHEMA as RECORD_SCHEMA
from digits.core.sweeps.spec import Cell, SweepSpec

SWEEP_FILE = "sweep.json"
SCHEMA = 1


class BadCellData(DigitsError):
    """What a worker sent back for a cell is not a valid run."""


class SweepDir:
    def __init__(self, path: Path, info: dict):
        self.path, self.info = Path(path), info

    @property
    def sweep_id(self) -> str:
        return self.info["sweep_id"]

    @property
    def spec(self) -> SweepSpec:
        return SweepSpec.from_dict(self.info["spec"])

    @classmethod
    def create(cls, root: Path, spec: SweepSpec, how: dict) -> "SweepDir":
        root = Path(root).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(1000):
            sweep_id = f"sweep-{spec.task}-{stamp}" + (f"-{n}" if n else "")
            try:
                (root / sweep_id).mkdir()
                break
            except FileExistsError:
                continue
        (root / sweep_id / "cells").mkdir()
        info = {"schema": SCHEMA, "kind": "sweep", "sweep_id": sweep_id, "task": spec.task, "spec": spec.to_dict(),
                "how": how, "status": "running", "created": time.time(), "finished": None, "pid": os.getpid(),
                "host": socket.gethostname(),
                "cells": {c.id: {"point": c.point, "seed": c.seed, "options": c.options, "status": "pending",
                                 "attempts": 0} for c in spec.cells()}}
        sweep = cls(root / sweep_id, info)
        sweep.save()
        return sweep

    @classmethod
    def open(cls, root: Path, sweep_id: str) -> "SweepDir":
        path = Path(sweep_id).expanduser()
        if not (path / SWEEP_FILE).is_file():
            path = Path(root).expanduser() / sweep_id
        info = read_sweep(path)
        if info is None:
            known = [s["sweep_id"] for s in list_sweeps(root)]
            hint = f"known sweeps: {', '.join(known[-5:])}" if known else "there are no sweeps there yet"
            raise RunLookupError(f"no sweep {sweep_id!r} in {root}; {hint} (see `digits runs`)")
        return cls(path, info)

    def save(self) -> None:
        write_json(self.path / SWEEP_FILE, self.info)

    def cell_path(self, cell_id: str) -> Path:
        return self.path / "cells" / cell_id

    def pending(self) -> list[Cell]:
        """The cells not finished yet (failed ones included: a resume runs them again)."""
        return [c for c in self.spec.cells() if self.info["cells"][c.id]["status"] != "finished"]

    def mark(self, cell: Cell, status: str, **details) -> None:
        self.info["cells"][cell.id].update(status=status, **details)
        self.save()

    def store(self, cell: Cell, payload: dict) -> dict:
        """Check a worker's payload and write it as the cell's run directory; return its record."""
        record = payload.get("record") if isinstance(payload, dict) else None
        if (not isinstance(record, dict) or record.get("schema") != RECORD_SCHEMA
                or record.get("task") != self.spec.task or not isinstance(record.get("metrics"), dict)
                or not isinstance(record.get("models"), list)
                or not all(isinstance(m, dict) and isinstance(m.get("name"), str) for m in record["models"])):
            raise BadCellData(f"cell {cell.id}: the worker sent no valid run record of task {self.spec.task}")
        models = payload.get("models", {})
        if not isinstance(models, dict) or not all(
                isinstance(f, dict) and isinstance(f.get("npz"), str) and isinstance(f.get("json"), str)
                for f in models.values()):
            raise BadCellData(f"cell {cell.id}: the worker sent its networks in no known form")
        events = payload.get("events")
        if not isinstance(events, str):
            raise BadCellData(f"cell {cell.id}: the worker sent no event log")
        for n, line in enumerate(events.splitlines(), start=1):
            try:
                json.loads(line)
            except ValueError:
                raise BadCellData(f"cell {cell.id}: line {n} of the event log the worker sent is not JSON") from None
        target = self.cell_path(cell.id)
        staging = target.with_name(f".{cell.id}.incoming")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "models").mkdir(parents=True)
        try:
            for name, files in models.items():
                if not isinstance(name, str) or "/" in name or name.startswith("."):
                    raise BadCellData(f"cell {cell.id}: the worker sent a model named {name!r}")
                (staging / "models" / f"{name}.npz").write_bytes(base64.b64decode(files["npz"], validate=True))
                (staging / "models" / f"{name}.json").write_text(files["json"])
                load_network(staging / "models" / name)  # raises ModelFileError: no pickles, shapes checked
            # Named by its place in the sweep, so `digits show --run <sweep id>/cells/<cell>` finds it.
            record = {**record, "run_id": f"{self.sweep_id}/cells/{cell.id}",
                      "models": [m for m in record["models"] if m["name"] in models]}
            (staging / "events.jsonl").write_text(events)
            write_json(staging / "run.json", {k: v for k, v in record.items() if k != "path"})
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        except (DigitsError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, BadCellData):
                raise
            raise BadCellData(f"cell {cell.id}: what the worker sent is not a valid run ({exc})") from None
        return record

    def finish(self, status: str) -> None:
        self.info.update(status=status, finished=time.time())
        self.save()

    def counts(self) -> dict:
        states = [c["status"] for c in self.info["cells"].values()]
        return {"done": states.count("finished"), "failed": states.count("failed"), "total": len(states)}


def read_sweep(path: Path) -> dict | None:
    """sweep.json of a sweep directory (status `abandoned` when its process died), or None."""
    try:
        info = json.loads((Path(path) / SWEEP_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("kind") != "sweep" or "spec" not in info:
        return None
    if info.get("status") == "running" and info.get("host") == socket.gethostname() and not pid_alive(info.get("pid")):
        info["status"] = "abandoned"
    info["path"] = str(path)
    return info


def list_sweeps(root: Path) -> list[dict]:
    root = Path(root).expanduser()
    if not root.is_dir():
        return []
    found = [info for child in root.iterdir() if child.is_dir() and (info := read_sweep(child))]
    return sorted(found, key=lambda info: info.get("created") or 0)


def cell_records(sweep: SweepDir) -> dict[str, dict]:
    """cell id -> run record of every finished cell, read from the sweep directory."""
    out = {}
    for cell_id, state in sweep.info["cells"].items():
        if state["status"] == "finished":
            try:
                out[cell_id] = json.loads((sweep.cell_path(cell_id) / "run.json").read_text())
            except (OSError, ValueError):
                continue
    return out
