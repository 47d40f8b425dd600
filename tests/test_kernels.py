"""The numba kernels and their numpy fallbacks compute the same updates."""

import numpy as np
import pytest

from digits.core.nn import kernels


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


@pytest.mark.parametrize("use", ["numba", "numpy"])
def test_subnormal_state_is_flushed_without_moving_weights(use):
    # Moments of weights whose gradient stays zero decay into subnormal numbers (slow on this CPU):
    # they are set to zero, and the weights end exactly where the unflushed update puts them.
    tiny = np.finfo(np.float32).tiny
    p = np.array([0.5, -0.25, 1e-3, 0.5], np.float32)
    g = np.array([0.0, 0.0, 0.0, 0.01], np.float32)
    m = np.array([tiny * 1.05, -tiny * 1.05, tiny * 1.05, 1e-3], np.float32)  # become subnormal after ×0.9
    v = np.array([tiny * 1.0005, tiny * 1.0005, 1e-6, 1e-6], np.float32)  # ×0.999: subnormal
    s = np.empty_like(p)
    unflushed = p - np.float32(1e-3) * (np.float32(0.9) * m) / (np.sqrt(np.float32(0.999) * v) + np.float32(1e-8))
    kernels.adam_update(p, g.copy(), m, v, s, 0.9, 0.999, 1e-3, 1.0, 1e-8, 0.0, use=use)
    assert (m[:3] == 0).all() and (v[:2] == 0).all() and v[2] > 0 and m[3] != 0
    np.testing.assert_array_equal(p[:3], unflushed[:3])
    velocity = np.array([tiny * 1.05, 0.5], np.float32)
    q = np.array([0.5, 0.5], np.float32)
    kernels.sgd_update(q, np.zeros(2, np.float32), velocity, np.empty(2, np.float32), 0.1, 0.9, False, 0.0, use=use)
    assert velocity[0] == 0 and velocity[1] == np.float32(0.45) and q[0] == np.float32(0.5)
