"""What a sweep is: a task, its fixed options, a grid of option values and a list of seeds; and the
cells that grid × seeds makes. Values are parsed and checked the way `digits train` checks them
(each cell's config is built, so a bad value is refused before any cell runs)."""

import itertools
import re
from dataclasses import dataclass, field

from digits.core.config import field_types, flag, is_int_tuple, parse_text
from digits.core.errors import ConfigError
from digits.core.tasks import TASKS, get_task


def parse_seed_range(text: str) -> tuple[int, ...]:
    """'0-19' -> 0..19; '5' -> 0..4; '0,3,7' -> those; ranges and lists mix ('0-4,10')."""
    text = str(text).strip()
    if re.fullmatch(r"\d+", text):
        count = int(text)
        if count < 1:
            raise ConfigError("--seeds needs a count of at least 1, a range like 0-19 or a list like 0,1,2")
        return tuple(range(count))
    seeds: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = re.fullmatch(r"(\d+)-(\d+)", part)
        if found:
            low, high = int(found.group(1)), int(found.group(2))
            if high < low:
                raise ConfigError(f"--seeds range {part!r} runs backwards; write it low-high, like 0-19")
            seeds += range(low, high + 1)
        elif part.isdigit():
            seeds.append(int(part))
        else:
            raise ConfigError(f"--seeds takes a count (5), a range (0-19) or a list (0,1,2), got {text!r}")
    if not seeds:
        raise ConfigError(f"--seeds is empty (got {text!r}); give a count, a range like 0-19 or a list")
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"--seeds names a seed twice (got {text!r})")
    return tuple(seeds)


def parse_grid(task: str, items: list[str]) -> dict[str, list]:
    """['temperature=1,2,4', 'hidden=256x256,512x512'] -> {name: [values]} in the task's types."""
    config = TASKS[task].Config
    names = {f.name for f in config.options()}
    types = field_types(config)
    grid: dict[str, list] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--grid {item!r} is not NAME=V1,V2,...; e.g. --grid temperature=1,2,4")
        raw, values = item.split("=", 1)
        name = raw.strip().lstrip("-").replace("-", "_")
        if name in ("seed", "seeds"):
            raise ConfigError("seeds are not a grid option: give them with --seeds")
        if name not in names:
            raise ConfigError(f"--grid {raw.strip()}: {flag(name)} is not an option of --task {task} "
                              f"(see `digits train --task {task} --help`)")
        if name in grid:
            raise ConfigError(f"--grid names {flag(name)} twice; give all its values in one --grid")
        texts = [v.strip() for v in values.split(",") if v.strip()]
        if not texts:
            raise ConfigError(f"--grid {raw.strip()} has no values; e.g. --grid {raw.strip()}=1,2,4")
        tp = types[name]
        parsed = [v if is_int_tuple(tp) else parse_text(tp, name, v) for v in texts]
        if len(set(map(str, parsed))) != len(parsed):
            raise ConfigError(f"--grid {raw.strip()} lists a value twice")
        grid[name] = parsed
    return grid


@dataclass
class Cell:
    """One run of the sweep: grid point `point` (its index among the grid's points) at `seed`."""

    point: int
    seed: int
    options: dict  # the grid's values at this point

    @property
    def id(self) -> str:
        return f"p{self.point:03d}-s{self.seed}"


@dataclass
class SweepSpec:
    task: str
    options: dict = field(default_factory=dict)  # fixed options, as given
    grid: dict = field(default_factory=dict)  # name -> values
    seeds: tuple[int, ...] = (0,)

    def points(self) -> list[dict]:
        """Every combination of the grid's values, in the order given ([{}] without a grid)."""
        names = list(self.grid)
        return [dict(zip(names, values)) for values in itertools.product(*(self.grid[n] for n in names))]

    def cells(self) -> list[Cell]:
        return [Cell(i, seed, point) for i, point in enumerate(self.points()) for seed in self.seeds]

    def overrides(self, cell: Cell) -> dict:
        """The options of one cell's run (one seed; the fixed options, then the grid point's)."""
        return {**self.options, **cell.options, "seed": cell.seed}

    def validate(self) -> None:
        """Build every grid point's config (at the first seed), so a bad value fails before any cell runs."""
        task = get_task(self.task)
        for point in self.points():
            task.Config.build({**self.options, **point, "seed": self.seeds[0]})

    def to_dict(self) -> dict:
        return {"task": self.task, "options": self.options, "grid": self.grid, "seeds": list(self.seeds)}

    @classmethod
    def from_dict(cls, d: dict) -> "SweepSpec":
        return cls(d["task"], dict(d.get("options") or {}), dict(d.get("grid") or {}), tuple(d["seeds"]))
