"""ASCII rendering of digits."""

import numpy as np

from digits.core.render import RAMP, ascii_art


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
