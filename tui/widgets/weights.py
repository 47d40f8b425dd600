"""First-layer weights as pictures: a hidden unit's 784 input weights drawn as a 28×28 image.

Half blocks ("▀": foreground the upper pixel, background the lower) in a diverging palette, each
image scaled to its own ±max|w|: blue negative, black zero, orange positive. Under NO_COLOR the
palette is a grey ramp instead (black −, mid grey 0, white +): Textual's monochrome filter would
turn blue and black into nearly the same grey. `UnitGrid` shows many units at half resolution.
"""

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from digits.tui.widgets.digit import half_resolution

SIDE = 28
NEGATIVE = np.array([70, 150, 255])
POSITIVE = np.array([255, 140, 30])
THUMB = SIDE // 2  # half-resolution thumbnails: 14 columns × 7 rows
GAP = 1
SELECTED = Style(bold=True, reverse=True)


def legend(grey: bool) -> str:
    if grey:
        return "NO_COLOR: black −, grey 0, white +; each picture to its own largest |value|"
    return "blue −, black 0, orange +; each picture scaled to its own largest |value|"


def diverging(values: np.ndarray, grey: bool = False) -> np.ndarray:
    """(h, w) weights -> (h, w, 3) uint8 colours, symmetric about 0 with ±max|w| at full strength."""
    values = np.asarray(values, dtype=np.float64)
    scale = np.abs(values).max()
    t = values / scale if scale > 0 else np.zeros_like(values)
    if grey:
        return np.repeat(np.rint((t + 1) * 127.5)[..., None], 3, axis=2).astype(np.uint8)
    t = t[..., None]
    return np.rint(np.where(t < 0, -t * NEGATIVE, t * POSITIVE)).astype(np.uint8)


def half_blocks(rgb: np.ndarray) -> Text:
    """(h, w, 3) colours as rows of "▀" (two pixel rows per text row; an odd last row gets black)."""
    if len(rgb) % 2:
        rgb = np.concatenate([rgb, np.zeros((1, *rgb.shape[1:]), rgb.dtype)])
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple, Style] = {}
    for r in range(0, len(rgb), 2):
        if r:
            text.append("\n")
        for upper, lower in zip(map(tuple, rgb[r].tolist()), map(tuple, rgb[r + 1].tolist())):
            style = styles.get((upper, lower))
            if style is None:
                style = styles[upper, lower] = Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower))
            text.append("▀", style)
    return text


def unit_image(W: np.ndarray, unit: int) -> np.ndarray:
    """Column `unit` of a first layer W (784, hidden) as a 28×28 image."""
    return W[:, unit].reshape(SIDE, SIDE)


class WeightImage(Widget):
    """One unit's weights at full resolution (28×14 cells), or a one-line message instead."""

    DEFAULT_CSS = "WeightImage { width: 28; height: 14; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.weights: np.ndarray | None = None
        self.message = ""

    def show(self, weights: np.ndarray | None, message: str = "") -> None:
        self.weights, self.message = weights, message
        self.refresh()

    def render(self) -> Text:
        if self.weights is None:
            return Text(self.message, style="dim")
        return half_blocks(diverging(self.weights, self.app.no_color))


class UnitGrid(Widget):
    """The units of one first layer at half resolution, as many as fit; the page holding the
    selected unit is shown and the selected one is marked under its picture."""

    DEFAULT_CSS = "UnitGrid { height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.W: np.ndarray | None = None
        self.selected = 0

    def show(self, W: np.ndarray, selected: int) -> None:
        self.W, self.selected = W, selected
        self.refresh(layout=True)

    def columns(self, width: int | None = None) -> int:
        width = width if width is not None else (self.content_region.width or self.size.width)
        return max(1, (width + GAP) // (THUMB + GAP))

    def rows(self, width: int, height: int) -> int:
        """Rows of thumbnails: all units, or as many as fit in `height` lines (at least one)."""
        if self.W is None:
            return 0
        needed = -(-self.W.shape[1] // self.columns(width))
        return min(needed, max(1, height // (THUMB // 2 + 1)))

    def get_content_height(self, container, viewport, width: int) -> int:
        # fit one screenful: the viewport less the header, footer and this grid's title
        return self.rows(width, viewport.height - 3) * (THUMB // 2 + 1)

    def page(self) -> range:
        """The units shown now."""
        if self.W is None:
            return range(0)
        width = self.content_region.width or self.size.width
        per_page = self.columns(width) * max(1, self.size.height // (THUMB // 2 + 1))
        first = min(self.selected, self.W.shape[1] - 1) // per_page * per_page
        return range(first, min(first + per_page, self.W.shape[1]))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        units = self.page()
        if not units:
            return text
        grey, cols = self.app.no_color, self.columns()
        for start in range(units.start, units.stop, cols):
            row = list(range(start, min(start + cols, units.stop)))
            pictures = [half_blocks(diverging(half_resolution(unit_image(self.W, j)), grey)).split("\n")
                        for j in row]
            if start > units.start:
                text.append("\n")
            for line in range(THUMB // 2):
                for k, picture in enumerate(pictures):
                    text.append(" " * GAP if k else "")
                    text.append_text(picture[line])
                text.append("\n")
            for k, j in enumerate(row):
                text.append(" " * GAP if k else "")
                mine = j == self.selected
                text.append((f"▶ {j} ◀" if mine else str(j)).center(THUMB), SELECTED if mine else "dim")
        return text
