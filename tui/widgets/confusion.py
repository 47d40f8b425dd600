"""Shaded matrices: a confusion matrix (true class × predicted class) and an agreement matrix.

A cell's background deepens with its value. Confusions shade by the rate within the true class's
row (diagonal green, errors orange, on a square-root scale so a 2% confusion still shows);
agreements shade linearly. The value is written in every cell as well (% of the row, or counts
when the cells are wide enough), because under NO_COLOR the shades collapse to greys.
"""

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

BASE = np.array([34, 34, 34])
CORRECT = np.array([56, 170, 80])
WRONG = np.array([240, 110, 30])
AGREE = np.array([60, 140, 230])
SHADES = " ░▒▓█"  # cells too narrow for a number
LABEL = 3  # row label "3* "
MARKED = Style(bold=True, reverse=True)
WIDEST = 10  # agreement cells: "100.0" and the short names ("untrained") fit


def cell_style(level: float, hue: np.ndarray) -> Style:
    """Background blended from BASE to `hue` by `level` in [0, 1]; text dark or light for contrast."""
    r, g, b = (BASE + (hue - BASE) * min(max(level, 0.0), 1.0)).round().astype(int).tolist()
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 110
    return Style(color="#101010" if light else "#e8e8e8", bgcolor=f"rgb({r},{g},{b})")


def cell(value: str, width: int) -> str:
    """`value` right-aligned with a trailing space as the separator; a value as wide as the cell
    may take that space (only ever next to small neighbours, e.g. 100% beside 0s)."""
    return value.rjust(width - 1) + " " if len(value) < width else value[:width]


def row_rates(counts: np.ndarray) -> np.ndarray:
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


class ConfusionGrid(Widget):
    """10×10 counts[true, predicted]; `show(counts, marked, counts_wanted)`. `numbers` says what
    the cells show at the current width: "%", "counts" or "shades"."""

    DEFAULT_CSS = "ConfusionGrid { height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.counts: np.ndarray | None = None
        self.marked: tuple[int, ...] = ()
        self.counts_wanted = False

    def show(self, counts: np.ndarray, marked: tuple[int, ...] = (), counts_wanted: bool = False) -> None:
        self.counts, self.marked, self.counts_wanted = np.asarray(counts), tuple(marked), counts_wanted
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 0 if self.counts is None else 1 + len(self.counts)

    def cell_width(self, width: int | None = None) -> int:
        width = width if width is not None else (self.content_region.width or self.size.width)
        return int(np.clip((width - LABEL) // 10, 2, 6))

    def numbers(self, width: int | None = None) -> str:
        cw = self.cell_width(width)
        if self.counts_wanted and self.counts is not None and len(str(int(self.counts.max()))) < cw:
            return "counts"
        return "%" if cw >= 3 else "shades"

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if self.counts is None:
            return text
        cw, numbers = self.cell_width(), self.numbers()
        rates = row_rates(self.counts)
        classes = len(self.counts)
        text.append("t\\p".ljust(LABEL), "dim")
        for p in range(classes):
            label = f"{p}{'*' if p in self.marked else ''}"
            text.append(cell(label, cw), MARKED if p in self.marked else "bold")
        for t in range(classes):
            text.append("\n")
            marked = t in self.marked
            text.append(f"{t}{'*' if marked else ' '}", MARKED if marked else "bold")
            text.append(" " * (LABEL - 2))
            for p in range(classes):
                count, rate = int(self.counts[t, p]), float(rates[t, p])
                if count == 0:
                    value = "·"
                elif numbers == "counts":
                    value = str(count)
                elif numbers == "%":
                    value = str(int(round(100 * rate)))
                else:
                    value = SHADES[min(int(np.ceil(rate * (len(SHADES) - 1))), len(SHADES) - 1)]
                text.append(cell(value, cw), cell_style(np.sqrt(rate), CORRECT if t == p else WRONG))
        return text


class AgreementGrid(Widget):
    """Fraction of inputs on which each pair of models predicts the same class;
    `show(names, matrix)` with matrix[i, j] in [0, 1]."""

    DEFAULT_CSS = "AgreementGrid { height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []
        self.matrix = np.zeros((0, 0))

    def show(self, names: list[str], matrix: np.ndarray) -> None:
        self.names, self.matrix = list(names), np.asarray(matrix, dtype=float)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + len(self.names) if self.names else 0

    def get_content_width(self, container, viewport) -> int:
        return self.label_width() + len(self.names) * WIDEST if self.names else 0

    def label_width(self) -> int:
        return max(len(n) for n in self.names) + 1

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if not self.names:
            return text
        width = self.content_region.width or self.size.width
        label = self.label_width()
        cw = int(np.clip((width - label) // len(self.names), 4, WIDEST))
        text.append(" " * label)
        for name in self.names:
            text.append(cell(name[: cw - 1], cw), "bold")
        for i, name in enumerate(self.names):
            text.append("\n")
            text.append(name.ljust(label), "bold")
            for j in range(len(self.names)):
                if i == j:
                    text.append(cell("—", cw), cell_style(0.0, AGREE))
                    continue
                value = self.matrix[i, j]
                shown = f"{100 * value:.1f}" if cw >= 6 else f"{100 * value:.0f}"
                text.append(cell(shown, cw), cell_style(value, AGREE))
        return text
