"""The TUI's model of what is on screen: one run's models and their verdicts on the test set.

A `Lab` is plain numpy (no Textual): the test images and labels, every saved model of the run
with its softmax over the digit classes for all 10,000 test digits (computed once, on load), and
what the screens ask of the run record (labels, roles, the classes the run marks, a prediction for
a drawn digit). It knows no task: everything task-specific comes from the record. With no run, a
Lab holds just the dataset, so the test set can still be browsed.
"""

from dataclasses import dataclass, field

import numpy as np

from digits.core.data.dataset import Dataset
from digits.core.nn.network import Network
from digits.core.runs.inspection import ModelView, load_models, probabilities
from digits.core.runs.record import ModelInfo, Record

CLASSES = 10
# Roles shown first when a run has several models (the rest keep the run's order).
FIRST_ROLES = ("teacher", "student", "model")


@dataclass(eq=False)  # by identity: the app's reactive `lab` compares old and new
class Lab:
    images: np.ndarray  # (N, 28, 28) uint8 test images
    labels: np.ndarray  # (N,) true classes
    info: dict | None = None  # run.json of the run, None when browsing the dataset alone
    views: dict[str, ModelView] = field(default_factory=dict)
    nets: dict[str, tuple[Network, ModelInfo]] = field(default_factory=dict)

    @classmethod
    def dataset_only(cls, dataset: Dataset) -> "Lab":
        return cls(dataset.test_images, dataset.test_labels)

    @classmethod
    def load(cls, info: dict, dataset: Dataset) -> "Lab":
        """Load every model of the run and score it on the test set (raises DigitsError)."""
        nets = load_models(info)
        order = sorted(nets, key=lambda n: FIRST_ROLES.index(nets[n][1].role) if nets[n][1].role in FIRST_ROLES
                       else len(FIRST_ROLES))  # sorted is stable: the run's order within a rank
        nets = {name: nets[name] for name in order}
        views = {name: ModelView(name, probabilities(net, model, dataset.test_images, dataset.test_labels),
                                 dataset.test_labels)
                 for name, (net, model) in nets.items()}
        return cls(dataset.test_images, dataset.test_labels, info, views, nets)

    @property
    def record(self) -> Record:
        return Record(self.info or {})

    @property
    def title(self) -> str:
        if self.info is None:
            return "test set (no run loaded)"
        return f"{self.info['run_id']} · {self.info.get('task', '?')} · {self.info.get('status', '?')}"

    @property
    def model_names(self) -> list[str]:
        return list(self.views)

    def short(self, name: str) -> str:
        """The model's name for narrow columns, as the run record gives it."""
        return self.nets[name][1].short if name in self.nets else name

    def label(self, name: str) -> str:
        return self.nets[name][1].label if name in self.nets else name

    def role(self, name: str) -> str:
        return self.nets[name][1].role if name in self.nets else ""

    def pair(self) -> tuple[int, int]:
        """Indices of the two models a side-by-side screen starts with: the record's pair (teacher
        and student), else the first two."""
        names = self.model_names
        first = self.record.pair()
        left = names.index(first[0]) if first and first[0] in names else 0
        right = names.index(first[1]) if len(first) > 1 and first[1] in names else (left + 1) % max(len(names), 1)
        return left, right

    @property
    def omitted(self) -> tuple[int, ...]:
        """Classes the run marks (a distilled student's unseen digits), from the record."""
        return tuple(self.record.highlight)

    @property
    def initial(self) -> str | None:
        """The saved initial weights other models started from, if the run kept them."""
        return self.record.initial

    def other_init(self) -> set[str]:
        return set(self.record.other_init())

    def predict(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Each model's class probabilities for one 28×28 image (float in [0, 1] or uint8)."""
        img = np.asarray(image)
        if img.dtype != np.uint8:
            img = np.rint(np.clip(img, 0.0, 1.0) * 255).astype(np.uint8)
        batch = img.reshape(1, *self.images.shape[1:])
        return {name: probabilities(net, model, batch)[0] for name, (net, model) in self.nets.items()}


def cycle_pair(left: int, right: int, side: str, step: int, count: int) -> tuple[int, int]:
    """(left, right) model indices after moving `side` by `step` among `count` models, skipping the
    other side's model (a model beside itself says nothing)."""
    index, other = (left, right) if side == "left" else (right, left)
    index = (index + step) % count
    if index == other:
        index = (index + step) % count
    return (index, right) if side == "left" else (left, index)
