"""Elementwise activations. Forward works in place; backward is written in terms of the output."""

import numpy as np


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


ACTIVATIONS = {
    "relu": (relu, relu_backward),
    "tanh": (tanh, tanh_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "identity": (identity, identity_backward),
}
