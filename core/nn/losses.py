"""Losses on logits, each returning (mean loss, dL/dlogits).

Every loss can act on a subset of the logit columns (e.g. the first 10 of 13): the gradient of
the other columns is exactly zero, so they get no direct training signal.
"""

import numpy as np

from digits.core.nn import fused

ALL = slice(None)


def log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(logits: np.ndarray, labels: np.ndarray, cols: slice = ALL):
    """Softmax cross-entropy against integer labels (indexed, no one-hot); in one compiled pass
    (`digits.core.nn.fused.softmax_cross_entropy`) when `cols` is a range of columns."""
    if isinstance(cols, slice) and cols.step in (None, 1):
        first, stop, _ = cols.indices(logits.shape[1])
        done = fused.softmax_cross_entropy(logits, labels, first, stop - first) if stop > first else None
        if done is not None:
            return done
    n = len(labels)
    logp = log_softmax(logits[:, cols])
    rows = np.arange(n)
    loss = -logp[rows, labels].mean()
    grad = np.zeros_like(logits)
    g = np.exp(logp)
    g[rows, labels] -= 1
    grad[:, cols] = g / n
    return float(loss), grad


def soft_target(logits: np.ndarray, target_logits: np.ndarray, temperature: float = 1.0,
                cols: slice = ALL, kind: str = "kl"):
    """Match softmax(target/T) with softmax(logits/T) (Hinton et al. 2015), scaled by T².

    kind="kl" reports KL(target ‖ model); kind="ce" reports the soft cross-entropy. Both have the
    same gradient, T·(p_model − p_target)/N, so the T² scaling keeps its size independent of T.
    In one compiled pass (`digits.core.nn.fused.soft_target`) when `cols` is a range of columns.
    """
    if isinstance(cols, slice) and cols.step in (None, 1) and kind in ("kl", "ce"):
        first, stop, _ = cols.indices(logits.shape[1])
        done = fused.soft_target(logits, target_logits, temperature, first, stop - first, kind == "kl")
        if done is not None:
            return done
    T = temperature
    logq = log_softmax(logits[:, cols] / T)
    logp = log_softmax(target_logits[:, cols] / T)
    p = np.exp(logp)
    n = len(logits)
    per_sample = (p * (logp - logq)).sum(axis=1) if kind == "kl" else -(p * logq).sum(axis=1)
    loss = T * T * per_sample.mean()
    grad = np.zeros_like(logits)
    grad[:, cols] = (T / n) * (np.exp(logq) - p)
    return float(loss), grad
