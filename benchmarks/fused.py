"""The fused layer steps against their numpy forms, in microseconds per call, on the tasks' batch shapes.

    python -m benchmarks.fused [--repeats 400]

Times `digits.core.nn.fused` (bias + ReLU, ReLU backward + bias gradient, uint8 images to inputs)
with numba and with numpy, alternating the two in one process.
"""

import argparse
import time
from functools import partial

import numpy as np

from benchmarks.common import machine_line
from digits.core.nn import fused

SHAPES = [(256, 256), (128, 800), (128, 1200)]  # (batch, units): subliminal, distill student, distill teacher


def micros(run, repeats: int) -> float:
    run()
    started = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - started) / repeats * 1e6


def timed(run, repeats: int) -> tuple[float, float]:
    """(numba µs, numpy µs), alternating in 4 rounds, medians."""
    fast, slow = [], []
    original = fused.backend
    try:
        for _ in range(4):
            fused.backend = lambda: "numba"
            fast.append(micros(run, repeats))
            fused.backend = lambda: "numpy"
            slow.append(micros(run, repeats))
    finally:
        fused.backend = original
    return float(np.median(fast)), float(np.median(slow))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400)
    args = parser.parse_args()
    print(machine_line())
    rng = np.random.default_rng(0)
    print(f"{'step':<22} {'shape':>10} {'numpy µs':>9} {'numba µs':>9} {'ratio':>6}")
    for rows, cols in SHAPES:
        z = rng.standard_normal((rows, cols), dtype=np.float32)
        b = rng.standard_normal(cols, dtype=np.float32)
        y = np.maximum(rng.standard_normal((rows, cols), dtype=np.float32), 0)
        db = np.empty(cols, np.float32)
        steps = {"bias + relu": partial(fused.bias_relu, z, b),
                 "relu backward + db": partial(fused.relu_backward_bias, z, y, db)}
        for name, run in steps.items():
            fast, slow = timed(run, args.repeats)
            print(f"{name:<22} {f'{rows}×{cols}':>10} {slow:>9.1f} {fast:>9.1f} {slow / fast:>5.1f}×", flush=True)
    for rows, symmetric in ((256, True), (128, False)):
        images = rng.integers(0, 256, (rows, 784), dtype=np.uint8)
        fast, slow = timed(partial(fused.images_to_inputs, images, symmetric), args.repeats)
        name = f"images → inputs{' ±1' if symmetric else ''}"
        print(f"{name:<22} {f'{rows}×784':>10} {slow:>9.1f} {fast:>9.1f} {slow / fast:>5.1f}×", flush=True)


if __name__ == "__main__":
    main()
