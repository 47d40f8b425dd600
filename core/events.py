"""Typed events a run emits. The Rich display, the NDJSON printer and the TUI all consume them.

`to_dict()` gives the NDJSON form: `event` and `time` first, then the fields. Keys may be added
over time, never renamed; SCHEMA is bumped on any incompatible change.
"""

import math
import time as _time
from dataclasses import dataclass, field, fields
from typing import ClassVar

SCHEMA = 1


def json_safe(value):
    """A copy that json.dumps(allow_nan=False) accepts: non-finite floats become None, tuples lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


@dataclass
class Event:
    name: ClassVar[str] = "event"
    time: float = field(default_factory=_time.time, kw_only=True)

    def to_dict(self) -> dict:
        out = {"event": self.name, "time": round(self.time, 6)}
        for f in fields(self):
            if f.name != "time":
                out[f.name] = getattr(self, f.name)
        return json_safe(out)


@dataclass
class RunStarted(Event):
    name: ClassVar[str] = "run_started"
    task: str
    run_id: str
    config: dict
    run_dir: str | None
    schema: int = SCHEMA


@dataclass
class PhaseStarted(Event):
    name: ClassVar[str] = "phase_started"
    phase: str
    epochs: int
    steps_per_epoch: int
    samples_per_epoch: int
    model: str = ""


@dataclass
class Progress(Event):
    """Within-epoch progress, throttled (a few per second); not written to the run's log."""

    name: ClassVar[str] = "progress"
    phase: str
    epoch: int
    epochs: int
    step: int
    steps: int
    loss: float
    samples_per_second: float = 0.0


@dataclass
class EpochFinished(Event):
    name: ClassVar[str] = "epoch_finished"
    phase: str
    epoch: int
    epochs: int
    train_loss: float
    test_accuracy: float | None
    seconds: float
    samples_per_second: float
    lr: float
    metrics: dict = field(default_factory=dict)


@dataclass
class PhaseFinished(Event):
    name: ClassVar[str] = "phase_finished"
    phase: str
    metrics: dict
    seconds: float = 0.0  # training time of the phase (evaluations excluded)
    samples_per_second: float = 0.0


@dataclass
class Examples(Event):
    """A few test digits with a model's predictions, for front-ends to draw."""

    name: ClassVar[str] = "examples"
    model: str
    indices: list[int]
    labels: list[int]
    predictions: list[int]
    images: list[list[list[int]]]


@dataclass
class Comparison(Event):
    """Models side by side at the end of a run (teacher, students, controls).

    `models`: [{name, label, test_accuracy, per_class, role?, std?, ci95?, per_seed?}];
    `highlight`: classes to mark (e.g. omitted digits); `agreement`: {"a vs b": fraction};
    `reference`: [{what, ours, published}] rows comparing with published figures;
    `examples`: {indices, labels, images, predictions: {model name: [...]}}.
    """

    name: ClassVar[str] = "comparison"
    title: str
    models: list[dict]
    highlight: list[int] = field(default_factory=list)
    agreement: dict = field(default_factory=dict)
    reference: list[dict] = field(default_factory=list)
    examples: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class RunFinished(Event):
    name: ClassVar[str] = "run_finished"
    task: str
    run_id: str
    run_dir: str | None
    seconds: float
    metrics: dict
    comparison: dict | None = None  # the run's final Comparison event, if any, without event/time


@dataclass
class RunInterrupted(Event):
    name: ClassVar[str] = "run_interrupted"
    task: str
    run_id: str
    run_dir: str | None
    seconds: float
    phase: str | None
    epoch: int | None
    step: int | None


@dataclass
class Error(Event):
    name: ClassVar[str] = "error"
    message: str


def event_classes() -> dict[str, type[Event]]:
    """Every event type by its NDJSON name."""
    found, todo = {}, [Event]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found[sub.name] = sub
            todo.append(sub)
    return found


def from_dict(data: dict) -> Event | None:
    """An event read back from its NDJSON form (an event log, another process's --json); None for
    an unknown kind or one that lacks a field. Keys this version does not know are ignored."""
    cls = event_classes().get(data.get("event")) if isinstance(data, dict) else None
    if cls is None:
        return None
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in data.items() if k in names})
    except TypeError:
        return None
