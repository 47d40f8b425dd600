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
import time
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


def stop_check(event_name: str | None):
    """What stops this cell: Ctrl-C in a local worker, or the sweep's Dask Event (asked at most once
    a second: each ask is a message to the scheduler)."""
    if not event_name:
        return _STOP.is_set
    from distributed import Event

    event, last, answer = Event(event_name), [0.0], [False]

    def check() -> bool:
        now = time.monotonic()
        if not answer[0] and now - last[0] >= 1.0:
            last[0], answer[0] = now, event.is_set()
        return answer[0]
    return check


def run_cell(task: str, overrides: dict, data_dir: str | None, keep_models: bool = True,
             threads: int | None = None, stop_event: str | None = None) -> str:
    """One cell, run here; returns JSON text (plain data only): {status, record, events, models:
    {name: {npz (base64), json}}, error} (models only with `keep_models`: --save-models last keeps
    those of each grid point's last seed). `threads`: BLAS threads, where no initialiser set them."""
    if threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)
    config = get_task(task).Config.build(overrides)
    with tempfile.TemporaryDirectory(prefix="digits-cell-") as scratch:
        events = list(execute(task, config, dataset(data_dir), Path(scratch), should_stop=stop_check(stop_event)))
        run_dir = Path(events[0].run_dir)  # RunStarted names it; the last event may be an Error
        record = json.loads((run_dir / "run.json").read_text())
        models = {}
        if keep_models:
            for name in (m["name"] for m in record.get("models") or []):
                models[name] = {
                    "npz": base64.b64encode((run_dir / "models" / f"{name}.npz").read_bytes()).decode("ascii"),
                    "json": (run_dir / "models" / f"{name}.json").read_text()}
        return json.dumps({"status": record["status"], "record": record,
                           "events": (run_dir / "events.jsonl").read_text(), "models": models,
                           "error": record.get("error")})
