"""Adam's update on a network's parameters: the numba kernel against the numpy version, in ms per step.

    python -m benchmarks.adam [--sizes 784-1200-1200-10] [--repeats 50]

Times `kernels.adam_update` over every parameter array of the network (as `Adam.step` does),
with each backend, in one process.
"""

import argparse
import time

import numpy as np

from benchmarks.common import machine_line
from digits.core import kernels


def step_ms(arrays, use: str, repeats: int) -> float:
    def step():
        for p, g, m, v, s in arrays:
            kernels.adam_update(p, g, m, v, s, 0.9, 0.999, 1e-3, 1.0, 1e-8, 0.0, use=use)
    for _ in range(3):
        step()
    started = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - started) / repeats * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="784-256-256-10,784-800-800-10,784-1200-1200-10")
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    print(machine_line())
    rng = np.random.default_rng(0)
    print(f"{'model':<20} {'params':>10} {'numpy ms':>9} {'numba ms':>9} {'ratio':>6}")
    for spec in args.sizes.split(","):
        sizes = [int(s) for s in spec.split("-")]
        shapes = [s for a, b in zip(sizes[:-1], sizes[1:]) for s in ((a, b), (b,))]
        arrays = [(rng.standard_normal(s, dtype=np.float32), rng.standard_normal(s, dtype=np.float32) * 0.01,
                   np.zeros(s, np.float32), np.zeros(s, np.float32), np.empty(s, np.float32)) for s in shapes]
        slow = step_ms(arrays, "numpy", args.repeats)
        fast = step_ms(arrays, "numba", args.repeats)
        count = sum(a[0].size for a in arrays)
        print(f"{spec:<20} {count:>10,} {slow:>9.2f} {fast:>9.2f} {slow / fast:>5.1f}×")


if __name__ == "__main__":
    main()
