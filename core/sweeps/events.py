"""The events a sweep emits (NDJSON with `digits sweep --json`; the Rich display reads the same).
Like a run's events: `event` and `time` first, keys may be added, never renamed."""

from dataclasses import dataclass, field
from typing import ClassVar

from digits.core.events import Event


@dataclass
class SweepStarted(Event):
    name: ClassVar[str] = "sweep_started"
    sweep_id: str
    task: str
    sweep_dir: str
    cells: int  # in the sweep
    pending: int  # still to run (fewer than cells on --resume)
    workers: int
    threads_per_worker: int | None
    grid: dict = field(default_factory=dict)
    seeds: list = field(default_factory=list)


@dataclass
class CellStarted(Event):
    name: ClassVar[str] = "cell_started"
    cell: str
    options: dict
    seed: int
    attempt: int
    worker: int  # the local worker slot it went to


@dataclass
class CellFinished(Event):
    name: ClassVar[str] = "cell_finished"
    cell: str
    options: dict
    seed: int
    seconds: float
    metrics: dict


@dataclass
class CellFailed(Event):
    name: ClassVar[str] = "cell_failed"
    cell: str
    options: dict
    seed: int
    message: str
    retried: bool  # True: it will run once more (its worker died); False: it stays failed


@dataclass
class SweepFinished(Event):
    name: ClassVar[str] = "sweep_finished"
    sweep_id: str
    status: str  # finished, interrupted
    seconds: float
    done: int
    failed: int
    total: int
    summary: dict
