"""Saving and loading networks: exact round trip, and clear errors for files that are not ours."""

import json

import numpy as np
import pytest

from digits.core.errors import ModelFileError
from digits.core.nn.network import Network
from digits.core.nn.persist import load_network, save_network


@pytest.fixture
def net():
    return Network.mlp([6, 5, 3], "tanh", np.random.default_rng(0), bias_init="fan_in_uniform")


def test_round_trip_is_exact(tmp_path, net):
    save_network(tmp_path / "m", net, {"note": "hi"})
    back, meta = load_network(tmp_path / "m")
    assert meta == {"note": "hi"} and back.spec == net.spec
    for a, b in zip(back.params, net.params):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    assert not list(tmp_path.glob("*.tmp"))


def test_clone_is_exact_and_independent(net):
    twin = net.clone()
    twin.params[0][0, 0] += 1
    assert twin.params[0][0, 0] != net.params[0][0, 0]
    np.testing.assert_array_equal(twin.params[1], net.params[1])


def test_json_that_is_not_ours(tmp_path, net):
    save_network(tmp_path / "m", net)
    (tmp_path / "m.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(ModelFileError, match="not a digits network file"):
        load_network(tmp_path / "m")
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_network(tmp_path / "m")


def test_truncated_npz(tmp_path, net):
    save_network(tmp_path / "m", net)
    data = (tmp_path / "m.npz").read_bytes()
    (tmp_path / "m.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated or not ours"):
        load_network(tmp_path / "m")


def test_mismatched_architecture(tmp_path, net):
    save_network(tmp_path / "m", net)
    spec = json.loads((tmp_path / "m.json").read_text())
    spec["layers"][0]["out"] = 7
    spec["layers"][1]["in"] = 7
    (tmp_path / "m.json").write_text(json.dumps(spec))
    with pytest.raises(ModelFileError, match=r"layers.0.W has shape \(6, 5\), architecture needs \(6, 7\)"):
        load_network(tmp_path / "m")


def test_missing_files(tmp_path, net):
    with pytest.raises(ModelFileError, match="missing architecture file"):
        load_network(tmp_path / "none")
    save_network(tmp_path / "m", net)
    (tmp_path / "m.npz").unlink()
    with pytest.raises(ModelFileError, match="file not found"):
        load_network(tmp_path / "m")


def test_pickled_object_arrays_are_refused(tmp_path, net):
    save_network(tmp_path / "m", net)
    arrays = net.state()
    arrays["layers.0.W"] = np.full((6, 5), None, dtype=object)  # right shape: only the dtype is wrong
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ModelFileError, match="not a readable .npz archive"):
        load_network(tmp_path / "m")


def test_a_single_array_or_wrong_dtype_is_not_a_network(tmp_path, net):
    save_network(tmp_path / "m", net)
    np.save(tmp_path / "single.npy", np.zeros(3))
    (tmp_path / "single.npy").rename(tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="holds a single array"):
        load_network(tmp_path / "m")
    arrays = {k: v.astype(np.float64) for k, v in net.state().items()}
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ModelFileError, match="holds float64, expected float32"):
        load_network(tmp_path / "m")


def test_names_with_dots_keep_their_own_files(tmp_path, net):
    other = Network.mlp([6, 5, 3], "relu", np.random.default_rng(9))
    save_network(tmp_path / "student-T1.5", net)
    save_network(tmp_path / "student-T1.0", other)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "student-T1.0.json", "student-T1.0.npz", "student-T1.5.json", "student-T1.5.npz"]
    back, _ = load_network(tmp_path / "student-T1.5.npz")
    np.testing.assert_array_equal(back.params[0], net.params[0])


@pytest.mark.parametrize("change, message", [
    ({"activation": "gelu"}, "unknown activation 'gelu'"),
    ({"activation": None}, "unknown activation None"),
    ({"type": "conv"}, "unknown type"),
    ({"in": "six"}, "positive integer in/out sizes"),
])
def test_bad_layer_entries(tmp_path, net, change, message):
    save_network(tmp_path / "m", net)
    spec = json.loads((tmp_path / "m.json").read_text())
    spec["layers"][0].update(change)
    (tmp_path / "m.json").write_text(json.dumps(spec))
    with pytest.raises(ModelFileError, match=message):
        load_network(tmp_path / "m")
