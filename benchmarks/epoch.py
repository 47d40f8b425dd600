"""Time one training epoch of several MLPs (Adam, batch 128, float32) on MNIST; print samples/s.

    python -m benchmarks.epoch [--epochs 2] [--sizes 784-256-256-10,784-800-800-10]

Runs the same training loop as the tasks. The first epoch of each model is a warm-up; the
median of the rest is reported. GFLOP/s counts the matrix products only (see
`benchmarks.common.flops_per_sample`). "floor s" is the epoch's GEMM floor measured in this
process right before and right after the model's epochs (its steps' products each timed alone,
`benchmarks.peak.floor_seconds`; the faster of the two), and "× floor" the epoch over it. Set
OPENBLAS_NUM_THREADS before starting to fix the thread count. `benchmarks.ab` parses this table:
keep its first five columns.
"""

import argparse
import statistics

from benchmarks.common import flops_per_sample, machine_line, mlp_epochs, mnist_train
from benchmarks.peak import floor_seconds
from digits.core.nn.flops import Work

DEFAULT_SIZES = "784-256-256-10,784-800-800-10,784-1200-1200-10"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs after one warm-up (default 2)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated architectures like 784-256-10")
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    x, y = mnist_train()
    print(machine_line())
    print(f"{'model':<20} {'params':>10} {'epoch s':>8} {'samples/s':>10} {'GFLOP/s':>8} {'floor s':>8} {'× floor':>8}")
    for spec in args.sizes.split(","):
        sizes = [int(s) for s in spec.split("-")]
        work = [Work("epoch", list(zip(sizes[:-1], sizes[1:])), args.batch_size, trained=len(x))]
        before = floor_seconds(work)["epoch"]
        times = list(mlp_epochs(sizes, x, y, args.epochs + 1, args.batch_size))
        floor = min(before, floor_seconds(work)["epoch"])
        seconds = statistics.median(times[1:])
        params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        rate = len(x) / seconds
        print(f"{spec:<20} {params:>10,} {seconds:>8.2f} {rate:>10,.0f} {flops_per_sample(sizes) * rate / 1e9:>8.1f}"
              f" {floor:>8.2f} {seconds / floor:>7.2f}×", flush=True)


if __name__ == "__main__":
    main()
