"""float32 GEMM throughput (GFLOP/s) on the layer shapes the tasks train, with the thread count in force.

    python -m benchmarks.peak [--batch 128] [--repeats 30]

For a layer of fan_in × fan_out at batch B it times the three products of a training step:
forward x·W (B×in·in×out), weight gradient xᵀ·g (in×B·B×out) and input gradient g·Wᵀ.
This is the ceiling a numpy training loop can approach. Set OPENBLAS_NUM_THREADS before starting
to fix the thread count.
"""

import argparse
import os
import time

import numpy as np

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", f"default ({os.cpu_count()} cpus)")
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
