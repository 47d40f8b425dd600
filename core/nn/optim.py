"""Optimizers that update a network's parameters in place from its gradient buffers.

Weight decay is L2 added to the gradient (as in PyTorch's SGD and Adam). `lr` is a plain
attribute; the training loop sets it from a schedule at the start of each epoch. The updates
themselves are the fused kernels of `digits.core.nn.kernels`; `step` may overwrite the gradients.
"""

import math

import numpy as np

from digits.core.nn import kernels


def _scratch(params):
    """Work arrays for the numpy kernels (the numba ones need none)."""
    return [np.empty_like(p) for p in params] if kernels.backend() == "numpy" else [None] * len(params)


def decays(params, weight_decay: float, decay_biases: bool) -> list[float]:
    """The weight decay of each parameter: all of them, or the weight matrices only."""
    return [weight_decay if decay_biases or p.ndim >= 2 else 0.0 for p in params]


class SGD:
    """SGD with optional heavy-ball or Nesterov momentum (PyTorch's formulation, dampening 0).

    v ← μ·v + g;  heavy ball: W ← W − lr·v;  Nesterov: W ← W − lr·(g + μ·v).
    Weight decay adds λ·W to g; with `decay_biases=False` only to the weight matrices (ndim ≥ 2),
    not to the bias vectors, as most reference implementations do.
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0, decay_biases=True):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.params, self.lr = params, lr
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay
        self.decay = decays(params, weight_decay, decay_biases)
        self.velocity = [np.zeros_like(p) for p in params] if momentum else [None] * len(params)
        self._scratch = _scratch(params)

    def step(self, grads):
        for p, g, v, s, decay in zip(self.params, grads, self.velocity, self._scratch, self.decay):
            kernels.sgd_update(p, g, v, s, self.lr, self.momentum, self.nesterov, decay)


class Adam:
    """Adam with bias correction (Kingma & Ba 2015); eps added outside the square root.

    p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps), as in PyTorch.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params, self.lr = params, lr
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self._scratch = _scratch(params)
        self.t = 0

    def step(self, grads):
        self.t += 1
        step_size = self.lr / (1 - self.beta1**self.t)
        v_correction = 1.0 / math.sqrt(1 - self.beta2**self.t)
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self._scratch):
            kernels.adam_update(p, g, m, v, s, self.beta1, self.beta2, step_size, v_correction, self.eps,
                                self.weight_decay)


def clip_global_norm(grads, max_norm: float) -> float:
    """Scale all gradients in place so that their joint L2 norm is at most `max_norm`; return the
    norm before clipping (as torch.nn.utils.clip_grad_norm_)."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if norm > max_norm:
        scale = np.float32(max_norm / (norm + 1e-6))
        for g in grads:
            g *= scale
    return norm


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")


def make_optimizer(name, params, lr, momentum=0.9, weight_decay=0.0):
    """Build an optimizer by name: sgd (plain), momentum (heavy ball), nesterov, adam."""
    if name == "sgd":
        return SGD(params, lr, weight_decay=weight_decay)
    if name == "momentum":
        return SGD(params, lr, momentum=momentum, weight_decay=weight_decay)
    if name == "nesterov":
        return SGD(params, lr, momentum=momentum, nesterov=True, weight_decay=weight_decay)
    if name == "adam":
        return Adam(params, lr, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")
