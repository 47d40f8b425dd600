"""Fused elementwise kernels for the optimizers' updates: one vectorised pass over memory.

numpy runs each elementwise operation as its own pass over the arrays: Adam's update is twelve
passes over arrays the size of the network. Compiled with numba it is a single SIMD loop, several
times faster on the large networks (measure with `python -m benchmarks.adam`). It runs on one
thread on purpose: a numba thread pool's idle workers spin and slow OpenBLAS's GEMM threads down
(an OpenMP-pool version made a 784-1200-1200-10 epoch 2× slower), and a second Python thread
updating half of each array between the products made steps 3-10% slower still (OpenBLAS's
worker spins on the other core after each product; docs/performance.md). numba is
a dependency, but every kernel has a pure-numpy version of the same math with the fewest passes
numpy allows; it is used when numba cannot be imported or DIGITS_KERNELS=numpy is set. The two
agree to float32 rounding (tests/test_kernels.py). Kernels are compiled on first use and cached
on disk by numba, so only the very first run pays the ~1 s compilation.

All arrays are float32 and contiguous; parameters, gradients and optimizer state are updated in
place. Scalars are passed as float32 so numba keeps the arithmetic in float32.

The optimizer state is flushed to zero once it falls below float32's smallest normal number
(TINY, 1.2e-38). Without this, the moments of weights whose gradient stays zero (dead ReLU units,
blank pixels) decay geometrically into subnormal numbers, which this CPU multiplies through a
slow microcode path: 4% subnormal first moments made Adam's pass 1.4-1.5× slower (measured,
`benchmarks.adam --subnormal`), and they pile up within a few epochs. The flush changes no
parameter: a subnormal m moves a weight by less than lr·1.2e-38/eps ≈ 1e-33, below the
rounding step of any weight larger than 1e-26, and a subnormal v is ≪ eps in the denominator.
"""

import importlib.util
import os
from functools import cache

import numpy as np

f32 = np.float32
TINY = np.finfo(np.float32).tiny  # the smallest normal float32


@cache
def backend() -> str:
    """"numba" or "numpy": which implementation the kernels use in this process."""
    if os.environ.get("DIGITS_KERNELS", "").lower() == "numpy":
        return "numpy"
    return "numba" if importlib.util.find_spec("numba") is not None else "numpy"


@cache
def _compiled():
    """The numba kernels, compiled (or loaded from numba's cache) on first use."""
    import numba

    tiny = TINY

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def adam(p, g, m, v, beta1, beta2, step_size, v_correction, eps, weight_decay):
        one = np.float32(1)
        for i in range(p.size):
            gi = g[i] + weight_decay * p[i]
            mi = beta1 * m[i] + (one - beta1) * gi
            vi = beta2 * v[i] + (one - beta2) * (gi * gi)
            if abs(mi) < tiny:
                mi = np.float32(0)
            if vi < tiny:
                vi = np.float32(0)
            m[i] = mi
            v[i] = vi
            p[i] -= step_size * mi / (np.sqrt(vi) * v_correction + eps)

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def sgd(p, g, velocity, lr, momentum, nesterov, weight_decay):
        for i in range(p.size):
            gi = g[i] + weight_decay * p[i]
            vi = momentum * velocity[i] + gi
            if abs(vi) < tiny:
                vi = np.float32(0)
            velocity[i] = vi
            p[i] -= lr * (gi + momentum * vi if nesterov else vi)

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def sgd_plain(p, g, lr, weight_decay):
        for i in range(p.size):
            p[i] -= lr * (g[i] + weight_decay * p[i])

    return adam, sgd, sgd_plain


def _flat(a: np.ndarray) -> np.ndarray:
    """A 1-D view of a contiguous float32 array (never a copy: the kernels update in place)."""
    if a.dtype != np.float32 or not a.flags.c_contiguous:
        raise ValueError(f"kernels need contiguous float32 arrays, got {a.dtype} "
                         f"{'contiguous' if a.flags.c_contiguous else 'strided'}")
    return a.reshape(-1)


def _flush(a: np.ndarray, scratch: np.ndarray) -> None:
    """Set the subnormal entries of `a` to zero (see the module docstring)."""
    np.abs(a, out=scratch)
    a[scratch < TINY] = 0


def adam_update(p, g, m, v, scratch, beta1, beta2, step_size, v_correction, eps, weight_decay, use=None):
    """m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − step·m / (√v·v_correction + eps).

    g includes weight decay (g + wd·p). `scratch` (like p) is only used by the numpy version,
    which may also overwrite g.
    """
    if (use or backend()) == "numba":
        _compiled()[0](_flat(p), _flat(g), _flat(m), _flat(v), f32(beta1), f32(beta2), f32(step_size),
                       f32(v_correction), f32(eps), f32(weight_decay))
        return
    s = scratch
    if weight_decay:
        np.multiply(p, f32(weight_decay), out=s)
        g += s
    # m + (1−β1)(g − m) and v + (1−β2)(g² − v): the same values in three passes each, not four.
    np.subtract(g, m, out=s)
    s *= f32(1 - beta1)
    m += s
    np.multiply(g, g, out=s)
    s -= v
    s *= f32(1 - beta2)
    v += s
    _flush(m, s)
    _flush(v, s)
    np.sqrt(v, out=s)
    s *= f32(v_correction)
    s += f32(eps)
    np.divide(m, s, out=s)
    s *= f32(step_size)
    p -= s


def sgd_update(p, g, velocity, scratch, lr, momentum, nesterov, weight_decay, use=None):
    """SGD in PyTorch's form (dampening 0): v ← μ·v + g;  p ← p − lr·v  (Nesterov: p ← p − lr·(g + μ·v)).

    `velocity` is None for plain SGD. The numpy version may overwrite g.
    """
    if (use or backend()) == "numba":
        adam_k, sgd_k, plain_k = _compiled()
        if velocity is None:
            plain_k(_flat(p), _flat(g), f32(lr), f32(weight_decay))
        else:
            sgd_k(_flat(p), _flat(g), _flat(velocity), f32(lr), f32(momentum), bool(nesterov), f32(weight_decay))
        return
    s = scratch
    if weight_decay:
        np.multiply(p, f32(weight_decay), out=s)
        g += s
    if velocity is not None:
        velocity *= f32(momentum)
        velocity += g
        _flush(velocity, s)
        if nesterov:
            np.multiply(velocity, f32(momentum), out=s)
            g += s
        else:
            g = velocity
    np.multiply(g, f32(lr), out=s)
    p -= s
