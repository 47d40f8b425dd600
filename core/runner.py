"""Running a task end to end: validate, create the run directory, record events, mark the outcome.

`execute` is what every front-end iterates. Once it has yielded RunStarted, its last event is one
of RunFinished, RunInterrupted or Error, so a consumer can derive its exit status from the stream.
Problems found before the run starts (bad options, an unusable runs directory) are raised instead.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from digits.core.config import TrainConfig
from digits.core.dataset import Dataset
from digits.core.errors import ConfigError, DigitsError, RunCancelled
from digits.core.events import (
    Comparison,
    EpochFinished,
    Error,
    Event,
    PhaseStarted,
    Progress,
    RunFinished,
    RunInterrupted,
    RunStarted,
)
from digits.core.record import numeric, results
from digits.core.runs import RunDir
from digits.core.tasks import Context, get_task


def create_run_dir(runs_root: Path, task: str, config: dict, dataset: str) -> RunDir:
    try:
        return RunDir.create(runs_root, task, config, dataset)
    except OSError as exc:
        raise ConfigError(f"{runs_root}: cannot create a run directory there ({exc.strerror or exc}); "
                          "choose another --runs-dir or DIGITS_HOME") from None


def record_fields(config: TrainConfig, metrics: dict, comparison: dict | None, ctx: Context) -> dict:
    """What a finished run adds to its record: the comparison, the published figures, and the
    results (the task's per-seed metrics, or this run's seed alone, aggregated; its tables)."""
    per_seed = ctx.per_seed or [{"seed": config.seed, "metrics": numeric(metrics)}]
    panel = {k: v for k, v in comparison.items() if k != "reference"} if comparison else None
    return {"comparison": panel, "reference": (comparison or {}).get("reference") or [],
            "results": results(per_seed, ctx.tables), "test_subset": ctx.test_subset}


class Position:
    """Where the run is, for reporting an interruption that happens between batches."""

    def __init__(self):
        self.phase = self.epoch = None

    def update(self, event: Event) -> None:
        if isinstance(event, PhaseStarted):
            self.phase, self.epoch = event.phase, 1
        elif isinstance(event, (Progress, EpochFinished)):
            self.phase, self.epoch = event.phase, event.epoch


def execute(task_name: str, config: TrainConfig, dataset: Dataset, runs_root: Path | None,
            should_stop: Callable[[], bool] = lambda: False) -> Iterator[Event]:
    """Run a task, yielding its events; with `runs_root` None nothing is written to disk."""
    task = get_task(task_name)
    config.validate()
    config.validate_data(dataset)
    run = create_run_dir(runs_root, task.name, config.to_dict(), dataset.name) if runs_root is not None else None
    run_id = run.run_id if run else f"{task.name}-unsaved"
    run_dir = str(run.path) if run else None
    started = time.perf_counter()
    position = Position()
    comparison = None

    ctx = Context(dataset=dataset, should_stop=should_stop, run=run)

    def close(event: Event, status: str, **details) -> Event:
        """Record the final event, then mark the run (which closes its event log)."""
        if run is not None:
            run.record(event)
            run.finish(status, **details)
        return event

    def close_failed(message: str) -> Event:
        """Like close, but the run's files may be what failed: report the error even if they cannot be written."""
        try:
            return close(Error(message), "failed", error=message)
        except OSError as exc:
            return Error(f"{message} (and the run could not be marked failed: {exc})")

    try:
        first = RunStarted(task.name, run_id, config.to_dict(), run_dir)
        if run is not None:
            run.record(first)
        yield first
        stream = task.run(config, ctx)
        while True:
            try:
                event = next(stream)
            except StopIteration as stop:
                metrics = stop.value or {}
                break
            position.update(event)
            if isinstance(event, Comparison):
                comparison = {k: v for k, v in event.to_dict().items() if k not in ("event", "time")}
            if run is not None:
                run.record(event)
            yield event
            if should_stop():  # a stop that arrived during evaluation or saving, between batches
                stream.close()
                raise RunCancelled(position.phase, position.epoch, None)
        yield close(RunFinished(task.name, run_id, run_dir, time.perf_counter() - started, metrics, comparison),
                    "finished", metrics=metrics, **record_fields(config, metrics, comparison, ctx))
    except RunCancelled as where:
        spot = {"phase": where.phase, "epoch": where.epoch, "step": where.step}
        yield close(RunInterrupted(task.name, run_id, run_dir, time.perf_counter() - started, **spot),
                    "interrupted", where=spot)
    except (DigitsError, OSError) as exc:
        message = str(exc) if isinstance(exc, DigitsError) else f"cannot write the run's files: {exc}"
        yield close_failed(message)
    except (GeneratorExit, KeyboardInterrupt):
        if run is not None and run.info["status"] == "running":
            run.finish("interrupted")
        raise
    except BaseException as exc:
        if run is not None and run.info["status"] == "running":
            run.finish("failed", error=f"{type(exc).__name__}: {exc}")
        raise
