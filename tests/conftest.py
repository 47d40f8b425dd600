"""Shared fixtures: an isolated home and cache per test session, the bundled MNIST, tiny IDX sets,
the TUI's fixture runs."""

import os

# One OpenBLAS kernel on every machine of this kind (as CI sets it), so that the forward passes of
# the fixture runs' saved weights, e.g. the accuracies in TUI screenshots, do not depend on the CPU.
# numpy is imported below, after this.
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from digits.core.data import idx  # noqa: E402
from digits.core.data.dataset import FILES, load_dataset  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Never touch the user's real cache; one cache shared by the whole session."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIGITS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.delenv("DIGITS_DATA_DIR", raising=False)
        mp.delenv("DIGITS_DEBUG", raising=False)
        mp.setenv("NO_COLOR", "1")
        yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own runs directory."""
    monkeypatch.setenv("DIGITS_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def mnist():
    return load_dataset()


def make_idx_dir(path, train=600, test=100, seed=0, gz=True):
    """A small, learnable MNIST-layout dataset: each class is a bright bar at its own row band."""
    rng = np.random.default_rng(seed)
    path.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for split, n in (("train", train), ("test", test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        rng.shuffle(labels)
        images = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 + 2 * label: 4 + 2 * label, 4:24] = 250
        arrays[f"{split}_images"], arrays[f"{split}_labels"] = images, labels
    for key, stem in FILES.items():
        idx.write(path / (stem + (".gz" if gz else "")), arrays[key])
    return arrays


@pytest.fixture
def tiny_dir(tmp_path):
    """Directory of a tiny synthetic dataset in MNIST layout (gzip-compressed)."""
    make_idx_dir(tmp_path / "tiny")
    return tmp_path / "tiny"


@pytest.fixture(scope="session")
def tui_runs(tmp_path_factory, mnist):
    """(runs root, task -> run id) of the saved tiny baseline, subliminal and distill runs
    (tests/fixtures/runs: weights fixed once, so nothing shown depends on this CPU's rounding)."""
    from tui_support import copy_fixture_runs

    root = tmp_path_factory.mktemp("tui-runs")
    return root, copy_fixture_runs(root)
