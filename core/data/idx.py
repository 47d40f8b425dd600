"""Reading and writing IDX files (the MNIST file format), raw or gzip-compressed.

Layout: two zero bytes, a dtype code, the number of dimensions, then each dimension as a
big-endian uint32, then the payload in C order.
"""

import gzip
import struct
from pathlib import Path

import numpy as np

from digits.core.errors import DataError

DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
CODES = {dtype.newbyteorder(">") if dtype.itemsize > 1 else dtype: code for code, dtype in DTYPES.items()}


def read_bytes(path: Path) -> bytes:
    """The decompressed bytes of an IDX file (gzip is detected by its magic, not its name)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"{path}: corrupt or truncated gzip data ({exc})") from None
    return raw


def parse_header(data: bytes, name: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """Validate an IDX header; return (dtype, shape, payload offset)."""
    if len(data) < 4:
        raise DataError(f"{name}: too short to be an IDX file ({len(data)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0:
        raise DataError(f"{name}: bad magic number 0x{data[:4].hex()} (not an IDX file)")
    if code not in DTYPES:
        raise DataError(f"{name}: unknown IDX dtype code 0x{code:02x}")
    if ndim == 0:
        raise DataError(f"{name}: IDX header declares zero dimensions")
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise DataError(f"{name}: header truncated (needs {offset} bytes, has {len(data)})")
    shape = struct.unpack(f">{ndim}I", data[4:offset])
    return DTYPES[code], shape, offset


def parse(data: bytes, name: str = "<idx>") -> np.ndarray:
    """Decode IDX bytes into an array, checking that the payload length matches the header."""
    dtype, shape, offset = parse_header(data, name)
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - offset
    if actual != expected:
        what = "truncated payload" if actual < expected else "trailing bytes after payload"
        raise DataError(f"{name}: {what} (header {shape} needs {expected} bytes, file has {actual})")
    array = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=offset)
    return array.reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def read(path: Path) -> np.ndarray:
    """Read an IDX file (raw or .gz) into an array in native byte order."""
    return parse(read_bytes(path), str(path))


def file_dtype(array: np.ndarray) -> np.dtype:
    """The big-endian dtype an array is stored with in IDX."""
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    if dtype not in CODES:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    return dtype


def header(array: np.ndarray) -> bytes:
    """The IDX header of an array: magic (zero bytes, dtype code, ndim) and dimensions."""
    code = CODES[file_dtype(array)]
    return struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)


def encode(array: np.ndarray) -> bytes:
    """The IDX bytes of an array (used to write test fixtures and exported data)."""
    return header(array) + np.ascontiguousarray(array, dtype=file_dtype(array)).tobytes()


def write(path: Path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write an array as an IDX file; gzip-compressed when the name ends in .gz."""
    data = encode(array)
    path = Path(path)
    if compress is None:
        compress = path.suffix == ".gz"
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
