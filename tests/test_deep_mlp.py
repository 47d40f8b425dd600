"""The deep-mlp task: augmented training, the ablation, options."""

import numpy as np
import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.nn.optim import SGD
from digits.core.runs.runner import execute
from digits.core.tasks.deep_mlp import DeepMlpConfig

TINY = {"hidden": "32", "epochs": 2, "train_size": 600, "batch_size": 100}


def test_ablation_trains_both_from_the_same_init_and_reports_both(mnist, tmp_path):
    from digits.core.nn.persist import load_network

    events = list(execute("deep-mlp", DeepMlpConfig.build({**TINY, "ablation": True}), mnist, tmp_path))
    final = events[-1]
    assert final.name == "run_finished", final
    assert set(final.metrics) == {"test_error", "test_error_no_augment"}
    assert all(0 < v < 0.6 for v in final.metrics.values())
    assert [e.phase for e in events if e.name == "phase_started"] == ["augmented", "no augmentation"]
    lrs = [e.lr for e in events if e.name == "epoch_finished"]
    assert lrs == pytest.approx([0.05, 0.0475, 0.05, 0.0475])  # lr 0.05 × 0.95^epoch
    augmented, _ = load_network(tmp_path / final.run_id / "models" / "augmented")
    plain, _ = load_network(tmp_path / final.run_id / "models" / "plain")
    assert augmented.layers[0].activation == "tanh" and not np.array_equal(augmented.layers[0].W, plain.layers[0].W)


def test_no_augment_trains_on_plain_digits_only(mnist):
    events = list(execute("deep-mlp", DeepMlpConfig.build({**TINY, "augment": False, "ablation": True}), mnist, None))
    assert set(events[-1].metrics) == {"test_error"}
    assert [e.phase for e in events if e.name == "phase_started"] == ["no augmentation"]


def test_same_seed_same_numbers(mnist):
    runs = [list(execute("deep-mlp", DeepMlpConfig.build(TINY), mnist, None))[-1].metrics for _ in range(2)]
    assert runs[0] == runs[1]


def test_weight_decay_sits_inside_the_velocity():
    """v = 0.9·v + g + wd·W; W −= lr·v: the reference code's update, by hand."""
    w = np.array([1.0, -2.0], np.float32)
    g = np.array([0.5, 0.25], np.float32)
    opt = SGD([w], lr=0.1, momentum=0.9, weight_decay=1e-5)
    v = np.zeros(2)
    expected = w.astype(np.float64)
    for _ in range(3):
        v = 0.9 * v + g + 1e-5 * expected
        expected = expected - 0.1 * v
        opt.step([g.copy()])
    np.testing.assert_allclose(w, expected, rtol=1e-6)


@pytest.mark.parametrize(("args", "message"), [
    (["--sigma", "0"], "--sigma must be greater than 0"),
    (["--rotation", "-1"], "--rotation must be at least 0"),
    (["--hidden", "512,x"], "--hidden takes comma-separated whole numbers"),
])
def test_bad_options_are_one_line_errors(args, message):
    result = CliRunner().invoke(app, ["train", "--task", "deep-mlp", *args, "--no-save"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
