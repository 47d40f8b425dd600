"""Before/after ratio of a speed change: epoch times of a git revision against the working tree.

    python -m benchmarks.ab BASE [--rounds 3] [--sizes 784-256-256-10,784-1200-1200-10] [--epochs 2]

Extracts BASE (e.g. HEAD or HEAD~2) into a temporary directory and runs each tree's own
`python -m benchmarks.epoch` in a child process, alternating base, change, base, change, ... so
that both see the same machine. Prints the median epoch time of each and the ratio base / change
(above 1 means the change is faster).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def epoch_seconds(tree: Path, shim: Path, sizes: str, epochs: int) -> dict[str, float]:
    """Run `benchmarks.epoch` of `tree` with `digits` imported from `tree`; parse its table."""
    env = dict(os.environ, PYTHONPATH=str(shim))
    out = subprocess.run([sys.executable, "-m", "benchmarks.epoch", "--epochs", str(epochs), "--sizes", sizes],
                         cwd=tree, env=env, capture_output=True, text=True, check=True).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\d[\d-]+)\s+[\d,]+\s+([\d.]+)", out, re.M)}


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digits-ab-") as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        trees = {"base": (base, shim_for(base, Path(tmp) / "shim-base")),
                 "change": (ROOT, shim_for(ROOT, Path(tmp) / "shim-change"))}
        times: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
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


if __name__ == "__main__":
    main()
