"""Adam's update on a network's parameters: the numba kernel against the numpy version, in ms per step.

    python -m benchmarks.adam [--sizes 784-1200-1200-10] [--repeats 50] [--dead 0.04]

Times `kernels.adam_update` over every parameter array of the network (as `Adam.step` does),
with each backend, in one process. --dead F gives a fraction F of the weights a zero gradient and
moments that start just above float32's smallest normal number, as those of dead units end up
after a few epochs: without the kernels' flush to zero they decay into subnormal numbers.
"""

import argparse
import time

import numpy as np

from benchmarks.common import machine_line
from digits.core.nn import kernels


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


def state(shapes, rng, dead: float):
    """(p, g, m, v, scratch) per parameter array; a fraction `dead` of entries has g = 0 and tiny m, v."""
    arrays = []
    for shape in shapes:
        p = rng.standard_normal(shape, dtype=np.float32)
        g = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.01)
        m, v = np.full(shape, 1e-4, np.float32), np.full(shape, 1e-8, np.float32)
        idle = rng.random(shape) < dead
        g[idle], m[idle], v[idle] = 0, 2e-37, 2e-37
        arrays.append((p, g, m, v, np.empty(shape, np.float32)))
    return arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="784-256-256-10,784-800-800-10,784-1200-1200-10")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--dead", type=float, default=0.0, help="fraction of weights with zero gradient (default 0)")
    args = parser.parse_args()
    print(machine_line())
    rng = np.random.default_rng(0)
    print(f"{'model':<20} {'params':>10} {'numpy ms':>9} {'numba ms':>9} {'ratio':>6}")
    for spec in args.sizes.split(","):
        sizes = [int(s) for s in spec.split("-")]
        shapes = [s for a, b in zip(sizes[:-1], sizes[1:]) for s in ((a, b), (b,))]
        slow = step_ms(state(shapes, rng, args.dead), "numpy", args.repeats)
        fast = step_ms(state(shapes, rng, args.dead), "numba", args.repeats)
        count = sum(int(np.prod(s)) for s in shapes)
        print(f"{spec:<20} {count:>10,} {slow:>9.2f} {fast:>9.2f} {slow / fast:>5.1f}×")


if __name__ == "__main__":
    main()
