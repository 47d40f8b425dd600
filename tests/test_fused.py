"""The fused numba steps give bit-identical results to their numpy forms."""

import numpy as np
import pytest

from digits.core.nn import fused


def batch(seed, shape=(37, 53)):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(shape, dtype=np.float32)
    z[0, :3] = [np.nan, -0.0, 0.0]
    return z, rng.standard_normal(shape[1], dtype=np.float32)


def both(monkeypatch, run):
    """run() with the numba forms, then with the numpy forms (as under DIGITS_KERNELS=numpy)."""
    fast = run()
    with monkeypatch.context() as m:
        m.setattr(fused, "backend", lambda: "numpy")
        slow = run()
    return fast, slow


def test_bias_relu_matches_numpy(monkeypatch):
    def run():
        z, b = batch(0)
        return fused.bias_relu(z, b)
    fast, slow = both(monkeypatch, run)
    np.testing.assert_array_equal(fast, slow)
    assert np.isnan(fast[0, 0]) and (fast[1:] >= 0).all() and (fast[1:] > 0).any()
    assert np.array_equal(np.signbit(fast), np.signbit(slow))


def test_relu_backward_bias_matches_numpy(monkeypatch):
    def run():
        y, _ = batch(1)
        np.maximum(y, 0, out=y)
        g, _ = batch(2)
        g[0, 0] = 1.0
        db = np.full(y.shape[1], 7.0, np.float32)  # overwritten, not accumulated
        return fused.relu_backward_bias(g, y, db), db
    (g_fast, db_fast), (g_slow, db_slow) = both(monkeypatch, run)
    np.testing.assert_array_equal(g_fast, g_slow)
    np.testing.assert_array_equal(db_fast, db_slow)
    assert (g_fast[1:][batch(1)[0][1:] <= 0] == 0).all()


@pytest.mark.parametrize("symmetric", [False, True])
def test_images_to_inputs_matches_numpy(monkeypatch, symmetric):
    fused._compiled()  # as after a first training step
    images = np.arange(256, dtype=np.uint8).reshape(4, 64)
    fast, slow = both(monkeypatch, lambda: fused.images_to_inputs(images, symmetric))
    np.testing.assert_array_equal(fast, slow)
    assert fast.dtype == np.float32 and fast.min() == (-1 if symmetric else 0) and fast.max() == 1


def test_tanh_backward_bias_matches_numpy(monkeypatch):
    def run():
        y, _ = batch(3)
        np.tanh(y, out=y)
        g, _ = batch(4)
        db = np.full(y.shape[1], 7.0, np.float32)
        return fused.tanh_backward_bias(g, y, db), db
    (g_fast, db_fast), (g_slow, db_slow) = both(monkeypatch, run)
    np.testing.assert_array_equal(g_fast, g_slow)
    np.testing.assert_array_equal(db_fast, db_slow)
    assert np.isnan(g_fast[0, 0]) and np.isfinite(db_fast[1:]).all()


@pytest.mark.parametrize("cols", [slice(None), slice(0, 10), slice(3, 13)])
def test_softmax_cross_entropy_matches_numpy(monkeypatch, cols):
    from digits.core.nn.losses import cross_entropy

    def run():
        rng = np.random.default_rng(5)
        logits = rng.standard_normal((64, 13), dtype=np.float32) * 4
        labels = rng.integers(0, 10, 64)
        return cross_entropy(logits, labels, cols)
    (loss_fast, grad_fast), (loss_slow, grad_slow) = both(monkeypatch, run)
    assert loss_fast == pytest.approx(loss_slow, rel=1e-6)
    np.testing.assert_allclose(grad_fast, grad_slow, rtol=1e-5, atol=1e-8)
    outside = np.ones(13, bool)
    outside[cols] = False
    assert (grad_fast[:, outside] == 0).all() and np.abs(grad_fast.sum(axis=1)).max() < 1e-6


def test_softmax_cross_entropy_propagates_nan_and_refuses_bad_labels():
    from digits.core.nn.losses import cross_entropy

    logits = np.zeros((4, 10), np.float32)
    logits[2, 5] = np.nan
    loss, _ = cross_entropy(logits, np.array([0, 1, 2, 3]))
    assert np.isnan(loss)  # so that the training loop stops with TrainingDiverged
    with pytest.raises(IndexError):
        cross_entropy(np.zeros((2, 10), np.float32), np.array([0, 10]))


@pytest.mark.parametrize("cols,kind,temperature", [(slice(None), "kl", 20.0), (slice(0, 10), "kl", 1.0),
                                                   (slice(3, 13), "ce", 3.0)])
def test_soft_target_matches_numpy(monkeypatch, cols, kind, temperature):
    from digits.core.nn.losses import soft_target

    def run():
        rng = np.random.default_rng(6)
        logits = rng.standard_normal((64, 13), dtype=np.float32) * 5
        targets = rng.standard_normal((64, 13), dtype=np.float32) * 5
        return soft_target(logits, targets, temperature, cols, kind)
    (loss_fast, grad_fast), (loss_slow, grad_slow) = both(monkeypatch, run)
    assert loss_fast == pytest.approx(loss_slow, rel=1e-5, abs=1e-7)
    np.testing.assert_allclose(grad_fast, grad_slow, rtol=1e-4, atol=1e-8)
    outside = np.ones(13, bool)
    outside[cols] = False
    assert (grad_fast[:, outside] == 0).all() and np.abs(grad_fast).max() > 0


def test_highway_steps_match_numpy(monkeypatch):
    def run():
        rng = np.random.default_rng(8)
        x = rng.standard_normal((37, 11), dtype=np.float32)
        z = rng.standard_normal((37, 22), dtype=np.float32)
        np.tanh(z, out=z)  # [H | τ], τ = tanh(z_T/2)
        grad = rng.standard_normal((37, 11), dtype=np.float32)
        y = fused.highway_combine(x, z)
        dz, db = np.empty_like(z), np.full(22, 7.0, np.float32)
        fused.highway_backward(grad, x, z, dz, db)
        dx = rng.standard_normal((37, 11), dtype=np.float32)
        return y, dz, db, fused.highway_carry(dx, grad, z)
    fast, slow = both(monkeypatch, run)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    assert np.abs(fast[1]).max() > 0 and np.abs(fast[0]).max() > 0


@pytest.mark.parametrize("k", [2, 3, 4])
def test_lwta_matches_numpy(monkeypatch, k):
    from digits.core.nn.activations import lwta

    fused._compiled()  # the compiled form is used once the kernels are loaded

    def run():
        rng = np.random.default_rng(9)
        z = rng.standard_normal((37, 12 * k), dtype=np.float32)
        z[0, :k] = 1.5  # a tie: the first unit wins
        z[1, :k] = -2.0
        z[2, 1] = np.nan  # NaN wins, as numpy's argmax
        z[3, :k] = -np.inf  # the losers become -inf·0 = NaN in both
        with np.errstate(invalid="ignore"):
            return lwta(z, k)
    fast, slow = both(monkeypatch, run)
    np.testing.assert_array_equal(fast, slow)
    assert np.array_equal(np.signbit(fast), np.signbit(slow))
    assert ((fast[4:].reshape(33, 12, k) != 0).sum(axis=2) == 1).all()  # finite rows: one winner a block
