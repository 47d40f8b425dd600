"""Random affine and elastic warps of digit images (Simard, Steinkraus & Platt 2003), vectorised
over the batch: every image gets its own rotation, scale, shift and smooth displacement field,
and all are resampled together with bilinear interpolation (no per-image Python loop).

A displacement field is uniform noise in [-1, 1] per pixel and axis, smoothed by a Gaussian of
standard deviation `sigma` (as two matrix products with a side × side Gaussian matrix, zero
beyond the border) and scaled by `alpha`. With zero strength the warp is exactly the identity.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np


@dataclass(frozen=True)
class WarpConfig:
    rotation: float = 15.0  # degrees, each image uniform in ±rotation
    scale: float = 0.15  # each image scaled by a factor uniform in 1 ± scale
    shift: float = 2.0  # pixels, each axis uniform in ±shift
    alpha: float = 8.0  # elastic displacement scale (pixels per unit of smoothed noise)
    sigma: float = 4.0  # elastic smoothing (pixels)


@cache
def gaussian_matrix(side: int, sigma: float) -> np.ndarray:
    """M with (M @ f @ M.T) = f convolved with a normalised Gaussian, zero outside the image."""
    offsets = np.arange(side)[:, None] - np.arange(side)[None, :]
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return (kernel / kernel[side // 2].sum()).astype(np.float32)  # the full kernel's sum, not each row's


def elastic_fields(n: int, side: int, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    """(n, 2, side, side) float32 displacements (dy, dx) in pixels."""
    noise = rng.uniform(-1, 1, (n, 2, side, side)).astype(np.float32)
    if sigma > 0:
        g = gaussian_matrix(side, float(sigma))
        noise = g @ noise @ g.T
    return noise * np.float32(alpha)


def sample_bilinear(images: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """images (n, h, w) read at fractional coordinates y, x (n, h, w); zero outside the image."""
    n, h, w = images.shape
    padded = np.zeros((n, h + 2, w + 2), np.float32)  # a zero border: reads outside land on it
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(n, -1)
    y0, x0 = np.floor(y), np.floor(x)
    wy, wx = (y - y0).reshape(n, -1), (x - x0).reshape(n, -1)
    # +1 for the border; clipping sends anything further out onto the zero border too
    r0 = np.clip(y0.astype(np.int64) + 1, 0, h + 1).reshape(n, -1)
    r1 = np.clip(y0.astype(np.int64) + 2, 0, h + 1).reshape(n, -1)
    c0 = np.clip(x0.astype(np.int64) + 1, 0, w + 1).reshape(n, -1)
    c1 = np.clip(x0.astype(np.int64) + 2, 0, w + 1).reshape(n, -1)
    stride = w + 2

    def at(r, c):
        return np.take_along_axis(flat, r * stride + c, axis=1)

    top = at(r0, c0) * (1 - wx) + at(r0, c1) * wx
    bottom = at(r1, c0) * (1 - wx) + at(r1, c1) * wx
    return (top * (1 - wy) + bottom * wy).reshape(n, h, w)


def warp(images: np.ndarray, rng: np.random.Generator, cfg: WarpConfig) -> np.ndarray:
    """Each (h, w) image of `images` (float in [0, 1]) under its own random affine and elastic warp."""
    n, h, w = images.shape
    angle = np.radians(rng.uniform(-cfg.rotation, cfg.rotation, n))
    zoom = rng.uniform(1 - cfg.scale, 1 + cfg.scale, n)
    shift = rng.uniform(-cfg.shift, cfg.shift, (n, 2))
    fields = elastic_fields(n, h, rng, cfg.alpha, cfg.sigma) if cfg.alpha else np.zeros((n, 2, h, w), np.float32)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    gy, gx = np.meshgrid(np.arange(h, dtype=np.float32) - cy, np.arange(w, dtype=np.float32) - cx, indexing="ij")
    # Output pixel p reads the input at c + R(−angle)·(p − c)/zoom − shift, then the elastic offset.
    cos, sin = (np.cos(angle) / zoom).astype(np.float32), (np.sin(angle) / zoom).astype(np.float32)
    src_y = cos[:, None, None] * gy - sin[:, None, None] * gx + np.float32(cy) - shift[:, 0, None, None] + fields[:, 0]
    src_x = sin[:, None, None] * gy + cos[:, None, None] * gx + np.float32(cx) - shift[:, 1, None, None] + fields[:, 1]
    return np.clip(sample_bilinear(images.astype(np.float32), src_y.astype(np.float32),
                                   src_x.astype(np.float32)), 0, 1)


def augment_batch(batch: np.ndarray, rng: np.random.Generator, cfg: WarpConfig, side: int = 28) -> np.ndarray:
    """uint8 images (n, side·side or side × side) -> warped float32 inputs in [0, 1], (n, side·side)."""
    images = batch.reshape(len(batch), side, side).astype(np.float32) / np.float32(255)
    return warp(images, rng, cfg).reshape(len(batch), -1)
