"""digits against PyTorch CPU: the same MLP training epoch, interleaved A/B/A/B in one process.

    pip install torch --index-url https://download.pytorch.org/whl/cpu   # PyTorch's CPU build (~200 MB)
    python -m benchmarks.pytorch [--rounds 5] [--sizes 784-1200-1200-10,784-256-256-13] [--no-compile]

Each round trains one epoch of every contender on MNIST's 60,000 training images (ReLU MLP,
Adam lr 1e-3, batch 128, float32, cross-entropy on the first 10 outputs, a fresh permutation
per epoch) before the next round starts, so a slow spell of the machine hits all of them alike.
Contenders: digits (its own training loop), PyTorch with `Adam(fused=True)` (its fastest
optimizer), and the same compiled with `torch.compile`. Round 1 is a warm-up (and compilation);
the median of the others is reported with the ratio digits / PyTorch. Both use the thread count
in force (OPENBLAS_NUM_THREADS, else every CPU). Exits 0 with a message when torch is absent.
"""

import argparse
import statistics
import time

import numpy as np

from benchmarks.common import machine_line, mlp_epochs, mnist_train, threads


def torch_epochs(torch, sizes, x, y, epochs, compiled, batch_size=128, lr=1e-3):
    """A generator training the same MLP in PyTorch, yielding each epoch's seconds."""
    torch.manual_seed(0)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    forward = torch.compile(model) if compiled else model
    xt, yt = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), batch_size):
            idx = order[start:start + batch_size]
            loss = torch.nn.functional.cross_entropy(forward(xt[idx])[:, :10], yt[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        yield time.perf_counter() - started


def torch_build(torch) -> str:
    """Which PyTorch build is installed: the CPU build, or a CUDA build (used here on the CPU only)."""
    cuda = getattr(torch.version, "cuda", None)
    return f"CUDA {cuda} build (runs on the CPU here)" if cuda else "CPU build"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="epochs per contender, the first a warm-up (default 5)")
    parser.add_argument("--sizes", default="784-1200-1200-10,784-256-256-13")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile contender")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("benchmarks.pytorch: PyTorch is not installed; for its CPU build: "
              "pip install torch --index-url https://download.pytorch.org/whl/cpu. Skipped.")
        return
    torch.set_num_threads(threads())
    print(machine_line() + f" · torch {torch.__version__}, {torch_build(torch)} ({torch.get_num_threads()} threads)")
    x, y = mnist_train()
    rows = []
    for spec in args.sizes.split(","):
        sizes = [int(s) for s in spec.split("-")]
        contenders = {"digits": mlp_epochs(sizes, x, y, args.rounds, cols=slice(0, 10)),
                      "torch fused Adam": torch_epochs(torch, sizes, x, y, args.rounds, compiled=False)}
        if not args.no_compile:
            contenders["torch fused Adam + compile"] = torch_epochs(torch, sizes, x, y, args.rounds, compiled=True)
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for round_ in range(args.rounds):
            for name, epochs in contenders.items():
                times[name].append(next(epochs))
            print(f"{spec} round {round_ + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()),
                  flush=True)
        medians = {name: statistics.median(t[1:] if len(t) > 1 else t) for name, t in times.items()}
        rows.append((spec, medians))
    print()
    print(f"{'model':<18} {'contender':<28} {'median epoch s':>14} {'digits ÷ it':>11}")
    for spec, medians in rows:
        for name, seconds in medians.items():
            ratio = medians["digits"] / seconds
            print(f"{spec:<18} {name:<28} {seconds:>14.2f} {ratio:>10.2f}×")


if __name__ == "__main__":
    main()
