"""Seeds as a unit: a task trains one seed; `--seeds` is the same task run once per seed plus one
combination (core/runs/seeds.py). Each seed of a --seeds run gives exactly the numbers of a separate run
at that seed, for every task; the combination is the sample mean, std and 95% t-interval."""

import pytest

from digits.core.runs.directory import read_run
from digits.core.runs.record import Record
from digits.core.runs.runner import execute
from digits.core.runs.seeds import SeedRun, metrics_over_seeds, panel_over_seeds
from digits.core.stats import summarize
from digits.core.tasks import get_task

TINY = {
    "baseline": {"preset": "tiny", "epochs": 1, "train_size": 1000},
    "highway": {"depth": 3, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300, "batch_size": 50},
    "lwta": {"hidden": (16, 16), "epochs": 1, "per_class": 30, "batch_size": 25},
    "subliminal": {"hidden": (16,), "epochs": 1, "student_epochs": 1, "train_size": 1000, "noise_size": 1000,
                   "controls": False},
}


def run(task, overrides, mnist, root=None):
    return list(execute(task, get_task(task).Config.build(overrides), mnist, root))


@pytest.mark.parametrize("task", sorted(TINY))
def test_each_seed_of_a_seeds_run_is_the_single_run_at_that_seed(task, mnist, tmp_path):
    events = run(task, {**TINY[task], "seeds": "3,5"}, mnist, tmp_path)
    final = events[-1]
    record = read_run(tmp_path / final.run_id)
    per_seed = {s["seed"]: s["metrics"] for s in record["results"]["per_seed"]}
    assert sorted(per_seed) == [3, 5]
    for seed in (3, 5):
        alone = run(task, {**TINY[task], "seed": seed}, mnist)[-1].metrics
        assert per_seed[seed] == {k: v for k, v in alone.items() if k != "seeds"}
    phases = {e.phase for e in events if e.name == "phase_started"}
    assert phases and all(p.endswith((" (seed 3)", " (seed 5)")) for p in phases)
    headline = get_task(task).headline[0][0]
    stats = summarize([per_seed[3][headline], per_seed[5][headline]])
    assert final.metrics[headline] == stats["mean"] and final.metrics[f"{headline}_std"] == stats["std"]
    assert final.metrics[f"{headline}_ci95"] == stats["ci95"] and final.metrics["seeds"] == 2
    assert record["results"]["aggregate"][headline] == stats
    if final.comparison:  # one panel for the whole run, each model with its spread over the seeds
        assert sum(e.name == "comparison" for e in events) == 1
        assert all(len(m["per_seed"]) == 2 and m["std"] >= 0 for m in final.comparison["models"])
    assert sum(e.name == "examples" for e in events) <= 1  # the last seed's digits only
    assert Record(record).model_names  # the last seed's networks are saved


def test_panel_over_seeds_uses_the_means_for_our_side_of_the_published_figures():
    def panel(acc):
        return {"title": "t", "models": [{"name": "m", "label": "M", "test_accuracy": acc, "per_class": [acc] * 10}],
                "agreement": {"a vs b": acc}, "reference": [{"what": "w", "ours": acc, "published": 0.5,
                                                             "metric": "m_accuracy"}],
                "examples": {"seed": acc}, "notes": ["one seed"]}
    runs = [SeedRun(0, {"m_accuracy": 0.2, "seeds": 1}, panel(0.2)), SeedRun(1, {"m_accuracy": 0.4, "seeds": 1},
                                                                             panel(0.4))]
    metrics = metrics_over_seeds(runs)
    assert metrics["m_accuracy"] == pytest.approx(0.3) and metrics["seeds"] == 2 and "seeds_std" not in metrics
    combined = panel_over_seeds(runs, metrics, notes=["two seeds"])
    (model,) = combined.models
    assert model["test_accuracy"] == pytest.approx(0.3) and model["per_seed"] == [0.2, 0.4]
    assert model["per_class"] == pytest.approx([0.3] * 10) and combined.agreement["a vs b"] == pytest.approx(0.3)
    assert combined.reference[0]["ours"] == pytest.approx(0.3) and combined.examples == {"seed": 0.4}
    assert combined.notes == ["two seeds"]
