"""Every task's headline over seeds, through the sweep runner, beside the reference implementations'
own multi-seed figures; written to docs/results-seeds.md.

    python -m benchmarks.seeds [--only highway,lwta] [--scale 1] [--out docs/results-seeds.md]
    python -m benchmarks.seeds --only subliminal-100        # the paper's scale: 100 seeds with controls

Each task runs at its defaults as `digits sweep --task T --seeds 0-(N-1) --save-models none` in
its own process (2 workers × 1 BLAS thread on this machine), so the wall time and the peak memory
(the largest max RSS of the sweep's processes) are the sweep's own. Per headline metric: mean ±
sample std, the 95% t-interval, min–max, and the reference's figure; then what the seeds show.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# task label -> (task, seeds, extra options, {metric: reference text})
RUNS = {
    "highway": ("highway", 5, [], {
        "highway_test_accuracy": "0.902 (reference code here, seeds 0-4: 0.924, 0.905, 0.890, 0.888, 0.904)",
        "plain_test_accuracy": "0.126 (seeds 0-4: 0.124, 0.119, 0.111, 0.176, 0.100)"}),
    "lwta": ("lwta", 20, [], {"relu_forgetting": "0.046 ± 0.039 (reference code here, 20 seeds)",
                              "lwta_forgetting": "0.042 ± 0.021 (20 seeds)"}),
    "subliminal": ("subliminal", 20, [], {
        "student_test_accuracy": "0.774 ± 0.059 (PyTorch re-implementation, 100 seeds)",
        "teacher_test_accuracy": "0.969 ± 0.001 (100 seeds)",
        "control_different_init_accuracy": "stays at chance (≈ 0.10)"}),
    "baseline": ("baseline", 5, [], {"test_accuracy": "≈ 0.98 (a 784-256-128-10 MLP)"}),
    "mcdnn": ("mcdnn", 5, [], {"test_error": "0.0146 (reference run, one column, 1 seed)"}),
    "distill": ("distill", 5, [], {"student_test_accuracy": "0.9807 (numpy reference, 1 seed); 0.9891 (paper)",
                                   "student_omitted_accuracy": "0.9782 (numpy reference, 1 seed); 0.986 (paper)",
                                   "teacher_test_accuracy": "-"}),
    "deep-mlp": ("deep-mlp", 5, [], {"test_error": "0.0117 (reference run, 1 seed)"}),
    "subliminal-100": ("subliminal", 100, [], {
        "student_test_accuracy": "0.774 ± 0.059 (PyTorch re-implementation, 100 seeds)",
        "teacher_test_accuracy": "0.969 ± 0.001 (100 seeds)",
        "control_different_init_accuracy": "stays at chance (≈ 0.10)"}),
}
DEFAULT = [k for k in RUNS if k != "subliminal-100"]


# Runs a command and writes the largest max RSS of its process tree (what it waited for) to a file:
# one wrapper process per sweep, so each sweep's peak is its own.
WRAP = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
        "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)")


def run_sweep(task: str, seeds: int, extra: list[str], root: Path) -> dict:
    command = [sys.executable, "-m", "digits", "sweep", "--task", task, "--seeds", f"0-{seeds - 1}",
               "--save-models", "none", "--sweep-dir", str(root), "--json", *extra]
    rss_file = root.with_suffix(".rss")
    root.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAP, str(rss_file), *command], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    shown = command[4:10] + list(extra)  # --task T --seeds S --save-models none, and any extra options
    return {"command": "digits sweep " + " ".join(shown), "final": events[-1], "seconds": seconds,
            "peak_mib": int(rss_file.read_text()) / 1024}


def section(label: str, references: dict, run: dict) -> list[str]:
    final = run["final"]
    (point,) = final["summary"]["points"]
    lines = [f"## {label}", "", f"`{run['command']}` — {final['done']} of {final['total']} cells, "
             f"{run['seconds']:.0f} s wall, peak RSS {run['peak_mib']:.0f} MiB", "",
             "| metric | n | mean ± std | 95% interval | min – max | reference |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, s in point["metrics"].items():
        lines.append(f"| {name} | {s['n']} | {s['mean']:.4f} ± {s['std']:.4f} | {s['mean'] - s['ci95']:.4f} – "
                     f"{s['mean'] + s['ci95']:.4f} | {s['min']:.4f} – {s['max']:.4f} | {references.get(name, '-')} |")
    for name, s in point["contrasts"].items():
        lines.append(f"| contrast: {name} | {s['n']} | {s['mean']:.4f} ± {s['std']:.4f} | "
                     f"{s['mean'] - s['ci95']:.4f} – {s['mean'] + s['ci95']:.4f} | {s['min']:.4f} – {s['max']:.4f} | "
                     f"same sign in {s['agree']} of {s['n']} seeds |")
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DEFAULT))
    parser.add_argument("--out", default=None, help="Markdown file (default: print only)")
    args = parser.parse_args()
    chosen = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in chosen if k not in RUNS]
    if unknown:
        raise SystemExit(f"unknown run {unknown[0]!r}; choose from {', '.join(RUNS)}")
    lines = ["# Every task over seeds", "",
             f"Measured with `python -m benchmarks.seeds --only {','.join(chosen)}` on "
             f"{platform.processor() or 'x86-64'} ({os.cpu_count()} cores), Python {platform.python_version()}: "
             "each task at its defaults through "
             "`digits sweep` (2 workers × 1 BLAS thread).", ""]
    with tempfile.TemporaryDirectory(prefix="digits-seeds-") as scratch:
        for label in chosen:
            task, seeds, extra, references = RUNS[label]
            run = run_sweep(task, seeds, extra, Path(scratch) / label)
            block = section(label, references, run)
            print("\n".join(block), flush=True)
            lines += block
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
