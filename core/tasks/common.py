"""Pieces several tasks share: data preparation and example digits for the front-ends."""

import numpy as np

from digits.core import seeding
from digits.core.data.dataset import Dataset
from digits.core.data.preprocess import to_inputs
from digits.core.events import Examples
from digits.core.nn.network import Network
from digits.core.training import predict


def subset_indices(count: int, size: int, rng: np.random.Generator) -> np.ndarray | None:
    """Sorted indices of a random subset of `size` of `count` items; None for all of them."""
    if size and size < count:
        return np.sort(rng.choice(count, size, replace=False))
    return None


def random_subset(images: np.ndarray, labels: np.ndarray, size: int, rng: np.random.Generator):
    """All images and labels, or a random subset of `size` of them (in their original order)."""
    keep = subset_indices(len(images), size, rng)
    if keep is not None:
        images, labels = images[keep], labels[keep]
    return images, labels


def training_subset(dataset: Dataset, size: int, rng: np.random.Generator):
    """All training images and labels, or a random subset of `size` of them."""
    return random_subset(dataset.train_images, dataset.train_labels, size, rng)


def evaluation_subset(dataset: Dataset, size: int, rng: np.random.Generator):
    """All test images and labels, or a random subset of `size` of them, and the subset's indices
    (None for all: the run record keeps them, so readers score the models on the same digits)."""
    keep = subset_indices(len(dataset.test_images), size, rng)
    if keep is None:
        return dataset.test_images, dataset.test_labels, None
    return dataset.test_images[keep], dataset.test_labels[keep], keep


def test_inputs(dataset: Dataset, scale: str = "unit"):
    return to_inputs(dataset.test_images, scale), dataset.test_labels


def mlp_data(dataset: Dataset, cfg, scale: str = "unit"):
    """What an MLP task starts from: the seeded training subset (uint8: it becomes float32 a
    batch at a time, so MNIST's training set never exists as a 188 MB float copy), the test inputs
    and labels, and the layer sizes input-hidden...-classes."""
    images, labels = training_subset(dataset, cfg.train_size, seeding.rng(cfg.seed, "subset"))
    x_test, y_test = test_inputs(dataset, scale)
    return images, labels, x_test, y_test, [x_test.shape[1], *cfg.hidden, dataset.num_classes]


def examples(model: str, net: Network, dataset: Dataset, x_test: np.ndarray, rng: np.random.Generator,
             count: int = 3, cols: slice = slice(None)) -> Examples:
    """`count` test digits with the model's predictions: random ones, and the last one a random
    mistake when the model makes any (so a user sees what going wrong looks like)."""
    predicted = predict(net, x_test, cols)
    wrong = np.flatnonzero(predicted != dataset.test_labels)
    random_count = count - 1 if len(wrong) else count
    indices = rng.choice(len(x_test), random_count, replace=False)
    if len(wrong):
        indices = np.append(indices, rng.choice(wrong))
    predictions = predicted[indices]
    return Examples(
        model=model,
        indices=indices.tolist(),
        labels=dataset.test_labels[indices].tolist(),
        predictions=predictions.tolist(),
        images=dataset.test_images[indices].tolist(),
    )


def differs_from_defaults(cfg, default, ignore: tuple[str, ...]) -> bool:
    """Whether a config changes any setting (outside `ignore`) that published figures depend on."""
    ours, base = cfg.to_dict(), default.to_dict()
    return any(ours[k] != base[k] for k in base if k not in ignore)
