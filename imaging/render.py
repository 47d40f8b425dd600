"""Drawing digits as text: ASCII characters and Unicode half-block cells.

Pure functions of an image array (float in [0, 1] or integers 0-255, square or flat); no terminal
or global state. The graphics encoders live in `imaging/sixel.py` and `imaging/kitty.py`.
"""

import numpy as np

RAMP = " .:-=+*#%@"  # light to dense; dense = ink on a dark terminal


def grey_levels(image) -> np.ndarray:
    """An image as a 2-D float32 array in [0, 1]: integers are read as 0-255, a flat array as a square."""
    img = np.asarray(image)
    if img.ndim == 1:
        side = int(round(np.sqrt(img.size)))
        if side * side != img.size:
            raise ValueError(f"a flat image of {img.size} pixels is not square")
        img = img.reshape(side, side)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {img.shape}")
    level = img.astype(np.float32)
    if img.dtype.kind in "iub":
        level /= np.float32(255.0)
    return np.clip(level, 0.0, 1.0)


def upscale(level: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel repeated scale × scale times."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    return level if scale == 1 else np.repeat(np.repeat(level, scale, axis=0), scale, axis=1)


def ascii_art(image, invert: bool = False, stretch: int = 2, crop: int = 0, ramp: str = RAMP,
              rows_per_line: int = 1, scale: int = 1) -> list[str]:
    """A square image as lines of characters, one per pixel (after `scale`).

    `stretch` repeats each character horizontally (terminal cells are about twice as tall as
    wide); `crop` trims that many pixels from every side; `invert` is for light backgrounds.
    `rows_per_line=2` with `stretch=1` is a compact square-looking form: each character shows the
    mean of two pixels stacked vertically.
    """
    level = grey_levels(image)
    if crop:
        level = level[crop:-crop, crop:-crop]
    level = upscale(level, scale)
    if rows_per_line > 1:
        rows = level.shape[0] - level.shape[0] % rows_per_line
        level = level[:rows].reshape(rows // rows_per_line, rows_per_line, -1).mean(axis=1)
    if invert:
        level = 1.0 - level
    index = np.minimum((level * len(ramp)).astype(int), len(ramp) - 1)
    chars = np.array(list(ramp))[index]
    return ["".join(row.repeat(stretch)) for row in chars]


def half_block_cells(image, scale: int = 1, invert: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Grey values 0-255 (uint8) of the upper and lower pixel of each character cell.

    A cell drawn as "▀" with the upper grey as foreground and the lower as background shows two
    square-ish pixels; an odd last row gets a black (white with `invert`) lower half.
    """
    level = upscale(grey_levels(image), scale)
    if invert:
        level = 1.0 - level
    grey = np.rint(level * 255).astype(np.uint8)
    if len(grey) % 2:
        grey = np.vstack([grey, np.full((1, grey.shape[1]), 255 if invert else 0, np.uint8)])
    return grey[0::2], grey[1::2]
