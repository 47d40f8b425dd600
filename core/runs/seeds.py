"""Several seeds as one result: a task trains one seed; `--seeds` runs it once per seed and these
pure functions turn the seeds' metrics and panels into one (the runner calls them, and so will
sweeps). Every spread is the sample std with a 95% t-interval (core/stats.summarize).

Metrics over seeds keep each per-seed name for the mean and add `_mean`, `_std` and `_ci95`, plus
`seeds` (how many). The panel over seeds shows each model's mean accuracy with its std, interval
and per-seed values, per-class accuracy and agreement averaged, the last seed's example digits,
and our side of each published figure recomputed from the means (a reference entry names the
metric it shows).
"""

from dataclasses import dataclass

import numpy as np

from digits.core.events import Comparison
from digits.core.runs.record import numeric
from digits.core.stats import summarize


@dataclass
class SeedRun:
    """What one seed's run produced: its metrics and its comparison panel (as a dict, or None)."""

    seed: int
    metrics: dict
    comparison: dict | None = None


def metrics_over_seeds(runs: list[SeedRun]) -> dict:
    names = [k for k in numeric(runs[0].metrics) if k != "seeds"]
    out = {}
    for name in names:
        stats = summarize([r.metrics[name] for r in runs if name in r.metrics])
        out[name] = stats["mean"]
        out[f"{name}_mean"], out[f"{name}_std"], out[f"{name}_ci95"] = stats["mean"], stats["std"], stats["ci95"]
    out["seeds"] = len(runs)
    return out


def model_over_seeds(rows: list[dict]) -> dict:
    """One panel model row from the same model's row of every seed."""
    values = [row["test_accuracy"] for row in rows]
    stats = summarize(values)
    merged = {**rows[-1], "test_accuracy": stats["mean"], "std": stats["std"], "ci95": stats["ci95"],
              "per_seed": values}
    if all(row.get("per_class") is not None for row in rows):
        merged["per_class"] = np.mean([row["per_class"] for row in rows], axis=0).tolist()
    return merged


def panel_over_seeds(runs: list[SeedRun], metrics: dict, notes: list[str] | None = None,
                     reference: list[dict] | None = None) -> Comparison | None:
    panels = [r.comparison for r in runs]
    if any(p is None for p in panels):
        return None
    last = panels[-1]
    models = [model_over_seeds([next(m for m in p["models"] if m["name"] == row["name"]) for p in panels])
              for row in last["models"]]
    agreement = {key: float(np.mean([p["agreement"][key] for p in panels])) for key in last.get("agreement") or {}}
    if reference is None:
        reference = [{**ref, "ours": metrics.get(ref["metric"], ref["ours"])} if ref.get("metric") else ref
                     for ref in last.get("reference") or []]
    return Comparison(title=last["title"], models=models, highlight=list(last.get("highlight") or []),
                      agreement=agreement, reference=reference, examples=last.get("examples") or {},
                      notes=notes if notes is not None else list(last.get("notes") or []))
