"""Run a GIL-free compiled kernel over the two halves of its arrays at once: here and on one worker.

The compiled kernels (optimizer updates, warps) run on one thread; numba's own thread pools spin
while idle and slowed OpenBLAS's GEMM threads down (an OpenMP-pool Adam made an epoch 2× slower),
and a kernel run *during* a product only delays it (OpenBLAS splits a product evenly between
its threads, so the product waits for the thread that lost its core). Between products both
cores are free, so a kernel is split in two there instead: this thread does the first half of
the rows while a single standing worker thread (`concurrent.futures`) does the second, and the
call returns when both are done. Each element is computed exactly as in one call, so results do
not depend on the split.

Two threads, not one per core: the step's products use the BLAS threads and this is a lab for
laptops; `set_threads(1)` (sweep cells that share the machine, DIGITS_KERNEL_THREADS=1) turns
the split off. A call with less work than MIN_ROWS is not worth the ~20 µs of a hand-off.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache

MIN_ROWS = 32_768  # elements (or images × 256) below which one thread is faster than two

_threads: int | None = None


def threads() -> int:
    """1 or 2: how many threads the kernels use."""
    global _threads
    if _threads is None:
        wanted = os.environ.get("DIGITS_KERNEL_THREADS")
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        _threads = 2 if cores > 1 and wanted != "1" else 1
    return _threads


def set_threads(count: int) -> None:
    """Use one thread (count 1) or two (count ≥ 2) from now on."""
    global _threads
    _threads = 1 if count <= 1 else 2


@cache
def _worker() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="digits-kernel")


def in_halves(kernel, split: list, shared: tuple = (), rows: int | None = None, weight: int = 1) -> None:
    """kernel(*halves_of(split), *shared) for each half of the leading axis of the `split` arrays,
    both at once when there are two threads and enough work (rows × weight ≥ MIN_ROWS)."""
    n = len(split[0]) if rows is None else rows
    if threads() == 1 or n < 2 or n * weight < MIN_ROWS:
        kernel(*split, *shared)
        return
    mid = n // 2
    second = _worker().submit(kernel, *(a[mid:] for a in split), *shared)
    kernel(*(a[:mid] for a in split), *shared)
    second.result()
