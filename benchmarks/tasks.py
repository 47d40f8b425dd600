"""Each task at its defaults, timed in its own process: FLOP-bound efficiency, peak memory, reference ratio.

    python -m benchmarks.tasks [--quick] [--repeat N] [--only subliminal-no-controls,subliminal,distill,baseline]

For every run: the matrix-product FLOPs it performs (counted analytically by the task, see
`digits.core.nn.flops`), the float32 GEMM peak of its (teacher) network measured here at its batch
size (each layer's forward, weight-gradient and input-gradient products timed alone, see
`peak_gflops`), and

    efficiency = (FLOPs / peak) / wall time

i.e. the share of the wall time (process start to exit: imports, data, evaluation and all) the
GEMMs alone would need at peak speed. The peak is measured three times right before and three
times right after each run, and the highest of the six is used: this machine's speed drifts by
up to ~1.5× from minute to minute, and a single short peak measurement caught in a slow moment
made the ratio swing up to 99%; the highest is the conservative choice (it can only lower the
efficiency). Also peak RSS
(ru_maxrss of the child process) and the wall time of the reference implementations measured on
the issue's machine. --repeat N runs each task N times and checks the targets on the medians.
--quick runs one epoch per phase instead of the defaults and checks no targets. Exits 1 when a
target of the speed issue is missed.
"""

import argparse
import dataclasses
import sys

import numpy as np

from benchmarks.common import machine_line, run_cli
from benchmarks.peak import gflops
from digits.core.data.dataset import load_dataset
from digits.core.tasks.base import get_task

# name -> (task, extra CLI arguments, wall-time target s, reference seconds and what it ran)
RUNS = {
    "subliminal-no-controls": ("subliminal", ["--no-controls"], 10, (34, "reference numpy code: teacher + student")),
    "subliminal": ("subliminal", [], 25, None),
    "distill": ("distill", [], 150, (323, "reference numpy code: omitted-3 distillation")),
    "baseline": ("baseline", [], None, None),
}
ONE_EPOCH_EACH = ["--epochs", "1", "--student-epochs", "1"]
QUICK = {"subliminal": ONE_EPOCH_EACH, "distill": ONE_EPOCH_EACH, "baseline": ["--epochs", "1"]}
EFFICIENCY_TARGET = 0.65
RSS_TARGET_MB = 600
PEAK_SAMPLES = 3  # peak measurements before and after each run; the highest is used


def peak_gflops(sizes: list[int], batch: int, repeats: int = 30) -> float:
    """The GEMM rate of one training step of this network at this batch size: its products' FLOPs
    over the time each product takes when measured alone (`benchmarks.peak`), i.e. the step's
    speed if nothing but the matrix products ran."""
    rng = np.random.default_rng(0)
    flops, seconds = 0, 0.0
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        x = rng.standard_normal((batch, fan_in), dtype=np.float32)
        w = rng.standard_normal((fan_in, fan_out), dtype=np.float32)
        g = rng.standard_normal((batch, fan_out), dtype=np.float32)
        products = [(x, w), (x.T, g)] + ([(g, w.T)] if i > 0 else [])
        for a, b in products:
            f = 2 * batch * fan_in * fan_out
            flops += f
            seconds += f / (gflops(a, b, repeats) * 1e9)
    return flops / seconds / 1e9


def parse_overrides(config_cls, extra: list[str]) -> dict:
    """The config overrides of the CLI arguments used here (--flag value pairs and --no-flag)."""
    types = {f.name: f.type for f in dataclasses.fields(config_cls)}
    out, i = {}, 0
    while i < len(extra):
        name = extra[i][2:].replace("-", "_")
        if name.startswith("no_"):
            out[name[3:]] = False
            i += 1
        else:
            kind = types[name]
            out[name] = kind(extra[i + 1]) if kind in (int, float) else extra[i + 1]
            i += 2
    return out


def measure(task_name: str, extra: list[str], sizes: list[int], batch: int) -> dict:
    """One run of the task in a child process, with the GEMM peak measured just before and after (best of 3 each)."""
    before = max(peak_gflops(sizes, batch) for _ in range(PEAK_SAMPLES))
    result = run_cli(["--task", task_name, *extra])
    after = max(peak_gflops(sizes, batch) for _ in range(PEAK_SAMPLES))
    rates: dict[str, list[float]] = {}
    for event in result["events"]:
        if event.get("event") == "epoch_finished":
            phase = event["phase"].split(" (seed")[0]
            rates.setdefault(phase, []).append(event["samples_per_second"])
    return {"wall": result["seconds"], "peak": max(before, after), "peaks": (before, after),
            "rss": result["peak_mib"], "rates": {p: float(np.median(r)) for p, r in rates.items()}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one epoch per phase; no targets checked")
    parser.add_argument("--repeat", type=int, default=1, help="runs per task; targets use the medians (default 1)")
    parser.add_argument("--only", default=",".join(RUNS), help=f"comma-separated from: {', '.join(RUNS)}")
    args = parser.parse_args()
    data = load_dataset()
    print(machine_line() + (" · quick mode" if args.quick else ""))
    header = ("| run | wall s | GFLOP | peak GFLOP/s (best before/after) | efficiency | peak RSS MiB "
              "| samples/s by phase | reference s | reference ÷ digits | targets |")
    rows, all_ok = [header, "|" + " --- |" * 10], True
    for key in args.only.split(","):
        task_name, extra, wall_target, reference = RUNS[key]
        extra = extra + (QUICK[task_name] if args.quick else [])
        task = get_task(task_name)
        config = task.Config.build(parse_overrides(task.Config, extra))
        flops = task.flops(config, data)
        # the network trained longest: the teacher (distill's 800-wide student runs at a similar rate)
        sizes = [784, *config.hidden, 10 + getattr(config, "aux", 0)]
        runs = []
        for i in range(args.repeat):
            run = measure(task_name, extra, sizes, config.batch_size)
            run["efficiency"] = flops / (run["peak"] * 1e9) / run["wall"]
            runs.append(run)
            label = f"`digits train --task {task_name} {' '.join(extra)}`".replace(" `", "`")
            if args.repeat > 1:
                label += f" run {i + 1}"
            rows.append(row(label, run, flops, reference, args.quick, "-"))
            print(rows[-1], flush=True)
        summary = {"wall": float(np.median([r["wall"] for r in runs])),
                   "efficiency": float(np.median([r["efficiency"] for r in runs])),
                   "rss": max(r["rss"] for r in runs)}
        checks = []
        if not args.quick:
            if wall_target:
                checks.append((f"wall ≤ {wall_target} s", summary["wall"] <= wall_target))
            checks.append((f"efficiency ≥ {EFFICIENCY_TARGET:.0%}", summary["efficiency"] >= EFFICIENCY_TARGET))
            checks.append((f"RSS ≤ {RSS_TARGET_MB} MB", summary["rss"] * 1.048576 <= RSS_TARGET_MB))
        all_ok &= all(ok for _, ok in checks)
        verdict = "; ".join(f"{text} {'met' if ok else '**missed**'}" for text, ok in checks) or "-"
        if args.repeat > 1:
            rows.append(f"| median of {args.repeat} | {summary['wall']:.1f} | | | {summary['efficiency']:.0%} "
                        f"| {summary['rss']:.0f} (max) | | | | {verdict} |")
        else:
            rows[-1] = rows[-1].rsplit("| - |", 1)[0] + f"| {verdict} |"
        print(rows[-1], flush=True)
    print()
    print("\n".join(rows))
    sys.exit(0 if all_ok else 1)


def row(label: str, run: dict, flops: int, reference, quick: bool, verdict: str) -> str:
    ref_s = f"{reference[0]} ({reference[1]})" if reference and not quick else "-"
    ratio = f"{reference[0] / run['wall']:.1f}×" if reference and not quick else "-"
    rate_text = ", ".join(f"{p} {r:,.0f}" for p, r in run["rates"].items())
    before, after = run["peaks"]
    return (f"| {label} | {run['wall']:.1f} | {flops / 1e9:,.0f} | {run['peak']:.0f} ({before:.0f}/{after:.0f}) "
            f"| {run['efficiency']:.0%} | {run['rss']:.0f} | {rate_text} | {ref_s} | {ratio} | {verdict} |")


if __name__ == "__main__":
    main()
