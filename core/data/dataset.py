"""Loading MNIST-layout datasets: the bundled MNIST (checksum-verified) or a directory of IDX files.

Decoded arrays are cached as .npy files in the user cache dir, so the second load skips gzip.
The reported checksum status is true of the data actually in use: each entry keeps the official
MD5 of its array (header + payload), and a load recomputes it from the cached array unless the
entry's file is unchanged since a load that did. That load records the file's size, modification
and change times, inode and device (the `.verified` file beside the entry); any write to the file,
in place or by replacing it, changes its change time, which programs cannot set (short of moving
the system clock), so a record that still matches means the same bytes. It is only taken of a file
last changed at least SETTLED_NS before, since timestamps are coarse: a second write within the
same tick could otherwise leave every field as recorded. Recomputing the MD5s costs ~0.1 s per
load of MNIST; checking the records costs a stat per file.

The cache is read into memory, not memory-mapped: a map would show any in-place change made to
the file while its arrays are in use, or fault (SIGBUS) if the file is truncated.
"""

import hashlib
import importlib.resources
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from digits.core import paths
from digits.core.atomic import atomic_open
from digits.core.data import idx
from digits.core.errors import DataError

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
CLASSES = 10  # every network here has ten outputs: a label must be one of the digits 0-9
MNIST_SHAPE = (28, 28)
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


@dataclass(frozen=True)
class Dataset:
    """Train and test images (uint8, N×H×W) and labels (uint8, N), plus where they came from."""

    source: str
    bundled: bool
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    checksums: dict[str, str] = field(default_factory=dict)  # file -> "ok" | "mismatch" | "unknown"

    @property
    def num_classes(self) -> int:
        return CLASSES  # load_dataset refuses any label outside 0..CLASSES-1

    @property
    def image_shape(self) -> tuple[int, int]:
        return tuple(self.train_images.shape[1:])

    @property
    def name(self) -> str:
        return "MNIST (bundled)" if self.bundled else self.source


def bundled_dir() -> Path:
    """The directory of the MNIST files shipped inside the package."""
    return Path(str(importlib.resources.files("digits.assets.mnist")))


def resolve_dir(data_dir: str | os.PathLike | None) -> tuple[Path, bool]:
    """The directory to load from (argument, then $DIGITS_DATA_DIR, then bundled) and whether bundled."""
    chosen = data_dir if data_dir not in (None, "") else os.environ.get("DIGITS_DATA_DIR") or None
    if chosen is None:
        return bundled_dir(), True
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise DataError(f"{path}: data directory not found (give --data-dir a directory of IDX files)")
    return path, False


def find_file(directory: Path, stem: str) -> Path:
    """`stem` or `stem.gz` inside `directory`."""
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    raise DataError(f"{directory / stem}[.gz]: file not found (expected the four MNIST-layout IDX files)")


def official_md5(array: np.ndarray) -> str:
    """MD5 of the IDX bytes this array was decoded from (header + payload)."""
    digest = hashlib.md5(idx.header(array))
    digest.update(np.ascontiguousarray(array, dtype=idx.file_dtype(array)).data)
    return digest.hexdigest()


def cache_path(path: Path) -> Path:
    """Cache file for a source file, keyed by its resolved path, size and mtime."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    return paths.cache_dir() / "idx" / f"{hashlib.sha256(key).hexdigest()[:24]}.npy"


SETTLED_NS = 2_000_000_000  # an entry is fingerprinted only once its file has not changed for this long


def fingerprint(stat: os.stat_result) -> str:
    """What changes whenever a file is written or replaced (see the module docstring)."""
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino} {stat.st_dev}"


def read_entry(cached: Path) -> tuple[np.ndarray, str] | None:
    """A cache entry's array and its MD5, or None when the entry is missing, cannot be read or no
    longer holds the MD5 it was written with (then it is rebuilt)."""
    try:
        with open(cached, "rb") as handle:
            stat = os.fstat(handle.fileno())  # of the very file the array is read from
            array = np.load(handle, allow_pickle=False)
        recorded = cached.with_suffix(".md5").read_text().strip()
    except (OSError, ValueError, EOFError):
        return None
    try:
        digest, _, stamp = cached.with_suffix(".verified").read_text().strip().partition(" ")
        if digest == recorded and stamp == fingerprint(stat):
            return array, digest
    except OSError:
        pass
    digest = official_md5(array)
    if digest != recorded:
        return None
    if stat.st_ctime_ns < time.time_ns() - SETTLED_NS:
        try:
            with atomic_open(cached.with_suffix(".verified"), "w") as handle:
                handle.write(f"{digest} {fingerprint(stat)}\n")
        except OSError:
            pass  # an unwritable cache only costs speed
    return array, digest


def read_cached(path: Path, use_cache: bool) -> tuple[np.ndarray, str]:
    """Decode an IDX file, through the .npy cache when allowed; return the array and its MD5.

    Each cache entry keeps the MD5 its array had when decoded (a .md5 file beside it); an entry
    whose array no longer has that MD5, or cannot be read, is rebuilt from the source file.
    """
    cached = cache_path(path) if use_cache else None
    if cached is not None and (entry := read_entry(cached)) is not None:
        return entry
    array = idx.read(path)
    digest = official_md5(array)
    if cached is not None:
        try:
            with atomic_open(cached, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
            with atomic_open(cached.with_suffix(".md5"), "w") as handle:
                handle.write(digest + "\n")
        except OSError:
            pass  # an unwritable cache only costs speed
    return array, digest


def validate(arrays: dict[str, np.ndarray], files: dict[str, Path], directory: Path) -> None:
    """Check shapes, counts and labels across the four files (`files`: key -> the file read)."""
    for key, array in arrays.items():
        want = 3 if key.endswith("images") else 1
        if array.ndim != want or array.dtype != np.uint8:
            raise DataError(f"{files[key]}: expected {want}-d uint8 data, found {array.ndim}-d {array.dtype}")
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):
            raise DataError(
                f"{files[f'{split}_labels']}: label/image count mismatch "
                f"({len(labels)} labels for {len(images)} images)"
            )
        if len(images) == 0:
            raise DataError(f"{files[f'{split}_images']}: holds no images")
        if 0 in images.shape[1:]:
            raise DataError(f"{files[f'{split}_images']}: images of size {images.shape[1:]} hold no pixels")
        bad = np.flatnonzero(labels >= CLASSES)
        if bad.size:
            raise DataError(f"{files[f'{split}_labels']}: label {int(labels[bad[0]])} at index {bad[0]} is not a "
                            f"class (labels must be 0-{CLASSES - 1}; {bad.size:,} bad in all)")
    if arrays["train_images"].shape[1:] != arrays["test_images"].shape[1:]:
        raise DataError(
            f"{directory}: train images are {arrays['train_images'].shape[1:]} but test images are "
            f"{arrays['test_images'].shape[1:]}"
        )


def require_mnist_shape(dataset: Dataset, what: str) -> None:
    """For code built for 28×28 digits (warps, jitter, the drawing canvas): refuse other sizes."""
    if dataset.image_shape != MNIST_SHAPE:
        h, w = dataset.image_shape
        raise DataError(f"{dataset.source}: {what} needs 28×28 images, this dataset has {h}×{w}")


def load_dataset(data_dir: str | os.PathLike | None = None, use_cache: bool = True) -> Dataset:
    """Load the bundled MNIST (verified against the official MD5s) or an MNIST-layout directory."""
    directory, bundled = resolve_dir(data_dir)
    arrays, checksums, files = {}, {}, {}
    for key, stem in FILES.items():
        path = files[key] = find_file(directory, stem)
        array, digest = read_cached(path, use_cache)
        if digest == MNIST_MD5[stem]:
            checksums[stem] = "ok"
        elif bundled:
            raise DataError(
                f"{path}: checksum mismatch (MD5 {digest}, expected {MNIST_MD5[stem]}); "
                "the bundled data is damaged, reinstall digits"
            )
        else:
            checksums[stem] = "differs from MNIST"
        arrays[key] = array
    validate(arrays, files, directory)
    for array in arrays.values():
        array.flags.writeable = False  # shared by every consumer; copy before changing
    return Dataset(source=str(directory), bundled=bundled, checksums=checksums, **arrays)
