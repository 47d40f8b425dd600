"""Affine and elastic warps (core/data/warp.py, warp_kernel.py): identity at zero strength, range, smooth seeded
fields with the paper's moments, the compiled and numpy versions agreeing."""

import numpy as np
import pytest

from digits.core.data.warp import (
    WarpConfig,
    augment_batch,
    direct_fields,
    eigenbasis,
    elastic_fields,
    gaussian_matrix,
    sample_bilinear,
    warp,
)


@pytest.mark.parametrize("use", ["numba", "numpy"])
def test_zero_strength_is_the_identity(mnist, use):
    batch = mnist.train_images[:16]
    out = augment_batch(batch, np.random.default_rng(0), WarpConfig(0.0, 0.0, 0.0, 0.0, 4.0), use=use)
    np.testing.assert_array_equal(out, batch.reshape(16, -1).astype(np.float32) / 255)


@pytest.mark.parametrize("cfg", [WarpConfig(), WarpConfig(alpha=0.0), WarpConfig(rotation=40.0, scale=0.5, shift=6.0)])
def test_compiled_and_numpy_warps_agree(mnist, cfg):
    batch = mnist.train_images[:64]
    compiled = augment_batch(batch, np.random.default_rng(3), cfg, use="numba")
    reference = augment_batch(batch, np.random.default_rng(3), cfg, use="numpy")
    np.testing.assert_allclose(compiled, reference, atol=2e-5)
    assert np.abs(compiled - batch.reshape(64, -1) / 255).max() > 0.5  # and they did warp


def test_output_in_range_and_shape_and_seeded(mnist):
    batch = mnist.train_images[:32]
    a = augment_batch(batch, np.random.default_rng(5), WarpConfig())
    b = augment_batch(batch, np.random.default_rng(5), WarpConfig())
    assert a.shape == (32, 784) and a.dtype == np.float32
    assert a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, augment_batch(batch, np.random.default_rng(6), WarpConfig()))
    # a warped digit keeps most of its ink (nothing flies off the frame)
    ink_before, ink_after = batch.reshape(32, -1).sum(axis=1) / 255, a.sum(axis=1)
    assert np.all(ink_after > 0.6 * ink_before) and np.all(ink_after < 1.6 * ink_before)


def test_each_image_gets_its_own_warp(mnist):
    same = np.repeat(mnist.train_images[:1], 8, axis=0)
    out = augment_batch(same, np.random.default_rng(1), WarpConfig())
    assert len({out[i].tobytes() for i in range(8)}) == 8


def test_shift_moves_the_digit_by_whole_pixels():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    y, x = np.meshgrid(np.arange(28, dtype=np.float32), np.arange(28, dtype=np.float32), indexing="ij")
    moved = sample_bilinear(image, (y - 2)[None], (x + 1)[None])  # out[p] = in[p + (-2, +1)]
    assert moved[0, 12, 11] == 1.0 and moved.sum() == 1.0


def test_rotation_by_a_right_angle_lands_where_the_formula_says():
    class Quarter:  # draws: rotation +90°, zoom 1, no shift
        def uniform(self, low, high, size=None):
            return np.full(size, 90.0) if high == 90 else np.full(size, (low + high) / 2)

    image = np.zeros((1, 28, 28), np.float32)
    image[0, 5, 20] = 1.0
    out = warp(image, Quarter(), WarpConfig(rotation=90.0, scale=0.0, shift=0.0, alpha=0.0, sigma=4.0))
    # output (y, x) reads input (13.5 − (x − 13.5), 13.5 + (y − 13.5)): input (5, 20) shows at (20, 22)
    assert out[0, 20, 22] == pytest.approx(1.0, abs=1e-5) and out.sum() == pytest.approx(1.0, abs=1e-5)


def test_fields_are_the_papers_smoothed_uniform_noise():
    """Through the eigenbasis, from the same draws, the fields equal α·G·u·Gᵀ computed directly to
    a few thousandths of a pixel (the eigenvectors left out), and have its moments."""
    alpha, sigma, n = 8.0, 4.0, 3000
    ours = elastic_fields(n, 28, np.random.default_rng(7), alpha, sigma).astype(np.float64)
    direct = direct_fields(n, 28, np.random.default_rng(7), alpha, sigma).astype(np.float64)
    assert np.abs(ours - direct).max() < 0.005 and np.abs(ours - direct).mean() < 5e-4  # of a 0.3 px std
    assert eigenbasis(28, sigma)[0].shape == (28, 9)
    g2 = gaussian_matrix(28, sigma).astype(np.float64) @ gaussian_matrix(28, sigma).astype(np.float64)
    variance = alpha**2 / 3 * np.outer(np.diag(g2), np.diag(g2))  # Var f_ij = α²/3·(G²)_ii·(G²)_jj
    assert np.abs(ours.mean()) < 0.02
    ratio = ours.var(axis=0).mean(axis=0) / variance  # 6,000 fields per pixel: ~2% sampling error
    assert np.abs(ratio - 1).mean() < 0.03 and np.abs(ratio - 1).max() < 0.12
    neighbour = (ours[..., :-1] * ours[..., 1:]).mean(axis=(0, 1))
    np.testing.assert_allclose(neighbour, alpha**2 / 3 * np.outer(np.diag(g2), np.diag(g2, 1)), rtol=0.12)


def test_elastic_field_is_smooth_and_scaled():
    rng = np.random.default_rng(2)
    fields = elastic_fields(64, 28, rng, alpha=8.0, sigma=4.0)
    rough = np.random.default_rng(2).uniform(-1, 1, (64, 2, 28, 28)) * 8
    # neighbouring displacements are close: much smaller steps than in unsmoothed noise
    step = np.abs(np.diff(fields, axis=-1)).mean()
    assert step < 0.1 * np.abs(np.diff(rough, axis=-1)).mean()
    assert 0.05 < fields.std() < 2.0
    np.testing.assert_allclose(elastic_fields(64, 28, np.random.default_rng(2), 8.0, 4.0), fields)
    g = gaussian_matrix(28, 4.0)
    assert g[14].sum() == pytest.approx(1.0, abs=1e-5) and np.allclose(g, g.T)
