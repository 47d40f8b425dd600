"""The resampling of `digits.core.data.warp` as one compiled pass per image.

numpy resamples a batch of 128 digits in ~20 passes over (n, 28, 28) temporaries (coordinates,
floors, four gathers, weights, clipping): ~3.5 ms, more than a training step of deep-mlp's
network. This kernel maps every output pixel to its source coordinates (the affine map plus the
elastic displacement), interpolates the uint8 image bilinearly (zero outside the frame) and
writes the flat float32 input, image by image, with one padded image as scratch
(`python -m benchmarks.warp` measures both versions). It releases the GIL, so the halves of a
batch run on two threads, and a batch can be warped while the network trains.

It does the numpy version's float32 arithmetic in the same order, except that it divides by 255
after interpolating instead of before: the two agree to float32 rounding (tests/test_warp.py),
and exactly where a pixel is read unmoved (the identity warp).
"""

from functools import cache

import numpy as np

from digits.core.parallel import in_halves


@cache
def compiled():
    import numba

    @numba.njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
    def warp(images, coef, fields, out):
        """images (n, h, w) uint8; coef (n, 4) float32: a = cos/zoom, b = sin/zoom and the source
        offsets oy, ox; fields (n, 2, h, w) float32 displacements (or (n, 2, 0, 0): none);
        out (n, h·w) float32. Output pixel (i, j) reads the input at
        (a·gy + oy − b·gx + dy, b·gy + ox + a·gx + dx), (gy, gx) = (i, j) − the centre."""
        n, h, w = images.shape
        elastic = fields.shape[2] > 0
        zero, one, full = np.float32(0), np.float32(1), np.float32(255)
        cy, cx = np.float32((h - 1) / 2), np.float32((w - 1) / 2)
        pad = np.zeros((h + 2, w + 2), np.float32)  # the image inside a zero border
        for k in range(n):
            for i in range(h):
                for j in range(w):
                    pad[i + 1, j + 1] = np.float32(images[k, i, j])
            a, b, oy, ox = coef[k, 0], coef[k, 1], coef[k, 2], coef[k, 3]
            for i in range(h):
                gy = np.float32(i) - cy
                row_y, row_x = a * gy + oy, b * gy + ox
                for j in range(w):
                    gx = np.float32(j) - cx
                    sy = row_y - b * gx
                    sx = row_x + a * gx
                    if elastic:
                        sy += fields[k, 0, i, j]
                        sx += fields[k, 1, i, j]
                    fy, fx = np.floor(sy), np.floor(sx)
                    wy, wx = sy - fy, sx - fx
                    # rows and columns of `pad`: 0 and h + 1 are the zero border, and clipping
                    # sends anything further out onto it
                    r0 = min(max(int(fy) + 1, 0), h + 1)
                    r1 = min(max(int(fy) + 2, 0), h + 1)
                    c0 = min(max(int(fx) + 1, 0), w + 1)
                    c1 = min(max(int(fx) + 2, 0), w + 1)
                    top = pad[r0, c0] * (one - wx) + pad[r0, c1] * wx
                    bottom = pad[r1, c0] * (one - wx) + pad[r1, c1] * wx
                    v = (top * (one - wy) + bottom * wy) / full  # a division, as numpy's images / 255
                    out[k, i * w + j] = min(max(v, zero), one)

    return warp


def warp(images: np.ndarray, coef: np.ndarray, fields: np.ndarray | None) -> np.ndarray:
    """uint8 images (n, h, w) under per-image affine `coef` (n, 4) and displacement `fields`
    (n, 2, h, w) -> (n, h·w) float32, the two halves of the batch on two threads
    (`digits.core.parallel`)."""
    n, h, w = images.shape
    out = np.empty((n, h * w), np.float32)
    fields = np.zeros((n, 2, 0, 0), np.float32) if fields is None else np.ascontiguousarray(fields, np.float32)
    in_halves(compiled(), [np.ascontiguousarray(images), np.ascontiguousarray(coef, np.float32), fields, out],
              weight=h * w)
    return out
