"""Drawing digits as text. Pure functions of an image array; no terminal or global state."""

import numpy as np

RAMP = " .:-=+*#%@"  # light to dense; dense = ink on a dark terminal


def ascii_art(image, invert: bool = False, stretch: int = 2, crop: int = 0, ramp: str = RAMP,
              rows_per_line: int = 1) -> list[str]:
    """A square image (float in [0, 1], or integers 0-255) as lines of characters, one per pixel.

    `stretch` repeats each character horizontally (terminal cells are about twice as tall as
    wide); `crop` trims that many pixels from every side; `invert` is for light backgrounds.
    `rows_per_line=2` with `stretch=1` is a compact square-looking form: each character shows the
    mean of two pixels stacked vertically.
    """
    img = np.asarray(image)
    if img.ndim == 1:
        side = int(round(np.sqrt(img.size)))
        img = img.reshape(side, side)
    level = img.astype(np.float32)
    if img.dtype.kind in "iu":
        level /= 255.0
    if crop:
        level = level[crop:-crop, crop:-crop]
    if rows_per_line > 1:
        rows = level.shape[0] - level.shape[0] % rows_per_line
        level = level[:rows].reshape(rows // rows_per_line, rows_per_line, -1).mean(axis=1)
    level = np.clip(level, 0.0, 1.0)
    if invert:
        level = 1.0 - level
    index = np.minimum((level * len(ramp)).astype(int), len(ramp) - 1)
    chars = np.array(list(ramp))[index]
    return ["".join(row.repeat(stretch)) for row in chars]
