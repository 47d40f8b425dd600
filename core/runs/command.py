"""The command line that makes the same run (or sweep) again: the task and every option whose value
differs from what the task (or its preset) would use anyway, spelt as `digits train` parses them."""

import shlex

from digits.core.config import flag
from digits.core.tasks import TASKS


def spelt(name: str, value) -> list[str]:
    if isinstance(value, bool):
        return [flag(name) if value else f"--no-{flag(name)[2:]}"]
    if isinstance(value, (list, tuple)):
        return [flag(name), ",".join(map(str, value))]
    return [flag(name), f"{value:g}" if isinstance(value, float) else str(value)]


def changed_options(task: str, config: dict, skip: tuple[str, ...] = ()) -> list[str]:
    """The flags that set `config` on top of the task's defaults (its preset's, when it names one)."""
    cls = TASKS[task].Config
    names = [f.name for f in cls.options()]
    preset = config.get("preset")
    base = cls.build({"preset": preset} if preset else {}).to_dict()
    words = spelt("preset", preset) if preset else []
    for name in names:
        if name in skip or name == "preset" or name not in config:
            continue
        ours, theirs = config[name], base.get(name)
        if isinstance(ours, list) or isinstance(theirs, tuple):
            ours, theirs = list(ours or []), list(theirs or [])
        if ours != theirs and not (name == "seeds" and not ours):
            words += spelt(name, config[name])
    return words


def train_command(task: str, config: dict) -> str:
    return shlex.join(["digits", "train", "--task", task, *changed_options(task, config)])


def sweep_command(spec: dict) -> str:
    """`digits sweep` with the sweep's task, fixed options, grid and seeds."""
    task = spec["task"]
    words = ["digits", "sweep", "--task", task]
    for name, value in (spec.get("options") or {}).items():
        words += spelt(name, value)
    for name, values in (spec.get("grid") or {}).items():
        words += ["--grid", f"{name}=" + ",".join("x".join(map(str, v)) if isinstance(v, (list, tuple)) else
                                                  f"{v:g}" if isinstance(v, float) else str(v) for v in values)]
    seeds = list(spec.get("seeds") or [0])
    words += ["--seeds", seed_text(seeds)]
    return shlex.join(words)


def seed_text(seeds: list[int]) -> str:
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))) and len(seeds) > 1:
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(map(str, seeds))
