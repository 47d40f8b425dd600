"""Reproduce the teacher/student results at their defaults and write a Markdown table.

    python -m benchmarks.reproduce [--seeds 5] [--only subliminal,paper,distill] [--out docs/results.md]

Each run is `digits train --task ... --json --no-save` in its own process, so its wall time and
peak memory (max RSS) are its own. The table puts our numbers beside the published ones and the
targets of the teacher/student issue; the script exits 1 if a target is missed.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from benchmarks.common import run_cli

# (metric, published figure text, target check text, check)
SUBLIMINAL_REFERENCE = [
    ("teacher_test_accuracy", "0.9696 (numpy ref., 1 seed); 0.969 ± 0.001 (PyTorch, 100 seeds)", "mean ≥ 0.965",
     lambda m: m["teacher_test_accuracy"] >= 0.965),
    ("student_test_accuracy", "0.8358 (numpy ref., 1 seed); 0.774 ± 0.059 (PyTorch, 100 seeds)", "mean ≥ 0.72",
     lambda m: m["student_test_accuracy"] >= 0.72),
    ("control_different_init_accuracy", "stays at chance", "≤ 0.20 on every seed",
     lambda m: max(m["per_seed"]["control_different_init_accuracy"]) <= 0.20),
    ("all_logits_same_init_accuracy", "-", "", None),
    ("all_logits_different_init_accuracy", "-", "", None),
    ("untrained_accuracy", "≈ 0.10", "", None),
]
PAPER_REFERENCE = [
    ("teacher_test_accuracy", "≈ 0.943 (paper Fig. 10b, 100 runs)", "", None),
    ("student_test_accuracy", "0.528 ± 0.022", "mean in 0.45–0.60",
     lambda m: 0.45 <= m["student_test_accuracy"] <= 0.60),
    ("control_different_init_accuracy", "0.106 ± 0.010", "≤ 0.15 on every seed",
     lambda m: max(m["per_seed"]["control_different_init_accuracy"]) <= 0.15),
    ("all_logits_same_init_accuracy", "≈ 0.913", "", None),
    ("all_logits_different_init_accuracy", "≈ 0.743", "", None),
    ("untrained_accuracy", "0.100", "", None),
]
DISTILL_REFERENCE = [
    ("teacher_test_accuracy", "0.9839 (numpy ref.); 0.9933 (paper: 67 errors)", "≥ 0.982",
     lambda m: m["teacher_test_accuracy"] >= 0.982),
    ("teacher_omitted_accuracy", "0.9743 (numpy ref.)", "", None),
    ("student_test_accuracy_before", "0.9783 (numpy ref.); 0.9794 (paper: 206 errors)", "", None),
    ("student_omitted_accuracy_before", "0.9188 (numpy ref.); 0.868 (paper: 133 of 1010 wrong)", "", None),
    ("bias_offset", "+2.696 (numpy ref.); +3.5 (paper)", "", None),
    ("student_test_accuracy", "0.9807 (numpy ref.); 0.9891 (paper: 109 errors)", "≥ 0.978",
     lambda m: m["student_test_accuracy"] >= 0.978),
    ("student_omitted_accuracy", "0.9782 (numpy ref.); 0.986 (paper: 14 wrong)", "≥ 0.97",
     lambda m: m["student_omitted_accuracy"] >= 0.97),
]


def subliminal_per_seed(result: dict) -> dict:
    names = {"teacher": "teacher_test_accuracy", "student": "student_test_accuracy",
             "aux_different_init": "control_different_init_accuracy",
             "all_same_init": "all_logits_same_init_accuracy",
             "all_different_init": "all_logits_different_init_accuracy", "untrained": "untrained_accuracy"}
    return {names[k]: v for k, v in result["per_seed_models"].items() if k in names}


def section(title: str, result: dict, reference: list, per_seed: dict | None) -> tuple[list[str], bool]:
    metrics = dict(result["final"]["metrics"])
    metrics["per_seed"] = per_seed or {}
    lines = [f"### {title}", "", f"`{result['command']}` — wall {result['seconds']:.0f} s, "
             f"peak memory {result['peak_mib']:.0f} MiB", "",
             "| metric | ours | published | target | |", "| --- | --- | --- | --- | --- |"]
    ok = True
    for name, published, target, check in reference:
        value = metrics.get(name)
        if per_seed and name in per_seed and len(per_seed[name]) > 1:
            values = per_seed[name]
            ours = f"{np.mean(values):.4f} ± {np.std(values, ddof=1):.4f} ({min(values):.3f}–{max(values):.3f})"
        else:
            ours = "-" if value is None else f"{value:+.3f}" if name == "bias_offset" else f"{value:.4f}"
        verdict = ""
        if check is not None:
            passed = check(metrics)
            ok &= passed
            verdict = "met" if passed else "**missed**"
        lines.append(f"| {name} | {ours} | {published} | {target} | {verdict} |")
    return lines + [""], ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds for the subliminal runs (default 5; try 20)")
    parser.add_argument("--only", default="subliminal,paper,distill")
    parser.add_argument("--out", default="docs/results.md")
    args = parser.parse_args()
    chosen = args.only.split(",")
    out = [f"## Reproduction results ({time.strftime('%Y-%m-%d')})", "",
           f"Measured with `python -m benchmarks.reproduce --seeds {args.seeds}` on {platform.machine()}, "
           f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}.", ""]
    all_ok = True
    if "subliminal" in chosen:
        result = run_cli(["--task", "subliminal", "--seeds", str(args.seeds)])
        lines, ok = section(f"subliminal, reference preset, {args.seeds} seeds", result, SUBLIMINAL_REFERENCE,
                            subliminal_per_seed(result))
        out += lines
        all_ok &= ok
    if "paper" in chosen:
        result = run_cli(["--task", "subliminal", "--preset", "paper", "--seeds", str(args.seeds)])
        lines, ok = section(f"subliminal, paper preset, {args.seeds} seeds", result, PAPER_REFERENCE,
                            subliminal_per_seed(result))
        out += lines
        all_ok &= ok
    if "distill" in chosen:
        result = run_cli(["--task", "distill"])
        lines, ok = section("distill, omitted digit 3", result, DISTILL_REFERENCE, None)
        out += lines
        all_ok &= ok
    text = "\n".join(out)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    raise SystemExit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
