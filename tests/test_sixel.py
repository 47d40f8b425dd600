"""The Sixel encoder: its structure, pinned output, and a round trip through libsixel's decoder."""

import base64
import re
import shutil
import subprocess

import numpy as np
import pytest
from golden_files import check_golden

from digits.imaging import kitty, sixel


def body(encoded: str) -> str:
    """The pixel data after the header and palette."""
    return encoded[encoded.rindex("#15;2;100;100;100") + len("#15;2;100;100;100"):-2]


def test_header_palette_and_terminator():
    out = sixel.encode(np.zeros((7, 5), np.uint8))
    assert out.startswith('\x1bP0;1;0q"1;1;5;7#0;2;0;0;0#1;2;7;7;7') and out.endswith("\x1b\\")
    assert sixel.palette_percent()[::5] == [0, 33, 67, 100]
    # 7 rows = two bands; the second band's padding row is not drawn: only its top pixel (bit 1).
    assert body(out) == "#0!5~-#0!5@"


def test_bits_are_lsb_top_and_trailing_columns_are_trimmed():
    image = np.zeros((6, 10), np.float32)
    image[0, 0] = 1.0  # top pixel of the first column, white
    image[5, 2] = 1.0  # bottom pixel of the third column
    out = body(sixel.encode(image))
    black, white = out.split("$")
    assert white == "#15" + chr(63 + 1) + "?" + chr(63 + 32)  # no empty columns after the last white one
    assert black == "#0" + chr(63 + 62) + "~" + chr(63 + 31) + "!7~"


def test_transparent_pixels_are_not_painted():
    image = np.full((6, 4), np.nan, np.float32)
    image[:, 1] = 0.0
    assert body(sixel.encode(image)) == "#0?~"


def test_scale_repeats_pixels():
    image = np.eye(2, dtype=np.float32)
    index = sixel.quantise(image, scale=3)
    assert index.shape == (6, 6) and (index[:3, :3] == 15).all() and (index[:3, 3:] == 0).all()


def test_golden_digits(mnist):
    for i in (0, 1):
        check_golden(f"sixel_{i}.txt", sixel.encode(mnist.test_images[i]))
        check_golden(f"kitty_{i}.txt", kitty.encode(mnist.test_images[i]))


def test_kitty_chunks_and_transparency():
    image = np.full((40, 40), 0.5, np.float32)
    image[0, 0] = np.nan
    out = kitty.encode(image, scale=2)
    chunks = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", out)
    assert chunks[0][0] == "a=T,f=32,s=80,v=80,q=2,m=1" and chunks[-1][0] == "m=0"
    assert all(len(data) <= kitty.CHUNK for _, data in chunks)
    rgba = np.frombuffer(base64.b64decode("".join(d for _, d in chunks)), np.uint8).reshape(80, 80, 4)
    assert (rgba[:2, :2, 3] == 0).all() and (rgba[2:, 2:, 3] == 255).all() and (rgba[5, 5, :3] == 128).all()


@pytest.mark.skipif(shutil.which("sixel2png") is None,
                    reason="libsixel's sixel2png is not installed (apt-get install -y libsixel-bin)")
@pytest.mark.parametrize("scale", [1, 3])
def test_round_trip_through_libsixel(mnist, tmp_path, scale):
    from PIL import Image

    image = mnist.test_images[7]
    (tmp_path / "digit.six").write_text(sixel.encode(image, scale=scale), encoding="ascii")
    subprocess.run(["sixel2png", "-i", str(tmp_path / "digit.six"), "-o", str(tmp_path / "digit.png")], check=True)
    decoded = np.asarray(Image.open(tmp_path / "digit.png").convert("L"), dtype=np.float32)
    expected = np.repeat(np.repeat(image.astype(np.float32), scale, 0), scale, 1)
    assert decoded.shape == expected.shape
    # 16 greys: each pixel is within half a palette step (255/15/2 = 8.5) plus percent rounding.
    assert np.abs(decoded - expected).max() <= 10
