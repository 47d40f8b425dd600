"""The fixed start-up cost stays cut: what `digits` imports before it needs it, and the dataset
cache's MD5 record (the timings themselves are in benchmarks/startup.py, not here)."""

import time

import numpy as np
import pytest

from digits.core.data import dataset as ds


@pytest.fixture
def settled(monkeypatch):
    """Entries settle 50 ms after their last change (2 s in use); returns a wait until they have."""
    monkeypatch.setattr(ds, "SETTLED_NS", 50_000_000)
    return lambda: time.sleep(0.1)


def no_md5(array):
    raise AssertionError("the MD5 was recomputed although the entry is recorded unchanged")


def test_recorded_entry_is_not_hashed_again(tiny_dir, settled, monkeypatch):
    first = ds.load_dataset(tiny_dir)  # decodes and writes the entries
    settled()
    second = ds.load_dataset(tiny_dir)  # hashes them and records them
    assert ds.cache_path(ds.find_file(tiny_dir, ds.FILES["train_images"])).with_suffix(".verified").is_file()
    monkeypatch.setattr(ds, "official_md5", no_md5)
    third = ds.load_dataset(tiny_dir)
    assert third.checksums == second.checksums == first.checksums
    for key in ds.FILES:
        np.testing.assert_array_equal(getattr(third, key), getattr(first, key))


def test_bundled_checksums_come_from_the_record(mnist, settled, monkeypatch):
    settled()
    ds.load_dataset()  # records the session's entries
    monkeypatch.setattr(ds, "official_md5", no_md5)
    assert set(ds.load_dataset().checksums.values()) == {"ok"}


def test_entry_changed_after_its_record_is_hashed_and_rebuilt(tiny_dir, settled):
    first = ds.load_dataset(tiny_dir)
    settled()
    ds.load_dataset(tiny_dir)
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["test_labels"]))
    labels = np.load(cached, allow_pickle=False)
    labels[0] = (labels[0] + 1) % 10
    np.save(cached, labels)  # in place: same size, same inode
    again = ds.load_dataset(tiny_dir)
    np.testing.assert_array_equal(again.test_labels, first.test_labels)


def test_record_of_another_md5_is_not_trusted(tiny_dir, settled, monkeypatch):
    ds.load_dataset(tiny_dir)
    settled()
    ds.load_dataset(tiny_dir)
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["test_labels"]))
    record = cached.with_suffix(".verified")
    record.write_text("0" * 32 + record.read_text()[32:])
    calls = []
    monkeypatch.setattr(ds, "official_md5", lambda a, real=ds.official_md5: calls.append(1) or real(a))
    ds.load_dataset(tiny_dir)
    assert calls  # the forged record was ignored and the entry hashed


def test_recent_entry_is_not_recorded(tiny_dir):
    ds.load_dataset(tiny_dir)
    ds.load_dataset(tiny_dir)  # within SETTLED_NS of the write: hashed, not recorded
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["train_images"]))
    assert cached.is_file() and not cached.with_suffix(".verified").exists()
