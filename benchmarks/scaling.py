"""Epoch time against hidden width and batch size (784-H-H-10 ReLU MLP, Adam, float32), as Markdown tables.

    python -m benchmarks.scaling [--widths 256,512,1024,2048] [--batches 64,128,256,512,1024] [--width 1200]

Each cell trains two epochs on MNIST's 60,000 training images through digits' own loop and
reports the second. Efficiency is the matrix-product FLOPs of the epoch divided by the float32
GEMM peak of that network's products measured alone at that batch size, over the epoch time: the
share of the epoch the GEMMs alone would need at peak speed. Small networks and small batches
are where the per-step overhead (Python, activations, optimizer update) shows.
"""

import argparse

from benchmarks.common import flops_per_sample, machine_line, mlp_epochs, mnist_train
from benchmarks.tasks import peak_gflops


def row(x, y, width: int, batch: int) -> str:
    sizes = [784, width, width, 10]
    seconds = list(mlp_epochs(sizes, x, y, 2, batch))[-1]
    flops = flops_per_sample(sizes) * len(x)
    peak = peak_gflops(sizes, batch)
    return (f"| {width} | {batch} | {seconds:.2f} | {len(x) / seconds:,.0f} | {flops / seconds / 1e9:.0f} "
            f"| {peak:.0f} | {flops / (peak * 1e9) / seconds:.0%} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="256,512,1024,2048")
    parser.add_argument("--batches", default="64,128,256,512,1024")
    parser.add_argument("--width", type=int, default=1200, help="hidden width of the batch-size table")
    parser.add_argument("--batch", type=int, default=128, help="batch size of the width table")
    args = parser.parse_args()
    x, y = mnist_train()
    print(machine_line())
    header = ["| hidden width | batch | epoch s | samples/s | GFLOP/s | GEMM peak GFLOP/s | efficiency |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    print(f"\nEpoch time vs hidden width (784-H-H-10, batch {args.batch})\n")
    print("\n".join(header))
    for width in (int(w) for w in args.widths.split(",")):
        print(row(x, y, width, args.batch), flush=True)
    print(f"\nEpoch time vs batch size (784-{args.width}-{args.width}-10)\n")
    print("\n".join(header))
    for batch in (int(b) for b in args.batches.split(",")):
        print(row(x, y, args.width, batch), flush=True)


if __name__ == "__main__":
    main()
