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
