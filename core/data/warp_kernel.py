"""The resampling of `digits.core.data.warp` as one compiled pass per image.

numpy resamples a batch of 128 digits in ~20 passes over (n, 28, 28) temporaries (coordinates,
floors, four gathers, weights, clipping): ~3.5 ms, more than a training step of deep-mlp's
network. This kernel maps every output pixel to its source coordinates (the affine map plus the
elastic displacement), interpolates the uint8 image bilinearly (zero outside the frame) and
writes the flat float32 input, image by image, with one padded image as scratch
(`python -m benchmarks.warp` measures both versions).

It runs on the training thread, between the step's products. Warping the next batch on the
other core while this one trains (a background thread, even under SCHED_IDLE) or splitting a
batch over two threads was measured and made deep-mlp's steps slower, not faster: after each
product OpenBLAS's worker thread spins on the second core for up to ~0.1 s (it does not yield),
so any other thread there either waits for a time slice or, during a product, delays the
product, which OpenBLAS splits evenly between its threads (docs/performance.md).

It does the numpy version's float32 arithmetic in the same order, except that it divides by 255
after interpolating instead of before: the two agree to float32 rounding (tests/test_warp.py),
and exactly where a pixel is read unmoved (the identity warp).
"""

from functools import cache

import numpy as np


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
        low, high_y, high_x = np.float32(-2), np.float32(h), np.float32(w)
        stride = w + 2
        pad = np.zeros((h + 2) * stride, np.float32)  # the image inside a zero border, flat
        corners = np.empty((4, w), np.intp)  # a row's four source pixels in `pad`...
        weights = np.empty((2, w), np.float32)  # ...and their interpolation weights
        for k in range(n):
            for i in range(h):
                for j in range(w):
                    pad[(i + 1) * stride + j + 1] = np.float32(images[k, i, j])
            a, b, oy, ox = coef[k, 0], coef[k, 1], coef[k, 2], coef[k, 3]
            for i in range(h):
                # Two loops per row: the coordinates (which vectorise) and then the reads
                # (which do not): 0.37 ms per 128 digits here against 0.60 in one loop.
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
                    weights[0, j], weights[1, j] = sy - fy, sx - fx
                    # Rows and columns 0 and h + 1 of `pad` are the zero border; anything further
                    # out is clipped onto it (clamping first keeps huge values out of the integers).
                    ry = np.intp(min(max(fy, low), high_y))
                    rx = np.intp(min(max(fx, low), high_x))
                    r0, r1 = max(ry + 1, 0) * stride, min(ry + 2, h + 1) * stride
                    c0, c1 = max(rx + 1, 0), min(rx + 2, w + 1)
                    corners[0, j], corners[1, j] = r0 + c0, r0 + c1
                    corners[2, j], corners[3, j] = r1 + c0, r1 + c1
                for j in range(w):
                    wy, wx = weights[0, j], weights[1, j]
                    top = pad[corners[0, j]] * (one - wx) + pad[corners[1, j]] * wx
                    bottom = pad[corners[2, j]] * (one - wx) + pad[corners[3, j]] * wx
                    v = (top * (one - wy) + bottom * wy) / full  # a division, as numpy's images / 255
                    out[k, i * w + j] = min(max(v, zero), one)

    return warp


def warp(images: np.ndarray, coef: np.ndarray, fields: np.ndarray | None) -> np.ndarray:
    """uint8 images (n, h, w) under per-image affine `coef` (n, 4) and displacement `fields`
    (n, 2, h, w) -> (n, h·w) float32."""
    n, h, w = images.shape
    out = np.empty((n, h * w), np.float32)
    fields = np.zeros((n, 2, 0, 0), np.float32) if fields is None else np.ascontiguousarray(fields, np.float32)
    compiled()(np.ascontiguousarray(images), np.ascontiguousarray(coef, np.float32), fields, out)
    return out
