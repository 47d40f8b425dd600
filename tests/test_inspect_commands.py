"""`digits show`, `gallery` and `eval` on saved runs: picks, orders, JSON, errors."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.data.dataset import load_dataset
from digits.core.nn.network import Network
from digits.core.runs.directory import RunDir
from digits.core.runs.inspection import confusion_matrix, find_run, top_confusions
from digits.core.runs.record import ModelInfo

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def lines(text):
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def baseline_run(tmp_path, tiny_dir):
    runs = tmp_path / "runs"
    result = invoke("train", "--task", "baseline", "--hidden", "16", "--epochs", "2", "--data-dir", str(tiny_dir),
                    "--runs-dir", str(runs), "--quiet")
    assert result.exit_code == 0, result.stderr
    return runs


@pytest.fixture
def pair_run(tmp_path, tiny_dir):
    """A run holding a teacher and a student, as the teacher/student tasks save them."""
    data = load_dataset(tiny_dir)
    run = RunDir.create(tmp_path / "runs", "distill", {}, data.name)
    for name, seed in (("teacher", 0), ("student", 1)):
        net = Network.mlp([784, 8, 10], rng=np.random.default_rng(seed))
        run.save_model(ModelInfo(name, name, name, name, architecture=net.describe(), params=net.num_params), net)
    run.finish("finished", {})
    return tmp_path / "runs"


def test_show_json_reports_every_default_model(pair_run):
    result = invoke("show", "3", "7", "--runs-dir", str(pair_run), "--json")
    assert result.exit_code == 0, result.stderr
    shown = lines(result.stdout)
    assert [s["index"] for s in shown] == [3, 7]
    for item in shown:
        assert set(item["models"]) == {"teacher", "student"}
        probs = item["models"]["student"]["probabilities"]
        assert abs(sum(probs) - 1) < 1e-4 and item["models"]["student"]["prediction"] == int(np.argmax(probs))


def test_show_draws_each_digit_with_labels(baseline_run, tiny_dir):
    result = invoke("show", "0", "5", "--runs-dir", str(baseline_run), "--render", "ascii")
    assert result.exit_code == 0, result.stderr
    labels = load_dataset(tiny_dir).test_labels
    assert f"#0  true {labels[0]}" in result.stdout and f"#5  true {labels[5]}" in result.stdout
    assert "@" in result.stdout  # the bright bars of the tiny dataset, drawn


def test_show_random_and_class_picks_are_seeded(baseline_run, tiny_dir):
    args = ("show", "--random", "4", "--class", "3", "--seed", "5", "--runs-dir", str(baseline_run), "--json")
    first, second = invoke(*args), invoke(*args)
    assert first.stdout == second.stdout
    picked = lines(first.stdout)
    assert len(picked) == 4 and all(p["label"] == 3 for p in picked)


def test_gallery_misclassified_is_most_confident_first(pair_run):
    result = invoke("gallery", "--misclassified", "--runs-dir", str(pair_run), "--json", "--limit", "50")
    assert result.exit_code == 0, result.stderr
    items = lines(result.stdout)
    assert items and all(i["prediction"] != i["label"] for i in items)
    assert all(i["model"] == "student" and i["other"]["model"] == "teacher" for i in items)
    confidences = [i["confidence"] for i in items]
    assert confidences == sorted(confidences, reverse=True)
    by_loss = lines(invoke("gallery", "-m", "--sort", "loss", "--runs-dir", str(pair_run), "--json").stdout)
    losses = [i["loss"] for i in by_loss]
    assert losses == sorted(losses, reverse=True)


def test_gallery_draws_a_grid_in_text_modes(pair_run):
    for mode in ("ascii", "blocks"):
        result = invoke("gallery", "--model", "teacher", "--class", "2", "--limit", "3", "--render", mode,
                        "--runs-dir", str(pair_run))
        assert result.exit_code == 0, result.stderr
        assert "teacher" in result.stdout and result.stdout.count("#") >= 3


def test_eval_json_matches_the_confusion_matrix(pair_run, tiny_dir):
    result = invoke("eval", "--runs-dir", str(pair_run), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    labels = load_dataset(tiny_dir).test_labels
    for model in report["models"].values():
        matrix = np.array(model["confusion"])
        assert matrix.sum() == len(labels) and matrix.sum(axis=1).tolist() == np.bincount(labels, minlength=10).tolist()
        assert abs(np.trace(matrix) / len(labels) - model["accuracy"]) < 1e-9
    agreement = np.array(report["agreement"]["matrix"])
    assert report["agreement"]["models"] == ["teacher", "student"]
    assert abs(np.trace(agreement) / agreement.sum() - report["agreement"]["rate"]) < 1e-9


def test_eval_prints_tables(baseline_run):
    result = invoke("eval", "--runs-dir", str(baseline_run))
    assert result.exit_code == 0, result.stderr
    assert "accuracy per class" in result.stdout and "confusion matrix" in result.stdout
    assert "top confusions" in result.stdout


@pytest.mark.parametrize("args, message", [
    (("show", "100"), "test index 100 is out of range: the test set has 100 digits (0-99)"),
    (("show", "--class", "12"), "--class 12 is not a class"),
    (("gallery", "--model", "nobody"), "has no model 'nobody'; it has teacher, student"),
    (("show", "--model", "nobody"), "has no model 'nobody'"),
    (("eval", "--run", "missing-run"), "no run 'missing-run'"),
    (("gallery", "--sort", "colour"), "--sort 'colour' is not a sort order"),
    (("show", "--render", "gif"), "--render 'gif' is not a render mode"),
])
def test_bad_requests_are_one_line_errors(pair_run, args, message):
    result = invoke(*args, "--runs-dir", str(pair_run))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    with_json = invoke(*args, "--runs-dir", str(pair_run), "--json")
    assert with_json.exit_code == 2 and message in json.loads(with_json.stdout)["message"]


def test_no_runs_yet(tmp_path):
    result = invoke("show", "--runs-dir", str(tmp_path / "none"))
    assert result.exit_code == 2 and "no run with saved models" in result.stderr


def test_confusions_and_latest_run(pair_run):
    matrix = confusion_matrix(np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 0, 1]), 3)
    assert matrix.tolist() == [[1, 1, 0], [1, 1, 0], [0, 1, 0]]
    assert top_confusions(matrix, 2) == [(2, 1, 1), (1, 0, 1)]
    assert find_run(pair_run, None)["task"] == "distill"
