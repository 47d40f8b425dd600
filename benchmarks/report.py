"""How long `digits report` takes: reading and scoring (the figures' data), drawing, writing.

    python -m benchmarks.report RUN_OR_SWEEP [...] [--runs-dir DIR] [--repeat 3]

Each target is reported --repeat times into a temporary directory, in this process (warm: after
the first, matplotlib, numba's kernels and the dataset are loaded), and once as a fresh
`digits report` process, which is what a user waits for. The figure data (reading the record and
events, one pass of every saved model over the test digits) is timed on its own beside the whole
build. Target (issue 19): seconds, not a retraining.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine_line
from digits.core import paths
from digits.core.figures.run import run_figures
from digits.core.figures.source import RunSource
from digits.report.build import build_report, locate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+")
    parser.add_argument("--runs-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.runs_dir or paths.runs_root()
    print(machine_line())
    print(f"{'target':44} {'figures':>7} {'data s':>7} {'build s':>8} {'process s':>9}")
    for target in args.targets:
        kind, info = locate(target, root)
        data = []
        if kind == "run":
            for _ in range(args.repeat):
                started = time.perf_counter()
                run_figures(RunSource(info))
                data.append(time.perf_counter() - started)
        builds, figures = [], 0
        with tempfile.TemporaryDirectory() as scratch:
            for n in range(args.repeat):
                built = build_report(target, root, Path(scratch) / str(n))
                builds.append(built.seconds)
                figures = built.figures
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "digits", "report", target, "--runs-dir", str(root), "-o",
                            str(Path(scratch) / "process")], check=True, capture_output=True)
            process = time.perf_counter() - started
        name = info.get("run_id") or info.get("sweep_id")
        print(f"{name:44} {figures:7d} {statistics.median(data) if data else float('nan'):7.2f} "
              f"{statistics.median(builds):8.2f} {process:9.2f}")


if __name__ == "__main__":
    main()
