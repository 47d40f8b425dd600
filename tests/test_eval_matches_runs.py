"""`digits eval --json` gives every task's own numbers back: each saved model scored on the digits
the run was scored on (highway's seeded test subset), lwta per head (each digit by its own task's
5 logits). A tiny run of every task, one seed, the metric each model's accuracy must equal."""

import json

import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.runs.runner import execute
from digits.core.tasks import TASKS, get_task

TINY = {
    "baseline": {"preset": "tiny", "epochs": 1, "train_size": 1000},
    "subliminal": {"hidden": (16,), "epochs": 1, "student_epochs": 1, "train_size": 1000, "noise_size": 1000},
    "distill": {"hidden": (32,), "student_hidden": (16,), "epochs": 1, "student_epochs": 1, "train_size": 2000,
                "probe_size": 500},
    "highway": {"depth": 3, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300, "batch_size": 50},
    "lwta": {"hidden": (16, 16), "epochs": 1, "per_class": 30, "batch_size": 25},
    "mcdnn": {"hidden": (16,), "epochs": 1, "train_size": 600, "batch_size": 100, "columns": 2, "lr_drop_epoch": 1},
    "deep-mlp": {"hidden": (16,), "epochs": 1, "train_size": 600, "batch_size": 100},
}
# model -> the run metric its accuracy is (1 - x for errors)
EXPECTED = {
    "baseline": {"model": "test_accuracy"},
    "subliminal": {"teacher": "teacher_test_accuracy", "student": "student_test_accuracy",
                   "aux_different_init": "control_different_init_accuracy",
                   "all_same_init": "all_logits_same_init_accuracy",
                   "all_different_init": "all_logits_different_init_accuracy", "untrained": "untrained_accuracy"},
    "distill": {"teacher": "teacher_test_accuracy", "student": "student_test_accuracy",
                "student_uncorrected": "student_test_accuracy_before"},
    "highway": {"highway": "highway_test_accuracy", "plain": "plain_test_accuracy"},
    "mcdnn": {"column_1": "1-test_error_column_1", "column_2": "1-test_error_column_2"},
    "deep-mlp": {"augmented": "1-test_error"},
}


def test_every_task_is_covered():
    assert set(TINY) == set(TASKS) and set(EXPECTED) | {"lwta"} == set(TASKS)


def value(metrics: dict, name: str) -> float:
    return 1 - metrics[name[2:]] if name.startswith("1-") else metrics[name]


@pytest.mark.parametrize("task", sorted(TINY))
def test_eval_reports_the_runs_own_accuracies(task, mnist, tmp_path):
    final = list(execute(task, get_task(task).Config.build(TINY[task]), mnist, tmp_path))[-1]
    result = CliRunner().invoke(app, ["eval", "--run", final.run_id, "--runs-dir", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    models = report["models"]
    if task == "lwta":
        for kind in ("relu", "lwta"):
            heads = models[kind]["heads"]
            assert heads["task 1"] == final.metrics[f"{kind}_task1_accuracy_after"]
            assert heads["task 2"] == final.metrics[f"{kind}_task2_accuracy"]
        return
    assert set(models) == set(EXPECTED[task])
    for name, metric in EXPECTED[task].items():
        assert models[name]["accuracy"] == pytest.approx(value(final.metrics, metric), abs=1e-12), name
    if task == "highway":
        assert report["test_digits"] == 300
