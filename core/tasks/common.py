"""Pieces several tasks share: data preparation and example digits for the front-ends."""

import numpy as np

from digits.core.dataset import Dataset
from digits.core.events import Examples
from digits.core.network import Network
from digits.core.preprocess import to_inputs
from digits.core.training import predict


def random_subset(images: np.ndarray, labels: np.ndarray, size: int, rng: np.random.Generator):
    """All images and labels, or a random subset of `size` of them (in their original order)."""
    if size and size < len(images):
        keep = np.sort(rng.choice(len(images), size, replace=False))
        images, labels = images[keep], labels[keep]
    return images, labels


def training_subset(dataset: Dataset, size: int, rng: np.random.Generator):
    """All training images and labels, or a random subset of `size` of them."""
    return random_subset(dataset.train_images, dataset.train_labels, size, rng)


def evaluation_subset(dataset: Dataset, size: int, rng: np.random.Generator):
    """All test images and labels, or a random subset of `size` of them."""
    return random_subset(dataset.test_images, dataset.test_labels, size, rng)


def test_inputs(dataset: Dataset, scale: str = "unit"):
    return to_inputs(dataset.test_images, scale), dataset.test_labels


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
