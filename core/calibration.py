"""Output-bias correction for a student that never saw some classes (Hinton et al. 2015, §3).

A student distilled without any 3s knows about 3s only through the teacher's soft targets and
under-predicts them. Adding a scalar to the 3-logit's bias, chosen so that the student's mean
predicted probability of a 3 on a probe set equals how often 3s really occur, restores most of
the lost accuracy.
"""

import numpy as np

from digits.core.nn.losses import softmax


def mean_probability(logits: np.ndarray, offsets: dict[int, float], cls: int) -> float:
    shifted = logits.astype(np.float64)
    for c, b in offsets.items():
        shifted[:, c] += b
    return float(softmax(shifted)[:, cls].mean())


BISECTION_LIMIT = 30.0


def bisect_offset(logits: np.ndarray, cls: int, target: float, offsets: dict[int, float] | None = None,
                  low: float = -BISECTION_LIMIT, high: float = BISECTION_LIMIT, width: float = 1e-4) -> float:
    """The bias offset for `cls` at which its mean softmax probability (T = 1) on `logits` is `target`.

    The mean probability rises monotonically with the offset, so bisection on [low, high] to the
    given width finds it; other classes keep the offsets in `offsets`. A target out of reach
    gives an offset at the edge of the interval.
    """
    fixed = dict(offsets or {})
    while high - low > width:
        mid = 0.5 * (low + high)
        if mean_probability(logits, {**fixed, cls: mid}, cls) < target:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def fit_offsets(logits: np.ndarray, targets: dict[int, float], rounds: int = 50, tol: float = 1e-5) -> dict[int, float]:
    """One offset per class so that each class's mean probability hits its target.

    With several classes the offsets interact, so bisect each in turn until none moves by `tol`.
    """
    offsets = {c: 0.0 for c in targets}
    for _ in range(rounds if len(targets) > 1 else 1):
        moved = 0.0
        for c, target in targets.items():
            new = bisect_offset(logits, c, target, offsets)
            moved = max(moved, abs(new - offsets[c]))
            offsets[c] = new
        if moved < tol:
            break
    return offsets


def predict_with_offsets(logits: np.ndarray, offsets: dict[int, float]) -> np.ndarray:
    shifted = logits.copy()
    for c, b in offsets.items():
        shifted[:, c] += b
    return shifted.argmax(axis=1)
