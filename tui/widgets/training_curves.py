"""`TrainingCurves`: loss and test accuracy per epoch, side by side, every phase of the run.

The x axis counts epochs across the run (a student's first epoch follows the teacher's last), so
phases sit one after the other; each phase's points carry its marker, so they stay apart in
monochrome too.
"""

import math

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.strip import Strip
from textual.widgets import Label
from textual_hires_canvas import Canvas
from textual_plot import HiResMode, PlotWidget
from textual_plot.plot_widget import Legend

from digits.core import events as ev


class StyledCanvas(Canvas):
    """A canvas whose lines always carry a style.

    textual-hires-canvas renders the lines below its (not yet resized) buffer as empty strips
    without a style, which Textual's NO_COLOR filter cannot handle (AttributeError on None).
    """

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        return strip if strip.cell_length else Strip.blank(self.size.width, self.rich_style)


class Plot(PlotWidget):
    """PlotWidget drawn on StyledCanvas (its compose, with the canvas class swapped)."""

    def compose(self) -> ComposeResult:
        with Grid():
            for name in ("margin-top", "margin-left", "plot", "margin-bottom"):
                yield StyledCanvas(1, 1, id=name)
        yield Legend(id="legend")


def padded(values: list[float]) -> tuple[float, float]:
    """Y limits around `values` with a little room, never a zero-height range."""
    low, high = min(values), max(values)
    pad = max((high - low) * 0.1, abs(high) * 0.02, 1e-3)
    return low - pad, high + pad


def epoch_ticks(last: int) -> list[float]:
    step = max(1, math.ceil(last / 6))
    return [float(x) for x in range(step, last + 1, step)] or [1.0]


class CurvePair(Horizontal):
    """Two braille charts side by side, training loss and test accuracy against the epoch (#loss-plot,
    #accuracy-plot); what they draw is the subclass's (`redraw`)."""

    DEFAULT_CSS = """
    CurvePair {
        height: 9;
        Vertical { width: 1fr; }
        Label { width: 100%; text-style: bold; }
        PlotWidget { height: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("train loss, per epoch")
            yield Plot(id="loss-plot", allow_pan_and_zoom=False)
        with Vertical():
            yield Label("test accuracy %, per epoch")
            yield Plot(id="accuracy-plot", allow_pan_and_zoom=False)

    def on_mount(self) -> None:
        for plot in self.query(PlotWidget):
            plot.margin_top, plot.margin_bottom, plot.margin_left = 0, 1, 7
        self.redraw()

    def redraw(self) -> None:
        """Draw the charts (subclasses)."""


class TrainingCurves(CurvePair):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # phase key -> (marker, epochs, losses, accuracies); x positions follow from the order
        self.series: dict[str, tuple[str, list[float], list[float], list[float]]] = {}

    def reset(self) -> None:
        self.series = {}
        self.redraw()

    def add_epoch(self, key: str, marker: str, e: ev.EpochFinished) -> None:
        x = sum(len(s[1]) for s in self.series.values()) + 1  # epochs before this one, plus one
        _marker, xs, losses, accuracies = self.series.setdefault(key, (marker, [], [], []))
        xs.append(x)
        losses.append(e.train_loss)
        accuracies.append(math.nan if e.test_accuracy is None else 100 * e.test_accuracy)
        self.redraw()

    def redraw(self) -> None:
        loss_plot = self.query_one("#loss-plot", PlotWidget)
        accuracy_plot = self.query_one("#accuracy-plot", PlotWidget)
        for plot, column in ((loss_plot, 0), (accuracy_plot, 1)):
            plot.clear()
            values = []
            for marker, xs, *ys in self.series.values():
                y = ys[column]
                plot.plot(xs, y, hires_mode=HiResMode.BRAILLE)
                plot.scatter(xs, y, marker=marker)
                values += [v for v in y if math.isfinite(v)]
            last = sum(len(s[1]) for s in self.series.values())
            plot.set_xlimits(0.5, last + 0.5 if last else 1.5)
            plot.set_xticks(epoch_ticks(last))
            plot.set_ylimits(*(padded(values) if values else (0, 1)))
