"""Shared pieces of the speed benchmarks: the machine line, the thread count, an MLP training phase."""

import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

from digits.core import seeding
from digits.core.data.dataset import load_dataset
from digits.core.data.preprocess import to_inputs
from digits.core.events import EpochFinished
from digits.core.nn.flops import train_flops
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Network
from digits.core.nn.optim import Adam
from digits.core.training import Phase, shuffled_batches, train


def threads() -> int:
    """The BLAS thread count in force: OPENBLAS_NUM_THREADS if set, else the CPU count."""
    value = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    return int(value) if value else os.cpu_count() or 1


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_line() -> str:
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = " AVX-512" if " avx512f" in f.read() else ""
    except OSError:
        pass
    from digits.core.nn import kernels
    return (f"{cpu_model()}{flags} · {threads()} threads · Python {platform.python_version()} · "
            f"numpy {np.__version__} · kernels {kernels.backend()}")


def mnist_train() -> tuple[np.ndarray, np.ndarray]:
    data = load_dataset()
    return to_inputs(data.train_images), data.train_labels


def mlp_epochs(sizes: list[int], x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int = 128,
               lr: float = 1e-3, cols: slice = slice(None)):
    """A generator training a ReLU MLP with Adam through digits' own loop, yielding each epoch's seconds."""
    net = Network.mlp(sizes, "relu", seeding.rng(0, "init"))
    phase = Phase(name="bench", net=net, optimizer=Adam(net.params, lr),
                  loss=lambda logits, t: cross_entropy(logits, t, cols),
                  batches=shuffled_batches(x, y, batch_size, seeding.rng(0, "shuffle")), epochs=epochs,
                  schedule=lambda e: lr)
    for event in train(phase):
        if isinstance(event, EpochFinished):
            yield event.seconds


def flops_per_sample(sizes: list[int]) -> int:
    """Matrix-product FLOPs of one training step per sample (see `digits.core.nn.flops`)."""
    return train_flops(sizes, 1)


def run_cli(args: list[str]) -> dict:
    """Run digits in a child process; return its final event, wall seconds and peak RSS."""
    command = [sys.executable, "-m", "digits", "train", *args, "--json", "--no-save"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.read().splitlines()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    events = [json.loads(line) for line in lines]
    final = events[-1]
    per_seed = {}
    for model in (final.get("comparison") or {}).get("models", []):
        per_seed[model["name"]] = model.get("per_seed", [model["test_accuracy"]])
    return {"command": "digits train " + " ".join(args), "events": events, "final": final, "seconds": seconds,
            "peak_mib": usage.ru_maxrss / 1024, "per_seed_models": per_seed}
