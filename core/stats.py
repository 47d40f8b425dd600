"""Small statistics for results: mean ± std with a 95% interval over seeds, per-class accuracy, agreement."""

import math

import numpy as np

from digits.core.data.dataset import CLASSES

# Two-sided 95% Student-t quantiles t(0.975, df) for df = 1..30.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042]


def t975(df: int) -> float:
    if df <= len(T975):
        return T975[df - 1]
    z = 1.959964  # Cornish-Fisher expansion around the normal quantile; < 0.1% off for df > 30
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def summarize(values) -> dict:
    """mean, sample std and the half-width of a 95% t-interval for the mean (0 for one value)."""
    values = [float(v) for v in values]
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return {"mean": mean, "std": std, "ci95": t975(n - 1) * std / math.sqrt(n) if n > 1 else 0.0, "n": n}


def per_class_accuracy(predictions: np.ndarray, labels: np.ndarray, classes: int = CLASSES) -> list[float]:
    """Accuracy on the test images of each class (NaN-free: a class with no images scores 0)."""
    hits = np.bincount(labels, weights=(predictions == labels), minlength=classes)
    counts = np.bincount(labels, minlength=classes)
    return (hits / np.maximum(counts, 1)).tolist()


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of inputs on which two models predict the same class."""
    return float((a == b).mean())
