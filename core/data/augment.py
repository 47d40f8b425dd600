"""Data augmentation on flat batches, vectorised over the batch (no per-image Python loop)."""

from functools import cache

import numpy as np

from digits.core.nn.kernels import backend


@cache
def _compiled():
    import numba

    @numba.njit(cache=True, nogil=True)
    def translate(images, dx, dy, out):
        """out[k, y, x] = images[k, y − dy[k], x − dx[k]], zero where that falls outside."""
        n, h, w = images.shape
        for k in range(n):
            sy, sx = dy[k], dx[k]
            for y in range(h):
                for x in range(w):
                    r, c = y - sy, x - sx
                    out[k, y, x] = images[k, r, c] if 0 <= r < h and 0 <= c < w else 0

    return translate


def random_translate(batch: np.ndarray, rng: np.random.Generator, max_shift: int = 2, side: int = 28) -> np.ndarray:
    """Shift each image by its own random (dx, dy) in [-max_shift, max_shift], filling with zeros.

    One compiled pass over the batch (0.02 ms for 128 digits against numpy's 0.22 ms, which loops
    over the (2·max_shift+1)² possible shifts, each applied to all images that drew it); both
    make the same draws and give identical images (tests/test_augment.py).
    """
    m = max_shift
    n = len(batch)
    images = batch.reshape(n, side, side)
    dx = rng.integers(-m, m + 1, n)
    dy = rng.integers(-m, m + 1, n)
    out = np.empty_like(images)
    if backend() == "numba" and images.flags.c_contiguous:
        _compiled()(images, dx, dy, out)
        return out.reshape(n, -1)
    padded = np.zeros((n, side + 2 * m, side + 2 * m), dtype=batch.dtype)
    padded[:, m:m + side, m:m + side] = images
    for sy in range(-m, m + 1):
        for sx in range(-m, m + 1):
            chosen = np.flatnonzero((dx == sx) & (dy == sy))
            if len(chosen):
                # out[y, x] = image[y - sy, x - sx], i.e. padded[m + y - sy, m + x - sx]
                out[chosen] = padded[chosen, m - sy:m - sy + side, m - sx:m - sx + side]
    return out.reshape(n, -1)
