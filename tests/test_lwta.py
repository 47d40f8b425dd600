"""The lwta task and local winner-take-all units: one winner per block, multi-head training, forgetting."""

import numpy as np
import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.nn.activations import activation_functions
from digits.core.nn.losses import cross_entropy
from digits.core.nn.network import Dense
from digits.core.runs.runner import execute
from digits.core.tasks.lwta import LwtaConfig, head_accuracy, sample_per_class

TINY = {"hidden": "16,16", "epochs": 1, "per_class": 30, "batch_size": 25}


def test_exactly_one_unit_per_block_passes_its_raw_value():
    z = np.array([[3.0, -1.0, -2.0, -5.0, 0.5, 0.7]], np.float32)
    forward, backward = activation_functions("lwta2")
    out = forward(z.copy())
    np.testing.assert_array_equal(out, np.array([[3.0, 0.0, -2.0, 0.0, 0.0, 0.7]], np.float32))  # negative winners too
    grad = backward(np.ones_like(out), out)
    np.testing.assert_array_equal(grad, [[1, 0, 1, 0, 0, 1]])
    rng = np.random.default_rng(0)
    z = rng.standard_normal((50, 12)).astype(np.float32)
    out = activation_functions("lwta3")[0](z.copy())
    assert np.all((out.reshape(50, 4, 3) != 0).sum(axis=2) == 1)
    np.testing.assert_array_equal(out.reshape(50, 4, 3).sum(axis=2), z.reshape(50, 4, 3).max(axis=2))


def test_block_must_divide_the_width():
    with pytest.raises(ValueError, match="divisible by 3"):
        Dense(np.zeros((4, 8), np.float32), np.zeros(8, np.float32), "lwta3")
    with pytest.raises(ValueError, match="unknown activation"):
        activation_functions("lwta1")


def test_multi_head_loss_touches_only_the_tasks_logits():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 10)).astype(np.float32)
    head = np.array([5, 6, 7, 8, 9])
    _, grad = cross_entropy(logits, rng.integers(0, 5, 6), head)
    assert np.all(grad[:, :5] == 0) and np.all(grad[:, 5:] != 0)


def test_head_accuracy_predicts_among_the_heads_classes():
    class Fixed:  # a stand-in network whose logits favour class 9, then class 2
        def predict_logits(self, x):
            logits = np.zeros((len(x), 10), np.float32)
            logits[:, 9], logits[:, 2] = 5, 1
            return logits

    accuracy, predicted = head_accuracy(Fixed(), np.zeros((3, 784)), np.array([2, 2, 4]), (0, 1, 2, 3, 4))
    assert predicted.tolist() == [2, 2, 2] and accuracy == pytest.approx(2 / 3)


def test_sample_per_class_is_balanced_and_seeded(mnist):
    a = sample_per_class(mnist.train_labels, 7, np.random.default_rng(3))
    b = sample_per_class(mnist.train_labels, 7, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert np.all(np.bincount(mnist.train_labels[a], minlength=10) == 7)


def test_tiny_run_reports_forgetting_for_both_networks_over_seeds(mnist, tmp_path):
    cfg = LwtaConfig.build({**TINY, "seeds": "2"})
    events = list(execute("lwta", cfg, mnist, tmp_path))
    final = events[-1]
    assert final.name == "run_finished", final
    m = final.metrics
    for kind in ("relu", "lwta"):
        assert m[f"{kind}_forgetting"] == pytest.approx(
            m[f"{kind}_task1_accuracy_before"] - m[f"{kind}_task1_accuracy_after"])
        for key in (f"{kind}_forgetting", f"{kind}_task2_accuracy"):
            assert f"{key}_mean" in m and f"{key}_std" in m
    phases = [e.phase for e in events if e.name == "phase_started"]
    assert phases[:4] == ["relu: task 1 (0/1/2/3/4) (seed 0)", "relu: task 2 (5/6/7/8/9) (seed 0)",
                          "lwta: task 1 (0/1/2/3/4) (seed 0)", "lwta: task 2 (5/6/7/8/9) (seed 0)"]
    assert len(phases) == 8


def test_both_networks_start_from_the_same_weights(mnist, tmp_path):
    from digits.core.nn.persist import load_network

    cfg = LwtaConfig.build({**TINY, "epochs": 1, "lr": 1e-9, "momentum": 0, "weight_decay": 0})  # barely moves
    final = list(execute("lwta", cfg, mnist, tmp_path))[-1]
    relu, _ = load_network(tmp_path / final.run_id / "models" / "relu")
    lwta, _ = load_network(tmp_path / final.run_id / "models" / "lwta")
    assert [layer.activation for layer in lwta.layers] == ["lwta2", "lwta2", "identity"]
    for a, b in zip(relu.params, lwta.params):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize(("args", "message"), [
    (["--block", "1"], "--block must be at least 2"),
    (["--block", "3"], "--block 3 does not divide the hidden width 400"),
    (["--split", "thirds"], "--split must be one of 0-4/5-9, even/odd"),
    (["--per-class", "10000"], "--per-class 10000 is more than"),
])
def test_bad_options_are_one_line_errors(args, message):
    result = CliRunner().invoke(app, ["train", "--task", "lwta", *args, "--no-save"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
