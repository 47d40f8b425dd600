"""Analytic floating-point operation counts of training and inference, for the speed benchmarks.

Only the matrix products are counted (2 FLOPs per multiply-add); they are where the time should
go, and everything else (activations, losses, optimizer updates) is the overhead the
efficiency figure exposes. A network's products are described by its `shapes`: one
(fan_in, fan_out) per weight matrix *as multiplied* — a dense layer's W, a highway block's
n × 2n [W_H | W_T]. Per sample and shape: forward x·W 2·in·out, weight gradient xᵀ·g 2·in·out,
input gradient g·Wᵀ 2·in·out (not for the first layer, whose input needs no gradient) — the
products `Network.forward`/`backward` perform (`step_products` lists them with their operand
shapes, so the benchmarks time exactly these).

A task describes everything `run` multiplies as a list of `Work` items (`Task.gemm_work`): which
network shapes, at which batch size, how many samples trained (forward and backward) and how
many only evaluated (forward, in chunks of `EVAL_CHUNK`, as `Network.predict_logits` does).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EVAL_CHUNK = 2000  # Network.predict_logits' default chunk: the batch size of every evaluation

Shapes = tuple[tuple[int, int], ...]


def mlp_shapes(sizes: Sequence[int]) -> Shapes:
    """The weight shapes of an MLP of layer sizes [inputs, hidden..., outputs]."""
    return tuple((int(a), int(b)) for a, b in zip(sizes[:-1], sizes[1:]))


def step_products(shapes: Shapes, batch: int) -> list[tuple[str, int, int, int]]:
    """The matrix products of one training step at this batch size, as (kind, m, k, n): an
    (m × k)·(k × n) product. kind "forward" is x·W (batch × in · in × out), "weight" xᵀ·g
    (in × batch · batch × out), "input" g·Wᵀ (batch × out · out × in, not for the first layer)."""
    out = []
    for i, (fan_in, fan_out) in enumerate(shapes):
        out.append(("forward", batch, fan_in, fan_out))
        out.append(("weight", fan_in, batch, fan_out))
        if i > 0:
            out.append(("input", batch, fan_out, fan_in))
    return out


def forward_products(shapes: Shapes, batch: int) -> list[tuple[str, int, int, int]]:
    """The products of one forward pass (inference) of `batch` inputs, as in `step_products`."""
    return [("forward", batch, fan_in, fan_out) for fan_in, fan_out in shapes]


def product_flops(products: Iterable[tuple[str, int, int, int]]) -> int:
    return sum(2 * m * k * n for _kind, m, k, n in products)


def shapes_forward_flops(shapes: Shapes, samples: int) -> int:
    """Forward passes of `samples` inputs through a network of these weight shapes."""
    return product_flops(forward_products(shapes, 1)) * samples


def shapes_train_flops(shapes: Shapes, samples: int) -> int:
    """Training steps (forward and backward) over `samples` samples in all, whatever the batch size."""
    return product_flops(step_products(shapes, 1)) * samples


def forward_flops(sizes: list[int], samples: int) -> int:
    """One forward pass over `samples` inputs of an MLP of layer sizes `sizes`."""
    return shapes_forward_flops(mlp_shapes(sizes), samples)


def train_flops(sizes: list[int], samples: int) -> int:
    """One training step (forward and backward) per sample of an MLP, over `samples` samples in all."""
    return shapes_train_flops(mlp_shapes(sizes), samples)


@dataclass(frozen=True)
class Work:
    """The matrix-product work of one network (or one part of a run) in a task's run.

    `shapes`: (fan_in, fan_out) per product layer as multiplied; `batch`: the training batch size;
    `trained`: samples trained in all (forward + backward, summed over epochs); `evaluated`:
    samples only forwarded (test evaluations, predictions, teacher targets, probes), in chunks
    of `chunk`."""

    name: str
    shapes: Shapes
    batch: int
    trained: int = 0
    evaluated: int = 0
    chunk: int = EVAL_CHUNK

    @property
    def train_flops(self) -> int:
        return shapes_train_flops(self.shapes, self.trained)

    @property
    def eval_flops(self) -> int:
        return shapes_forward_flops(self.shapes, self.evaluated)

    @property
    def flops(self) -> int:
        return self.train_flops + self.eval_flops

    @property
    def steps(self) -> float:
        """Training steps, counting the samples at full batches (a short last batch as its share)."""
        return self.trained / self.batch

    @property
    def chunks(self) -> float:
        """Evaluation chunks, counted the same way."""
        return self.evaluated / self.chunk


def total_flops(work: Iterable[Work]) -> int:
    return sum(w.flops for w in work)
