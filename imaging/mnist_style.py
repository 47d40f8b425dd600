"""Hand-drawn digits made to look like MNIST: a soft round brush, and MNIST's own preprocessing.

MNIST's digits were cropped to their ink, scaled (aspect kept, anti-aliased) so the longer side
is 20 pixels, and pasted into a 28×28 frame with their centre of mass at pixel (14, 14). A digit
drawn on a 28×28 canvas goes through the same steps before a model sees it, so that where and
how large it was drawn matters as little as it did for the training digits.

Coordinates: pixel (row r, column c) covers [c, c+1) × [r, r+1), so its centre is (c+0.5, r+0.5);
brush positions are (x, y) = (column, row) in these units and may be fractional.
"""

import math

import numpy as np

SIDE = 28  # the frame
BOX = 20  # the longer side of the ink after scaling
CENTRE = 14.0  # where the centre of mass lands (pixel indices; MNIST's digits average (14.0, 14.0))
INK = 0.05  # fainter than this is a brush's soft edge, not ink that sets the digit's box
BRUSH = 1.5  # radius in pixels: strokes about 3 px wide with a soft edge, like MNIST's pen


def line(canvas: np.ndarray, x0: float, y0: float, x1: float, y1: float, radius: float = BRUSH) -> np.ndarray:
    """Paint a round-ended stroke from (x0, y0) to (x1, y1) into `canvas` (in place; also returned).

    A pixel's ink is 1 within radius - 0.5 of the segment, falling linearly to 0 at radius + 0.5
    (an anti-aliased edge). Ink is max-combined, so painting over a stroke never darkens past 1
    and a stroke's overlapping pieces do not add up. The exact distance to the segment leaves no
    gaps however far apart the two points are.
    """
    h, w = canvas.shape
    reach = radius + 0.5
    c0, c1 = max(0, math.floor(min(x0, x1) - reach)), min(w, math.ceil(max(x0, x1) + reach))
    r0, r1 = max(0, math.floor(min(y0, y1) - reach)), min(h, math.ceil(max(y0, y1) + reach))
    if c0 >= c1 or r0 >= r1:
        return canvas
    px = np.arange(c0, c1, dtype=np.float32)[None, :] + np.float32(0.5 - x0)
    py = np.arange(r0, r1, dtype=np.float32)[:, None] + np.float32(0.5 - y0)
    dx, dy = np.float32(x1 - x0), np.float32(y1 - y0)
    length2 = dx * dx + dy * dy
    t = np.clip((px * dx + py * dy) / length2, 0, 1) if length2 > 0 else np.float32(0)
    dist = np.hypot(px - t * dx, py - t * dy)
    ink = np.clip(np.float32(reach) - dist, 0, 1).astype(canvas.dtype)
    window = canvas[r0:r1, c0:c1]
    np.maximum(window, ink, out=window)
    return canvas


def stamp(canvas: np.ndarray, x: float, y: float, radius: float = BRUSH) -> np.ndarray:
    """Paint one dab of the round brush centred at (x, y) (in place; also returned)."""
    return line(canvas, x, y, x, y, radius)


def resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights resampling a row of n_in pixels to n_out pixels.

    A triangle (linear) filter: plain linear interpolation when enlarging; when shrinking it is
    widened to cover every input pixel (anti-aliasing, as an area average would), so thin strokes
    turn grey instead of vanishing between samples.
    """
    scale = n_out / n_in
    support = max(1.0, 1.0 / scale)
    centres = (np.arange(n_out, dtype=np.float32) + 0.5) / np.float32(scale) - 0.5  # in input pixel indices
    dist = np.abs(np.arange(n_in, dtype=np.float32)[None, :] - centres[:, None]) / np.float32(support)
    weights = np.maximum(0, 1 - dist)
    return weights / weights.sum(axis=1, keepdims=True)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass in pixel indices."""
    total = image.sum()
    rows, cols = image.sum(axis=1), image.sum(axis=0)
    return (float(rows @ np.arange(len(rows), dtype=np.float32) / total),
            float(cols @ np.arange(len(cols), dtype=np.float32) / total))


def preprocess(canvas: np.ndarray) -> np.ndarray:
    """A drawn image (float in [0, 1]) as an MNIST digit: 28×28 float32 in [0, 1].

    Cropped to the ink's bounding box, scaled so its longer side is 20 px, placed with its centre
    of mass at (14, 14) by a whole-pixel shift (as MNIST did, keeping the strokes sharp). A digit
    whose mass sits so far off-centre that the shift would push ink out of the frame is kept whole
    instead, as near the centre as it fits. No ink gives zeros.
    """
    level = np.clip(np.asarray(canvas, dtype=np.float32), 0, 1)
    out = np.zeros((SIDE, SIDE), np.float32)
    ink_rows, ink_cols = np.flatnonzero((level > INK).any(axis=1)), np.flatnonzero((level > INK).any(axis=0))
    if not len(ink_rows):
        return out
    crop = level[ink_rows[0]:ink_rows[-1] + 1, ink_cols[0]:ink_cols[-1] + 1]
    h, w = crop.shape
    factor = BOX / max(h, w)
    nh, nw = max(1, round(h * factor)), max(1, round(w * factor))
    scaled = np.clip(resample_matrix(h, nh) @ crop @ resample_matrix(w, nw).T, 0, 1)
    cy, cx = centre_of_mass(scaled)
    top = min(max(round(CENTRE - cy), 0), SIDE - nh)
    left = min(max(round(CENTRE - cx), 0), SIDE - nw)
    out[top:top + nh, left:left + nw] = scaled
    return out
