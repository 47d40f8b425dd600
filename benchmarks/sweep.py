"""Sweeps on this machine: the same 20-seed `subliminal --no-controls` sweep with 1 worker × 2 BLAS
threads, 2 workers × 1 thread, as 20 separate `digits train` processes, and on a local Dask
cluster of 2 single-threaded workers (the engine's own overhead), one after the other.

    python -m benchmarks.sweep [--seeds 20] [--skip-dask]

Per layout: wall time; the cells' training time (the phases' own seconds, from each cell's event
log) and the per-cell overhead (a cell's wall time minus its training, over its training); the
wall time against the sum of training times ÷ the parallelism actually available (the cores, or
the workers when fewer); and the efficiency against the GEMM-bound time of the 20 cells (their
matrix-product FLOPs at the GEMM peak of one core per worker, measured here beside the runs).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine_line
from benchmarks.tasks import peak_gflops

DIGITS = [sys.executable, "-m", "digits"]
OPTIONS = ["--task", "subliminal", "--no-controls"]


def training_seconds(events: list[dict]) -> float:
    return sum(e.get("seconds") or 0.0 for e in events if e.get("event") == "phase_finished")


def sweep_layout(seeds: int, extra: list[str], root: Path) -> dict:
    started = time.perf_counter()
    out = subprocess.run([*DIGITS, "sweep", *OPTIONS, "--seeds", f"0-{seeds - 1}", "--save-models", "none",
                          "--sweep-dir", str(root), "--json", *extra], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    events = [json.loads(line) for line in out.stdout.splitlines()]
    # A cell's wall time as the client sees it: from its submission to its result being written.
    finished = {e["cell"]: e["seconds"] for e in events if e["event"] == "cell_finished"}
    cells = []
    for cell in root.glob("*/cells/*"):
        log = [json.loads(line) for line in (cell / "events.jsonl").read_text().splitlines()]
        run = json.loads((cell / "run.json").read_text())["seconds"]  # the run itself, inside its worker
        cells.append({"training": training_seconds(log), "run": run, "wall": finished[cell.name]})
    return {"wall": wall, "cells": cells, "workers": events[0]["workers"]}


def separate_processes(seeds: int) -> dict:
    started = time.perf_counter()
    cells = []
    for seed in range(seeds):
        t0 = time.perf_counter()
        out = subprocess.run([*DIGITS, "train", *OPTIONS, "--seed", str(seed), "--no-save", "--json"],
                             capture_output=True, text=True, check=True)
        events = [json.loads(line) for line in out.stdout.splitlines()]
        cells.append({"training": training_seconds(events), "run": events[-1]["seconds"],
                      "wall": time.perf_counter() - t0})
    return {"wall": time.perf_counter() - started, "cells": cells, "workers": 1}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_layout(seeds: int, root: Path) -> dict:
    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    procs += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--local-directory",
                                str(root / f"w{k}")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True) for k in range(2)]
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        return sweep_layout(seeds, ["--scheduler", address], root / "sweeps")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)


def report(name: str, run: dict, parallel: int, gemm_bound: float) -> str:
    """A table row. The engine's overhead of a cell is its wall time as the client sees it (from
    submission to its result written, or a process's whole life) minus the run's own time (what
    `digits train` reports: training plus the task's evaluations, noise draws and predictions)."""
    cells = run["cells"]
    training = sum(c["training"] for c in cells)
    runs = sum(c["run"] for c in cells)
    engine = sum(c["wall"] - c["run"] for c in cells) / len(cells)
    return (f"| {name} | {run['wall']:.1f} | {training:.1f} | {runs:.1f} | {engine:.2f} s "
            f"({100 * engine * len(cells) / training:.1f}% of training) | {run['wall'] / (training / parallel):.2f}× | "
            f"{run['wall'] / (runs / parallel):.2f}× | {100 * gemm_bound / run['wall']:.0f}% |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    from digits.core.data.dataset import load_dataset
    from digits.core.tasks import get_task

    task = get_task("subliminal")
    cfg = task.Config.build({"controls": False})
    flops = task.flops(cfg, load_dataset()) * args.seeds
    sizes, batch = [784, *cfg.hidden, 10 + cfg.aux], cfg.batch_size
    print(machine_line())
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # the peak of one core, as each of 2 workers has
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="digits-sweep-bench-"))
    try:
        peak_one = peak_gflops(sizes, batch)
        del os.environ["OPENBLAS_NUM_THREADS"]
        cores = os.cpu_count() or 1
        gemm_bound = flops / (peak_one * 1e9 * cores)
        print(f"{args.seeds} cells of subliminal --no-controls: {flops / 1e9:.0f} GFLOP; GEMM peak {peak_one:.0f} "
              f"GFLOP/s per core, so {gemm_bound:.1f} s GEMM-bound on {cores} cores", flush=True)
        layouts = [("2 workers × 1 thread", lambda: sweep_layout(args.seeds, ["--workers", "2"], scratch / "a"), 2),
                   ("1 worker × 2 threads", lambda: sweep_layout(args.seeds, ["--workers", "1"], scratch / "b"), 2),
                   (f"{args.seeds} separate `digits train` (2 threads)", lambda: separate_processes(args.seeds), 2)]
        if not args.skip_dask:
            layouts.append(("local Dask cluster, 2 workers × 1 thread", lambda: dask_layout(args.seeds, scratch / "d"),
                            2))
        print("| layout | wall s | cells' training s | cells' runs s | engine overhead per cell | "
              "wall ÷ (training ÷ 2) | wall ÷ (runs ÷ 2) | GEMM efficiency |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, run, parallel in layouts:
            rows.append(report(name, run(), parallel, gemm_bound))
            print(rows[-1], flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
