"""An encoder for the Kitty graphics protocol (kitty, Ghostty, WezTerm): a grey image as raw RGBA.

`ESC _G a=T,f=32,s=W,v=H,q=2,m=1;<base64> ESC \\` transmits and displays the pixels; payloads
longer than 4096 base64 bytes go in chunks, each `m=1` but the last (`m=0`). `q=2` asks the
terminal not to answer, so no reply can leak into the input as keystrokes.
"""

import base64

import numpy as np

from digits.imaging.render import grey_levels, upscale

APC, ST = "\x1b_G", "\x1b\\"
CHUNK = 4096


def encode(image, scale: int = 1, invert: bool = False) -> str:
    """The image as Kitty graphics commands; NaN pixels are transparent."""
    level = upscale(grey_levels(image), scale)
    if invert:
        level = 1.0 - level
    blank = np.isnan(level)
    grey = np.rint(np.where(blank, 0, level) * 255).astype(np.uint8)
    height, width = grey.shape
    rgba = np.empty((height, width, 4), np.uint8)
    rgba[..., :3] = grey[..., None]
    rgba[..., 3] = np.where(blank, 0, 255)
    payload = base64.standard_b64encode(rgba.tobytes()).decode("ascii")
    chunks = [payload[i:i + CHUNK] for i in range(0, len(payload), CHUNK)]
    out = []
    for i, chunk in enumerate(chunks):
        more = int(i < len(chunks) - 1)
        keys = f"a=T,f=32,s={width},v={height},q=2,m={more}" if i == 0 else f"m={more}"
        out.append(f"{APC}{keys};{chunk}{ST}")
    return "".join(out)
