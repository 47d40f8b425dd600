"""A sweep's answer: per grid point, each headline metric over the seeds (n, mean ± sample std,
95% t-interval, min-max), and the paired contrasts that give the task its meaning (per seed, the
difference of two metrics of the same run, e.g. student − different-init control), with their
own interval and how many seeds agree in sign with the mean. Pure: from cell records only."""

import math

from digits.core.stats import summarize
from digits.core.sweeps.spec import SweepSpec
from digits.core.tasks import TASKS


def stats(values: list[float]) -> dict:
    out = summarize(values)
    return {**out, "min": min(values), "max": max(values)}


def summary(spec: SweepSpec, records: dict[str, dict]) -> dict:
    """{"points": [{options, n, metrics: {name: stats}, contrasts: {label: stats + agree}}]}."""
    task = TASKS[spec.task]
    headline = [name for name, _label in task.headline]
    points = []
    for index, options in enumerate(spec.points()):
        cells = [records[c.id] for c in spec.cells() if c.point == index and c.id in records]
        metrics = [r.get("metrics") or {} for r in cells]
        entry = {"options": options, "n": len(cells), "metrics": {}, "contrasts": {}}
        for name in headline:
            values = [m[name] for m in metrics if isinstance(m.get(name), (int, float))]
            if values:
                entry["metrics"][name] = stats(values)
        for label, a, b in task.contrasts:
            diffs = [m[a] - m[b] for m in metrics if isinstance(m.get(a), (int, float)) and isinstance(m.get(b),
                                                                                                       (int, float))]
            if diffs:
                s = stats(diffs)
                sign = math.copysign(1, s["mean"]) if s["mean"] else 0
                s["agree"] = sum(1 for d in diffs if d * sign > 0)
                entry["contrasts"][label] = s
        points.append(entry)
    return {"task": spec.task, "points": points}
