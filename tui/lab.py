"""The TUI's model of what is on screen: one run's models and their verdicts on the test set.

A `Lab` is plain numpy (no Textual): the test images and labels, every saved model of the run
with its softmax over the digit classes for all 10,000 test digits (computed once, on load), and
helpers the screens share (which classes a distill student never saw, a prediction for a drawn
digit). With no run, a Lab holds just the dataset, so the test set can still be browsed.
"""

from dataclasses import dataclass, field

import numpy as np

from digits.core.dataset import Dataset
from digits.core.inspection import ModelView, load_models, probabilities
from digits.core.network import Network

CLASSES = 10
# Models shown first when a run has several (the rest keep the run's order).
PREFERRED = ("teacher", "student", "model")
# Short names for narrow columns (subliminal's controls, distill's uncorrected student).
SHORT = {"aux_different_init": "aux≠init", "all_same_init": "all=init", "all_different_init": "all≠init",
         "student_uncorrected": "uncorrected"}


@dataclass(eq=False)  # by identity: the app's reactive `lab` compares old and new
class Lab:
    images: np.ndarray  # (N, 28, 28) uint8 test images
    labels: np.ndarray  # (N,) true classes
    info: dict | None = None  # run.json of the run, None when browsing the dataset alone
    views: dict[str, ModelView] = field(default_factory=dict)
    nets: dict[str, tuple[Network, dict]] = field(default_factory=dict)

    @classmethod
    def dataset_only(cls, dataset: Dataset) -> "Lab":
        return cls(dataset.test_images, dataset.test_labels)

    @classmethod
    def load(cls, info: dict, dataset: Dataset) -> "Lab":
        """Load every model of the run and score it on the test set (raises DigitsError)."""
        nets = load_models(info)
        order = sorted(nets, key=lambda n: PREFERRED.index(n) if n in PREFERRED else len(PREFERRED))
        nets = {name: nets[name] for name in order}
        views = {name: ModelView(name, probabilities(net, model, dataset.test_images, dataset.test_labels),
                                 dataset.test_labels)
                 for name, (net, model) in nets.items()}
        return cls(dataset.test_images, dataset.test_labels, info, views, nets)

    @property
    def title(self) -> str:
        if self.info is None:
            return "test set (no run loaded)"
        return f"{self.info['run_id']} · {self.info.get('task', '?')} · {self.info.get('status', '?')}"

    @property
    def task(self) -> str | None:
        return self.info.get("task") if self.info else None

    @property
    def model_names(self) -> list[str]:
        return list(self.views)

    @staticmethod
    def short(name: str) -> str:
        return SHORT.get(name, name)

    @property
    def omitted(self) -> tuple[int, ...]:
        """Classes a distill student never saw in its transfer set (empty for other tasks)."""
        if self.task != "distill":
            return ()
        config = self.info.get("config") or {}
        keep = tuple(config.get("keep") or ())
        if keep:
            return tuple(c for c in range(CLASSES) if c not in keep)
        return tuple(sorted(set(config.get("omit") or ())))

    def predict(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Each model's class probabilities for one 28×28 image (float in [0, 1] or uint8)."""
        img = np.asarray(image)
        if img.dtype != np.uint8:
            img = np.rint(np.clip(img, 0.0, 1.0) * 255).astype(np.uint8)
        batch = img.reshape(1, *self.images.shape[1:])
        return {name: probabilities(net, meta, batch)[0] for name, (net, meta) in self.nets.items()}


def cycle_pair(left: int, right: int, side: str, step: int, count: int) -> tuple[int, int]:
    """(left, right) model indices after moving `side` by `step` among `count` models, skipping the
    other side's model (a model beside itself says nothing)."""
    index, other = (left, right) if side == "left" else (right, left)
    index = (index + step) % count
    if index == other:
        index = (index + step) % count
    return (index, right) if side == "left" else (left, index)
