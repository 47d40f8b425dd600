"""Fused elementwise steps of a training step: one pass over a batch where numpy needs several.

- `bias_relu`: z ← max(z + b, 0), the dense layer's bias and ReLU (numpy: two passes).
- `relu_backward_bias`: g ← g·[y > 0] and db ← Σ_rows g, the ReLU's backward pass and the bias
  gradient (numpy: a boolean temporary, a multiply and a reduction — three passes).
- `tanh_backward_bias`: g ← g·(1 − y²) and db ← Σ_rows g, tanh's backward pass and the bias
  gradient (numpy: four passes and a reduction).
- `highway_combine`, `highway_backward`, `highway_carry`: a highway block's y = x − T·(x − H), its
  gradients dz = (dy·T·(1 − H²), dy·(H − x)·T·(1 − T)) with db, and the carry path dx += dy·(1 − T)
  (numpy: five, ten and three operations; a 30-block highway network made ~600 numpy calls a step).
  They take z = [H | τ] with τ = tanh(z_T/2) and finish the gate as T = (τ + 1)·0.5, the last two
  steps of `digits.core.nn.activations.sigmoid`, so the values are the same to the bit.
- `images_to_inputs`: uint8 pixels → float32 in [0, 1] or [-1, 1] (numpy: two to four passes).
- `lwta`: local winner-take-all over blocks of k units in place (numpy: argmax over a length-k axis,
  0.5 ms for a 128×800 batch, plus a mask and a multiply).
- `softmax_cross_entropy`, `soft_target`: the loss and dL/dlogits of a batch in one pass per row
  (numpy: some fifteen small operations, ~0.1 ms a step, which is 4% of a deep-mlp step's products).

They matter on the small networks, where a step's products take ~2 ms and each numpy pass over a
256×256 batch costs tens of microseconds (`python -m benchmarks.fused` measures both forms). Each
but the loss does exactly the float32 operations of its numpy form in the same order, so the two
give bit-identical results (tests/test_fused.py); the losses compute the formulas of
`digits.core.nn.losses` and agree with them to float32 rounding. The numpy form is
used when numba is missing or
DIGITS_KERNELS=numpy (see `digits.core.nn.kernels.backend`). NaN propagates as in numpy.
"""

from functools import cache

import numpy as np

from digits.core.nn.kernels import backend

INV_255 = np.float32(1 / 255)


@cache
def _compiled():
    import numba

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def bias_relu(z, b):
        zero = np.float32(0)
        for i in range(z.shape[0]):
            for j in range(z.shape[1]):
                v = z[i, j] + b[j]
                z[i, j] = zero if v < zero else v  # np.maximum(v, 0): NaN and -0.0 pass through

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def backward_bias(g, y, db, tanh):
        """g ← g·f'(y) for the activation's output y (ReLU: [y > 0]; tanh: 1 − y²), db ← Σ_rows g."""
        zero, one = np.float32(0), np.float32(1)
        db[:] = zero
        for i in range(g.shape[0]):
            for j in range(g.shape[1]):
                yij = y[i, j]
                gij = g[i, j] * ((one - yij * yij) if tanh else (one if yij > zero else zero))
                g[i, j] = gij
                db[j] += gij  # row by row, as numpy's sum over axis 0 of a C-ordered array

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def images_to_inputs(images, out, symmetric):
        half, two = np.float32(0.5), np.float32(2)
        for i in range(images.shape[0]):
            for j in range(images.shape[1]):
                v = np.float32(images[i, j]) * INV_255
                out[i, j] = (v - half) * two if symmetric else v

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def softmax_cross_entropy(logits, labels, first, width, grad):
        """Mean softmax cross-entropy of logits[:, first:first + width] against labels; the same
        columns of grad (zero elsewhere) ← dL/dlogits. Returns the loss."""
        n = logits.shape[0]
        inv_n = np.float32(1 / n)
        total = 0.0
        for i in range(n):
            top = logits[i, first]
            for j in range(first + 1, first + width):
                top = max(top, logits[i, j])
            s = np.float32(0)
            for j in range(first, first + width):
                e = np.exp(logits[i, j] - top)
                grad[i, j] = e
                s += e
            total += np.log(s) + top - logits[i, first + labels[i]]
            scale = inv_n / s
            for j in range(first, first + width):
                grad[i, j] *= scale
            grad[i, first + labels[i]] -= inv_n
        return total / n

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def soft_target(logits, targets, first, width, temperature, kl, grad):
        """T²-scaled KL(softmax(t/T) ‖ softmax(z/T)) (or the soft cross-entropy) over columns
        first:first + width; those columns of grad ← T·(q − p)/n. Returns the loss."""
        n = logits.shape[0]
        inv_t = np.float32(1) / temperature
        scale = temperature / np.float32(n)
        total = 0.0
        for i in range(n):
            zmax, tmax = logits[i, first] * inv_t, targets[i, first] * inv_t
            for j in range(first + 1, first + width):
                zmax = max(zmax, logits[i, j] * inv_t)
                tmax = max(tmax, targets[i, j] * inv_t)
            zsum, tsum = np.float32(0), np.float32(0)
            for j in range(first, first + width):
                zsum += np.exp(logits[i, j] * inv_t - zmax)
                tsum += np.exp(targets[i, j] * inv_t - tmax)
            zlog, tlog = np.log(zsum) + zmax, np.log(tsum) + tmax
            row = np.float32(0)
            for j in range(first, first + width):
                logq = logits[i, j] * inv_t - zlog
                logp = targets[i, j] * inv_t - tlog
                p = np.exp(logp)
                row += p * (logp - logq) if kl else -p * logq
                grad[i, j] = scale * (np.exp(logq) - p)
            total += row
        return temperature * temperature * total / n

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def highway_combine(x, z, y):
        """y ← x − T·(x − H) with H = z[:, :n], T = (z[:, n:] + 1)·0.5 (n = x's width)."""
        one, half = np.float32(1), np.float32(0.5)
        n = x.shape[1]
        for i in range(x.shape[0]):
            for j in range(n):
                xij = x[i, j]
                y[i, j] = xij - ((z[i, n + j] + one) * half) * (xij - z[i, j])

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def highway_backward(grad, x, z, dz, db):
        """dz ← (dy·T·(1 − H²), dy·(H − x)·T·(1 − T)) and db ← its column sums."""
        zero, one, half = np.float32(0), np.float32(1), np.float32(0.5)
        n = x.shape[1]
        db[:] = zero
        for i in range(x.shape[0]):
            for j in range(n):
                g, h, t = grad[i, j], z[i, j], (z[i, n + j] + one) * half
                dh = (g * t) * (one - h * h)
                dt = (g * (h - x[i, j])) * (t * (one - t))
                dz[i, j] = dh
                dz[i, n + j] = dt
                db[j] += dh
                db[n + j] += dt

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def highway_carry(dx, grad, z):
        """dx ← dx + dy·(1 − T), T = (z[:, n:] + 1)·0.5."""
        one, half = np.float32(1), np.float32(0.5)
        n = dx.shape[1]
        for i in range(dx.shape[0]):
            for j in range(n):
                dx[i, j] += grad[i, j] * (one - (z[i, n + j] + one) * half)

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def lwta(z, k):
        """Each block of k units keeps its largest value (the first on ties, a NaN if there is
        one, as numpy's argmax), the others are multiplied by 0, as numpy's z *= mask."""
        zero, one = np.float32(0), np.float32(1)
        for i in range(z.shape[0]):
            for start in range(0, z.shape[1], k):
                best = start
                for u in range(start + 1, start + k):
                    if not np.isnan(z[i, best]) and (np.isnan(z[i, u]) or z[i, u] > z[i, best]):
                        best = u
                for u in range(start, start + k):
                    z[i, u] *= one if u == best else zero

    return (bias_relu, backward_bias, images_to_inputs, softmax_cross_entropy, soft_target, highway_combine,
            highway_backward, highway_carry, lwta)


def _fast(*arrays) -> bool:
    return backend() == "numba" and all(a.flags.c_contiguous for a in arrays)


def bias_relu(z: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z ← max(z + b, 0) in place (z: batch × units float32, b: units); returns z."""
    if _fast(z, b):
        _compiled()[0](z, b)
        return z
    z += b
    return np.maximum(z, 0, out=z)


def relu_backward_bias(g: np.ndarray, y: np.ndarray, db: np.ndarray) -> np.ndarray:
    """g ← g·[y > 0] in place (y: the ReLU's output) and db ← the column sums of the new g; returns g."""
    if _fast(g, y, db):
        _compiled()[1](g, y, db, False)
        return g
    g *= y > 0
    np.sum(g, axis=0, out=db)
    return g


def tanh_backward_bias(g: np.ndarray, y: np.ndarray, db: np.ndarray) -> np.ndarray:
    """g ← g·(1 − y²) in place (y: tanh's output) and db ← the column sums of the new g; returns g."""
    if _fast(g, y, db):
        _compiled()[1](g, y, db, True)
        return g
    g *= 1 - y * y
    np.sum(g, axis=0, out=db)
    return g


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray, first: int, width: int):
    """(mean loss, dL/dlogits) of softmax cross-entropy on logits[:, first:first + width], or None
    where the compiled form does not apply (the caller then uses numpy). Labels outside the
    columns raise IndexError, as numpy's indexing would."""
    if not (_fast(logits) and logits.dtype == np.float32 and labels.ndim == 1 and len(labels) == len(logits)
            and labels.dtype.kind in "iu" and len(labels) and width > 0):
        return None
    if labels.max() >= width or labels.min() < 0:
        raise IndexError(f"labels must lie in 0-{width - 1}, got {labels.min()}-{labels.max()}")
    grad = np.zeros_like(logits)
    return float(_compiled()[3](logits, labels, first, width, grad)), grad


def soft_target(logits: np.ndarray, targets: np.ndarray, temperature: float, first: int, width: int, kl: bool):
    """(loss, dL/dlogits) of `digits.core.nn.losses.soft_target` on columns first:first + width,
    or None where the compiled form does not apply (the caller then uses numpy)."""
    if not (_fast(logits, targets) and logits.dtype == targets.dtype == np.float32 and logits.shape == targets.shape
            and len(logits) and width > 0):
        return None
    grad = np.zeros_like(logits)
    loss = _compiled()[4](logits, targets, first, width, np.float32(temperature), kl, grad)
    return float(loss), grad


def highway_combine(x: np.ndarray, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """x − T·(x − H) for a highway block's x (batch × n) and z = [H | τ] (batch × 2n, see the
    module docstring); into `out` when given (training reuses a buffer), else a new array."""
    n = x.shape[1]
    if _fast(x, z) and (out is None or out.flags.c_contiguous):
        y = np.empty_like(x) if out is None else out
        _compiled()[5](x, z, y)
        return y
    h, t = z[:, :n], gate(z, n)
    return np.subtract(x, t * (x - h), out=out)


def highway_backward(grad: np.ndarray, x: np.ndarray, z: np.ndarray, dz: np.ndarray, db: np.ndarray) -> np.ndarray:
    """dz ← [dy·T·(1 − H²) | dy·(H − x)·T·(1 − T)] and db ← its column sums; returns dz."""
    if _fast(grad, x, z, dz, db):
        _compiled()[6](grad, x, z, dz, db)
        return dz
    n = x.shape[1]
    h, t = z[:, :n], gate(z, n)
    np.multiply(grad, t, out=dz[:, :n])
    dz[:, :n] *= 1 - h * h
    np.multiply(grad, h - x, out=dz[:, n:])
    dz[:, n:] *= t * (1 - t)
    np.sum(dz, axis=0, out=db)
    return dz


def highway_carry(dx: np.ndarray, grad: np.ndarray, z: np.ndarray) -> np.ndarray:
    """dx ← dx + dy·(1 − T) in place (the carry path's gradient); returns dx."""
    if _fast(dx, grad, z):
        _compiled()[7](dx, grad, z)
        return dx
    dx += grad * (1 - gate(z, dx.shape[1]))
    return dx


def gate(z: np.ndarray, n: int) -> np.ndarray:
    """T = (τ + 1)·0.5 from z = [H | τ] (numpy, a new array)."""
    t = z[:, n:] + np.float32(1)
    t *= np.float32(0.5)
    return t


def lwta(z: np.ndarray, k: int) -> np.ndarray | None:
    """Local winner-take-all on z in place, compiled; None where it does not apply (the caller
    then uses numpy). Only once a training step has loaded the kernels, as `images_to_inputs`."""
    if _compiled.cache_info().currsize and _fast(z) and z.ndim == 2 and z.dtype == np.float32:
        _compiled()[8](z, k)
        return z
    return None


def images_to_inputs(images: np.ndarray, symmetric: bool) -> np.ndarray:
    """N×D uint8 → a new N×D float32 array, pixel/255 (then (x − 0.5)·2 when symmetric).

    Uses numba only once a training step has loaded these kernels: importing numba and loading
    them costs ~0.7 s, more than a one-off conversion saves (digits show/gallery/eval never train).
    """
    if _compiled.cache_info().currsize and _fast(images) and images.ndim == 2:
        out = np.empty(images.shape, np.float32)
        _compiled()[2](images, out, symmetric)
        return out
    x = images.astype(np.float32)
    x *= INV_255
    if symmetric:
        x -= np.float32(0.5)
        x *= np.float32(2)
    return x
