"""What a saved run's models say about the test set: probabilities, predictions, confusions.

Used by `digits show`, `digits gallery`, `digits eval` and the TUI. A run's models are read from
its `models/` directory (never pickled); the run record says how each model's inputs are scaled
and which of its logits predict which classes (its heads: a subliminal teacher has auxiliary logits
after the ten, an lwta network one 5-way head per task).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digits.core.data.dataset import Dataset, load_dataset
from digits.core.data.preprocess import to_inputs
from digits.core.errors import RunLookupError
from digits.core.nn.losses import softmax
from digits.core.nn.network import Network
from digits.core.nn.persist import load_network
from digits.core.runs.directory import list_runs, read_run
from digits.core.runs.record import ModelInfo, Record


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
    with_models = [info for info in list_runs(root) if info.get("models")]  # schema 2: model entries
    if not with_models:
        raise RunLookupError(f"no run with saved models in {root}; train one first, e.g. "
                             f"`digits train --task baseline`")
    return with_models[-1]


def load_models(info: dict, names: list[str] | None = None) -> dict[str, tuple[Network, ModelInfo]]:
    """The run's networks (all, or those named) with what the record says of each, in the run's order."""
    record = Record(info)
    available = record.model_names
    if not available:
        raise RunLookupError(f"run {info['run_id']} saved no models (status: {info.get('status')})")
    for name in names or []:
        if name not in available:
            raise RunLookupError(f"run {info['run_id']} has no model {name!r}; it has {', '.join(available)}")
    chosen = [n for n in available if n in names] if names else available
    return {name: (load_network(Path(info["path"]) / "models" / name)[0], record.model(name)) for name in chosen}


def probabilities(net: Network, model: ModelInfo, images: np.ndarray, labels: np.ndarray | None = None,
                  classes: int = 10) -> np.ndarray:
    """(N, classes) class probabilities for uint8 images: softmax over the logits of the model's
    head, each column placed at the class it predicts (a class no head predicts gets 0).

    A multi-head model (lwta: one head per task) is scored as its task scores it: each digit by the
    head of its own task, which its true class picks (`labels`). Without labels (a drawn digit)
    every head's logits compete in one softmax.
    """
    logits = net.predict_logits(images, prepare=lambda chunk: to_inputs(chunk, model.scale))
    out = np.zeros((len(images), classes), np.float32)
    if not model.multi_head or labels is None:
        columns = [c for head in model.heads for c in head.columns]
        targets = [k for head in model.heads for k in head.classes]
        out[:, targets] = softmax(logits[:, columns])
        return out
    for head in model.heads:
        rows = np.flatnonzero(np.isin(labels, head.classes))
        out[np.ix_(rows, head.classes)] = softmax(logits[np.ix_(rows, head.columns)])
    return out


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


def dataset_for(info: dict, data_dir: Path | None) -> Dataset:
    """The dataset the run was trained on (or `data_dir`), refusing a different one."""
    recorded = info.get("dataset")
    if data_dir is None and recorded and Path(recorded).is_dir():
        data_dir = Path(recorded)
    data = load_dataset(data_dir)
    if recorded and data.name != recorded:
        raise RunLookupError(f"run {info['run_id']} was trained on {recorded}, not {data.name}; "
                             f"pass --data-dir with its dataset")
    return data


def model_views(info: dict, data: Dataset, names: list[str] | None = None,
               run_subset: bool = False) -> tuple[dict[str, ModelView], np.ndarray]:
    """The named models' (default: all) verdicts on the test digits, and the indices of those
    digits: every test digit, or with `run_subset` the subset the run measured its metrics on
    (the record's test_subset), so the scores are the run's."""
    subset = info.get("test_subset") if run_subset else None
    indices = np.asarray(subset, dtype=np.intp) if subset is not None else np.arange(len(data.test_labels))
    if len(indices) and (indices.min() < 0 or indices.max() >= len(data.test_labels)):
        raise RunLookupError(f"run {info['run_id']} was measured on test digits outside this test set; "
                             "pass --data-dir with its dataset")
    images, labels = data.test_images[indices], data.test_labels[indices]
    views = {name: ModelView(name, probabilities(net, model, images, labels), labels)
             for name, (net, model) in load_models(info, names).items()}
    return views, indices
