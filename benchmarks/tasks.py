"""Every task at its defaults, timed in its own process against its GEMM floor measured in this process.

    python -m benchmarks.tasks [--quick] [--repeat N] [--only baseline,subliminal-no-controls,...]

The GEMM floor of a run is the time its matrix products alone take on this machine. The task
describes them as data (`Task.work`: each network it trains or evaluates, its weight shapes as
multiplied, batch size, samples trained and samples only evaluated; `tests/test_flops.py` checks
them against the products a tiny run performs). Each distinct product is timed here alone, best
of 5 rounds (`benchmarks.peak.ProductTimer`: forward x·W, weight gradient xᵀ·g and input
gradient g·Wᵀ but the first layer's, at the training batch size; forward x·W at the evaluation
chunk of 2000), and

    floor = Σ over work items (training steps × one step's products + evaluation chunks × one forward pass)

The floor is measured right before and right after each run (this machine's speed drifts from
minute to minute) and the smaller is used: faster products, the conservative choice (it can only
raise wall ÷ floor). Printed per run: wall time (process start to exit: imports, data,
evaluation and all), floor, wall ÷ floor (the binding figure, "× floor", beside its target),
efficiency = floor ÷ wall, the FLOPs and the floor by network, peak RSS (ru_maxrss of the child)
and, for context only, the wall time of the reference implementation measured on the issue's
machine and its ratio to ours. --repeat N runs each task N times and checks the targets on the
medians. --quick runs one epoch per phase and checks no targets. Exits 1 when a target is missed.
"""

import argparse
import dataclasses
import sys
from dataclasses import dataclass

import numpy as np

from benchmarks.common import machine_line, run_cli
from benchmarks.peak import floor_seconds
from benchmarks.peak import peak_gflops as peak_gflops  # benchmarks.scaling and benchmarks.sweep import it here
from digits.core.data.dataset import load_dataset
from digits.core.tasks.base import get_task


@dataclass(frozen=True)
class Run:
    task: str
    extra: tuple[str, ...] = ()
    target: float | None = None  # wall ÷ floor at most (issue 18's binding figures)
    reference: float | None = None  # the reference implementation's wall s on the machine (context)


# Reference times: the reference implementations on issue 18's machine (seed 0, defaults, whole
# process); they replace the earlier machine's 34 s (subliminal) and 323 s (distill).
RUNS = {
    "baseline": Run("baseline"),
    "subliminal-no-controls": Run("subliminal", ("--no-controls",), reference=27.8),
    "subliminal": Run("subliminal"),
    "distill": Run("distill", target=1.35, reference=205),
    "deep-mlp": Run("deep-mlp", target=1.6, reference=75.1),
    "mcdnn": Run("mcdnn", target=1.25, reference=56.0),
    "highway": Run("highway", reference=8.5),
    "lwta": Run("lwta", reference=3.5),
}
ONE_EPOCH_EACH = ["--epochs", "1", "--student-epochs", "1"]
QUICK = {"subliminal": ONE_EPOCH_EACH, "distill": ONE_EPOCH_EACH}  # the others: --epochs 1
RSS_TARGET_MB = 600  # the speed issue's memory target, still checked


def parse_overrides(config_cls, extra: list[str]) -> dict:
    """The config overrides of the CLI arguments used here (--flag value pairs and --no-flag)."""
    types = {f.name: f.type for f in dataclasses.fields(config_cls)}
    out, i = {}, 0
    while i < len(extra):
        name = extra[i][2:].replace("-", "_")
        if name.startswith("no_") and name not in types:
            out[name[3:]] = False
            i += 1
        else:
            kind = types[name]
            out[name] = kind(extra[i + 1]) if kind in (int, float) else extra[i + 1]
            i += 2
    return out


def measure(task_name: str, extra: list[str], work) -> dict:
    """One run of the task in a child process, with its GEMM floor measured just before and after."""
    before = floor_seconds(work)
    result = run_cli(["--task", task_name, *extra])
    after = floor_seconds(work)
    floor = min((before, after), key=lambda f: sum(f.values()))
    return {"wall": result["seconds"], "floor": sum(floor.values()), "by_network": floor,
            "floors": (sum(before.values()), sum(after.values())), "rss": result["peak_mib"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one epoch per phase; no targets checked")
    parser.add_argument("--repeat", type=int, default=1, help="runs per task; targets use the medians (default 1)")
    parser.add_argument("--only", default=",".join(RUNS), help=f"comma-separated from: {', '.join(RUNS)}")
    args = parser.parse_args()
    keys = args.only.split(",")
    unknown = [k for k in keys if k not in RUNS]
    if unknown:
        parser.error(f"unknown run {', '.join(unknown)}; choose from: {', '.join(RUNS)}")
    data = load_dataset()
    print(machine_line() + (" · quick mode" if args.quick else ""))
    header = ("| run | wall s | floor s (before/after) | wall ÷ floor | target | efficiency | GFLOP "
              "| floor by network, s | peak RSS MiB | reference s | reference ÷ digits | verdict |")
    rows, all_ok = [header, "|" + " --- |" * 12], True
    for key in keys:
        spec = RUNS[key]
        extra = [*spec.extra, *(QUICK.get(spec.task, ["--epochs", "1"]) if args.quick else [])]
        task = get_task(spec.task)
        config = task.Config.build(parse_overrides(task.Config, extra))
        work = task.work(config, data)
        flops = sum(w.flops for w in work)
        label = f"`digits train --task {spec.task}{''.join(' ' + a for a in extra)}`"
        runs = []
        for i in range(args.repeat):
            run = measure(spec.task, extra, work)
            runs.append(run)
            rows.append(row(label + (f" run {i + 1}" if args.repeat > 1 else ""), run, flops, spec, args.quick))
            if args.repeat > 1:
                print(rows[-1], flush=True)
        wall = float(np.median([r["wall"] for r in runs]))
        ratio = float(np.median([r["wall"] / r["floor"] for r in runs]))
        rss = max(r["rss"] for r in runs)
        checks = []
        if not args.quick:
            if spec.target:
                checks.append((f"≤ {spec.target}× floor", ratio <= spec.target))
            checks.append((f"RSS ≤ {RSS_TARGET_MB} MB", rss * 1.048576 <= RSS_TARGET_MB))
        all_ok &= all(ok for _, ok in checks)
        verdict = "; ".join(f"{text} {'met' if ok else '**missed**'}" for text, ok in checks) or "-"
        if args.repeat > 1:
            floor = float(np.median([r["floor"] for r in runs]))
            rows.append(f"| median of {args.repeat} | {seconds(wall)} | {seconds(floor)} | {ratio:.2f}× "
                        f"| {target_text(spec, args.quick)} | {1 / ratio:.0%} | | | {rss:.0f} (max) "
                        f"| {reference_text(spec, wall, args.quick)} | {verdict} |")
        else:
            rows[-1] = rows[-1].rsplit("| - |", 1)[0] + f"| {verdict} |"
        print(rows[-1], flush=True)
    print()
    print("\n".join(rows))
    sys.exit(0 if all_ok else 1)


def target_text(spec: Run, quick: bool) -> str:
    return f"≤ {spec.target}×" if spec.target and not quick else "-"


def reference_text(spec: Run, wall: float, quick: bool) -> str:
    """The reference seconds and reference ÷ digits (two cells); only for runs at the defaults."""
    if spec.reference is None or quick:
        return "- | -"
    return f"{spec.reference:g} | {spec.reference / wall:.1f}×"


def seconds(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def row(label: str, run: dict, flops: int, spec: Run, quick: bool) -> str:
    before, after = run["floors"]
    by_network = ", ".join(f"{name} {seconds(s)}" for name, s in run["by_network"].items())
    return (f"| {label} | {seconds(run['wall'])} | {seconds(run['floor'])} ({seconds(before)}/{seconds(after)}) "
            f"| {run['wall'] / run['floor']:.2f}× | {target_text(spec, quick)} | {run['floor'] / run['wall']:.0%} "
            f"| {flops / 1e9:,.0f} | {by_network} | {run['rss']:.0f} | {reference_text(spec, run['wall'], quick)} "
            f"| - |")


if __name__ == "__main__":
    main()
