"""`DigitImage`: one digit drawn with the app's render mode (half blocks, ASCII, or Sixel/Kitty).

Text modes draw straight into Textual strips (the line API): building Rich text and converting
it made a page of 18 digits cost ~55 ms, too slow for paging. Small digits are shown at half
resolution (14×14 pixels, i.e. 14 columns × 7 rows of half blocks) so a grid fits many on an
80×24 terminal. Graphics modes hand a PIL image to textual-image (imported only when the terminal
has graphics).
"""

from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from digits.core.render import RAMP, ascii_art, half_block_cells

GRAPHICS_MODES = ("sixel", "kitty")
PLAIN = Style()  # line filters (e.g. NO_COLOR's monochrome) need a style on every segment


def half_resolution(image: np.ndarray) -> np.ndarray:
    """28×28 -> 14×14 by averaging 2×2 pixels (float in [0, 1])."""
    level = np.asarray(image, dtype=np.float32)
    if image.dtype == np.uint8:
        level = level / 255.0
    h, w = level.shape
    return level[: h - h % 2, : w - w % 2].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


@lru_cache(maxsize=65536)
def cell_style(upper: int, lower: int) -> Style:
    return Style(color=Color.from_rgb(upper, upper, upper), bgcolor=Color.from_rgb(lower, lower, lower))


def digit_strips(image: np.ndarray, mode: str, small: bool) -> list[Strip]:
    """The digit as one strip per terminal row: `blocks` ("▀", upper pixel as foreground, lower as
    background; runs of equal cells share a segment) or `ascii` (a character per two pixels)."""
    level = half_resolution(image) if small else image
    if mode != "blocks":
        return [Strip([Segment(line, PLAIN)]) for line in ascii_art(level, stretch=1, rows_per_line=2, ramp=RAMP)]
    top, bottom = half_block_cells(level)
    strips = []
    for upper_row, lower_row in zip(top.tolist(), bottom.tolist()):
        segments, start = [], 0
        for c in range(1, len(upper_row) + 1):
            if c < len(upper_row) and upper_row[c] == upper_row[start] and lower_row[c] == lower_row[start]:
                continue
            segments.append(Segment("▀" * (c - start), cell_style(upper_row[start], lower_row[start])))
            start = c
        strips.append(Strip(segments, len(upper_row)))
    return strips


def to_pil(image: np.ndarray):
    from PIL import Image

    level = np.asarray(image)
    if level.dtype != np.uint8:
        level = np.rint(np.clip(level, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(level, mode="L").convert("RGB")


class DigitImage(Widget):
    """A 28×28 digit; `small` halves it. Set `.image` to change what it shows."""

    image: reactive[np.ndarray | None] = reactive(None, always_update=True)

    def __init__(self, image: np.ndarray | None = None, small: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.small = small
        self.add_class("small" if small else "large")
        self.set_reactive(DigitImage.image, image)
        self._graphic = None
        self._strips: list[Strip] | None = None

    def set_small(self, small: bool) -> None:
        self.small = small
        self._strips = None
        self.set_class(small, "small")
        self.set_class(not small, "large")
        self.refresh(layout=True)

    @property
    def mode(self) -> str:
        return getattr(self.app, "render_mode", "blocks")

    def compose(self) -> ComposeResult:
        if self.mode in GRAPHICS_MODES:
            from textual_image.widget import SixelImage, TGPImage

            widget_cls = SixelImage if self.mode == "sixel" else TGPImage
            self._graphic = widget_cls(to_pil(self.image) if self.image is not None else None)
            yield self._graphic

    def watch_image(self, image) -> None:
        if self._graphic is not None:
            self._graphic.image = to_pil(image) if image is not None else None
        self._strips = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._strips is None and self.image is not None and self.mode not in GRAPHICS_MODES:
            self._strips = digit_strips(self.image, self.mode, self.small)
        if not self._strips or y >= len(self._strips):
            return Strip.blank(width, PLAIN)
        strip = self._strips[y]
        # Strips are exactly the digit's width, which CSS gives the widget: no padding to compute.
        return strip if strip.cell_length == width else strip.crop_extend(0, width, PLAIN)
