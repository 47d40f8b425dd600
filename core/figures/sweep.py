"""A sweep's figures, from its cells' run records: per grid point the spread of each headline metric
over the seeds (every seed's value, the mean and its 95% interval), each paired contrast per seed
(the difference of two metrics of the same run, against 0), and for a grid over one numeric
option, each metric against that option with its interval."""

from digits.core.figures.kinds import Chart, Figure, Panel, Series, Strip, StripPanel, Strips
from digits.core.stats import summarize
from digits.core.sweeps.spec import SweepSpec
from digits.core.tasks import TASKS

MAX_METRICS = 4


def point_label(options: dict) -> str:
    if not options:
        return "all cells"
    return ", ".join(f"{k}={'x'.join(map(str, v)) if isinstance(v, (list, tuple)) else v}" for k, v in options.items())


def is_rate(metric: str) -> bool:
    return "accuracy" in metric or "error" in metric


def axis_label(metric: str, label: str) -> str:
    """What the y axis measures (the panel's title names the metric)."""
    return "test accuracy" if "accuracy" in metric else "test error" if "error" in metric else label


def strip(label: str, values: list[float]) -> Strip | None:
    if not values:
        return None
    s = summarize(values)
    return Strip(label, values, s["mean"], s["mean"] - s["ci95"], s["mean"] + s["ci95"])


def per_point(spec: SweepSpec, records: dict[str, dict]) -> list[list[dict]]:
    """The finished cells' metrics of each grid point, in seed order."""
    cells = spec.cells()
    return [[records[c.id].get("metrics") or {} for c in cells if c.point == i and c.id in records]
            for i in range(len(spec.points()))]


def numbers(metrics: list[dict], name: str) -> list[float]:
    return [float(m[name]) for m in metrics if isinstance(m.get(name), (int, float)) and not isinstance(m[name], bool)]


def sweep_figures(info: dict, records: dict[str, dict]) -> list[Figure]:
    spec = SweepSpec.from_dict(info["spec"])
    task = TASKS[spec.task]
    points, cells = spec.points(), per_point(spec, records)
    labels = [point_label(p) for p in points]
    headline = [(name, label) for name, label in task.headline if any(numbers(c, name) for c in cells)][:MAX_METRICS]
    out: list[Figure] = []
    if headline:
        panels = [StripPanel(axis_label(name, label), [s for lab, c in zip(labels, cells)
                                                       if (s := strip(lab, numbers(c, name)))],
                             title=label, percent=is_rate(name)) for name, label in headline]
        out.append(Strips("sweep_metrics", "Each headline metric over the seeds",
                          "Every seed's value (points) at each grid point, with the mean (bar) and its 95% t-interval "
                          "(line); points spread sideways only to be seen.", panels))
    contrasts = []
    for label, a, b in task.contrasts:
        strips = []
        for point_name, metrics in zip(labels, cells):
            diffs = [float(m[a] - m[b]) for m in metrics if isinstance(m.get(a), (int, float))
                     and isinstance(m.get(b), (int, float))]
            if (s := strip(point_name, diffs)) is not None:
                strips.append(s)
        if strips:
            contrasts.append(StripPanel(label, strips, title=label, zero=True, percent=is_rate(a) and is_rate(b)))
    if contrasts:
        out.append(Strips("sweep_contrasts", "The paired contrast per seed",
                          "For each seed, the difference of two metrics of the same run (so the seed's luck cancels), "
                          "with the mean and its 95% interval; the line at 0 is no difference.", contrasts))
    trend = one_numeric_option(spec)
    if trend and headline:
        name_of = trend
        xs = [float(p[name_of]) for p in points]
        panels = []
        for name, label in headline:
            kept = [(x, strip("", numbers(c, name))) for x, c in zip(xs, cells)]
            kept = [(x, s) for x, s in kept if s is not None]
            if len(kept) >= 2:
                series = Series(label, [x for x, _ in kept], [s.mean for _, s in kept], [s.lo for _, s in kept],
                                [s.hi for _, s in kept])
                panels.append(Panel(name_of, axis_label(name, label), [series], title=label,
                                    xticks=[x for x, _ in kept], percent=is_rate(name)))
        if panels:
            out.append(Chart("sweep_trend", f"Each headline metric against {name_of}",
                             f"The mean over the seeds at each value of {name_of}, the band its 95% interval.", panels))
    return out


def one_numeric_option(spec: SweepSpec) -> str | None:
    """The grid's option when the grid varies exactly one option over two or more numbers."""
    if len(spec.grid) != 1:
        return None
    name, values = next(iter(spec.grid.items()))
    if len(values) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return name
    return None
