"""Optimizer steps and schedules against values computed by hand, with both kernel backends."""

import numpy as np
import pytest

from digits.core.nn import kernels
from digits.core.nn.optim import SGD, Adam, make_optimizer
from digits.core.nn.schedules import Constant, Exponential, Step, make_schedule


@pytest.fixture(autouse=True, params=["numba", "numpy"])
def backend(request, monkeypatch):
    monkeypatch.setattr(kernels, "backend", lambda: request.param)
    return request.param


def run(opt_factory, grads, start=1.0):
    p = np.array([start], dtype=np.float32)
    opt = opt_factory([p])
    for g in grads:
        opt.step([np.array([g], dtype=np.float32)])
    return float(p[0])


def test_plain_sgd():
    assert run(lambda ps: SGD(ps, lr=0.1), [2.0, 4.0]) == pytest.approx(1.0 - 0.2 - 0.4)


def test_heavy_ball_momentum():
    # v1 = 2, p = 1 - 0.2 = 0.8; v2 = 0.9*2 + 4 = 5.8, p = 0.8 - 0.58 = 0.22
    assert run(lambda ps: SGD(ps, lr=0.1, momentum=0.9), [2.0, 4.0]) == pytest.approx(0.22)


def test_nesterov_momentum():
    # v1 = 2, p = 1 - 0.1*(2 + 0.9*2) = 0.62; v2 = 5.8, p = 0.62 - 0.1*(4 + 0.9*5.8) = -0.302
    assert run(lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True), [2.0, 4.0]) == pytest.approx(-0.302)


def test_weight_decay_adds_l2_gradient():
    # g = 0 + 0.5 * 1.0, p = 1 - 0.1 * 0.5
    assert run(lambda ps: SGD(ps, lr=0.1, weight_decay=0.5), [0.0]) == pytest.approx(0.95)


def test_weight_decay_can_spare_the_biases():
    W, b = np.ones((2, 2), np.float32), np.ones(2, np.float32)
    opt = SGD([W, b], lr=0.1, momentum=0.9, weight_decay=0.5, decay_biases=False)
    opt.step([np.zeros_like(W), np.zeros_like(b)])
    np.testing.assert_allclose(W, 0.95)
    np.testing.assert_array_equal(b, 1.0)  # only the matrix decays
    both = [np.ones((2, 2), np.float32), np.ones(2, np.float32)]
    SGD(both, lr=0.1, weight_decay=0.5).step([np.zeros((2, 2), np.float32), np.zeros(2, np.float32)])
    np.testing.assert_allclose(both[1], 0.95)  # the default decays every parameter, as before


def test_adam_two_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate([2.0, -1.0], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    got = run(lambda ps: Adam(ps, lr=lr), [2.0, -1.0])
    assert got == pytest.approx(p, rel=1e-6)
    # The first Adam step moves every parameter by lr, whatever the gradient's size.
    assert run(lambda ps: Adam(ps, lr=0.01), [123.0]) == pytest.approx(0.99)


def test_updates_are_in_place_and_keep_float32():
    p = np.ones(3, dtype=np.float32)
    opt = make_optimizer("adam", [p], lr=0.1)
    opt.step([np.full(3, 0.5, dtype=np.float32)])
    assert p.dtype == np.float32 and np.allclose(p, 0.9)


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("rmsprop", [], 0.1)


def test_schedules():
    assert [Constant(0.1)(e) for e in range(3)] == [0.1, 0.1, 0.1]
    assert [Step(1.0, (2, 4), 0.5)(e) for e in range(6)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert [Exponential(0.05, 0.95)(e) for e in range(3)] == pytest.approx([0.05, 0.0475, 0.045125])
    assert make_schedule("step", 1.0, 0.1, (1,))(1) == pytest.approx(0.1)
