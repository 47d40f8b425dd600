"""Analytic floating-point operation counts of training and inference, for the speed benchmarks.

Only the matrix products are counted (2 FLOPs per multiply-add); they are where the time should
go, and everything else (activations, losses, optimizer updates) is the overhead the
efficiency figure exposes. Per sample and weight matrix of fan_in × fan_out:
forward 2·in·out, weight gradient 2·in·out, input gradient 2·in·out (not for the first layer,
whose input needs no gradient) — the same products `Network.forward`/`backward` perform.
"""


def _weights(sizes: list[int]) -> list[int]:
    return [a * b for a, b in zip(sizes[:-1], sizes[1:])]


def forward_flops(sizes: list[int], samples: int) -> int:
    """One forward pass over `samples` inputs."""
    return 2 * sum(_weights(sizes)) * samples


def train_flops(sizes: list[int], samples: int) -> int:
    """One training step (forward and backward) per sample, over `samples` samples in all."""
    weights = _weights(sizes)
    return (6 * sum(weights) - 2 * weights[0]) * samples
