"""IDX parsing: good files round-trip; every kind of corruption is a DataError naming the file."""

import gzip

import numpy as np
import pytest

from digits.core.data import idx
from digits.core.errors import DataError


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip(tmp_path, dtype, suffix):
    array = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / f"data{suffix}"
    idx.write(path, array)
    back = idx.read(path)
    assert back.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_header_layout_is_big_endian():
    data = idx.encode(np.zeros((2, 3), dtype=np.uint8))
    assert data[:4] == b"\x00\x00\x08\x02"
    assert data[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"
    assert len(data) == 12 + 6


def write_raw(tmp_path, data, name="bad-idx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data, message", [
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x07", "bad magic"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x07", "unknown IDX dtype code 0x07"),
    (b"\x00\x00\x08\x00", "zero dimensions"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x01", "header truncated"),
    (b"\x00\x00", "too short"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "truncated payload"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "trailing bytes"),
])
def test_corrupt_files_are_rejected(tmp_path, data, message):
    path = write_raw(tmp_path, data)
    with pytest.raises(DataError, match=message) as err:
        idx.read(path)
    assert str(path) in str(err.value)


def test_truncated_gzip(tmp_path):
    blob = gzip.compress(idx.encode(np.arange(1000, dtype=np.uint8)))
    path = write_raw(tmp_path, blob[: len(blob) // 2], "cut.gz")
    with pytest.raises(DataError, match="corrupt or truncated gzip"):
        idx.read(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        idx.read(tmp_path / "nope")
