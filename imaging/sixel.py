"""A Sixel encoder for grey images: real pixels in terminals that speak DEC Sixel (xterm -ti vt340,
foot, WezTerm, mlterm, ...).

The format (VT330/340 manual): `ESC P 0;1;0 q` opens the image (aspect 0 = 2:1 default, overridden
by the raster attributes; 1 = pixels not drawn keep the background), `"1;1;W;H` declares a 1:1
pixel aspect and the size, `#n;2;r;g;b` defines palette entry n in RGB percent and `#n` selects
it. Pixels are sent in bands of 6 rows: one character per column, chr(63 + bits) with bit 0 the
top row; within a band each colour is painted in turn, `$` returning to the band's start and
`-` moving to the next band. `!n c` repeats c n times. `ESC \\` ends the image.
"""

import numpy as np

from digits.imaging.render import grey_levels, upscale

DCS, ST = "\x1bP", "\x1b\\"
LEVELS = 16  # palette size: 16 greys keep MNIST's strokes smooth and the output small


def quantise(image, scale: int = 1, levels: int = LEVELS, invert: bool = False) -> np.ndarray:
    """Palette indices (0 = black … levels-1 = white) of the scaled image; NaN pixels get -1."""
    level = upscale(grey_levels(image), scale)
    if invert:
        level = 1.0 - level
    blank = np.isnan(level)
    index = np.rint(np.where(blank, 0, level) * (levels - 1)).astype(np.int16)
    index[blank] = -1
    return index


def palette_percent(levels: int = LEVELS) -> list[int]:
    """The grey of each palette entry in percent (what `#n;2;p;p;p` sends)."""
    return [round(100 * n / (levels - 1)) for n in range(levels)]


def _run_length(codes: np.ndarray) -> str:
    """Sixel characters for one colour's row of a band, runs of 4 or more as `!n c`."""
    change = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate([[0], change])
    lengths = np.diff(np.concatenate([starts, [len(codes)]]))
    out = []
    for start, length in zip(starts.tolist(), lengths.tolist()):
        char = chr(63 + int(codes[start]))
        out.append(f"!{length}{char}" if length >= 4 else char * length)
    return "".join(out)


def encode(image, scale: int = 1, levels: int = LEVELS, invert: bool = False) -> str:
    """The image (float in [0, 1] or 0-255, any size) as one Sixel string. Every pixel is painted
    except NaN ones, which keep the terminal's background (e.g. the gaps of a gallery row)."""
    index = quantise(image, scale, levels, invert)
    height, width = index.shape
    pad = -height % 6
    # Padding rows get index -1 too: they match no colour, so nothing is drawn there.
    padded = np.vstack([index, np.full((pad, width), -1, np.int16)])
    bands = padded.reshape(-1, 6, width)  # (band, row within band, column)
    weights = (1 << np.arange(6)).reshape(6, 1)
    parts = [f'{DCS}0;1;0q"1;1;{width};{height}']
    parts += [f"#{n};2;{p};{p};{p}" for n, p in enumerate(palette_percent(levels))]
    for b, band in enumerate(bands):
        painted = []
        for colour in np.unique(band[band >= 0]).tolist():
            bits = ((band == colour) * weights).sum(axis=0)  # one 6-bit mask per column
            last = int(np.flatnonzero(bits)[-1]) + 1  # trailing empty columns are not sent
            painted.append(f"#{colour}" + _run_length(bits[:last]))
        parts.append("$".join(painted))
        if b < len(bands) - 1:
            parts.append("-")
    parts.append(ST)
    return "".join(parts)
