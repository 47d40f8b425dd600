"""Weight and bias initialisers. Weights are stored (fan_in, fan_out) so a layer computes x @ W + b."""

import math

import numpy as np


def he_uniform(rng, fan_in, fan_out, dtype):
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype)


def he_normal(rng, fan_in, fan_out, dtype):
    return (rng.standard_normal((fan_in, fan_out)) * math.sqrt(2.0 / fan_in)).astype(dtype)


def glorot_uniform(rng, fan_in, fan_out, dtype):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype)


def glorot_normal(rng, fan_in, fan_out, dtype):
    return (rng.standard_normal((fan_in, fan_out)) * math.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def lecun_normal(rng, fan_in, fan_out, dtype):
    """N(0, 1/sqrt(fan_in)): the init of the subliminal-learning paper's code."""
    return (rng.standard_normal((fan_in, fan_out)) / math.sqrt(fan_in)).astype(dtype)


def fan_in_uniform(rng, fan_in, fan_out, dtype):
    """U(±1/sqrt(fan_in)): PyTorch's default for Linear weights (kaiming_uniform with a=sqrt(5))."""
    bound = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype)


WEIGHT_INITS = {
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "lecun_normal": lecun_normal,
    "fan_in_uniform": fan_in_uniform,
}


def zeros_bias(rng, fan_in, fan_out, dtype):
    return np.zeros(fan_out, dtype=dtype)


def fan_in_uniform_bias(rng, fan_in, fan_out, dtype):
    """U(±1/sqrt(fan_in)): PyTorch's default Linear bias."""
    bound = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-bound, bound, fan_out).astype(dtype)


BIAS_INITS = {"zeros": zeros_bias, "fan_in_uniform": fan_in_uniform_bias}
