"""Networks as a stack of layers with explicit forward and backward passes.

A layer owns its parameters and their gradient buffers (same order), caches what its backward
pass needs during a training forward pass, and describes itself as a plain dict (`spec`) so that
saved networks can be rebuilt. `Network` chains layers and exposes flat lists of params/grads
for the optimizers.
"""

import numpy as np

from digits.core.nn import fused
from digits.core.nn.activations import ACTIVATIONS, activation_functions
from digits.core.nn.init import BIAS_INITS, WEIGHT_INITS


class Dense:
    """y = activation(x @ W + b), with W stored (fan_in, fan_out)."""

    kind = "dense"

    def __init__(self, W: np.ndarray, b: np.ndarray, activation: str = "identity"):
        self._act, self._act_backward = activation_functions(activation)  # ValueError when unknown
        if activation.startswith("lwta") and W.shape[1] % int(activation[4:]):
            raise ValueError(f"{activation} needs a width divisible by {activation[4:]}, not {W.shape[1]}")
        self.W, self.b, self.activation = W, b, activation
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)
        self._x = self._y = None
        self._buffers: dict[tuple[str, int], np.ndarray] = {}

    @classmethod
    def create(cls, rng, fan_in, fan_out, activation, weight_init, bias_init, dtype=np.float32):
        W = WEIGHT_INITS[weight_init](rng, fan_in, fan_out, dtype)
        b = BIAS_INITS[bias_init](rng, fan_in, fan_out, dtype)
        return cls(W, b, activation)

    @property
    def params(self):
        return [self.W, self.b]

    @property
    def grads(self):
        return [self.dW, self.db]

    @property
    def spec(self) -> dict:
        return {"type": self.kind, "in": self.W.shape[0], "out": self.W.shape[1], "activation": self.activation}

    @staticmethod
    def param_shapes(spec: dict) -> dict[str, tuple[int, ...]]:
        return {"W": (spec["in"], spec["out"]), "b": (spec["out"],)}

    def _buffer(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A work array reused by every batch of the same size (fresh arrays cost page faults)."""
        key = (name, rows)
        buf = self._buffers.get(key)
        if buf is None:
            buf = self._buffers[key] = np.empty((rows, cols), dtype=self.W.dtype)
        return buf

    def forward(self, x, train=False):
        """activation(x @ W + b). In training the result is a reused buffer, valid until the next
        training forward pass of the same batch size; otherwise it is a new array."""
        out = self._buffer("z", len(x), self.W.shape[1]) if train else None
        z = np.matmul(x, self.W, out=out)
        if train and self.activation == "relu":  # inference alone is not worth loading numba for
            y = fused.bias_relu(z, self.b)
        else:
            z += self.b
            y = self._act(z)
        if train:
            self._x, self._y = x, y
        return y

    def backward(self, grad, need_input_grad=True):
        """Fill dW, db from dL/dy; return dL/dx (a reused buffer). `grad` may be overwritten."""
        if self.activation == "relu":
            g = fused.relu_backward_bias(grad, self._y, self.db)
        elif self.activation == "tanh":
            g = fused.tanh_backward_bias(grad, self._y, self.db)
        else:
            g = self._act_backward(grad, self._y)
            np.sum(g, axis=0, out=self.db)
        np.matmul(self._x.T, g, out=self.dW)
        if not need_input_grad:
            return None
        return np.matmul(g, self.W.T, out=self._buffer("dx", len(g), self.W.shape[0]))


class Highway(Dense):
    """A highway block (Srivastava, Greff & Schmidhuber 2015) of width n:

        H = tanh(x·W_H + b_H),  T = sigmoid(x·W_T + b_T),  y = T·H + (1 − T)·x

    W = [W_H | W_T] is stored as one n × 2n matrix (one product per step instead of two) and
    b = [b_H | b_T]. T is the transform gate, 1 − T the carry gate; `gate(x)` computes T alone
    (see `gate_means`: the learned carry schedule, per block).
    """

    kind = "highway"

    def __init__(self, W: np.ndarray, b: np.ndarray, activation: str = "tanh"):
        n = W.shape[0]
        if W.shape != (n, 2 * n) or b.shape != (2 * n,):
            raise ValueError(f"a highway block of width {n} needs W of shape {(n, 2 * n)} and b of {(2 * n,)}")
        super().__init__(W, b, "tanh")
        self._z = None  # [H | tanh(z_T/2)] of the last training batch

    @classmethod
    def create(cls, rng, width, gate_bias, weight_init="fan_in_uniform", bias_init="fan_in_uniform",
               dtype=np.float32):
        W = np.concatenate([WEIGHT_INITS[weight_init](rng, width, width, dtype) for _ in range(2)], axis=1)
        b = BIAS_INITS[bias_init](rng, width, 2 * width, dtype)
        b[width:] = gate_bias  # negative: the block starts by carrying its input through
        return cls(W, b)

    @property
    def spec(self) -> dict:
        n = self.W.shape[0]
        return {"type": self.kind, "in": n, "out": n, "activation": "tanh"}

    @staticmethod
    def param_shapes(spec: dict) -> dict[str, tuple[int, ...]]:
        return {"W": (spec["in"], 2 * spec["in"]), "b": (2 * spec["in"],)}

    def forward(self, x, train=False):
        n = self.W.shape[0]
        z = np.matmul(x, self.W, out=self._buffer("z", len(x), 2 * n) if train else None)
        z += self.b
        # H = tanh(z_H) and T = sigmoid(z_T) = (1 + tanh(z_T/2))/2, the sigmoid's own form: one tanh
        # over the whole z, then z = [H | tanh(z_T/2)], and the kernels finish T where they use it.
        z[:, n:] *= np.float32(0.5)
        np.tanh(z, out=z)
        y = fused.highway_combine(x, z, self._buffer("y", len(x), n) if train else None)  # T·H + (1 − T)·x
        if train:
            self._x, self._z = x, z
        return y

    def gate(self, x):
        """The transform gate T = sigmoid(x·W_T + b_T) of a batch (no state kept)."""
        n = self.W.shape[0]
        return ACTIVATIONS["sigmoid"][0](x @ self.W[:, n:] + self.b[n:])

    def backward(self, grad, need_input_grad=True):
        n, x, z = self.W.shape[0], self._x, self._z
        # dL/dz_H = dy · T · (1 − H²), dL/dz_T = dy · (H − x) · T(1 − T), and their column sums
        dz = fused.highway_backward(grad, x, z, self._buffer("dz", len(grad), 2 * n), self.db)
        np.matmul(x.T, dz, out=self.dW)
        if not need_input_grad:
            return None
        dx = np.matmul(dz, self.W.T, out=self._buffer("dx", len(grad), n))
        return fused.highway_carry(dx, grad, z)  # the carry path: + dy · (1 − T)


LAYER_TYPES = {"dense": Dense, "highway": Highway}


class Network:
    """A sequence of layers; the last layer's output are the logits."""

    def __init__(self, layers):
        self.layers = list(layers)

    @classmethod
    def mlp(cls, sizes, activation="relu", rng=None, weight_init="he_uniform", bias_init="zeros",
            output_activation="identity", dtype=np.float32):
        """An MLP with `sizes` = [inputs, hidden..., outputs]; hidden layers use `activation`."""
        rng = rng if rng is not None else np.random.default_rng(0)
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            act = output_activation if last else activation
            layers.append(Dense.create(rng, fan_in, fan_out, act, weight_init, bias_init, dtype))
        return cls(layers)

    @property
    def params(self):
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self):
        return [g for layer in self.layers for g in layer.grads]

    @property
    def spec(self) -> list[dict]:
        return [layer.spec for layer in self.layers]

    @property
    def sizes(self) -> list[int]:
        return [self.layers[0].spec["in"]] + [layer.spec["out"] for layer in self.layers]

    @property
    def num_params(self) -> int:
        return sum(p.size for p in self.params)

    @property
    def dtype(self):
        return self.params[0].dtype

    def describe(self) -> str:
        acts = {layer.spec.get("activation") for layer in self.layers[:-1]}
        return "-".join(str(s) for s in self.sizes) + (f" {'/'.join(sorted(acts))}" if acts else "")

    def forward(self, x, train=False):
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def backward(self, grad):
        """Backpropagate dL/dlogits through every layer, filling each layer's gradients."""
        for i in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[i].backward(grad, need_input_grad=i > 0)

    def predict_logits(self, x, batch_size=2000, prepare=None):
        """Logits for many inputs, in chunks to bound memory; `prepare` turns each chunk into inputs
        (e.g. uint8 images into float32, so the whole set is never held as float32)."""
        prepare = prepare or (lambda chunk: chunk)
        return np.concatenate([self.forward(prepare(x[i:i + batch_size])) for i in range(0, len(x), batch_size)])

    def clone(self) -> "Network":
        """An independent copy with the exact same weights (e.g. a teacher's initial weights)."""
        return self.from_arrays(self.spec, self.state())

    def state(self) -> dict[str, np.ndarray]:
        """Parameters by name, e.g. layers.0.W (copies)."""
        out = {}
        for i, layer in enumerate(self.layers):
            for name, p in zip(("W", "b"), layer.params):
                out[f"layers.{i}.{name}"] = p.copy()
        return out

    @classmethod
    def from_arrays(cls, spec: list[dict], arrays: dict[str, np.ndarray]) -> "Network":
        layers = []
        for i, layer_spec in enumerate(spec):
            layer_cls = LAYER_TYPES[layer_spec["type"]]
            layers.append(layer_cls(arrays[f"layers.{i}.W"].copy(), arrays[f"layers.{i}.b"].copy(),
                                    layer_spec.get("activation", "identity")))
        return cls(layers)


def gate_means(net: "Network", x: np.ndarray, chunk: int = 2048) -> list[float]:
    """Mean transform gate T of every highway block of `net` over all the inputs `x` (float, as the
    network takes them), in chunks: the carry schedule the network learned, input to output."""
    blocks = [layer for layer in net.layers if isinstance(layer, Highway)]
    sums = np.zeros(len(blocks))
    for start in range(0, len(x), chunk):
        h, k = x[start:start + chunk], 0
        for layer in net.layers:
            if isinstance(layer, Highway):
                sums[k] += float(layer.gate(h).sum(dtype=np.float64))
                k += 1
            h = layer.forward(h)
    return [float(s / (len(x) * block.W.shape[0])) for s, block in zip(sums, blocks)]
