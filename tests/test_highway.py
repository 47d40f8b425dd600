"""The highway task and its mechanisms: blocks, gradient clipping, saving, options, a tiny run."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.nn.network import Highway, gate_means
from digits.core.nn.optim import clip_global_norm
from digits.core.nn.persist import load_network, save_network
from digits.core.runs.runner import execute
from digits.core.tasks.highway import HighwayConfig, build

TINY = {"depth": 3, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300, "batch_size": 50}


def test_a_block_starts_by_carrying_its_input():
    rng = np.random.default_rng(0)
    block = Highway.create(rng, 6, gate_bias=-40.0)  # gates shut: T = sigmoid(-40 ± small) ≈ 0
    x = rng.uniform(-1, 1, (4, 6)).astype(np.float32)
    np.testing.assert_allclose(block.forward(x), x, atol=1e-6)
    assert block.gate(x).max() < 1e-6
    assert block.W.shape == (6, 12) and block.b.shape == (12,) and np.all(block.b[6:] == -40)


def test_clip_global_norm_scales_all_gradients_together():
    grads = [np.array([3.0, 0.0], np.float32), np.array([[0.0], [4.0]], np.float32)]  # joint norm 5
    assert clip_global_norm(grads, 10.0) == pytest.approx(5.0)
    np.testing.assert_array_equal(grads[0], [3, 0])  # under the limit: untouched
    assert clip_global_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads[0], [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(grads[1][:, 0], [0.0, 0.8], rtol=1e-5)


def test_both_networks_share_projections_and_differ_in_blocks():
    cfg = HighwayConfig.build(TINY)
    highway, plain = (build(kind, 3, cfg, 0, 784, 10) for kind in ("highway", "plain"))
    assert [layer.kind for layer in highway.layers] == ["dense", "highway", "highway", "highway", "dense"]
    assert [layer.kind for layer in plain.layers] == ["dense"] * 5
    for i in (0, -1):
        np.testing.assert_array_equal(highway.layers[i].W, plain.layers[i].W)
    assert np.all(highway.layers[1].b[8:] == np.float32(-2.0))


def test_highway_network_saves_and_loads_exactly(tmp_path):
    net = build("highway", 2, HighwayConfig.build(TINY), 0, 784, 10)
    save_network(tmp_path / "hw", net)
    loaded, _ = load_network(tmp_path / "hw")
    x = np.random.default_rng(1).uniform(-1, 1, (5, 784)).astype(np.float32)
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    assert [layer.kind for layer in loaded.layers] == [layer.kind for layer in net.layers]


def test_tiny_run_reports_both_networks_gates_and_sweep(mnist, tmp_path):
    cfg = HighwayConfig.build({**TINY, "depths": "1,3"})
    events = list(execute("highway", cfg, mnist, tmp_path))
    final = events[-1]
    assert final.name == "run_finished", final
    metrics = final.metrics
    for key in ("highway_test_accuracy", "plain_test_accuracy", "highway_test_accuracy_d1",
                "plain_test_accuracy_d1", "highway_test_accuracy_d3", "plain_test_accuracy_d3"):
        assert 0.0 <= metrics[key] <= 1.0
    assert metrics["highway_test_accuracy"] == metrics["highway_test_accuracy_d3"]
    phases = [e.phase for e in events if e.name == "phase_started"]
    assert phases == ["highway (depth 1)", "plain (depth 1)", "highway (depth 3)", "plain (depth 3)"]
    results = json.loads((tmp_path / final.run_id / "results.json").read_text())
    assert len(results["gate_means"]["3"]) == 3 and all(0 < g < 1 for g in results["gate_means"]["3"])
    comparison = next(e for e in events if e.name == "comparison")
    assert [m["name"] for m in comparison.models] == ["highway", "plain"]
    assert any("transform gate" in note for note in comparison.notes)
    net, meta = load_network(tmp_path / final.run_id / "models" / "highway")
    assert meta["depth"] == 3 and sum(layer.kind == "highway" for layer in net.layers) == 3
    x = np.random.default_rng(0).uniform(-1, 1, (5000, 784)).astype(np.float32)
    means = gate_means(net, x, chunk=1000)  # over every chunk, not the last one
    assert len(means) == 3 and all(0 < m < 1 for m in means)
    h, manual = x, []
    for layer in net.layers:
        if layer.kind == "highway":
            manual.append(float(layer.gate(h).mean(dtype=np.float64)))
        h = layer.forward(h)
    np.testing.assert_allclose(means, manual, rtol=1e-6)


def test_same_seed_same_numbers(mnist):
    cfg = HighwayConfig.build(TINY)
    runs = [list(execute("highway", cfg, mnist, None))[-1].metrics for _ in range(2)]
    assert runs[0] == runs[1]


@pytest.mark.parametrize(("args", "message"), [
    (["--depth", "0"], "--depth must be at least 1"),
    (["--depths", "5,0"], "--depths"),
    (["--width", "0"], "--width must be at least 1"),
    (["--clip", "-1"], "--clip must be at least 0"),
    (["--test-size", "20000"], "--test-size 20000 is larger than the 10000 test images"),
])
def test_bad_options_are_one_line_errors(args, message):
    result = CliRunner().invoke(app, ["train", "--task", "highway", *args, "--no-save"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
