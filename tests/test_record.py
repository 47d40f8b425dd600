"""The run record (run.json, schema 2): every task's record validates against the documented JSON
Schema; what tasks declare (roles, heads, tables) is there; per-seed results aggregate as
core.stats says; schema-1 runs (the saved fixture runs, written before schema 2) read as schema 2."""

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from tui_support import FIXTURE_RUNS

from digits.core.runs.directory import read_run
from digits.core.runs.record import Record, aggregate, results, table
from digits.core.runs.runner import execute
from digits.core.stats import summarize
from digits.core.tasks import TASKS, get_task

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "run-record.schema.json").read_text())
TINY = {
    "baseline": {"preset": "tiny", "epochs": 1, "train_size": 1000},
    "subliminal": {"hidden": (16,), "epochs": 1, "student_epochs": 1, "train_size": 1000, "noise_size": 1000,
                   "seeds": "2"},
    "distill": {"hidden": (32,), "student_hidden": (16,), "epochs": 1, "student_epochs": 1, "train_size": 2000,
                "probe_size": 500},
    "highway": {"depth": 3, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300, "batch_size": 50,
                "depths": "2,3"},
    "lwta": {"hidden": (16, 16), "epochs": 1, "per_class": 30, "batch_size": 25, "seeds": "2"},
    "mcdnn": {"hidden": (16,), "epochs": 1, "train_size": 600, "batch_size": 100, "columns": 2, "lr_drop_epoch": 1},
    "deep-mlp": {"hidden": (16,), "epochs": 1, "train_size": 600, "batch_size": 100},
}


def validate(info: dict) -> None:
    jsonschema.validate(info, SCHEMA)


@pytest.fixture(scope="module")
def records(mnist, tmp_path_factory):
    root = tmp_path_factory.mktemp("records")
    out = {}
    for task, overrides in TINY.items():
        final = list(execute(task, get_task(task).Config.build(overrides), mnist, root))[-1]
        out[task] = (read_run(Path(final.run_dir)), final)
    return out


def test_every_task_is_covered():
    assert set(TINY) == set(TASKS)


@pytest.mark.parametrize("task", sorted(TINY))
def test_each_tasks_record_validates_and_matches_its_run(task, records):
    info, final = records[task]
    validate(info)
    on_disk = json.loads((Path(final.run_dir) / "run.json").read_text())
    validate(on_disk)  # the file itself, not only what the reader made of it
    assert info["status"] == "finished" and info["metrics"] == final.metrics
    for model in info["models"]:
        assert (Path(final.run_dir) / "models" / f"{model['name']}.npz").is_file()
    assert info["environment"]["blas"]["threads"] >= 1 and info["environment"]["kernels"] in ("numba", "numpy")
    if final.comparison:
        assert info["reference"] == (final.comparison.get("reference") or [])
        assert info["comparison"]["title"] == final.comparison["title"]


def test_roles_heads_and_tables_are_what_the_tasks_declare(records):
    roles = {task: {m["name"]: m["role"] for m in info["models"]} for task, (info, _) in records.items()}
    assert roles["subliminal"]["teacher"] == "teacher" and roles["subliminal"]["student"] == "student"
    assert roles["subliminal"]["aux_different_init"] == "control" and roles["subliminal"]["untrained"] == "untrained"
    assert roles["distill"] == {"teacher": "teacher", "student": "student", "student_uncorrected": "control"}
    assert set(roles["mcdnn"].values()) == {"column"}
    lwta = Record(records["lwta"][0]).model("lwta")
    assert [(h.columns, h.classes) for h in lwta.heads] == [([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]),
                                                            ([5, 6, 7, 8, 9], [5, 6, 7, 8, 9])]
    teacher = Record(records["subliminal"][0]).model("teacher")
    assert teacher.heads[0].columns == list(range(10)) and teacher.architecture.startswith("784-16-13")
    tables = records["highway"][0]["results"]["tables"]
    assert tables["depth_sweep"]["columns"] == ["depth", "highway", "plain"]
    assert [row[0] for row in tables["depth_sweep"]["rows"]] == [2, 3]
    assert {row[0] for row in tables["gate_means"]["rows"]} == {2, 3}
    sweep = records["distill"][0]["results"]["tables"]["offset_sweep"]
    assert sweep["columns"] == ["offset", "test_accuracy", "omitted_accuracy"] and sweep["rows"][0][0] == 0.0


@pytest.mark.parametrize("task", ["subliminal", "lwta"])
def test_per_seed_results_and_their_aggregate(task, records):
    info, final = records[task]
    res = info["results"]
    assert res["seeds"] == [0, 1] and [s["seed"] for s in res["per_seed"]] == [0, 1]
    for name, summary in res["aggregate"].items():
        values = [s["metrics"][name] for s in res["per_seed"]]
        assert summary == pytest.approx(summarize(values))
        if f"{name}_std" in final.metrics:  # the task's own aggregate agrees with the record's
            assert final.metrics[f"{name}_std"] == pytest.approx(summary["std"])
            assert final.metrics[name] == pytest.approx(summary["mean"])


def test_single_seed_results_are_the_runs_metrics(records):
    info, final = records["baseline"]
    assert info["results"]["per_seed"] == [{"seed": 0, "metrics": final.metrics}]
    assert info["results"]["aggregate"]["test_accuracy"] == {"mean": final.metrics["test_accuracy"], "std": 0.0,
                                                             "ci95": 0.0, "n": 1}


def test_aggregate_is_sample_std_with_a_t_interval():
    agg = aggregate([{"seed": 0, "metrics": {"a": 1.0, "b": 2}}, {"seed": 1, "metrics": {"a": 3.0}}])
    assert agg["a"]["mean"] == 2.0 and agg["a"]["std"] == pytest.approx(np.std([1.0, 3.0], ddof=1))
    assert agg["a"]["ci95"] == pytest.approx(12.706 * agg["a"]["std"] / np.sqrt(2)) and agg["a"]["n"] == 2
    assert agg["b"]["n"] == 1  # a metric only some seeds report is aggregated over those
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        table(["x", "y"], [[1]])
    assert results([{"seed": 4, "metrics": {"a": 1.0}}])["seeds"] == [4]


@pytest.mark.parametrize("run_id", ["baseline-tiny", "subliminal-tiny", "distill-tiny"])
def test_schema_1_runs_read_as_schema_2(run_id):
    on_disk = json.loads((FIXTURE_RUNS / run_id / "run.json").read_text())
    assert "schema" not in on_disk and all(isinstance(m, str) for m in on_disk["models"])  # a schema-1 record
    info = read_run(FIXTURE_RUNS / run_id)
    validate(info)
    assert info["schema"] == 2 and info["migrated_from"] == 1
    assert [m["name"] for m in info["models"]] == on_disk["models"]
    assert set(info["results"]["per_seed"][0]["metrics"]) >= set(
        k for k, v in on_disk["metrics"].items() if isinstance(v, float) and not k.endswith(("_std", "_ci95")))
    record = Record(info)
    if run_id == "subliminal-tiny":
        assert record.pair() == ["teacher", "student"] and record.model("aux_different_init").role == "control"
        assert record.model("student").label == "student: aux, same init"
        assert record.model("all_same_init").short == "all=init"
        assert len(info["reference"]) == 4
    if run_id == "distill-tiny":
        assert record.highlight == [3] and record.model("student_uncorrected").short == "uncorr."
    if run_id == "baseline-tiny":
        assert record.pair() == ["model"] and record.partner("model") is None
