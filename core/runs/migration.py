"""Reading schema-1 run records (digits before the run record, already on users' disks) as schema 2.

Schema 1 kept a list of model names in run.json, the scaling and digit logits in each model's own
.json, the labels and published figures only in the `comparison` event of events.jsonl, and a
results.json of a different shape per task. Migration gathers those into the schema-2 fields; what
schema 1 never recorded (the CPU, BLAS, threads) stays null. Nothing is written back: the files on
disk stay as they are.
"""

import json
from pathlib import Path

from digits.core.runs.record import SCHEMA, Head, ModelInfo, numeric, results

# subliminal's teacher and same-init students start from its saved untrained weights
INIT_FROM = {"teacher": "untrained", "student": "untrained", "all_same_init": "untrained"}
ROLE = {"teacher": "teacher", "student": "student", "untrained": "untrained", "aux_different_init": "control",
        "all_same_init": "control", "all_different_init": "control", "student_uncorrected": "control"}
# Names under which a schema-1 comparison panel listed a saved model, where they differ.
PANEL_NAME = {"student_uncorrected": "student_before"}
# Labels and short names where the panel's do not fit a model (its columns were "before" and "after").
LABEL = {"teacher": "teacher", "student_uncorrected": "student before bias correction",
         "untrained": "untrained: the shared initial weights"}
SHORT = {"teacher": "teacher", "student": "student", "student_uncorrected": "uncorr."}
# lwta's two heads (task 1, task 2) per class split, as the task defines them.
LWTA_SPLITS = {"0-4/5-9": ((0, 1, 2, 3, 4), (5, 6, 7, 8, 9)), "even/odd": ((0, 2, 4, 6, 8), (1, 3, 5, 7, 9))}


def last_comparison(path: Path) -> dict | None:
    """The comparison event of the run's event log (a damaged line is skipped, as every reader does)."""
    found = None
    try:
        with open(path / "events.jsonl", encoding="utf-8") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict) and event.get("event") == "comparison":
                    found = event
    except OSError:
        return None
    return found


def model_meta(path: Path, name: str) -> dict:
    try:
        spec = json.loads((path / "models" / f"{name}.json").read_text())
    except (OSError, ValueError):
        return {}
    return spec if isinstance(spec, dict) else {}


def heads_of(task: str, config: dict, meta: dict) -> list[Head]:
    if task == "lwta":
        split = LWTA_SPLITS.get(config.get("split"), LWTA_SPLITS["0-4/5-9"])
        return [Head(list(h), list(h), f"task {k}") for k, h in enumerate(split, start=1)]
    start, _stop = (meta.get("meta") or {}).get("digit_logits", [0, 10])
    return [Head.digits(int(start))]


def migrate_model(name: str, task: str, config: dict, path: Path, panel: dict) -> dict:
    spec = model_meta(path, name)
    meta = spec.get("meta") or {}
    role = ROLE.get(name, "column" if name.startswith("column_") else "model")
    shown = panel.get(PANEL_NAME.get(name, name), {})
    label = LABEL.get(name) or shown.get("label") or name
    short = SHORT.get(name) or shown.get("short") or name
    sizes = spec.get("sizes") or []
    acts = sorted({layer.get("activation") for layer in (spec.get("layers") or [])[:-1]} - {None})
    architecture = "-".join(map(str, sizes)) + (f" {'/'.join(acts)}" if acts else "")
    init_from = INIT_FROM.get(name) if task == "subliminal" else None
    return ModelInfo(name, role, label, short, heads_of(task, config, spec), meta.get("scale", "unit"), architecture,
                     int(spec.get("params") or 0), init_from).to_dict()


def seed_metrics(task: str, row: dict) -> dict:
    """One seed's metrics from a schema-1 results.json row: lwta kept them under "metrics",
    subliminal kept each model's accuracy under "accuracy" (named as in the run's metrics)."""
    if task == "subliminal" and isinstance(row.get("accuracy"), dict):
        from digits.core.tasks.subliminal import METRIC_NAMES

        return {METRIC_NAMES[k]: v for k, v in numeric(row["accuracy"]).items() if k in METRIC_NAMES}
    return numeric(row.get("metrics") or {})


def migrate_results(info: dict, path: Path) -> dict:
    per_seed = None
    try:
        old = json.loads((path / "results.json").read_text())
    except (OSError, ValueError):
        old = None
    if isinstance(old, dict) and isinstance(old.get("per_seed"), list):
        rows = [r for r in old["per_seed"] if isinstance(r, dict)]
        seeds = old.get("seeds") or [r.get("seed") for r in rows]
        if rows and len(rows) == len(seeds):
            per_seed = [{"seed": seed, "metrics": seed_metrics(info.get("task"), r)} for seed, r in zip(seeds, rows)]
    if not per_seed:
        per_seed = [{"seed": (info.get("config") or {}).get("seed", 0), "metrics": numeric(info.get("metrics") or {})}]
    return results(per_seed)


def migrate(info: dict, path: Path) -> dict:
    """A schema-1 run.json (and the files beside it) as a schema-2 record."""
    task, config = info.get("task", ""), info.get("config") or {}
    comparison = last_comparison(path)
    panel = {m.get("name"): m for m in (comparison or {}).get("models", []) if isinstance(m, dict)}
    names = [n for n in info.get("models") or [] if isinstance(n, str)]
    reference = list((comparison or {}).get("reference") or [])
    if comparison is not None:
        comparison = {k: v for k, v in comparison.items() if k not in ("event", "time", "reference")}
    finished = info.get("status") in ("finished", "interrupted", "failed")
    return {
        **info,
        "schema": SCHEMA, "migrated_from": info.get("schema", 1),
        "models": [migrate_model(n, task, config, path, panel) for n in names],
        "comparison": comparison,
        "reference": reference,
        "results": migrate_results(info, path) if finished else None,
        "test_subset": None,  # schema 1 did not record it (only highway scored a subset)
        "environment": {"digits": info.get("digits"), "numpy": info.get("numpy"), "python": info.get("python"),
                        "numba": None, "platform": None, "host": None, "cpu": None, "simd": None, "cpus": None,
                        "blas": {}, "kernels": None, "openblas_coretype": None},
        "host": info.get("host"),
    }
