"""What a figure shows, as data: the numbers plotted, the labels and the marks, and nothing about how
they are drawn. The report (report/) draws each kind with matplotlib; tests compare these values
(`Figure.data()`), not pixels. Five kinds cover every figure a run or a sweep has: line charts,
bars, strips of per-seed points with their mean and interval, count matrices and digit images.
"""

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass
class Mark:
    """A reference line across a panel: at `value` on the x axis (axis "x") or the y axis ("y")."""

    value: float
    label: str
    axis: str = "y"


@dataclass
class Series:
    """One line (or set of points) of a panel; `lo`/`hi` give a band or error bars around `y`."""

    label: str
    x: list[float]
    y: list[float]
    lo: list[float] | None = None
    hi: list[float] | None = None
    points: bool = False  # markers only, no line (values that are not a sequence)


@dataclass
class Panel:
    xlabel: str
    ylabel: str
    series: list[Series]
    title: str = ""
    marks: list[Mark] = field(default_factory=list)
    xticks: list[float] | None = None  # integer axes (epochs, depths, blocks) label only their values
    percent: bool = False  # y values are fractions shown as percentages


@dataclass
class Figure:
    """Base of every kind: `key` names its files (figures/<key>.png), `caption` says what it shows."""

    key: str
    title: str
    caption: str

    def data(self) -> dict:
        """The figure as plain values (images summarised), for goldens and --json."""
        return {"kind": type(self).__name__, **asdict(self)}


@dataclass
class Chart(Figure):
    """Line charts side by side, one per panel (e.g. loss and test accuracy against the epoch)."""

    panels: list[Panel] = field(default_factory=list)


@dataclass
class BarGroup:
    label: str
    values: list[float | None]
    errors: list[float | None] | None = None  # half-widths (95% intervals) drawn as error bars

    @classmethod
    def of(cls, label: str, estimates: list[tuple[float | None, float | None]]) -> "BarGroup":
        """From (value, 95% half-width or None) pairs; no error bars when no value has an interval."""
        errors = [e for _, e in estimates]
        return cls(label, [v for v, _ in estimates], errors if any(e is not None for e in errors) else None)


@dataclass
class Bars(Figure):
    """Grouped bars: one bar per group in each category; `highlight` marks categories (omitted digits)."""

    categories: list[str] = field(default_factory=list)
    groups: list[BarGroup] = field(default_factory=list)
    ylabel: str = ""
    xlabel: str = ""
    highlight: list[int] = field(default_factory=list)
    highlight_label: str = ""
    marks: list[Mark] = field(default_factory=list)
    percent: bool = True
    horizontal: bool = False


@dataclass
class Strip:
    """Per-seed values of one group with their mean and 95% interval."""

    label: str
    values: list[float]
    mean: float
    lo: float
    hi: float


@dataclass
class StripPanel:
    ylabel: str
    strips: list[Strip]
    title: str = ""
    zero: bool = False  # a line at 0 (paired differences)
    percent: bool = False


@dataclass
class Strips(Figure):
    panels: list[StripPanel] = field(default_factory=list)


@dataclass
class Matrix:
    title: str
    counts: list[list[int]]
    rows: str = "true digit"
    columns: str = "predicted digit"


@dataclass
class Matrices(Figure):
    """Count matrices side by side (confusion matrices: true class by predicted class)."""

    matrices: list[Matrix] = field(default_factory=list)


@dataclass
class Images(Figure):
    """A grid of small images with a caption of one or more lines under each; a line flagged in
    `marked` (same shape as `captions`) is a mistake. `signed`: values around 0 (weights), drawn with a
    diverging map centred on 0."""

    images: np.ndarray = field(default_factory=lambda: np.zeros((0, 28, 28), np.float32))
    captions: list[list[str]] = field(default_factory=list)
    marked: list[list[bool]] = field(default_factory=list)
    columns: int = 8
    signed: bool = False

    def data(self) -> dict:
        out = {k: v for k, v in super().data().items() if k != "images"}
        images = np.asarray(self.images, np.float64)
        # Shapes and per-image means stand for the pixels in a golden (quantised where it is compared).
        out["images"] = {"shape": list(images.shape), "means": [float(m) for m in images.reshape(len(images), -1)
                                                                .mean(axis=1)] if len(images) else []}
        return out
