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
from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from digits.imaging.render import RAMP, ascii_art, half_block_cells

GRAPHICS_MODES = ("sixel", "kitty")
IMAGE_ROWS_SMALL = 7
PLAIN = Style()  # line filters (e.g. NO_COLOR's monochrome) need a style on every segment


def half_resolution(image: np.ndarray) -> np.ndarray:
    """28×28 -> 14×14 by averaging 2×2 pixels (float in [0, 1])."""
    level = np.asarray(image, dtype=np.float32)
    if image.dtype == np.uint8:
        level = level / 255.0
    h, w = level.shape
    return level[: h - h % 2, : w - w % 2].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


@lru_cache(maxsize=65536)
def cell(upper: int, lower: int) -> Segment:
    """"▀" with the upper pixel's grey as foreground and the lower's as background (shared objects)."""
    style = Style(color=Color.from_rgb(upper, upper, upper), bgcolor=Color.from_rgb(lower, lower, lower))
    return Segment("▀", style)


def digit_strips(image: np.ndarray, mode: str, small: bool) -> list[Strip]:
    """The digit as one strip per terminal row: `blocks` (a half block per two pixels) or `ascii`
    (a character per two pixels). A segment per cell, from a cache: merging equal neighbours into
    runs cost more time than it saved the compositor."""
    level = half_resolution(image) if small else image
    if mode != "blocks":
        return [Strip([Segment(line, PLAIN)]) for line in ascii_art(level, stretch=1, rows_per_line=2, ramp=RAMP)]
    top, bottom = half_block_cells(level)
    # 64 grey levels (invisible steps) keep the styles to 4,096 pairs, all soon in the cache:
    # building Rich styles for new pairs was a third of the cost of a page of new digits.
    top, bottom = top | 3, bottom | 3
    return [Strip([cell(u, v) for u, v in zip(upper, lower)], len(upper))
            for upper, lower in zip(top.tolist(), bottom.tolist())]


def to_pil(image: np.ndarray):
    from PIL import Image

    level = np.asarray(image)
    if level.dtype != np.uint8:
        level = np.rint(np.clip(level, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(level, mode="L").convert("RGB")


class DigitImage(Widget):
    """A 28×28 digit; `small` halves it. Set `.image` to change what it shows, and `.caption`
    (Rich markup) for the `caption_lines` lines drawn under it."""

    image: reactive[np.ndarray | None] = reactive(None, always_update=True)

    def __init__(self, image: np.ndarray | None = None, small: bool = False, caption_lines: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.small = small
        self.caption_lines = caption_lines
        self.caption = ""
        self._caption_strips: list[Strip] | None = None
        self.add_class("small" if small else "large")
        self.set_reactive(DigitImage.image, image)
        self._graphic = None
        self._strips: list[Strip] | None = None

    def set_small(self, small: bool) -> None:
        self.small = small
        self._strips = None
        if self._graphic is not None:
            rows = IMAGE_ROWS_SMALL * (1 if small else 2)
            self._graphic.styles.width, self._graphic.styles.height = rows * 2, rows
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
            # The image fills the digit's cells (scaled), leaving the caption lines below it free.
            rows = IMAGE_ROWS_SMALL * (1 if self.small else 2)
            self._graphic.styles.width, self._graphic.styles.height = rows * 2, rows
            yield self._graphic

    def watch_image(self, image) -> None:
        if self._graphic is not None:
            self._graphic.image = to_pil(image) if image is not None else None
        self._strips = self._caption_strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._caption_strips = None  # captions carry the widget's colours (e.g. a mistake's)

    def caption_strip(self, line: int, width: int) -> Strip:
        if self._caption_strips is None:
            style = self.rich_style
            lines = Text.from_markup(self.caption, style=style).split("\n")
            # apply_style: every segment must carry a style (NO_COLOR's monochrome filter needs one)
            self._caption_strips = [Strip(list(text.render(self.app.console))).apply_style(style)
                                    .crop_extend(0, width, style) for text in lines]
        if line < len(self._caption_strips):
            return self._caption_strips[line]
        return Strip.blank(width, self.rich_style)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        rows = IMAGE_ROWS_SMALL if self.small else IMAGE_ROWS_SMALL * 2
        if y >= rows and self.caption_lines:
            return self.caption_strip(y - rows, width)
        if self._strips is None and self.image is not None and self.mode not in GRAPHICS_MODES:
            self._strips = digit_strips(self.image, self.mode, self.small)
        if not self._strips or y >= len(self._strips):
            return Strip.blank(width, PLAIN)
        strip = self._strips[y]
        # Strips are exactly the digit's width, which CSS gives the widget: no padding to compute.
        return strip if strip.cell_length == width else strip.crop_extend(0, width, PLAIN)
