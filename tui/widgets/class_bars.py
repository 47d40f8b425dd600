"""`ClassBars`: per-class accuracy of one or two models as horizontal bars, class by class.

One row per digit class; each model gets a bar (eighth-block resolution, so small differences
show) and its percentage, and with two models the difference. Marked classes (a distill
student's unseen digits) get a `*` beside the class and a highlighted label, not colour alone.
Bars stretch with the widget's width.
"""

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉"
LABEL = 6  # "  3*  "
NUMBER = 7  # " 100.0%"
DELTA = 8  # "  +12.3"
GAP = 2
LONGEST = 40  # bars longer than this only spread the numbers apart
TRACK = Style(color="#7fb2e5", bgcolor="#2a2a2a")
MARKED_TRACK = Style(color="#f0a030", bgcolor="#2a2a2a")  # a marked class's bars (its label says so too)
MARKED = Style(bold=True, reverse=True)


def bar(fraction: float, width: int) -> str:
    """A bar of `width` cells filled to `fraction` in eighths of a cell."""
    eighths = int(round(min(max(fraction, 0.0), 1.0) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


class ClassBars(Widget):
    """Per-class accuracy bars; `show(names, accuracy (models, classes), marked classes)`."""

    DEFAULT_CSS = "ClassBars { height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names: list[str] = []
        self.accuracy = np.zeros((0, 10))
        self.marked: tuple[int, ...] = ()

    def show(self, names: list[str], accuracy: np.ndarray, marked: tuple[int, ...] = ()) -> None:
        self.names, self.accuracy, self.marked = list(names), np.asarray(accuracy, dtype=float), tuple(marked)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + self.accuracy.shape[1] if self.names else 0

    def bar_width(self, width: int) -> int:
        models = len(self.names)
        fixed = LABEL + models * (NUMBER + GAP) + (DELTA if models == 2 else 0)
        return int(np.clip((width - fixed) // max(models, 1), 4, LONGEST))

    def render(self) -> Text:
        if not self.names:
            return Text()
        width = self.bar_width(self.content_region.width or self.size.width)
        text = Text(no_wrap=True, overflow="crop")
        text.append("class".ljust(LABEL))
        for name in self.names:
            text.append(name[: width + NUMBER].ljust(width + NUMBER + GAP), "bold")
        if len(self.names) == 2:
            text.append("Δ pts".rjust(DELTA), "bold")
        for c in range(self.accuracy.shape[1]):
            text.append("\n")
            marked = c in self.marked
            text.append(f"{c:>3}{'*' if marked else ' '}", MARKED if marked else "")
            text.append(" " * (LABEL - 4))
            for acc in self.accuracy[:, c]:
                text.append(bar(acc, width), MARKED_TRACK if marked else TRACK)
                text.append(f"{acc:>7.1%}".rjust(NUMBER) + " " * GAP)
            if len(self.names) == 2:
                delta = 100 * (self.accuracy[1, c] - self.accuracy[0, c])
                text.append(f"{delta:+{DELTA}.1f}", "dim" if abs(delta) < 0.05 else "")
        return text
