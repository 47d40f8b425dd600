"""The one training loop every task reuses, plus evaluation helpers.

A `Phase` says what to train (network, optimizer, loss, batches, schedule) and how to score it;
`train` runs it epoch by epoch and yields events. It checks `should_stop` before every batch
(cooperative cancellation) and stops with an error as soon as the loss is not finite. The batches
know their own size, so a phase's steps and samples per epoch are derived, never restated.
"""

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from digits.core.data.dataset import CLASSES
from digits.core.errors import RunCancelled, TrainingDiverged
from digits.core.events import EpochFinished, Event, PhaseFinished, PhaseStarted, Progress
from digits.core.nn.network import Network
from digits.core.nn.optim import clip_global_norm
from digits.core.stats import per_class_accuracy

PROGRESS_INTERVAL = 0.1  # seconds between Progress events


@dataclass
class Batches:
    """Epoch -> mini-batches of a fresh permutation of (x, y); the last short batch is kept.

    `y` is an array or a tuple of arrays (e.g. teacher logits and labels), indexed alike;
    `transform` (e.g. random translation, or uint8 -> float inputs) is applied to each input batch.
    """

    x: np.ndarray
    y: object
    batch_size: int
    rng: np.random.Generator
    transform: Callable[[np.ndarray], np.ndarray] | None = None

    @property
    def samples(self) -> int:
        return len(self.x)

    @property
    def steps(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __call__(self, epoch: int) -> Iterable[tuple[np.ndarray, object]]:
        order = self.rng.permutation(len(self.x))
        for start in range(0, len(self.x), self.batch_size):
            idx = order[start:start + self.batch_size]
            inputs = self.x[idx] if self.transform is None else self.transform(self.x[idx])
            yield inputs, tuple(t[idx] for t in self.y) if isinstance(self.y, tuple) else self.y[idx]


@dataclass(kw_only=True)
class Phase:
    name: str
    net: Network
    optimizer: object
    loss: Callable[[np.ndarray, object], tuple[float, np.ndarray]]  # (logits, targets) -> (loss, dlogits)
    batches: Batches
    epochs: int
    schedule: Callable[[int], float]
    evaluate: Callable[[Network], dict] | None = None  # -> metrics, ideally with "test_accuracy"
    clip_norm: float | None = None  # clip the gradients' global L2 norm to this before each step

    @property
    def steps_per_epoch(self) -> int:
        return self.batches.steps

    @property
    def samples_per_epoch(self) -> int:
        return self.batches.samples


def train(phase: Phase, should_stop: Callable[[], bool] = lambda: False) -> Iterator[Event]:
    """Train `phase.net` in place; yield PhaseStarted, Progress, EpochFinished..., PhaseFinished."""
    yield PhaseStarted(phase.name, phase.epochs, phase.steps_per_epoch, phase.samples_per_epoch,
                       model=phase.net.describe())
    metrics: dict = {}
    total_seconds, total_samples = 0.0, 0
    for epoch in range(phase.epochs):
        lr = phase.schedule(epoch)
        phase.optimizer.lr = lr
        started = last_report = time.perf_counter()
        loss_sum, seen = 0.0, 0
        for step, (x, targets) in enumerate(phase.batches(epoch)):
            if should_stop():
                raise RunCancelled(phase.name, epoch + 1, step)
            # Overflow warnings are noise here: a non-finite loss is caught and reported below.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logits = phase.net.forward(x, train=True)
                loss, grad = phase.loss(logits, targets)
                if math.isfinite(loss):
                    phase.net.backward(grad)
                    if phase.clip_norm is not None:
                        clip_global_norm(phase.net.grads, phase.clip_norm)
                    phase.optimizer.step(phase.net.grads)
            if not math.isfinite(loss):
                raise TrainingDiverged(
                    f"loss became {loss} in phase '{phase.name}', epoch {epoch + 1}, step {step + 1}; "
                    f"try a lower learning rate (--lr, now {lr:g})"
                )
            loss_sum += loss * len(x)
            seen += len(x)
            now = time.perf_counter()
            if now - last_report >= PROGRESS_INTERVAL:
                last_report = now
                yield Progress(phase.name, epoch + 1, phase.epochs, step + 1, phase.steps_per_epoch, loss_sum / seen,
                               samples_per_second=seen / (now - started))
        seconds = time.perf_counter() - started
        total_seconds += seconds
        total_samples += seen
        metrics = phase.evaluate(phase.net) if phase.evaluate else {}
        yield EpochFinished(
            phase.name, epoch + 1, phase.epochs,
            train_loss=loss_sum / max(seen, 1),
            test_accuracy=metrics.get("test_accuracy"),
            seconds=seconds,
            samples_per_second=seen / seconds if seconds > 0 else float("inf"),
            lr=lr,
            metrics=metrics,
        )
    yield PhaseFinished(phase.name, metrics, total_seconds,
                        total_samples / total_seconds if total_seconds > 0 else float("inf"))


def shuffled_batches(x: np.ndarray, y, batch_size: int, rng: np.random.Generator,
                     transform: Callable[[np.ndarray], np.ndarray] | None = None) -> Batches:
    return Batches(x, y, batch_size, rng, transform)


def predict(net: Network, x: np.ndarray, cols: slice = slice(None), prepare=None) -> np.ndarray:
    """Predicted class per input, from the chosen logit columns."""
    return net.predict_logits(x, prepare=prepare)[:, cols].argmax(axis=1)


def accuracy(net: Network, x: np.ndarray, y: np.ndarray, cols: slice = slice(None), prepare=None) -> float:
    return float((predict(net, x, cols, prepare) == y).mean())


def test_accuracy(x: np.ndarray, y: np.ndarray, cols: slice = slice(None), per_class: bool = False,
                  classes: int = CLASSES) -> Callable[[Network], dict]:
    """A phase's `evaluate`: accuracy on (x, y) from the chosen logit columns, and with `per_class`
    the accuracy on each class's digits."""
    def evaluate(net: Network) -> dict:
        predicted = predict(net, x, cols)
        metrics = {"test_accuracy": float((predicted == y).mean())}
        if per_class:
            metrics["per_class"] = per_class_accuracy(predicted, y, classes)
        return metrics
    return evaluate
