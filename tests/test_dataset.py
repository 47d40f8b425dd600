"""Loading the bundled MNIST and MNIST-layout directories, with checksums, cache and clear errors."""

import os

import numpy as np
import pytest
from conftest import make_idx_dir

from digits.core.data import dataset as ds
from digits.core.data import idx
from digits.core.errors import DataError


def test_bundled_mnist_is_verified(mnist):
    assert mnist.bundled and mnist.name == "MNIST (bundled)"
    assert set(mnist.checksums.values()) == {"ok"}
    assert mnist.train_images.shape == (60000, 28, 28) and mnist.train_images.dtype == np.uint8
    assert mnist.test_images.shape == (10000, 28, 28)
    assert np.bincount(mnist.train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist.train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert mnist.test_labels[:5].tolist() == [7, 2, 1, 0, 4]


def test_second_load_comes_from_the_cache(mnist, monkeypatch):
    cached = ds.cache_path(ds.find_file(ds.bundled_dir(), ds.FILES["train_images"]))
    np.testing.assert_array_equal(np.load(cached, allow_pickle=False), mnist.train_images)

    def no_decoding(path):
        raise AssertionError(f"{path} was decoded although it is cached")

    monkeypatch.setattr(ds.idx, "read", no_decoding)
    again = ds.load_dataset()
    np.testing.assert_array_equal(again.test_labels, mnist.test_labels)


def test_cache_entry_with_changed_contents_is_rebuilt_not_blamed_on_the_data(mnist):
    cached = ds.cache_path(ds.find_file(ds.bundled_dir(), ds.FILES["test_labels"]))
    labels = np.load(cached, allow_pickle=False)
    labels[0] = (labels[0] + 1) % 10
    np.save(cached, labels)
    again = ds.load_dataset()  # no checksum error: the damaged entry is re-decoded
    assert again.test_labels[0] == 7 and set(again.checksums.values()) == {"ok"}


def test_damaged_cache_entry_is_rebuilt(tiny_dir):
    first = ds.load_dataset(tiny_dir)
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["train_images"]))
    cached.write_bytes(b"garbage")
    again = ds.load_dataset(tiny_dir)
    np.testing.assert_array_equal(again.train_images, first.train_images)
    assert np.load(cached, allow_pickle=False).shape == first.train_images.shape


def test_data_dir_loads_without_checksum_enforcement(tiny_dir):
    data = ds.load_dataset(tiny_dir)
    assert not data.bundled and data.source == str(tiny_dir)
    assert set(data.checksums.values()) == {"differs from MNIST"}
    assert len(data.train_images) == 600 and data.num_classes == 10


def test_env_var_selects_data_dir(tiny_dir, monkeypatch):
    monkeypatch.setenv("DIGITS_DATA_DIR", str(tiny_dir))
    assert ds.load_dataset().source == str(tiny_dir)


def test_raw_files_work_too(tmp_path):
    make_idx_dir(tmp_path / "raw", gz=False)
    assert len(ds.load_dataset(tmp_path / "raw", use_cache=False).test_images) == 100


def test_missing_dir_and_file(tmp_path, tiny_dir):
    with pytest.raises(DataError, match="data directory not found"):
        ds.load_dataset(tmp_path / "absent")
    os.remove(tiny_dir / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte\[.gz\]: file not found"):
        ds.load_dataset(tiny_dir)


def test_label_image_count_mismatch(tiny_dir):
    idx.write(tiny_dir / "train-labels-idx1-ubyte.gz", np.zeros(599, dtype=np.uint8))
    with pytest.raises(DataError, match=r"label/image count mismatch \(599 labels for 600 images\)"):
        ds.load_dataset(tiny_dir)


def test_bad_magic_names_the_file(tiny_dir):
    (tiny_dir / "t10k-images-idx3-ubyte.gz").unlink()
    (tiny_dir / "t10k-images-idx3-ubyte").write_bytes(b"\x12\x34\x08\x03" + bytes(12))
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte: bad magic"):
        ds.load_dataset(tiny_dir, use_cache=False)


def test_bundled_checksum_mismatch_is_an_error(tmp_path, monkeypatch, mnist):
    """A damaged copy of the bundled files (one pixel changed) fails its MD5 check."""
    fake = tmp_path / "bundled"
    fake.mkdir()
    for key, stem in ds.FILES.items():
        idx.write(fake / stem, getattr(mnist, key))
    images = mnist.test_images.copy()
    images[0, 14, 14] ^= 1
    idx.write(fake / "t10k-images-idx3-ubyte", images)
    monkeypatch.setattr(ds, "bundled_dir", lambda: fake)
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte: checksum mismatch"):
        ds.load_dataset()


def test_arrays_are_read_only_on_every_path(tiny_dir):
    for data in (ds.load_dataset(tiny_dir, use_cache=False), ds.load_dataset(tiny_dir), ds.load_dataset(tiny_dir)):
        assert not data.train_images.flags.writeable and not data.test_labels.flags.writeable


def test_label_outside_the_classes_is_refused_with_file_index_and_value(tiny_dir):
    labels = ds.load_dataset(tiny_dir).test_labels.copy()
    labels[0], labels[7] = 200, 10
    idx.write(tiny_dir / "t10k-labels-idx1-ubyte.gz", labels)
    with pytest.raises(DataError) as caught:
        ds.load_dataset(tiny_dir)
    message = str(caught.value)
    assert message.startswith(str(tiny_dir / "t10k-labels-idx1-ubyte.gz"))
    assert "label 200 at index 0 is not a class (labels must be 0-9; 2 bad in all)" in message


def test_every_label_0_to_9_loads_and_the_class_count_is_the_networks(tiny_dir):
    labels = ds.load_dataset(tiny_dir).train_labels.copy()
    labels[labels == 9] = 3  # a dataset without 9s still has ten classes: the networks have ten outputs
    idx.write(tiny_dir / "train-labels-idx1-ubyte.gz", labels)
    idx.write(tiny_dir / "t10k-labels-idx1-ubyte.gz", np.zeros(100, np.uint8))
    assert ds.load_dataset(tiny_dir).num_classes == 10


def test_images_of_another_size_are_refused_where_28_by_28_is_needed(tmp_path):
    from digits.core.tasks import get_task

    make_idx_dir(tmp_path / "d")
    for stem, n in (("train-images-idx3-ubyte.gz", 600), ("t10k-images-idx3-ubyte.gz", 100)):
        idx.write(tmp_path / "d" / stem, np.zeros((n, 20, 20), np.uint8))
    data = ds.load_dataset(tmp_path / "d")
    assert data.image_shape == (20, 20)
    get_task("baseline").Config.build({}).validate_data(data)  # a plain MLP takes any size
    for task, message in (("deep-mlp", "deep-mlp's warps"), ("distill", "distill's translation jitter")):
        with pytest.raises(DataError, match=rf"{message} .* needs 28×28 images, this dataset has 20×20"):
            get_task(task).Config.build({"train_size": 500, "batch_size": 50}).validate_data(data)
    get_task("deep-mlp").Config.build({"augment": False, "train_size": 500, "batch_size": 50}).validate_data(data)


def test_images_without_pixels_are_refused(tmp_path):
    make_idx_dir(tmp_path / "d")
    idx.write(tmp_path / "d" / "train-images-idx3-ubyte.gz", np.zeros((600, 0, 28), np.uint8))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz: images of size \(0, 28\) hold no pixels"):
        ds.load_dataset(tmp_path / "d")
