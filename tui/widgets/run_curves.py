"""`RunCurves`: one phase's training loss and test accuracy per epoch, several runs overlaid.

Each run is drawn in its own style (a colour and a marker, `RunLine`), the same in both charts;
its marker sits on every epoch when there are few, else on the last, so the runs stay apart in
monochrome too. A run that ran the phase for several seeds is drawn as the mean over them, with
the lowest and highest seed as faint lines around it. The charts are the Train screen's
(widgets/training_curves.py: `Plot`, its limits and ticks), which draws one run's phases in a row.
"""

import math
from dataclasses import dataclass

from textual_plot import HiResMode, PlotWidget

from digits.core.figures.kinds import Series
from digits.tui.widgets.training_curves import CurvePair, epoch_ticks, padded

MARKED_EPOCHS = 12  # up to this many epochs every point carries the run's marker; beyond, the last one


@dataclass
class RunLine:
    """One run in the charts: its style and marker, its loss and accuracy series (None: not in this phase)."""

    style: str
    marker: str
    loss: Series | None
    accuracy: Series | None


def percent(series: Series | None) -> Series | None:
    if series is None:
        return None
    scale = [[100 * v for v in values] if values is not None else None for values in (series.y, series.lo, series.hi)]
    return Series(series.label, series.x, *scale)


class RunCurves(CurvePair):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lines: list[RunLine] = []

    def on_mount(self) -> None:
        for plot in self.query(PlotWidget):
            plot.can_focus = False  # the keys are the screen's; nothing here pans or zooms
        super().on_mount()

    def show(self, lines: list[RunLine]) -> None:
        self.lines = lines
        self.redraw()

    def redraw(self) -> None:
        charts = ((self.query_one("#loss-plot", PlotWidget), lambda line: line.loss),
                  (self.query_one("#accuracy-plot", PlotWidget), lambda line: percent(line.accuracy)))
        last = max((int(x) for line in self.lines for s in (line.loss, line.accuracy) if s for x in s.x), default=0)
        for plot, pick in charts:
            plot.clear()
            values = []
            for line in self.lines:
                series = pick(line)
                if series is None or not series.x:
                    continue
                for band in (series.lo, series.hi):
                    if band is not None:
                        plot.plot(series.x, band, line_style=f"{line.style} dim", hires_mode=HiResMode.BRAILLE)
                        values += band
                plot.plot(series.x, series.y, line_style=line.style, hires_mode=HiResMode.BRAILLE)
                marked = len(series.x) <= MARKED_EPOCHS
                plot.scatter(series.x if marked else series.x[-1:], series.y if marked else series.y[-1:],
                             marker=line.marker, marker_style=line.style)
                values += series.y
            values = [v for v in values if math.isfinite(v)]
            plot.set_xlimits(0.5, last + 0.5 if last else 1.5)
            plot.set_xticks(epoch_ticks(last))
            plot.set_ylimits(*(padded(values) if values else (0, 1)))
