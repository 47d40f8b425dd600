"""float32 GEMM throughput (GFLOP/s) on the layer shapes the tasks train, and a task's GEMM floor.

    python -m benchmarks.peak [--batch 128] [--repeats 30]
    python -m benchmarks.peak --task distill [--option value ...]

For a layer of fan_in × fan_out at batch B it times the three products of a training step:
forward x·W (B×in·in×out), weight gradient xᵀ·g (in×B·B×out) and input gradient g·Wᵀ.
This is the ceiling a numpy training loop can approach. With --task it prints the task's GEMM
floor at its defaults (or the options given): the time its matrix products alone take here
(`floor`, as `benchmarks.tasks` measures it beside each run). Set OPENBLAS_NUM_THREADS before
starting to fix the thread count.
"""

import argparse
import math
import os
import time
from collections.abc import Iterable

import numpy as np

from digits.core.nn.flops import Shapes, Work, forward_products, mlp_shapes, product_flops, step_products

LAYERS = [(784, 256), (256, 256), (784, 800), (800, 800), (784, 1200), (1200, 1200)]


def gflops(a: np.ndarray, b: np.ndarray, repeats: int) -> float:
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.float32)
    for _ in range(3):
        np.matmul(a, b, out=out)
    started = time.perf_counter()
    for _ in range(repeats):
        np.matmul(a, b, out=out)
    seconds = (time.perf_counter() - started) / repeats
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] / seconds / 1e9


def operands(kind: str, m: int, k: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The two operands of an (m × k)·(k × n) product, laid out as the network multiplies them:
    forward x·W (both C-ordered), weight gradient xᵀ·g (x is batch × in, so xᵀ is a transposed
    view), input gradient g·Wᵀ (W is in × out, so Wᵀ is a transposed view)."""
    if kind == "weight":
        return rng.standard_normal((k, m), dtype=np.float32).T, rng.standard_normal((k, n), dtype=np.float32)
    if kind == "input":
        return rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((n, k), dtype=np.float32).T
    return rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32)


def round_seconds(a: np.ndarray, b: np.ndarray, out: np.ndarray, repeats: int) -> float:
    """Seconds per product of `repeats` back-to-back a·b into `out`."""
    started = time.perf_counter()
    for _ in range(repeats):
        np.matmul(a, b, out=out)
    return (time.perf_counter() - started) / repeats


class ProductTimer:
    """The time of each distinct product alone, as (kind, m, k, n) -> seconds: the best of `passes`
    rounds (each at least `round_seconds` of back-to-back products into a reused output), the
    rounds of all products interleaved, pass after pass, so that a slow moment of the machine (or
    another process on the cores, which stalls a multi-threaded product by a whole time slice)
    spoils one round of each product rather than every round of one. `measure` adds products; a
    new timer measures afresh."""

    def __init__(self, passes: int = 5, round_seconds: float = 0.01):
        self.passes, self.round_seconds = passes, round_seconds
        self.seconds: dict[tuple[str, int, int, int], float] = {}

    def measure(self, products: Iterable[tuple[str, int, int, int]]) -> None:
        rng = np.random.default_rng(0)
        todo = {}
        for p in products:
            if p not in self.seconds and p not in todo:
                a, b = operands(*p, rng)
                out = np.empty((a.shape[0], b.shape[1]), dtype=np.float32)
                np.matmul(a, b, out=out)  # warm-up: first-touch page faults, BLAS thread start
                one = round_seconds(a, b, out, 1)
                todo[p] = (a, b, out, max(1, math.ceil(self.round_seconds / max(one, 1e-7))), one)
        best = {p: one for p, (*_, one) in todo.items()}
        for _ in range(self.passes):
            for p, (a, b, out, repeats, _) in todo.items():
                best[p] = min(best[p], round_seconds(a, b, out, repeats))
        self.seconds.update(best)

    def product(self, kind: str, m: int, k: int, n: int) -> float:
        key = (kind, m, k, n)
        if key not in self.seconds:
            self.measure([key])
        return self.seconds[key]

    def products(self, products: Iterable[tuple[str, int, int, int]]) -> float:
        return sum(self.product(*p) for p in products)

    def step(self, shapes: Shapes, batch: int) -> float:
        """One training step's products (forward, weight gradient, input gradient but the first layer's)."""
        return self.products(step_products(shapes, batch))

    def forward(self, shapes: Shapes, batch: int) -> float:
        """One forward pass's products (an evaluation chunk)."""
        return self.products(forward_products(shapes, batch))


def work_products(work: list[Work]) -> list[tuple[str, int, int, int]]:
    """Every product the work items' floors need: their training steps' and evaluation chunks'."""
    out = []
    for w in work:
        out += (step_products(w.shapes, w.batch) if w.trained else []) + \
               (forward_products(w.shapes, w.chunk) if w.evaluated else [])
    return out


def floor_seconds(work: list[Work], timer: ProductTimer | None = None) -> dict[str, float]:
    """The GEMM floor of a run, by work item name: for each item, its training steps × one step's
    products at its batch size plus its evaluation chunks × one forward pass's products at its
    chunk size (samples counted at full batches: a short last batch as its share). Without a
    timer, every product is measured afresh."""
    timer = timer or ProductTimer()
    timer.measure(work_products(work))
    out: dict[str, float] = {}
    for w in work:
        seconds = (timer.step(w.shapes, w.batch) * w.steps if w.trained else 0.0) + \
                  (timer.forward(w.shapes, w.chunk) * w.chunks if w.evaluated else 0.0)
        out[w.name] = out.get(w.name, 0.0) + seconds
    return out


def peak_gflops(sizes: list[int], batch: int, repeats: int = 30) -> float:
    """The GEMM rate of one training step of the MLP `sizes` at this batch size: its products' FLOPs
    over the time each product takes when measured alone, i.e. the step's speed if nothing but the
    matrix products ran. (`benchmarks.scaling` and `benchmarks.sweep` use it.)"""
    rng = np.random.default_rng(0)
    flops, seconds = 0, 0.0
    for kind, m, k, n in step_products(mlp_shapes(sizes), batch):
        f = product_flops([(kind, m, k, n)])
        flops += f
        seconds += f / (gflops(*operands(kind, m, k, n, rng), repeats) * 1e9)
    return flops / seconds / 1e9


def print_task_floor(task_name: str, extra: list[str]) -> None:
    from benchmarks.tasks import parse_overrides
    from digits.core.data.dataset import load_dataset
    from digits.core.tasks.base import get_task

    task = get_task(task_name)
    config = task.Config.build(parse_overrides(task.Config, extra))
    data = load_dataset()
    work = task.work(config, data)
    timer = ProductTimer()
    timer.measure(work_products(work))
    print(f"{'work':<28} {'shapes':<28} {'batch':>5} {'trained':>11} {'evaluated':>10} {'GFLOP':>8} "
          f"{'step ms':>8} {'floor s':>8}")
    total_s = total_f = 0.0
    for w in work:
        seconds = floor_seconds([w], timer)[w.name]
        total_s, total_f = total_s + seconds, total_f + w.flops
        layers = f"{w.shapes[0][0]}-" + "-".join(str(b) for _, b in w.shapes)
        if len(layers) > 28:
            layers = layers[:25] + "..."
        step = f"{timer.step(w.shapes, w.batch) * 1e3:8.3f}" if w.trained else f"{'-':>8}"
        print(f"{w.name:<28} {layers:<28} {w.batch:>5} {w.trained:>11,} {w.evaluated:>10,} {w.flops / 1e9:>8,.1f} "
              f"{step} {seconds:>8.2f}")
    print(f"{'total':<28} {'':<28} {'':>5} {'':>11} {'':>10} {total_f / 1e9:>8,.1f} {'':>8} {total_s:>8.2f}"
          f"   ({total_f / total_s / 1e9:.0f} GFLOP/s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--task", help="print this task's GEMM floor instead (further --option value pairs "
                                       "set its config, as for digits train)")
    args, extra = parser.parse_known_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", f"default ({os.cpu_count()} cpus)")
    if args.task:
        print(f"numpy {np.__version__} · OPENBLAS_NUM_THREADS={threads} · {args.task} {' '.join(extra)}")
        print_task_floor(args.task, extra)
        return
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__} · batch {args.batch} · OPENBLAS_NUM_THREADS={threads}")
    print(f"{'layer':<12} {'x·W':>8} {'xᵀ·g':>8} {'g·Wᵀ':>8}   GFLOP/s")
    for fan_in, fan_out in LAYERS:
        x = rng.standard_normal((args.batch, fan_in), dtype=np.float32)
        w = rng.standard_normal((fan_in, fan_out), dtype=np.float32)
        g = rng.standard_normal((args.batch, fan_out), dtype=np.float32)
        rates = [gflops(x, w, args.repeats), gflops(x.T, g, args.repeats), gflops(g, w.T, args.repeats)]
        print(f"{fan_in}x{fan_out:<8} " + " ".join(f"{r:>8.1f}" for r in rates))


if __name__ == "__main__":
    main()
