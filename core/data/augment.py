"""Data augmentation on flat batches, vectorised over the batch (no per-image Python loop)."""

import numpy as np


def random_translate(batch: np.ndarray, rng: np.random.Generator, max_shift: int = 2, side: int = 28) -> np.ndarray:
    """Shift each image by its own random (dx, dy) in [-max_shift, max_shift], filling with zeros.

    Loops over the (2·max_shift+1)² possible shifts, each applied to all images that drew it.
    """
    m = max_shift
    n = len(batch)
    images = batch.reshape(n, side, side)
    padded = np.zeros((n, side + 2 * m, side + 2 * m), dtype=batch.dtype)
    padded[:, m:m + side, m:m + side] = images
    dx = rng.integers(-m, m + 1, n)
    dy = rng.integers(-m, m + 1, n)
    out = np.empty_like(images)
    for sy in range(-m, m + 1):
        for sx in range(-m, m + 1):
            chosen = np.flatnonzero((dx == sx) & (dy == sy))
            if len(chosen):
                # out[y, x] = image[y - sy, x - sx], i.e. padded[m + y - sy, m + x - sx]
                out[chosen] = padded[chosen, m - sy:m - sy + side, m - sx:m - sx + side]
    return out.reshape(n, -1)
