"""Text rendering of digits: ASCII and half blocks."""

import io

import numpy as np
import pytest
from golden_files import check_golden

from digits.imaging.render import RAMP, ascii_art, grey_levels, half_block_cells


def test_one_character_per_pixel_with_stretch():
    image = np.zeros((28, 28), dtype=np.uint8)
    lines = ascii_art(image, stretch=2)
    assert len(lines) == 28 and all(len(line) == 56 for line in lines)
    assert set("".join(ascii_art(image, stretch=1))) == {" "}


def test_ramp_maps_intensity_and_invert_flips_it():
    image = np.linspace(0, 255, 10).astype(np.uint8).reshape(1, 10).repeat(10, axis=0)
    (first, *_) = ascii_art(image, stretch=1)
    assert first == RAMP and len(set(RAMP)) >= 10
    assert ascii_art(image, stretch=1, invert=True)[0] == RAMP[::-1]


def test_accepts_floats_lists_and_flat_images_and_crops():
    image = np.zeros((28, 28), dtype=np.float32)
    image[10, 12] = 1.0
    as_list = ascii_art(image.astype(np.uint8).tolist(), stretch=1)  # JSON events carry nested lists
    assert ascii_art((image * 255).astype(np.uint8).ravel(), stretch=1)[10][12] == "@"
    assert ascii_art(image, stretch=1)[10][12] == "@" and as_list[10][12] == " "
    cropped = ascii_art(image, stretch=1, crop=4)
    assert len(cropped) == 20 and cropped[6][8] == "@"


def test_half_blocks_pair_rows_and_pad_an_odd_last_row():
    image = np.arange(9, dtype=np.float32).reshape(3, 3) / 8
    top, bottom = half_block_cells(image)
    assert top.shape == bottom.shape == (2, 3)
    assert top[0].tolist() == [0, 32, 64] and bottom[0].tolist() == [96, 128, 159]
    assert bottom[1].tolist() == [0, 0, 0]  # padding is black, white when inverted
    assert half_block_cells(image, invert=True)[1][1].tolist() == [255, 255, 255]
    assert half_block_cells(image, scale=2)[0].shape == (3, 6)


def test_grey_levels_refuses_what_is_not_an_image():
    with pytest.raises(ValueError, match="not square"):
        grey_levels(np.zeros(10))
    with pytest.raises(ValueError, match="scale"):
        ascii_art(np.zeros((4, 4)), scale=0)


def test_golden_ascii_and_blocks(mnist):
    from rich.console import Console

    from digits.commands.drawing import blocks_text
    for i in (0, 1):
        image = mnist.test_images[i]
        check_golden(f"ascii_{i}.txt", "\n".join(ascii_art(image)) + "\n")
        check_golden(f"ascii_{i}_inverted.txt", "\n".join(ascii_art(image, invert=True, stretch=1)) + "\n")
        # Truecolor only: Rich caches combined styles per process, so a second colour system in the
        # same process would reuse the first one's codes. 256 colours are checked in tmux.
        console = Console(color_system="truecolor", force_terminal=True, width=80, no_color=False,
                          file=io.StringIO(), legacy_windows=False)
        console.print(blocks_text(image))
        check_golden(f"blocks_{i}.txt", console.file.getvalue())
