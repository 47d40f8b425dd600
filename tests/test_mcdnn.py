"""The mcdnn task: its column (init, schedule, optimiser), averaged columns, option errors."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.nn.persist import load_network
from digits.core.runs.runner import execute
from digits.core.tasks.mcdnn import McdnnConfig, column

TINY = {"hidden": "32,16", "epochs": 3, "lr_drop_epoch": 2, "train_size": 1000, "batch_size": 100}


def test_column_init_he_hidden_glorot_output_zero_biases():
    net = column(McdnnConfig.build({}), [784, 800, 800, 400, 10], 0)
    for layer in net.layers[:-1]:
        fan_in = layer.W.shape[0]
        assert abs(layer.W.std() - math.sqrt(2 / fan_in)) < 0.02 * math.sqrt(2 / fan_in)  # He normal
        assert layer.activation == "relu" and not layer.b.any()
    out = net.layers[-1]
    bound = math.sqrt(6 / (400 + 10))
    assert out.activation == "identity" and np.abs(out.W).max() <= bound and np.abs(out.W).max() > 0.9 * bound


def test_two_columns_averaged(mnist, tmp_path):
    cfg = McdnnConfig.build({**TINY, "columns": 2})
    events = list(execute("mcdnn", cfg, mnist, tmp_path))
    final = events[-1]
    assert final.name == "run_finished", final
    m = final.metrics
    assert m["test_error"] == m["test_error_column_1"] and 0 < m["test_error"] < 0.5
    assert 0 < m["test_error_averaged"] < 0.5
    assert m["test_error_mean"] == pytest.approx((m["test_error_column_1"] + m["test_error_column_2"]) / 2)
    # the learning rate drops from the 2nd epoch, in every column
    lrs = [(e.phase, e.lr) for e in events if e.name == "epoch_finished"]
    assert lrs == [("column 1", 0.05), ("column 1", 0.01), ("column 1", 0.01),
                   ("column 2", 0.05), ("column 2", 0.01), ("column 2", 0.01)]
    comparison = next(e for e in events if e.name == "comparison")
    assert [model["name"] for model in comparison.models] == ["column_1", "column_2", "averaged"]
    first, _ = load_network(tmp_path / final.run_id / "models" / "column_1")
    second, meta = load_network(tmp_path / final.run_id / "models" / "column_2")
    assert meta["seed"] == 1 and not np.array_equal(first.layers[0].W, second.layers[0].W)


def test_averaging_the_saved_columns_gives_the_reported_error(mnist, tmp_path):
    from digits.core.runs.inspection import find_run, load_models, probabilities

    cfg = McdnnConfig.build({**TINY, "columns": 2})
    final = list(execute("mcdnn", cfg, mnist, tmp_path))[-1]
    probs = [probabilities(net, model, mnist.test_images, mnist.test_labels)
             for net, model in load_models(find_run(tmp_path, final.run_id)).values()]
    error = float((np.mean(probs, axis=0).argmax(axis=1) != mnist.test_labels).mean())
    assert error == pytest.approx(final.metrics["test_error_averaged"], abs=1e-4)


@pytest.mark.parametrize(("args", "message"), [
    (["--columns", "0"], "--columns must be at least 1"),
    (["--lr-drop-epoch", "0"], "--lr-drop-epoch must be at least 1"),
    (["--momentum", "0"], "--momentum must be greater than 0"),
    (["--hidden", "800,0"], "--hidden"),
])
def test_bad_options_are_one_line_errors(args, message):
    result = CliRunner().invoke(app, ["train", "--task", "mcdnn", *args, "--no-save"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
