"""Turning uint8 images into float32 network inputs."""

import numpy as np

from digits.core.nn.fused import images_to_inputs

SCALES = ("unit", "symmetric")


def to_inputs(images: np.ndarray, scale: str = "unit") -> np.ndarray:
    """Flatten N×H×W uint8 images to N×(H·W) float32 in [0, 1] ("unit") or [-1, 1] ("symmetric")."""
    if scale not in SCALES:
        raise ValueError(f"unknown input scale {scale!r}; choose from {', '.join(SCALES)}")
    return images_to_inputs(images.reshape(len(images), -1), scale == "symmetric")
