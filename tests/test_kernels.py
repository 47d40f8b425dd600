"""The numba kernels and their numpy fallbacks compute the same updates."""

import numpy as np
import pytest

from digits.core import kernels


def arrays(seed, shape=(37, 53)):
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(shape, dtype=np.float32)
    return p, [rng.standard_normal(shape, dtype=np.float32) for _ in range(5)]


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_adam_backends_agree(weight_decay):
    results = {}
    for use in ("numba", "numpy"):
        p, grads = arrays(0)
        m, v, s = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
        for t, g in enumerate(grads, start=1):
            kernels.adam_update(p, g.copy(), m, v, s, 0.9, 0.999, 1e-2 / (1 - 0.9**t),
                                1 / np.sqrt(1 - 0.999**t), 1e-8, weight_decay, use=use)
        results[use] = p, m, v
    for a, b in zip(results["numba"], results["numpy"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(results["numba"][0], arrays(0)[0])  # the parameters did move


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_backends_agree(momentum, nesterov):
    results = {}
    for use in ("numba", "numpy"):
        p, grads = arrays(1)
        velocity = np.zeros_like(p) if momentum else None
        for g in grads:
            kernels.sgd_update(p, g.copy(), velocity, np.empty_like(p), 0.1, momentum, nesterov, 0.001, use=use)
        results[use] = p
    np.testing.assert_allclose(results["numba"], results["numpy"], rtol=1e-5, atol=1e-6)


def test_kernels_refuse_float64_and_strided_arrays():
    p = np.ones((4, 4))
    with pytest.raises(ValueError, match="float32"):
        kernels.sgd_update(p, p, None, None, 0.1, 0.0, False, 0.0, use="numba")
    q = np.ones((4, 4), np.float32)[:, ::2]
    with pytest.raises(ValueError, match="strided"):
        kernels.sgd_update(q, q, None, None, 0.1, 0.0, False, 0.0, use="numba")


def test_environment_forces_the_numpy_fallback(monkeypatch):
    monkeypatch.setenv("DIGITS_KERNELS", "numpy")
    kernels.backend.cache_clear()
    try:
        assert kernels.backend() == "numpy"
    finally:
        monkeypatch.delenv("DIGITS_KERNELS")
        kernels.backend.cache_clear()
    assert kernels.backend() == "numba"
