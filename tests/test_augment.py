"""Random translation (core/data/augment.py): the compiled and numpy forms give identical images."""

import numpy as np
import pytest

from digits.core.data import augment


@pytest.mark.parametrize("max_shift", [1, 2, 4])
def test_compiled_translation_equals_numpy(mnist, monkeypatch, max_shift):
    batch = mnist.train_images[:300].reshape(300, -1)
    fast = augment.random_translate(batch, np.random.default_rng(1), max_shift)
    monkeypatch.setattr(augment, "backend", lambda: "numpy")
    slow = augment.random_translate(batch, np.random.default_rng(1), max_shift)
    np.testing.assert_array_equal(fast, slow)
    assert fast.shape == batch.shape and fast.dtype == np.uint8
    assert (fast != batch).any(axis=1).mean() > 0.5  # most digits moved


def test_a_pixel_moves_by_the_drawn_shift():
    images = np.zeros((64, 28, 28), np.uint8)
    images[:, 14, 14] = 255
    out = augment.random_translate(images.reshape(64, -1), np.random.default_rng(2), 2).reshape(64, 28, 28)
    rng = np.random.default_rng(2)
    dx, dy = rng.integers(-2, 3, 64), rng.integers(-2, 3, 64)
    for k in range(64):
        assert out[k, 14 + dy[k], 14 + dx[k]] == 255 and out[k].sum() == 255
    edge = np.zeros((1, 28, 28), np.uint8)
    edge[0, 0, 0] = 9  # shifted off the frame or kept: never wrapped around
    moved = augment.random_translate(edge.reshape(1, -1), np.random.default_rng(3), 2).reshape(28, 28)
    assert moved.sum() in (0, 9) and moved[-2:, :].sum() == 0 and moved[:, -2:].sum() == 0
