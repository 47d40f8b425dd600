"""Before/after ratio of a speed change: epoch or whole-task times of a git revision against the working tree.

    python -m benchmarks.ab BASE [--rounds 3] [--sizes 784-256-256-10,784-1200-1200-10] [--epochs 2]
    python -m benchmarks.ab BASE --tasks deep-mlp,lwta [--rounds 3] [-- extra train options]

Extracts BASE (e.g. HEAD or HEAD~2) into a temporary directory and runs each tree's own
`python -m benchmarks.epoch` in a child process, alternating base, change, base, change, ... so
that both see the same machine. Prints the median epoch time of each and the ratio base / change
(above 1 means the change is faster). With --tasks, each child is `digits train --task T
--no-save --json` at the task's defaults instead, timed from spawn to exit (the whole process:
start-up, data, training, evaluation), with the test accuracy it reports.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def epoch_seconds(tree: Path, shim: Path, sizes: str, epochs: int) -> dict[str, float]:
    """Run `benchmarks.epoch` of `tree` with `digits` imported from `tree`; parse its table."""
    env = dict(os.environ, PYTHONPATH=str(shim))
    out = subprocess.run([sys.executable, "-m", "benchmarks.epoch", "--epochs", str(epochs), "--sizes", sizes],
                         cwd=tree, env=env, capture_output=True, text=True, check=True).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\d[\d-]+)\s+[\d,]+\s+([\d.]+)", out, re.M)}


def task_seconds(shim: Path, task: str, extra: list[str]) -> tuple[float, float | None]:
    """Wall seconds of `digits train --task T` with `digits` imported from the shim's tree, and
    the final event's first test accuracy (to see that both trees trained alike)."""
    env = dict(os.environ, PYTHONPATH=str(shim))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both trees with their bytecode cached, as installed
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "digits", "train", "--task", task, "--no-save", "--json", *extra],
                         cwd=shim, env=env, capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - started
    final = json.loads(out.strip().splitlines()[-1])
    models = (final.get("comparison") or {}).get("models") or [{}]
    return seconds, models[0].get("test_accuracy")


def shim_for(tree: Path, where: Path) -> Path:
    """A directory holding only `digits` -> tree, to put first on PYTHONPATH."""
    where.mkdir()
    (where / "digits").symlink_to(tree, target_is_directory=True)
    return where


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="git revision to compare the working tree against, e.g. HEAD")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="784-256-256-10,784-1200-1200-10")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per child process (after a warm-up)")
    parser.add_argument("--tasks", help="comma-separated tasks: time whole `digits train` runs instead of epochs")
    args, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    with tempfile.TemporaryDirectory(prefix="digits-ab-") as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        trees = {"base": (base, shim_for(base, Path(tmp) / "shim-base")),
                 "change": (ROOT, shim_for(ROOT, Path(tmp) / "shim-change"))}
        times: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        if args.tasks:
            return compare_tasks(trees, args.tasks.split(","), args.rounds, extra, args.base)
        for round_ in range(args.rounds):
            for name, (tree, shim) in trees.items():
                for spec, seconds in epoch_seconds(tree, shim, args.sizes, args.epochs).items():
                    times[name].setdefault(spec, []).append(seconds)
            print(f"round {round_ + 1}: " + "; ".join(
                f"{spec} base {times['base'][spec][-1]:.2f} s, change {times['change'][spec][-1]:.2f} s"
                for spec in times["base"]), flush=True)
    print(f"\n{'model':<20} {'base s':>8} {'change s':>9} {'base ÷ change':>14}   (medians, base = {args.base})")
    for spec in times["base"]:
        before, after = statistics.median(times["base"][spec]), statistics.median(times["change"][spec])
        print(f"{spec:<20} {before:>8.2f} {after:>9.2f} {before / after:>13.2f}×")


def compare_tasks(trees: dict, tasks: list[str], rounds: int, extra: list[str], base_name: str) -> None:
    for _name, (_, shim) in trees.items():  # a warm-up each: numba's cache and the data cache
        task_seconds(shim, "lwta", ["--epochs", "1"])
    times = {(name, task): [] for name in trees for task in tasks}
    accuracy = {}
    for round_ in range(rounds):
        for task in tasks:
            for name, (_, shim) in trees.items():
                seconds, accuracy[name, task] = task_seconds(shim, task, extra)
                times[name, task].append(seconds)
            print(f"round {round_ + 1}: {task} base {times['base', task][-1]:.1f} s, "
                  f"change {times['change', task][-1]:.1f} s", flush=True)
    print(f"\n| task | base s | change s | base ÷ change | test accuracy base / change |   "
          f"(medians, base = {base_name})")
    print("| --- | --- | --- | --- | --- |")
    for task in tasks:
        before, after = statistics.median(times["base", task]), statistics.median(times["change", task])
        acc = " / ".join(f"{accuracy[n, task]:.4f}" if accuracy[n, task] is not None else "-" for n in trees)
        print(f"| {task} | {before:.1f} | {after:.1f} | {before / after:.2f}× | {acc} |")


if __name__ == "__main__":
    main()
