"""A sweep's answer as Rich renderables for the Sweeps screen (screens/sweeps.py): what was read of it
(`Reading`, `read`), per grid point each headline metric's mean ± std and 95% interval, a strip per
point of every seed's value on a scale the points share (`●` a seed, a digit when several land in
one column; `┃` the mean; `───` the interval; `┊` zero for contrasts), and the paired contrasts."""

import os
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.text import Text

from digits.core.figures.sweep import numbers, per_point, point_label, strip
from digits.core.sweeps.spec import SweepSpec
from digits.core.sweeps.store import SweepDir, cell_records, read_sweep
from digits.core.sweeps.summary import summary
from digits.core.tasks import TASKS

LONGEST = 60  # a strip wider than this only spreads its marks apart
SEED, MEAN, SPAN, ZERO = "●", "┃", "─", "┊"  # a strip's marks (a digit: that many seeds in one column)
SEED_STYLE, MEAN_STYLE, SPAN_STYLE, ZERO_STYLE = "bold #7fb2e5", "bold #f0a030", "#7fb2e5", "dim"


def fmt(value: float) -> str:
    return f"{value:.4f}"


def interval(s: dict) -> str:
    return f"{fmt(s['mean'] - s['ci95'])} – {fmt(s['mean'] + s['ci95'])}"


def spread(s: dict) -> str:
    """mean ± sample std; the mean alone from one seed (no spread, no interval yet)."""
    return f"{fmt(s['mean'])} ± {fmt(s['std'])}" if s["n"] > 1 else fmt(s["mean"])


def seeds_text(seeds) -> str:
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(map(str, seeds))


def grid_text(grid: dict) -> str:
    """width=8,16; hidden=256x256,512x512 (as --grid takes them)."""
    return "; ".join(f"{k}={','.join(point_label({k: v}).split('=', 1)[1] for v in values)}"
                     for k, values in grid.items()) or "none"


def stamp(path: Path) -> tuple | None:
    """What changes when a file is rewritten (sweep.json is replaced whole): None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


@dataclass
class Reading:
    """One sweep as read from its directory: sweep.json, its counts, the finished cells' run
    records and their summary (None when its task is unknown here)."""

    path: Path
    info: dict
    counts: dict
    records: dict[str, dict]
    summary: dict | None
    spec: SweepSpec


def read(path: Path, known: dict[str, dict] | None = None) -> Reading | None:
    """The sweep at `path`, reading only the run records of cells not in `known` (cell id -> record
    read before: a finished cell's directory is written once, whole). None if it is no sweep."""
    info = read_sweep(path)
    if info is None:
        return None
    try:
        cells = info["cells"]
        finished = {cid for cid, state in cells.items() if state.get("status") == "finished"}
        records = {cid: record for cid, record in (known or {}).items() if cid in finished}
        fresh = SweepDir(path, {**info, "cells": {cid: cells[cid] for cid in finished - set(records)}})
        records |= cell_records(fresh)
        sweep = SweepDir(path, info)
        spec = sweep.spec
        return Reading(Path(path), info, sweep.counts(), records,
                       summary(spec, records) if spec.task in TASKS else None, spec)
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged sweep.json: not listed as openable
        return None


class Strips:
    """Per grid point, every seed's value on one scale shared by the points, with the mean and its
    95% interval; `zero` marks 0 (a contrast). Laid out for the width it is drawn at."""

    def __init__(self, rows: list[tuple[str, object]], zero: bool = False):
        self.rows, self.zero = rows, zero  # (point label, figures.sweep.Strip or None)

    def scale(self) -> tuple[float, float]:
        ends = [v for _, s in self.rows if s is not None for v in (*s.values, s.lo, s.hi)]
        ends += [0.0] if self.zero else []
        lo, hi = min(ends), max(ends)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
        return lo, hi

    def __rich_console__(self, console, options):
        if not any(s is not None for _, s in self.rows):
            return
        label_width = min(max(len(label) for label, _ in self.rows), max(options.max_width // 3, 4))
        width = min(max(options.max_width - label_width - 4, 10), LONGEST)
        lo, hi = self.scale()

        def column(value: float) -> int:
            return min(max(round((value - lo) / (hi - lo) * (width - 1)), 0), width - 1)

        for label, s in self.rows:
            line = Text(no_wrap=True, overflow="crop", end="\n")
            shown = label if len(label) <= label_width else label[: label_width - 1] + "…"
            line.append(f"  {shown.ljust(label_width)}  ")
            cells = [(" ", "")] * width
            if s is not None:
                for k in range(column(s.lo), column(s.hi) + 1):
                    cells[k] = (SPAN, SPAN_STYLE)
            if self.zero:  # over the interval: whether it holds 0 shows
                cells[column(0.0)] = (ZERO, ZERO_STYLE)
            if s is not None:
                cells[column(s.mean)] = (MEAN, MEAN_STYLE)
                counts: dict[int, int] = {}
                for value in s.values:
                    counts[column(value)] = counts.get(column(value), 0) + 1
                for k, count in counts.items():
                    cells[k] = (SEED if count == 1 else str(count) if count < 10 else "+", SEED_STYLE)
            for mark, style in cells:
                line.append(mark, style)
            yield line
        left, right = fmt(lo), fmt(hi)
        yield Text(" " * (label_width + 4) + left + right.rjust(width - len(left)), style="dim", no_wrap=True,
                   overflow="crop")


class NumberTable:
    """A label column, then columns of numbers (right-aligned: their decimals line up); a row that
    is a string is a heading on a line of its own (bold). A label longer than the room the numbers
    leave gets a line of its own too, so no number is ever cut or wrapped."""

    def __init__(self, headers: list[str], rows: list[list[str] | str]):
        self.headers, self.rows = headers, rows

    def __rich_console__(self, console, options):
        table = [self.headers, *(row for row in self.rows if not isinstance(row, str))]
        widths = [max(len(row[k]) for row in table) for k in range(1, len(self.headers))]
        room = options.max_width - sum(widths) - 2 * len(widths)
        label_width = max(min(max(len(row[0]) for row in table), room), 0)
        for row in [self.headers, *self.rows]:
            if isinstance(row, str):
                yield Text(row, style="bold", no_wrap=True, overflow="ellipsis")
                continue
            style = "bold" if row is self.headers else ""
            label = row[0]
            if len(label) > label_width:
                yield Text(label, style=style)
                label = ""
            line = Text(no_wrap=True, overflow="crop", end="\n")
            line.append(label.ljust(label_width), style)
            for cell, width in zip(row[1:], widths):
                line.append("  ")  # unstyled: each cell its own segment, placed exactly in screenshots
                line.append(cell.rjust(width), style)
            yield line


def metrics_table(points: list[dict], labels: dict[str, str]) -> NumberTable:
    """Per grid point (a heading with its n), each headline metric: mean ± std and its interval."""
    rows: list[list[str] | str] = []
    for p in points:
        rows.append(f"{point_label(p['options'])} · {p['n']} seed{'s' if p['n'] != 1 else ''}")
        for name, s in p["metrics"].items():
            rows.append([f"  {labels.get(name, name)}", spread(s), interval(s) if s["n"] > 1 else "—"])
    return NumberTable(["", "mean ± std", "95% interval"], rows)


def contrast_table(points: list[dict], label: str) -> NumberTable:
    """One contrast per grid point: its mean, interval and how many seeds share the mean's sign."""
    rows = [[point_label(p["options"]), fmt(s["mean"]), interval(s) if s["n"] > 1 else "—", f"{s['agree']} of {s['n']}"]
            for p in points if (s := p["contrasts"].get(label)) is not None]
    return NumberTable(["", "mean", "95% interval", "same sign"], rows)


def answer(reading: Reading) -> Group | Text:
    """The opened sweep's summary, strips and contrasts, top to bottom."""
    if reading.summary is None:
        return Text(f"task {reading.spec.task!r} is not known to this digits: no summary", style="yellow")
    task = TASKS[reading.spec.task]
    points = reading.summary["points"]
    if not any(p["n"] for p in points):
        return Text("no cell finished yet: the summary appears with the first", style="dim")
    labels = dict(task.headline)
    cells = per_point(reading.spec, reading.records)
    names = [point_label(p) for p in reading.spec.points()]
    parts: list = [Text("over the seeds: mean ± std, 95% t-interval", style="bold"),
                   metrics_table(points, labels), Text(""),
                   Text.assemble((SEED, SEED_STYLE), " a seed (2: two) · ", (MEAN, MEAN_STYLE), " mean · ",
                                 (SPAN * 3, SPAN_STYLE), " 95% interval")]
    for name, label in task.headline:
        rows = [(point, strip(point, numbers(metrics, name))) for point, metrics in zip(names, cells)]
        if any(s is not None for _, s in rows):
            parts += [Text(label, style="bold"), Strips(rows)]
    for label, a, b in task.contrasts:
        if not any(label in p["contrasts"] for p in points):
            continue
        rows = [(point, strip(point, [float(m[a] - m[b]) for m in metrics if isinstance(m.get(a), (int, float))
                                      and isinstance(m.get(b), (int, float))]))
                for point, metrics in zip(names, cells)]
        parts += [Text(""), Text(f"paired contrast {label}", style="bold"),
                  Text.assemble("a − b of each seed's run; ", (ZERO, ZERO_STYLE), " is 0"),
                  contrast_table(points, label), Strips(rows, zero=True)]
    return Group(*parts)


