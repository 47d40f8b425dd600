"""Activations. Forward works in place; backward is written in terms of the output.

Besides the elementwise ones, `lwta<k>` (e.g. lwta2) is local winner-take-all over blocks of k
consecutive units (Srivastava et al. 2013): only each block's largest pre-activation passes,
unchanged; the others output 0. Its gradient reaches the winners only (the non-zero outputs; a
winner whose pre-activation is exactly 0 gets none, an event of probability zero).
"""

import re
from functools import partial

import numpy as np

from digits.core.nn import fused


def relu(z):
    return np.maximum(z, 0, out=z)


def relu_backward(grad, out):
    grad *= out > 0
    return grad


def tanh(z):
    return np.tanh(z, out=z)


def tanh_backward(grad, out):
    grad *= 1 - out * out
    return grad


def sigmoid(z):
    # 0.5·(1 + tanh(z/2)) equals 1/(1+e^-z) and never overflows.
    z *= 0.5
    np.tanh(z, out=z)
    z += 1
    z *= 0.5
    return z


def sigmoid_backward(grad, out):
    grad *= out * (1 - out)
    return grad


def identity(z):
    return z


def identity_backward(grad, out):
    return grad


def lwta(z, k):
    if fused.lwta(z, k) is not None:  # the same values in one compiled pass
        return z
    rows, width = z.shape
    blocks = z.reshape(rows, width // k, k)
    winners = blocks.argmax(axis=2)[..., None]  # ties go to the first unit
    keep = np.zeros(blocks.shape, dtype=bool)
    np.put_along_axis(keep, winners, True, axis=2)
    z *= keep.reshape(rows, width)
    return z


def lwta_backward(grad, out):
    grad *= out != 0
    return grad


LWTA = re.compile(r"lwta([0-9]+)")


def activation_functions(name: str):
    """(forward, backward) of an activation name: one of ACTIVATIONS or lwta<k>, k ≥ 2."""
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    match = LWTA.fullmatch(name)
    if match and int(match.group(1)) >= 2:
        return partial(lwta, k=int(match.group(1))), lwta_backward
    raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)} or lwta<k> (k >= 2)")


def is_activation(name) -> bool:
    try:
        activation_functions(str(name))
    except ValueError:
        return False
    return True


ACTIVATIONS = {
    "relu": (relu, relu_backward),
    "tanh": (tanh, tanh_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "identity": (identity, identity_backward),
}
