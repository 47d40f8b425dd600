"""Random affine and elastic warps of digit images (Simard, Steinkraus & Platt 2003), vectorised
over the batch: every image gets its own rotation, scale, shift and smooth displacement field,
and all are resampled together with bilinear interpolation (no per-image Python loop).

A displacement field is, as in the paper, uniform noise u in [-1, 1] per pixel and axis smoothed
by a Gaussian of standard deviation `sigma` and scaled by `alpha`: α·G·u·Gᵀ, with G the side × side
Gaussian matrix (zero beyond the border). It is computed through G's eigenbasis, G = V·Λ·Vᵀ: the
field is A·(Vᵀ·u·V)·Aᵀ with A = V·Λ, and only the r leading eigenvectors that carry all but 1e-5
of the field's variance are kept (σ = 4, side 28: r = 9 of 28; the fields then differ from the
direct construction on the same noise by < 0.003 px, tests/test_warp.py). The r × r core Vᵀ·u·V
and A·K·Aᵀ are four small products per field instead of two 28³ ones.

Not done, though cheaper: drawing the cores directly as normal numbers (uncorrelated, variance
α²/3: the same mean and covariance, 162 draws per digit instead of 1,568). Over seeds 0-3 it gave
deep-mlp test errors of 0.0140, 0.0142, 0.0140, 0.0136 (Box-Muller) and 0.0147, 0.0122, 0.0141,
0.0131 (numpy's normals) against 0.0128, 0.0127, 0.0137, 0.0118 and 0.0120, 0.0138, 0.0137,
0.0130 from uniform noise (two different streams): a difference within ~2 standard errors, but
in one direction, and the task reproduces the paper's augmentation, so the noise stays uniform.

`draw` makes a batch's random numbers in bulk and `expand_fields` turns the cores into fields;
the resampling is one compiled pass per image (`digits.core.data.warp_kernel`), and
`warp`/`sample_bilinear` are the numpy version of the same arithmetic (used without numba, or
with DIGITS_KERNELS=numpy).
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from digits.core.data import warp_kernel
from digits.core.nn.kernels import backend


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


LEFT_OUT = 1e-5  # the largest share of the fields' variance the dropped eigenvectors may carry


@cache
def eigenbasis(side: int, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """G's leading eigenvectors V (side × r) and eigenvalues λ (r), float32: G·u·Gᵀ ≈ V·Λ·(Vᵀ·u·V)·Λ·Vᵀ.
    The field's total variance is α²/3·(Σλ²)²; the first r eigenvectors carry (Σ_{p<r} λ_p²)² of it,
    and r is the smallest count that leaves out less than LEFT_OUT (σ = 4, side 28: r = 9)."""
    if sigma <= 0:
        return np.eye(side, dtype=np.float32), np.ones(side, np.float32)
    values, vectors = np.linalg.eigh(gaussian_matrix(side, sigma).astype(np.float64))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    kept = (np.cumsum(values**2) / np.sum(values**2)) ** 2
    r = int(np.searchsorted(kept, 1 - LEFT_OUT) + 1)
    return vectors[:, :r].astype(np.float32), values[:r].astype(np.float32)


def field_cores(n: int, side: int, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    """(n, 2, r, r) float32 cores α·Vᵀ·u·V of n pairs of fields (dy, dx), u uniform in [-1, 1].

    u = 2·w − 1 for w uniform in [0, 1), drawn in bulk as float32, so Vᵀ·u·V = 2·Vᵀ·w·V − s·sᵀ
    with s = Vᵀ·1: the affine map is applied to the small cores, not to the side² noise.
    """
    vectors, _ = eigenbasis(side, float(sigma))
    noise = rng.random((n, 2, side, side), dtype=np.float32)
    cores = vectors.T @ (noise @ vectors)
    ones = vectors.sum(axis=0)
    cores *= np.float32(2 * alpha)
    cores -= np.float32(alpha) * np.outer(ones, ones)
    return cores


def expand_fields(cores: np.ndarray, side: int, sigma: float) -> np.ndarray:
    """(n, 2, r, r) cores -> (n, 2, side, side) displacements A·K·Aᵀ in pixels, A = V·Λ. Stacks of
    small products: numpy runs them on this thread (~0.07 ms for 128 digits), where one large
    skinny product over the whole batch (n·2·side × side) took 4-8 ms on two OpenBLAS threads here."""
    vectors, values = eigenbasis(side, float(sigma))
    basis = vectors * values
    return basis @ (cores @ basis.T)


def elastic_fields(n: int, side: int, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    """(n, 2, side, side) float32 displacements (dy, dx) in pixels."""
    return expand_fields(field_cores(n, side, rng, alpha, sigma), side, sigma)


def direct_fields(n: int, side: int, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    """The paper's construction done directly, α·G·u·Gᵀ, from the same draws as `elastic_fields`
    (for the tests: the two differ only by the eigenvectors left out)."""
    noise = rng.random((n, 2, side, side), dtype=np.float32) * np.float32(2) - np.float32(1)
    g = gaussian_matrix(side, float(sigma))
    return g @ noise @ g.T * np.float32(alpha)


def draw(n: int, side: int, rng: np.random.Generator, cfg: "WarpConfig") -> tuple[np.ndarray, np.ndarray | None]:
    """The random part of n warps, drawn in bulk: affine coefficients (n, 4) float32 — a = cos/zoom,
    b = sin/zoom and the source offsets (oy, ox) — and the field cores (None without α).

    Output pixel p reads the input at c + R(−angle)·(p − c)/zoom − shift, then the elastic offset.
    """
    angle = np.radians(rng.uniform(-cfg.rotation, cfg.rotation, n))
    zoom = rng.uniform(1 - cfg.scale, 1 + cfg.scale, n)
    shift = rng.uniform(-cfg.shift, cfg.shift, (n, 2))
    cores = field_cores(n, side, rng, cfg.alpha, cfg.sigma) if cfg.alpha else None
    centre = (side - 1) / 2
    coef = np.stack([np.cos(angle) / zoom, np.sin(angle) / zoom, centre - shift[:, 0], centre - shift[:, 1]], axis=1)
    return coef.astype(np.float32), cores


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
    """Each (h, w) image of `images` (float in [0, 1]) under its own random affine and elastic warp
    (the numpy version: `augment_batch` uses the compiled one when numba is there)."""
    n, h, w = images.shape
    coef, cores = draw(n, h, rng, cfg)
    a, b, oy, ox = (coef[:, k, None, None] for k in range(4))
    cy, cx = np.float32((h - 1) / 2), np.float32((w - 1) / 2)
    gy, gx = np.meshgrid(np.arange(h, dtype=np.float32) - cy, np.arange(w, dtype=np.float32) - cx, indexing="ij")
    src_y = (a * gy + oy) - b * gx  # the kernel's order of operations
    src_x = (b * gy + ox) + a * gx
    if cores is not None:
        fields = expand_fields(cores, h, cfg.sigma)
        src_y += fields[:, 0]
        src_x += fields[:, 1]
    return np.clip(sample_bilinear(images.astype(np.float32), src_y, src_x), 0, 1)


def augment_batch(batch: np.ndarray, rng: np.random.Generator, cfg: WarpConfig, side: int = 28,
                  use: str | None = None) -> np.ndarray:
    """uint8 images (n, side·side or side × side) -> warped float32 inputs in [0, 1], (n, side·side).

    `use` picks the implementation ("numba" or "numpy"; default: `digits.core.nn.kernels.backend()`);
    both make the same draws from `rng`, so they give the same warps to float32 rounding.
    """
    images = batch.reshape(len(batch), side, side)
    if (use or backend()) == "numba":
        coef, cores = draw(len(batch), side, rng, cfg)
        fields = None if cores is None else expand_fields(cores, side, cfg.sigma)
        return warp_kernel.warp(images, coef, fields)
    return warp(images.astype(np.float32) / np.float32(255), rng, cfg).reshape(len(batch), -1)
