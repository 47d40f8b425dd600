"""Turning uint8 images into float32 network inputs."""

import numpy as np

SCALES = ("unit", "symmetric")


def to_inputs(images: np.ndarray, scale: str = "unit") -> np.ndarray:
    """Flatten N×H×W uint8 images to N×(H·W) float32 in [0, 1] ("unit") or [-1, 1] ("symmetric")."""
    x = images.reshape(len(images), -1).astype(np.float32)
    x *= np.float32(1 / 255)
    if scale == "symmetric":
        x -= np.float32(0.5)
        x *= np.float32(2)
    elif scale != "unit":
        raise ValueError(f"unknown input scale {scale!r}; choose from {', '.join(SCALES)}")
    return x
