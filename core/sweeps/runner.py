"""Running a sweep's missing cells on worker processes and recording each in the sweep directory.

The workers are a standard process pool (`concurrent.futures.ProcessPoolExecutor`, spawned
processes that stay alive across cells, each with its BLAS threads set and its dataset loaded
once). At most one cell per worker is in flight, so a stop request stops the submitting at once:
Ctrl-C reaches the workers too, whose cells stop at their next batch and are left to `--resume`.

Faults: a cell whose task fails (a diverging loss, bad data sent back) is marked failed with its
message and the sweep goes on. A worker that dies (kill -9, out of memory) breaks the pool: its
cell, and any other cell that was in flight with it, is run once more on a new pool, then marked
failed if it dies again.
"""

import contextlib
import json
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from digits.core.errors import DigitsError
from digits.core.events import Event
from digits.core.sweeps.cell import run_cell, worker_setup
from digits.core.sweeps.events import CellFailed, CellFinished, CellStarted, SweepFinished, SweepStarted
from digits.core.sweeps.spec import Cell
from digits.core.sweeps.store import BadCellData, SweepDir, cell_records
from digits.core.sweeps.summary import summary

ATTEMPTS = 2  # a cell whose worker died runs once more, elsewhere


class LocalPool:
    """This machine's worker processes; `wait` and `shutdown` as every pool here offers them."""

    def __init__(self, workers: int, threads: int | None, data_dir: str | None):
        # Spawned, not forked: a fork of a process whose OpenBLAS threads are running can hang.
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                            initializer=worker_setup, initargs=(threads, data_dir))

    def submit(self, fn, *args, key: str = "") -> Future:
        return self.executor.submit(fn, *args)

    def wait(self, futures, timeout: float) -> set:
        return wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)[0]

    def workers(self) -> list:
        # concurrent.futures keeps its processes in _processes (pid -> Process): the one way to
        # reach the workers themselves, for a stop that only the client received.
        return list((getattr(self.executor, "_processes", None) or {}).values())

    def stop_cells(self) -> None:
        """Ask every worker to stop its cell at the next batch (SIGINT: the workers' handler sets
        their stop flag), also when the Ctrl-C reached only the client."""
        for process in self.workers():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                os.kill(process.pid, signal.SIGINT)

    def shutdown(self, wait: bool = True) -> None:
        """Wait for the workers; without `wait` (the client is going away) end them now."""
        if not wait:
            for process in self.workers():
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    process.terminate()
        self.executor.shutdown(wait=wait, cancel_futures=True)


def keeps_models(sweep: SweepDir, cell: Cell, save_models: str) -> bool:
    """--save-models: none, all, or last (the networks of each grid point's last seed)."""
    return save_models == "all" or (save_models == "last" and cell.seed == sweep.spec.seeds[-1])


def run_sweep(sweep: SweepDir, workers: int, threads: int | None, data_dir: str | None, save_models: str = "last",
              should_stop: Callable[[], bool] = lambda: False,
              make_pool: Callable[[], object] | None = None) -> Iterator[Event]:
    """Run the sweep's pending cells on `make_pool()` (default: this machine's workers); yield
    SweepStarted, Cell* events, SweepFinished. Closed early (a reader that went away, a second
    Ctrl-C), it stops the workers' cells and leaves the sweep `interrupted`, resumable."""
    spec, started = sweep.spec, time.perf_counter()
    make_pool = make_pool or (lambda: LocalPool(workers, threads, data_dir))
    queue = deque(sweep.pending())
    yield SweepStarted(sweep.sweep_id, spec.task, str(sweep.path), len(spec.cells()), len(queue), workers, threads,
                       grid=spec.grid, seeds=list(spec.seeds))
    sweep.info["status"] = "running"
    sweep.save()
    pool = make_pool()
    in_flight: dict[Future, tuple[Cell, int, float]] = {}
    free = list(range(workers))
    suspects: set[str] = set()  # cells whose worker died: rerun alone, so a cell that kills workers is found
    closed = False
    try:
        while queue or in_flight:
            while queue and free and not should_stop():
                alone = queue[0].id in suspects or any(c.id in suspects for c, _s, _t in in_flight.values())
                if alone and in_flight:
                    break
                cell, slot = queue.popleft(), free.pop(0)
                attempt = sweep.info["cells"][cell.id].get("attempts", 0) + 1
                sweep.mark(cell, "running", attempts=attempt)
                future = pool.submit(run_cell, spec.task, spec.overrides(cell), data_dir,
                                     keeps_models(sweep, cell, save_models),
                                     key=f"{sweep.sweep_id}-{cell.id}-{attempt}")
                in_flight[future] = (cell, slot, time.perf_counter())
                yield CellStarted(cell.id, cell.options, cell.seed, attempt, slot)
            if not in_flight:
                break
            if should_stop():
                pool.stop_cells()
            done = pool.wait(list(in_flight), 0.5)
            broken = False
            for future in done:
                cell, slot, t0 = in_flight.pop(future)
                free.append(slot)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    yield from died(sweep, cell, queue, suspects)
                    continue
                except Exception as exc:  # noqa: BLE001  the cell's own failure, never the sweep's
                    message = str(exc) if isinstance(exc, DigitsError) else f"{type(exc).__name__}: {exc}"
                    if type(exc).__name__ == "KilledWorker":  # Dask: the scheduler gave up rerunning it
                        message = f"its worker died each time the scheduler ran it ({exc})"
                    sweep.mark(cell, "failed", error=message)
                    yield CellFailed(cell.id, cell.options, cell.seed, message, retried=False)
                    continue
                suspects.discard(cell.id)
                yield from finished(sweep, cell, result, time.perf_counter() - t0)
            if broken:
                for future, (cell, slot, t0) in list(in_flight.items()):  # the pool's other cells died with it
                    in_flight.pop(future)
                    free.append(slot)
                    if future.done() and future.exception() is None:  # it finished just before the break
                        yield from finished(sweep, cell, future.result(), time.perf_counter() - t0)
                    else:
                        yield from died(sweep, cell, queue, suspects)
                pool.shutdown(wait=False)
                pool = make_pool()
    except GeneratorExit:
        closed = True
        pool.stop_cells()
        raise
    finally:
        pool.shutdown(wait=not closed)
        for state in sweep.info["cells"].values():
            if state["status"] == "running":  # its result never came back: run it again on --resume
                state["status"] = "pending"
        left = any(state["status"] == "pending" for state in sweep.info["cells"].values())
        sweep.finish("interrupted" if left else "finished")
    counts = sweep.counts()
    yield SweepFinished(sweep.sweep_id, sweep.info["status"], time.perf_counter() - started, counts["done"],
                        counts["failed"], counts["total"], summary(spec, cell_records(sweep)))


def died(sweep: SweepDir, cell: Cell, queue: deque, suspects: set) -> Iterator[Event]:
    """A cell whose worker process died: once more, alone, at the front of the queue, or failed.
    Deaths are counted apart from submissions (a resumed cell keeps its retry)."""
    deaths = sweep.info["cells"][cell.id].get("deaths", 0) + 1
    again = deaths < ATTEMPTS
    message = "its worker process died" + (" (running it once more, alone)" if again else " twice")
    sweep.mark(cell, "pending" if again else "failed", error=message, deaths=deaths)
    if again:
        queue.appendleft(cell)
        suspects.add(cell.id)
    yield CellFailed(cell.id, cell.options, cell.seed, message, retried=again)


def finished(sweep: SweepDir, cell: Cell, result, seconds: float) -> Iterator[Event]:
    """A cell's result (JSON text from its worker), checked by the sweep's store before it is kept."""
    try:
        payload = json.loads(result)
    except (TypeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        message = "the worker sent back something that is not a cell's result"
        sweep.mark(cell, "failed", error=message)
        yield CellFailed(cell.id, cell.options, cell.seed, message, retried=False)
        return
    status = payload.get("status")
    if status == "interrupted":  # stopped at a batch (Ctrl-C): left for --resume
        sweep.mark(cell, "pending", error="interrupted")
        return
    if status != "finished":
        message = str(payload.get("error") or f"the run ended {status}")
        sweep.mark(cell, "failed", error=message)
        yield CellFailed(cell.id, cell.options, cell.seed, message, retried=False)
        return
    try:
        record = sweep.store(cell, payload)
    except BadCellData as exc:
        sweep.mark(cell, "failed", error=str(exc))
        yield CellFailed(cell.id, cell.options, cell.seed, str(exc), retried=False)
        return
    sweep.mark(cell, "finished", error=None, seconds=seconds)
    yield CellFinished(cell.id, cell.options, cell.seed, seconds, record.get("metrics") or {})
