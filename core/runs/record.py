"""The run record, `run.json` schema 2: what a run was, what it made and what it found, in one shape
for every task, read by every front-end (CLI, TUI) and by what comes later (sweeps, reports).

- `models`: each saved network with its role, labels, heads (which logit columns predict which
  classes), input scaling, architecture and parameter count, as the task declared them;
- `comparison` and `reference`: the task's side-by-side facts and the published figures beside ours;
- `results`: per-seed metrics, the aggregate of every metric over seeds, and task tables;
- `environment`: versions, CPU and SIMD level, BLAS and threads, the kernels in use.

The JSON Schema is docs/run-record.schema.json (the README describes it). Runs written before
schema 2 still open: `read_record` migrates them (core/runs/migration.py).
"""

from dataclasses import asdict, dataclass, field

from digits.core.stats import summarize

SCHEMA = 2
ROLES = ("teacher", "student", "control", "untrained", "model", "column", "ensemble")


@dataclass
class Head:
    """Logit `columns` of a network that predict `classes` (column i predicts classes[i])."""

    columns: list[int]
    classes: list[int]
    name: str = "digits"

    @classmethod
    def digits(cls, start: int = 0, classes: int = 10) -> "Head":
        """The usual head: `classes` consecutive logits from `start`, one per digit."""
        return cls(list(range(start, start + classes)), list(range(classes)))


@dataclass
class ModelInfo:
    """A saved network as the front-ends need to know it."""

    name: str
    role: str
    label: str
    short: str
    heads: list[Head] = field(default_factory=lambda: [Head.digits()])
    scale: str = "unit"
    architecture: str = ""
    params: int = 0
    init_from: str | None = None  # the model whose weights this one started from (subliminal: "untrained")

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"model {self.name!r}: unknown role {self.role!r} (one of {', '.join(ROLES)})")
        self.heads = [h if isinstance(h, Head) else Head(**h) for h in self.heads]

    @property
    def multi_head(self) -> bool:
        return len(self.heads) > 1

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ModelInfo":
        return cls(**{k: d[k] for k in ("name", "role", "label", "short", "heads", "scale", "architecture",
                                        "params", "init_from") if k in d})


def numeric(metrics: dict) -> dict:
    """The metrics that are numbers (bools and nested values left out)."""
    return {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def aggregate(per_seed: list[dict]) -> dict:
    """metric -> {mean, std (sample), ci95 (half-width of the 95% t-interval), n} over the seeds'
    metrics; a metric missing from some seeds is aggregated over those that have it."""
    names = list(dict.fromkeys(k for seed in per_seed for k in numeric(seed["metrics"])))
    out = {}
    for name in names:
        values = [seed["metrics"][name] for seed in per_seed if name in numeric(seed["metrics"])]
        out[name] = summarize(values)
    return out


def results(per_seed: list[dict], tables: dict | None = None) -> dict:
    """The record's `results`: [{seed, metrics}], their aggregate, and the task's typed tables
    ({name: {columns: [...], rows: [[...], ...]}})."""
    return {"seeds": [seed["seed"] for seed in per_seed], "per_seed": per_seed, "aggregate": aggregate(per_seed),
            "tables": tables or {}}


def table(columns: list[str], rows: list[list]) -> dict:
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"every row needs {len(columns)} cells ({', '.join(columns)})")
    return {"columns": list(columns), "rows": [list(row) for row in rows]}


class Record:
    """A run record opened for reading (see `read_record`): the dict, plus what front-ends ask of it."""

    def __init__(self, info: dict):
        self.info = info
        self.models = [ModelInfo.from_dict(m) for m in info.get("models") or []]

    def __getitem__(self, key):
        return self.info[key]

    def get(self, key, default=None):
        return self.info.get(key, default)

    @property
    def model_names(self) -> list[str]:
        return [m.name for m in self.models]

    def model(self, name: str) -> ModelInfo:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)

    def first(self, role: str) -> str | None:
        return next((m.name for m in self.models if m.role == role), None)

    def pair(self) -> list[str]:
        """The two models a side-by-side view starts with: teacher and student when the run has
        both, else its first two models (one when it has one)."""
        teacher, student = self.first("teacher"), self.first("student")
        if teacher and student:
            return [teacher, student]
        return self.model_names[:2]

    def default_models(self) -> list[str]:
        """What `digits show` and `eval` detail without --model: teacher and student, else every model."""
        teacher, student = self.first("teacher"), self.first("student")
        return [teacher, student] if teacher and student else self.model_names

    def partner(self, name: str) -> str | None:
        """The model a verdict is shown beside: a teacher's student, anyone else's teacher, else the
        other model of the pair."""
        teacher, student = self.first("teacher"), self.first("student")
        if teacher and student:
            return student if name == teacher else teacher
        others = [n for n in self.pair() if n != name]
        return others[0] if others else None

    @property
    def initial(self) -> str | None:
        """The saved initial weights others started from (a model of role untrained), if any."""
        return self.first("untrained")

    def other_init(self) -> list[str]:
        """Models that did not start from the run's initial weights (unrelated units)."""
        initial = self.initial
        return [m.name for m in self.models if initial and m.name != initial and m.init_from != initial]

    @property
    def highlight(self) -> list[int]:
        """Classes the run marks (e.g. digits a distilled student never saw)."""
        return list((self.info.get("comparison") or {}).get("highlight") or [])
