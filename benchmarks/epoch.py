"""Time one training epoch of several MLPs (Adam, batch 128, float32) on MNIST; print samples/s.

    python -m benchmarks.epoch [--epochs 2] [--sizes 784-256-256-10,784-800-800-10]

Runs the same training loop as the tasks. The first epoch of each model is a warm-up; the
median of the rest is reported. GFLOP/s counts the matrix products only: per weight and sample,
2 for the forward pass, 2 for the weight gradient and 2 for the input gradient (skipped for the
first layer). Set OPENBLAS_NUM_THREADS before starting to fix the thread count.
"""

import argparse
import os
import platform
import statistics

import numpy as np

from digits.core import seeding
from digits.core.dataset import load_dataset
from digits.core.events import EpochFinished
from digits.core.losses import cross_entropy
from digits.core.network import Network
from digits.core.optim import Adam
from digits.core.preprocess import to_inputs
from digits.core.training import Phase, shuffled_batches, train

DEFAULT_SIZES = "784-256-256-10,784-800-800-10,784-1200-1200-10"


def flops_per_sample(net: Network) -> int:
    weights = [layer.W.size for layer in net.layers]
    return sum(2 * w * (2 if i == 0 else 3) for i, w in enumerate(weights))


def epoch_seconds(sizes, x, y, epochs, batch_size=128):
    net = Network.mlp(sizes, "relu", seeding.rng(0, "init"))
    phase = Phase("bench", net, Adam(net.params, 1e-3), cross_entropy,
                  shuffled_batches(x, y, batch_size, seeding.rng(0, "shuffle")),
                  epochs + 1, -(-len(x) // batch_size), len(x), lambda e: 1e-3)
    times = [e.seconds for e in train(phase) if isinstance(e, EpochFinished)]
    return statistics.median(times[1:]), net


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs after one warm-up (default 2)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated architectures like 784-256-10")
    args = parser.parse_args()
    data = load_dataset()
    x, y = to_inputs(data.train_images), data.train_labels
    threads = os.environ.get("OPENBLAS_NUM_THREADS", f"default ({os.cpu_count()} cpus)")
    print(f"numpy {np.__version__} · python {platform.python_version()} · {platform.processor() or platform.machine()} "
          f"· OPENBLAS_NUM_THREADS={threads}")
    print(f"{'model':<20} {'params':>10} {'epoch s':>8} {'samples/s':>10} {'GFLOP/s':>8}")
    for spec in args.sizes.split(","):
        sizes = [int(s) for s in spec.split("-")]
        seconds, net = epoch_seconds(sizes, x, y, args.epochs)
        rate = len(x) / seconds
        gflops = flops_per_sample(net) * rate / 1e9
        print(f"{spec:<20} {net.num_params:>10,} {seconds:>8.2f} {rate:>10,.0f} {gflops:>8.1f}")


if __name__ == "__main__":
    main()
