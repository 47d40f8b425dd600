"""What a task is (a named experiment with a config dataclass and a `run` generator) and the registry."""

from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import ClassVar

from digits.core.atomic import write_json
from digits.core.config import TrainConfig
from digits.core.data.dataset import Dataset
from digits.core.errors import ConfigError
from digits.core.events import Comparison, Event
from digits.core.nn.flops import Work, total_flops
from digits.core.nn.network import Network
from digits.core.runs.directory import RunDir
from digits.core.runs.record import Head, ModelInfo
from digits.core.runs.seeds import SeedRun, metrics_over_seeds, panel_over_seeds


@dataclass
class Context:
    """What a running task may use: the data, a cancellation check and (optionally) its run directory."""

    dataset: Dataset
    should_stop: Callable[[], bool] = lambda: False
    run: RunDir | None = None
    per_seed: list[dict] | None = None
    tables: dict | None = None
    test_subset: list[int] | None = None  # the test digits the metrics were measured on (None: all)

    def save_model(self, name: str, net: Network, *, role: str, label: str, short: str | None = None,
                   scale: str = "unit", heads: list[Head] | None = None, init_from: str | None = None,
                   meta: dict | None = None) -> None:
        """Save a network and declare it in the run record: its role (teacher, student, control,
        untrained, model, column), how to call it, how its inputs are scaled, which logits predict
        which classes (default: the first ten, digits 0-9) and which saved model it started from."""
        model = ModelInfo(name, role, label, short or name, heads or [Head.digits()], scale, net.describe(),
                          net.num_params, init_from)
        if self.run is not None:
            self.run.save_model(model, net, meta)

    def save_results(self, per_seed: list[dict] | None = None, tables: dict | None = None) -> None:
        """The record's results: per-seed metrics ([{seed, metrics}]) when the task ran several
        seeds, and typed tables (record.table); the runner aggregates them."""
        self.per_seed, self.tables = per_seed, tables

    def save_json(self, name: str, obj) -> None:
        """A results file in the run directory (per-class accuracies, sweeps, per-seed numbers)."""
        if self.run is not None:
            write_json(self.run.path / name, obj)


class Task:
    """Subclass, set the class attributes, implement `run`, and decorate with @register."""

    name: ClassVar[str]
    summary: ClassVar[str]
    reference: ClassVar[str]
    Config: ClassVar[type[TrainConfig]] = TrainConfig
    # The metrics a one-line summary shows, most important first, as (metric, short label).
    headline: ClassVar[tuple[tuple[str, str], ...]] = (("test_accuracy", "test accuracy"),)
    # Paired contrasts that give the task its meaning, each (label, metric a, metric b): a sweep
    # reports a − b per seed (the same run's two numbers) with its interval and agreement in sign.
    contrasts: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    # What the classes a run highlights are, in a figure's caption (e.g. "digits the student never saw").
    highlight_label: ClassVar[str] = ""

    def run(self, config: TrainConfig, ctx: Context) -> Generator[Event, None, dict]:
        """Yield events while training; return the final flat metrics dict."""
        raise NotImplementedError

    def combine(self, config: TrainConfig, runs: list[SeedRun]) -> tuple[dict, Comparison | None]:
        """Several seeds' runs as one result: metrics over seeds and one panel (core/runs/seeds.py).
        Tasks override `seed_notes` (or this) to say what their seeds show."""
        metrics = metrics_over_seeds(runs)
        return metrics, panel_over_seeds(runs, metrics, notes=self.seed_notes(config, runs, metrics))

    def seed_notes(self, config: TrainConfig, runs: list[SeedRun], metrics: dict) -> list[str]:
        seeds = ", ".join(str(r.seed) for r in runs)
        return [f"{len(runs)} seeds ({seeds}): mean ± std and 95% interval over the seeds"]

    def figures(self, source) -> list:
        """The task's own figures of a finished run (`digits.core.figures.kinds`), drawn from its record
        (`source`: a `digits.core.figures.source.RunSource`); the report adds them after the common ones."""
        return []

    def gemm_work(self, config: TrainConfig, dataset: Dataset) -> list[Work]:
        """The matrix products one `run` performs (one seed, `config.seed`), as data: every network it
        trains or evaluates, with its weight shapes, batch size and samples trained and evaluated
        (`digits.core.nn.flops.Work`), for the speed benchmarks' FLOP counts and GEMM floors."""
        raise NotImplementedError

    def work(self, config: TrainConfig, dataset: Dataset) -> list[Work]:
        """`gemm_work` of every seed the runner trains (it calls `run` once per seed)."""
        return [w for seed in config.seed_list()
                for w in self.gemm_work(replace(config, seed=seed, seeds=""), dataset)]

    def flops(self, config: TrainConfig, dataset: Dataset) -> int:
        """The matrix-product FLOPs of the whole run, all seeds (see `digits.core.nn.flops`)."""
        return total_flops(self.work(config, dataset))


TASKS: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    TASKS[cls.name] = cls
    return cls


def headline(task: str, metrics: dict) -> list[tuple[str, float]]:
    """(label, value) of a finished run's headline metrics; [] for unknown tasks or missing metrics."""
    names = TASKS[task].headline if task in TASKS else ()
    return [(label, metrics[name]) for name, label in names if isinstance(metrics.get(name), (int, float))]


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}; choose from: {', '.join(sorted(TASKS))} (see `digits tasks`)")
    return TASKS[name]()
