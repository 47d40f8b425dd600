"""Optimizers that update a network's parameters in place from its gradient buffers.

Weight decay is L2 added to the gradient (as in PyTorch's SGD and Adam). `lr` is a plain
attribute; the training loop sets it from a schedule at the start of each epoch.
"""

import numpy as np


class SGD:
    """SGD with optional heavy-ball or Nesterov momentum (PyTorch's formulation, dampening 0).

    v ← μ·v + g;  heavy ball: W ← W − lr·v;  Nesterov: W ← W − lr·(g + μ·v).
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.params, self.lr = params, lr
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay
        self.velocity = [np.zeros_like(p) for p in params] if momentum else None
        self._scratch = [np.empty_like(p) for p in params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = np.add(g, self.weight_decay * p, out=self._scratch[i])
            if self.velocity is not None:
                v = self.velocity[i]
                v *= self.momentum
                v += g
                g = np.add(g, self.momentum * v, out=self._scratch[i]) if self.nesterov else v
            p -= self.lr * g


class Adam:
    """Adam with bias correction (Kingma & Ba 2015); eps added outside the square root."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params, self.lr = params, lr
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self._scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1**self.t)
        v_correction = 1.0 / np.sqrt(1 - b2**self.t)
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self._scratch):
            if self.weight_decay:
                g = g + self.weight_decay * p
            m *= b1
            m += (1 - b1) * g
            v *= b2
            np.multiply(g, g, out=s)
            s *= 1 - b2
            v += s
            # p -= lr/(1-b1^t) · m / (sqrt(v)/sqrt(1-b2^t) + eps)
            np.sqrt(v, out=s)
            s *= v_correction
            s += self.eps
            np.divide(m, s, out=s)
            s *= step_size
            p -= s


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
