"""Reproduce the published results at the tasks' defaults and write Markdown tables.

    python -m benchmarks.reproduce [--seeds 5] [--only subliminal,paper,distill,deep-mlp,mcdnn,highway,lwta]

Each run is `digits train --task ... --json --no-save` in its own process, so its wall time and
peak memory (max RSS) are its own. The tables put our numbers beside the published ones and the
targets of the issues; the script exits 1 if a target is missed. The teacher/student runs go to
docs/results.md, the MLP-era ones to docs/results-mlp.md; a file is rewritten only when all of its
runs were chosen (or with --out FILE, which takes everything that ran).
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


DEEP_MLP_REFERENCE = [
    ("test_error", "0.0117 (reference run, 15 epochs)", "≤ 0.014", lambda m: m["test_error"] <= 0.014),
    ("test_error_no_augment", "≈ 0.020-0.022 (reference)", "above test_error",
     lambda m: m["test_error_no_augment"] > m["test_error"]),
]
MCDNN_REFERENCE = [
    ("test_error", "0.0146 (reference run); 0.0147 ± 0.0003 over seeds", "≤ 0.017",
     lambda m: m["test_error"] <= 0.017),
]
HIGHWAY_REFERENCE = [
    ("highway_test_accuracy", "0.926 (reference run, depth 30)", "≥ 0.88",
     lambda m: m["highway_test_accuracy"] >= 0.88),
    ("plain_test_accuracy", "0.124 (reference run, loss stuck at log 10)", "≤ 0.2",
     lambda m: m["plain_test_accuracy"] <= 0.2),
]
LWTA_REFERENCE = [
    ("relu_forgetting", "0.072 (seed 0); 0.045 ± 0.021 (10 seeds)", "reported", None),
    ("lwta_forgetting", "0.022 (seed 0); 0.043 ± 0.028 (10 seeds)", "reported", None),
    ("relu_task2_accuracy", "-", "", None),
    ("lwta_task2_accuracy", "-", "", None),
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
        elif f"{name}_std" in metrics:  # a task's own mean ± std over --seeds
            ours = f"{metrics[f'{name}_mean']:.4f} ± {metrics[f'{name}_std']:.4f}"
        else:
            ours = "-" if value is None else f"{value:+.3f}" if name == "bias_offset" else f"{value:.4f}"
        verdict = ""
        if check is not None:
            passed = check(metrics)
            ok &= passed
            verdict = "met" if passed else "**missed**"
        lines.append(f"| {name} | {ours} | {published} | {target} | {verdict} |")
    return lines + [""], ok


# name -> (CLI arguments after --task, title, reference rows, per-seed extractor, output file)
TEACHER_STUDENT, MLP = "docs/results.md", "docs/results-mlp.md"


def runs(seeds: int) -> dict:
    return {
        "subliminal": (["subliminal", "--seeds", str(seeds)], f"subliminal, reference preset, {seeds} seeds",
                       SUBLIMINAL_REFERENCE, subliminal_per_seed, TEACHER_STUDENT),
        "paper": (["subliminal", "--preset", "paper", "--seeds", str(seeds)],
                  f"subliminal, paper preset, {seeds} seeds", PAPER_REFERENCE, subliminal_per_seed, TEACHER_STUDENT),
        "distill": (["distill"], "distill, omitted digit 3", DISTILL_REFERENCE, None, TEACHER_STUDENT),
        "deep-mlp": (["deep-mlp", "--ablation"], "deep-mlp, warped vs plain digits", DEEP_MLP_REFERENCE, None, MLP),
        "mcdnn": (["mcdnn"], "mcdnn, one column", MCDNN_REFERENCE, None, MLP),
        "highway": (["highway"], "highway vs plain, depth 30", HIGHWAY_REFERENCE, None, MLP),
        "lwta": (["lwta", "--seeds", "10"], "lwta vs ReLU forgetting, 10 seeds", LWTA_REFERENCE, None, MLP),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds for the subliminal runs (default 5; try 20)")
    parser.add_argument("--only", default="subliminal,paper,distill,deep-mlp,mcdnn,highway,lwta")
    parser.add_argument("--out", help="write every table that ran to this file instead")
    args = parser.parse_args()
    table = runs(args.seeds)
    chosen = args.only.split(",")
    unknown = [name for name in chosen if name not in table]
    if unknown:
        raise SystemExit(f"unknown run(s) {', '.join(unknown)}; choose from {', '.join(table)}")
    header = [f"## Reproduction results ({time.strftime('%Y-%m-%d')})", "",
              f"Measured with `python -m benchmarks.reproduce --seeds {args.seeds}` on {platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}.", ""]
    files: dict[str, list[str]] = {}
    all_ok = True
    for name in chosen:
        cli, title, reference, per_seed, path = table[name]
        result = run_cli(["--task", *cli])
        lines, ok = section(title, result, reference, per_seed(result) if per_seed else None)
        files.setdefault(args.out or path, list(header)).extend(lines)
        all_ok &= ok
        print("\n".join(lines), flush=True)
    for path, lines in files.items():
        complete = args.out or all(name in chosen for name, run in table.items() if run[4] == path)
        if complete:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text("\n".join(lines) + "\n")
            print(f"wrote {path}")
        else:
            print(f"not writing {path}: only part of its runs were chosen (use --out FILE)")
    raise SystemExit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
