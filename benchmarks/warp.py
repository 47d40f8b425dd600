"""Time deep-mlp's warp of one batch: the numpy version against the compiled kernel.

    python -m benchmarks.warp [--batch 128] [--repeat 300]

Prints milliseconds per batch (median of five rounds of --repeat batches, interleaved so that the
machine's drift hits every version alike): the random draws alone, the whole warp (draws,
fields, resampling) in numpy and compiled, beside one training step of
deep-mlp's 784-512-256-10 tanh network at the same batch size for scale.
"""

import argparse
import statistics
import time

import numpy as np

from benchmarks.common import machine_line
from digits.core.data.dataset import load_dataset
from digits.core.data.warp import WarpConfig, augment_batch, draw
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Network
from digits.core.nn.optim import SGD


def per_call_ms(fn, repeat: int) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    images = load_dataset().train_images
    rng = np.random.default_rng(0)
    batch = images[rng.permutation(len(images))[:args.batch]]
    cfg = WarpConfig()
    net = Network.mlp([784, 512, 256, 10], "tanh", rng, weight_init="glorot_uniform")
    sgd = SGD(net.params, 0.01, 0.9, weight_decay=1e-5)
    x, y = batch.reshape(len(batch), -1) / np.float32(255), rng.integers(0, 10, len(batch))

    def step():
        _, grad = cross_entropy(net.forward(x, train=True), y)
        net.backward(grad)
        sgd.step(net.grads)

    versions = {"draws only": lambda: draw(len(batch), 28, rng, cfg),
                "numpy": lambda: augment_batch(batch, rng, cfg, use="numpy"),
                "compiled": lambda: augment_batch(batch, rng, cfg, use="numba"),
                "training step (for scale)": step}
    times = {name: [] for name in versions}
    for _ in range(5):
        for name, fn in versions.items():
            times[name].append(per_call_ms(fn, args.repeat if name != "numpy" else args.repeat // 5))
    print(machine_line())
    print(f"warp of {args.batch} digits, ms per batch (median of 5 rounds):")
    numpy_ms = statistics.median(times["numpy"])
    for name, values in times.items():
        ms = statistics.median(values)
        ratio = f"  numpy ÷ this {numpy_ms / ms:.1f}×" if name.startswith("compiled") else ""
        print(f"  {name:<28} {ms:7.3f}{ratio}")


if __name__ == "__main__":
    main()
