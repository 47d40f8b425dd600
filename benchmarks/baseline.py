"""Accuracy target of `digits train --task baseline`: above 97% test accuracy at its defaults.

    python -m benchmarks.baseline [--seeds 0,1,2] [--preset default]

Runs the task through the same runner as the CLI (nothing saved) for each seed and prints test
accuracy and wall time; exits 1 if any seed lands at or below the target.
"""

import argparse
import statistics
import time

from digits.core.data.dataset import load_dataset
from digits.core.runs.runner import execute
from digits.core.tasks.baseline import BaselineConfig

TARGET = 0.97


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--target", type=float, default=TARGET)
    args = parser.parse_args()
    data = load_dataset()
    accuracies = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        config = BaselineConfig.build({"seed": seed, "preset": args.preset})
        started = time.perf_counter()
        last = list(execute("baseline", config, data, None))[-1]
        acc = last.metrics["test_accuracy"]
        accuracies.append(acc)
        print(f"seed {seed}: test accuracy {acc:.4f}  wall {time.perf_counter() - started:.1f}s")
    mean = statistics.mean(accuracies)
    spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
    print(f"preset {args.preset}: mean {mean:.4f} ± {spread:.4f} over {len(accuracies)} seeds; target > {args.target}")
    raise SystemExit(0 if min(accuracies) > args.target else 1)


if __name__ == "__main__":
    main()
