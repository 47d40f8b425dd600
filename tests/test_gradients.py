"""Finite-difference gradient checks (float64) for every layer, activation and loss."""

import numpy as np
import pytest

from digits.core.nn import losses
from digits.core.nn.network import Network


def numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


def assert_backprop_matches_finite_differences(net, x, labels):
    def loss():
        return losses.cross_entropy(net.forward(x), labels)[0]

    _, grad = losses.cross_entropy(net.forward(x, train=True), labels)
    net.backward(grad)
    for param, analytic in zip(net.params, net.grads):
        assert rel_error(analytic, numeric_grad(loss, param)) < 1e-6


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_network_gradients(activation):
    rng = np.random.default_rng(1)
    net = Network.mlp([5, 4, 3, 6], activation, rng, weight_init="glorot_normal",
                      bias_init="fan_in_uniform", dtype=np.float64)
    x = rng.standard_normal((7, 5))
    labels = rng.integers(0, 6, 7)

    assert_backprop_matches_finite_differences(net, x, labels)


def test_cross_entropy_on_a_subset_of_logits():
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((4, 13))
    labels = rng.integers(0, 10, 4)
    cols = slice(0, 10)
    _, grad = losses.cross_entropy(logits, labels, cols)
    numeric = numeric_grad(lambda: losses.cross_entropy(logits, labels, cols)[0], logits)
    assert rel_error(grad, numeric) < 1e-7
    assert np.all(grad[:, 10:] == 0)


def test_cross_entropy_value_and_stability():
    logits = np.array([[1000.0, 0.0, -1000.0]])
    loss, grad = losses.cross_entropy(logits, np.array([0]))
    assert loss == pytest.approx(0.0) and np.all(np.isfinite(grad))
    loss, _ = losses.cross_entropy(np.zeros((2, 10)), np.array([3, 7]))
    assert loss == pytest.approx(np.log(10))


@pytest.mark.parametrize("kind", ["kl", "ce"])
@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0])
def test_soft_target_gradients(kind, temperature):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((5, 13))
    target = rng.standard_normal((5, 13)) * 3
    cols = slice(10, 13)

    def loss():
        return losses.soft_target(logits, target, temperature, cols, kind)[0]

    _, grad = losses.soft_target(logits, target, temperature, cols, kind)
    assert rel_error(grad, numeric_grad(loss, logits)) < 1e-6
    assert np.all(grad[:, :10] == 0)


def test_soft_target_kl_is_zero_at_the_target_and_scaled_by_t_squared():
    rng = np.random.default_rng(4)
    z = rng.standard_normal((3, 10))
    assert losses.soft_target(z, z, 2.0)[0] == pytest.approx(0.0, abs=1e-12)
    p, q = rng.standard_normal((3, 10)), rng.standard_normal((3, 10))
    T = 3.0
    logp, logq = losses.log_softmax(q / T), losses.log_softmax(p / T)
    kl = (np.exp(logp) * (logp - logq)).sum(axis=1).mean()
    assert losses.soft_target(p, q, T)[0] == pytest.approx(T * T * kl)


def test_highway_block_gradients():
    """Highway blocks (transform and carry paths, gate) between dense layers, in float64."""
    from digits.core.nn.network import Dense, Highway

    rng = np.random.default_rng(3)
    layers = [Dense.create(rng, 5, 4, "tanh", "glorot_normal", "fan_in_uniform", np.float64),
              Highway.create(rng, 4, gate_bias=-0.5, dtype=np.float64),
              Highway.create(rng, 4, gate_bias=0.5, dtype=np.float64),
              Dense.create(rng, 4, 3, "identity", "glorot_normal", "fan_in_uniform", np.float64)]
    net = Network(layers)
    x = rng.standard_normal((6, 5))
    labels = rng.integers(0, 3, 6)

    assert_backprop_matches_finite_differences(net, x, labels)


def test_lwta_gradients_reach_only_the_block_winners():
    rng = np.random.default_rng(4)
    net = Network.mlp([5, 6, 4, 3], "lwta2", rng, weight_init="glorot_normal", bias_init="fan_in_uniform",
                      output_activation="identity", dtype=np.float64)
    x = rng.standard_normal((7, 5))
    labels = rng.integers(0, 3, 7)

    assert_backprop_matches_finite_differences(net, x, labels)
