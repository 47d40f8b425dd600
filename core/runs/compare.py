"""Several runs side by side, from their records: the options that differ between them (the rest is
what they share), their headline metrics in one table, their training curves per phase, and a
filter on options (`digits runs --where temperature=2`). Used by `digits compare`, `digits runs`
and the TUI's Compare-runs view."""

from digits.core.config import field_types, is_int_tuple, parse_int_list, parse_text
from digits.core.errors import ConfigError
from digits.core.tasks import TASKS


def plain(value):
    """Lists and tuples alike (records store tuples as lists)."""
    return list(value) if isinstance(value, (list, tuple)) else value


def differing_options(records: list[dict]) -> dict[str, list]:
    """option -> each run's value, for the options whose values are not all the same (an option a
    run's task does not have counts as None). The task itself is included when the tasks differ."""
    configs = [r.get("config") or {} for r in records]
    names = list(dict.fromkeys(name for c in configs for name in c))
    out = {}
    tasks = [r.get("task") for r in records]
    if len(set(tasks)) > 1:
        out["task"] = tasks
    for name in names:
        values = [plain(c.get(name)) for c in configs]
        if any(v != values[0] for v in values[1:]):
            out[name] = values
    return out


def shared_options(records: list[dict]) -> dict:
    """option -> the value every run has."""
    configs = [r.get("config") or {} for r in records]
    differing = differing_options(records)
    return {k: plain(v) for k, v in configs[0].items() if k not in differing} if configs else {}


def metric_names(records: list[dict]) -> list[tuple[str, str]]:
    """(metric, label) of the runs' headline metrics, each task's in its order, then the other numeric
    metrics every run has."""
    out = []
    for r in records:
        task = TASKS.get(r.get("task"))
        for name, label in (task.headline if task else ()):
            if (name, label) not in out and any(isinstance((x.get("metrics") or {}).get(name), (int, float))
                                                for x in records):
                out.append((name, label))
    common = set.intersection(*[set(numeric(r.get("metrics") or {})) for r in records]) if records else set()
    known = {n for n, _ in out}
    out += [(n, n.replace("_", " ")) for n in sorted(common - known)]
    return out


def numeric(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def parse_where(task: str | None, items: list[str]) -> dict[str, object]:
    """['temperature=2', 'hidden=256x256'] -> {name: value} typed as the task types them (any task's
    types when no task is given: a value is kept as text when no task has the option)."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--where {item!r} is not NAME=VALUE; e.g. --where temperature=2")
        raw, text = item.split("=", 1)
        name = raw.strip().lstrip("-").replace("-", "_")
        configs = [TASKS[task].Config] if task else [t.Config for t in TASKS.values()]
        having = [c for c in configs if name in {f.name for f in c.options()}]
        if not having:
            where = f"--task {task}" if task else "any task"
            raise ConfigError(f"--where {raw.strip()}: {name.replace('_', '-')} is not an option of {where} "
                              f"(see `digits train --task {task or 'T'} --help`)")
        tp = field_types(having[0])[name]
        out[name] = plain(parse_int_list(text, name)) if is_int_tuple(tp) else parse_text(tp, name, text.strip())
    return out


def matches(record: dict, where: dict) -> bool:
    config = record.get("config") or {}
    return all(name in config and plain(config[name]) == value for name, value in where.items())


def metric_values(records: list[dict], names: list[str] | None = None) -> dict[str, list]:
    """metric -> each run's value (None where a run lacks it or it is not a number), for `names`
    (default: every metric of metric_names, headline first)."""
    names = [n for n, _ in metric_names(records)] if names is None else names
    return {name: [numeric(r.get("metrics") or {}).get(name) for r in records] for name in names}
