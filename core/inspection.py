"""What a saved run's models say about the test set: probabilities, predictions, confusions.

Used by `digits show`, `digits gallery`, `digits eval` and the TUI. A run's models are read from
its `models/` directory (never pickled); each model's metadata says how its inputs are scaled and
which logits are the digit classes (subliminal teachers have auxiliary logits after the ten).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digits.core.errors import RunLookupError
from digits.core.losses import softmax
from digits.core.network import Network
from digits.core.persist import load_network
from digits.core.preprocess import to_inputs
from digits.core.runs import list_runs, read_run


@dataclass(eq=False)  # compared by identity: array fields have no single truth value
class ModelView:
    """One model's verdict on every test image."""

    name: str
    probs: np.ndarray  # (N, classes) float32 softmax over the digit logits
    labels: np.ndarray  # (N,) true classes

    def __post_init__(self):
        rows = np.arange(len(self.labels))
        self.predicted = self.probs.argmax(axis=1)
        self.confidence = self.probs[rows, self.predicted]
        self.loss = -np.log(np.maximum(self.probs[rows, self.labels], np.float32(1e-12)))
        self.correct = self.predicted == self.labels

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean())


def find_run(root: Path, run: str | None) -> dict:
    """run.json of `run` (an id under `root`, or a run directory's path); without one, the newest
    run that saved models."""
    if run:
        path = Path(run).expanduser()
        info = read_run(path if (path / "run.json").is_file() else Path(root).expanduser() / run)
        if info is not None:
            return info
        known = [info["run_id"] for info in list_runs(root)]
        hint = f"known runs: {', '.join(known[-5:])}" if known else "there are no runs there yet"
        raise RunLookupError(f"no run {run!r} in {root}; {hint} (see `digits runs`)")
    with_models = [info for info in list_runs(root) if info.get("models")]
    if not with_models:
        raise RunLookupError(f"no run with saved models in {root}; train one first, e.g. "
                             f"`digits train --task baseline`")
    return with_models[-1]


def load_models(info: dict, names: list[str] | None = None) -> dict[str, tuple[Network, dict]]:
    """The run's networks (all, or those named) with their metadata, in the run's order."""
    available = list(info.get("models") or [])
    if not available:
        raise RunLookupError(f"run {info['run_id']} saved no models (status: {info.get('status')})")
    for name in names or []:
        if name not in available:
            raise RunLookupError(f"run {info['run_id']} has no model {name!r}; it has {', '.join(available)}")
    chosen = [n for n in available if n in names] if names else available
    return {name: load_network(Path(info["path"]) / "models" / name) for name in chosen}


def probabilities(net: Network, meta: dict, images: np.ndarray, classes: int = 10) -> np.ndarray:
    """Softmax over the model's digit logits for uint8 images, in chunks."""
    start, stop = meta.get("digit_logits", [0, classes])
    scale = meta.get("scale", "unit")
    logits = net.predict_logits(images, prepare=lambda chunk: to_inputs(chunk, scale))
    return softmax(logits[:, start:stop]).astype(np.float32)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """counts[true, predicted]."""
    return np.bincount(labels * classes + predicted, minlength=classes * classes).reshape(classes, classes)


def top_confusions(matrix: np.ndarray, k: int = 5) -> list[tuple[int, int, int]]:
    """The k largest off-diagonal cells as (true, predicted, count), count > 0."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(off, axis=None, kind="stable")[::-1][:k]
    pairs = [(int(i // off.shape[1]), int(i % off.shape[1])) for i in order]
    return [(t, p, int(off[t, p])) for t, p in pairs if off[t, p] > 0]


def rank(view: ModelView, indices: np.ndarray, sort: str) -> np.ndarray:
    """`indices` ordered by the model's confidence or loss, highest first (ties by index)."""
    key = view.confidence if sort == "confidence" else view.loss if sort == "loss" else None
    if key is None:
        return indices
    return indices[np.argsort(-key[indices], kind="stable")]
