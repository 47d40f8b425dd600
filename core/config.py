"""Task configurations: dataclasses of plain values whose fields carry their own option metadata.

The CLI builds `digits train` options from these fields and the TUI will build its form from
them, so both validate input the same way (`TrainConfig.build`, `validate`).
"""

import math
import re
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, ClassVar

from digits.core.errors import ConfigError


def option(default, help: str, choices: tuple | None = None, min: float | None = None,
           positive: bool = False, metavar: str | None = None, item_range: tuple[int, int | None] = (1, None),
           allow_empty: bool = False):
    """A config field with the metadata the front-ends need.

    For lists of whole numbers, `item_range` bounds each value (inclusive; None = no upper bound)
    and `allow_empty` says whether an empty list means "not used".
    """
    meta = {"help": help, "choices": tuple(choices) if choices else None, "min": min,
            "positive": positive, "metavar": metavar, "item_range": item_range, "allow_empty": allow_empty}
    return field(default=default, metadata=meta)


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def field_types(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def is_int_tuple(tp) -> bool:
    return typing.get_origin(tp) is tuple and typing.get_args(tp)[:1] == (int,)


def parse_int_list(text: str, name: str = "value") -> tuple[int, ...]:
    """'256,256' (or '256 256', '256x256') -> (256, 256); '' -> ()."""
    text = str(text).strip()
    if not text:
        return ()
    if not re.fullmatch(r"\d+(\s*[,x ]\s*\d+)*", text):
        raise ConfigError(f"{flag(name)} takes comma-separated whole numbers like 256,256 (got {text!r})")
    return tuple(int(p) for p in re.split(r"\s*[,x ]\s*", text))


TRUE_WORDS, FALSE_WORDS = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def parse_text(tp, name: str, text) -> Any:
    """An option typed as text (a form field, an option two tasks type differently) as the value
    `tp` needs, with a one-line error; size lists and strings stay text (build parses lists)."""
    if tp not in (bool, int, float):
        return text
    text = str(text).strip()
    if tp is bool:
        if text.lower() not in TRUE_WORDS + FALSE_WORDS:
            raise ConfigError(f"{flag(name)} is a switch: true or false (got {text!r})")
        return text.lower() in TRUE_WORDS
    try:
        return tp(text)
    except ValueError:
        what = "a whole number" if tp is int else "a number"
        raise ConfigError(f"{flag(name)} takes {what} (got {text!r})") from None


def check_int_list(values: tuple[int, ...], name: str, meta) -> None:
    low, high = meta.get("item_range", (1, None))
    if not values and not meta.get("allow_empty"):
        raise ConfigError(f"{flag(name)} needs at least one value")
    if any(v < low or (high is not None and v > high) for v in values):
        if (low, high) == (1, None):
            raise ConfigError(f"{flag(name)} needs one or more positive sizes (got {','.join(map(str, values))})")
        raise ConfigError(f"{flag(name)} values must lie in {low}-{high} (got {','.join(map(str, values))})")


def parse_seeds(text: str, seed: int) -> tuple[int, ...]:
    """'' -> (seed,); '5' -> five seeds from `seed`; '0,1,2' -> those seeds."""
    text = str(text).strip()
    if not text:
        return (seed,)
    if text.isdigit():
        if int(text) < 1:
            raise ConfigError("--seeds needs a count of at least 1 (e.g. 5) or a list like 0,1,2")
        return tuple(range(seed, seed + int(text)))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ConfigError(f"--seeds list is empty (got {text!r}); give a count like 5 or a list like 0,1,2")
    if not all(p.isdigit() for p in parts):
        raise ConfigError(f"--seeds takes a count like 5 or a list of whole numbers like 0,1,2 (got {text!r})")
    seeds = tuple(int(p) for p in parts)
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"--seeds lists a seed twice (got {text!r})")
    return seeds


@dataclass
class TrainConfig:
    """Options shared by every task."""

    epochs: int = option(5, "Training epochs.", min=1)
    batch_size: int = option(128, "Mini-batch size.", min=1)
    lr: float = option(1e-3, "Learning rate.", positive=True)
    seed: int = option(0, "Seed for every random stream (init, shuffling, noise).", min=0)
    train_size: int = option(0, "Train on a random subset of this many images (0 = all).", min=0)
    seeds: str = option("", "Repeat the whole run per seed: a count (5 = seeds --seed..--seed+4) or a list "
                        "(0,1,2); reports mean ± std and a 95% interval over the seeds.")

    # Named bundles of option values. A task with presets has a `preset` field whose default
    # preset is empty: the field defaults *are* the defaults, so Config() == Config.build({}).
    presets: ClassVar[dict[str, dict]] = {}
    # Shared fields this task does not read (name -> what to use instead): not among its options,
    # and refused when given, so an option is never silently ignored.
    ignored: ClassVar[dict[str, str]] = {}

    @classmethod
    def options(cls) -> list:
        """The fields this task reads: its options, in order (for `digits train` and the TUI form)."""
        return [f for f in fields(cls) if f.name not in cls.ignored]

    def seed_list(self) -> tuple[int, ...]:
        """The seeds the run trains: --seeds, or --seed alone."""
        return parse_seeds(self.seeds, self.seed)

    def validate(self) -> None:
        """Raise ConfigError naming the first invalid option."""
        self.seed_list()
        types = field_types(type(self))
        for f in fields(self):
            value, meta, name = getattr(self, f.name), f.metadata, flag(f.name)
            if meta.get("choices") and value not in meta["choices"]:
                raise ConfigError(f"{name} must be one of {', '.join(map(str, meta['choices']))} (got {value!r})")
            if types[f.name] in (int, float) and not isinstance(value, bool):
                if isinstance(value, float) and not math.isfinite(value):
                    raise ConfigError(f"{name} must be a finite number (got {value})")
                if meta.get("positive") and not value > 0:
                    raise ConfigError(f"{name} must be greater than 0 (got {value:g})")
                if meta.get("min") is not None and value < meta["min"]:
                    raise ConfigError(f"{name} must be at least {meta['min']:g} (got {value:g})")
            if is_int_tuple(types[f.name]):
                check_int_list(value, f.name, meta)

    def validate_data(self, dataset) -> None:
        """Checks that need the dataset (its size, its classes); run before any training."""
        train_count = len(dataset.train_labels)
        n = self.train_count(train_count)
        if self.train_size > train_count:
            raise ConfigError(f"--train-size {self.train_size} is larger than the {train_count} training images")
        if self.batch_size > n:
            raise ConfigError(f"--batch-size {self.batch_size} is larger than the {n} training images; "
                              "use a smaller batch")

    def train_count(self, available: int) -> int:
        return self.train_size or available

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def build(cls, overrides: dict | None = None) -> "TrainConfig":
        """Defaults, then the chosen preset's values, then the user's explicit options; validated."""
        overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        for name in overrides:
            if name in cls.ignored:
                raise ConfigError(f"{flag(name)} does not apply to this task; {cls.ignored[name]}")
        names = {f.name for f in fields(cls)}
        unknown = set(overrides) - names
        if unknown:
            raise ConfigError(f"{', '.join(sorted(flag(u) for u in unknown))} does not apply to this task")
        values = {}
        preset = overrides.get("preset", cls.default_of("preset")) if "preset" in names else None
        if preset is not None:
            if preset not in cls.presets:
                raise ConfigError(f"--preset must be one of {', '.join(cls.presets)} (got {preset!r})")
            values.update(cls.presets[preset])
        values.update(overrides)
        types = field_types(cls)
        for key, value in values.items():
            if is_int_tuple(types[key]) and isinstance(value, (str, int)):
                values[key] = parse_int_list(str(value), key)
            elif is_int_tuple(types[key]):
                values[key] = tuple(value)
        config = cls(**values)
        config.validate()
        return config

    @classmethod
    def default_of(cls, name: str):
        for f in fields(cls):
            if f.name == name:
                return f.default if f.default is not MISSING else f.default_factory()
        raise KeyError(name)
