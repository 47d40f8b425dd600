"""Running one cell where a worker is (a local worker process, or a Dask worker on another machine):
the task at one grid point and seed, into a scratch directory, returned as plain data — the run
record, the event log and the saved models as npz bytes — so nothing assumes a shared filesystem.
The client validates what comes back before it writes it into the sweep (store.py).

A worker process keeps its dataset and compiled kernels between cells (the module-level cache),
so imports, data loading and numba's start-up are paid once per worker, not once per cell.
"""

import base64
import json
import signal
import tempfile
import threading
from pathlib import Path

from digits.core.data.dataset import load_dataset
from digits.core.runs.runner import execute
from digits.core.tasks import get_task

_DATASETS: dict = {}
_STOP = threading.Event()  # set by SIGINT in a local worker: its cell stops at the next batch


def dataset(data_dir: str | None):
    if data_dir not in _DATASETS:
        _DATASETS[data_dir] = load_dataset(data_dir)
    return _DATASETS[data_dir]


def worker_setup(threads: int | None = None, data_dir: str | None = None) -> None:
    """Initialiser of a local worker process: BLAS threads for this worker (cores ÷ workers, so the
    workers never oversubscribe the machine), Ctrl-C as a stop request, and the dataset loaded."""
    if threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)
    signal.signal(signal.SIGINT, lambda *_: _STOP.set())
    dataset(data_dir)


def run_cell(task: str, overrides: dict, data_dir: str | None, keep_models: bool = True) -> dict:
    """One cell, run here; returns {status, record, events, models: {name: {npz, json}}, error}
    (models only with `keep_models`: --save-models last keeps those of each grid point's last seed)."""
    config = get_task(task).Config.build(overrides)
    with tempfile.TemporaryDirectory(prefix="digits-cell-") as scratch:
        events = list(execute(task, config, dataset(data_dir), Path(scratch), should_stop=_STOP.is_set))
        run_dir = Path(events[0].run_dir)  # RunStarted names it; the last event may be an Error
        record = json.loads((run_dir / "run.json").read_text())
        models = {}
        if keep_models:
            for name in (m["name"] for m in record.get("models") or []):
                models[name] = {
                    "npz": base64.b64encode((run_dir / "models" / f"{name}.npz").read_bytes()).decode("ascii"),
                    "json": (run_dir / "models" / f"{name}.json").read_text()}
        return {"status": record["status"], "record": record, "events": (run_dir / "events.jsonl").read_text(),
                "models": models, "error": record.get("error")}
