"""Running a task end to end: validate, create the run directory, record events, mark the outcome.

`execute` is what every front-end iterates. Once it has yielded RunStarted, its last event is one
of RunFinished, RunInterrupted or Error, so a consumer can derive its exit status from the stream.
Problems found before the run starts (bad options, an unusable runs directory) are raised instead.

A task trains one seed. With `--seeds`, the run trains it once per seed (its phases named
"... (seed s)"), shows only the last seed's example digits, and ends with the task's combination
of the seeds (core/runs/seeds.py): one set of metrics and one comparison panel over all of them.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from digits.core.config import TrainConfig
from digits.core.data.dataset import Dataset
from digits.core.errors import ConfigError, DigitsError, RunCancelled
from digits.core.events import (
    Comparison,
    EpochFinished,
    Error,
    Event,
    Examples,
    PhaseStarted,
    Progress,
    RunFinished,
    RunInterrupted,
    RunStarted,
)
from digits.core.runs.directory import RunDir
from digits.core.runs.record import numeric, results
from digits.core.runs.seeds import SeedRun
from digits.core.tasks import Context, get_task


def create_run_dir(runs_root: Path, task: str, config: dict, dataset: str) -> RunDir:
    try:
        return RunDir.create(runs_root, task, config, dataset)
    except OSError as exc:
        raise ConfigError(f"{runs_root}: cannot create a run directory there ({exc.strerror or exc}); "
                          "choose another --runs-dir or DIGITS_HOME") from None


def record_fields(runs: list[SeedRun], comparison: dict | None, ctx: Context) -> dict:
    """What a finished run adds to its record: the comparison, the published figures, and the
    results (each seed's metrics, or the task's own per-seed split, aggregated; the tables)."""
    per_seed = ctx.per_seed if len(runs) == 1 and ctx.per_seed else [
        {"seed": r.seed, "metrics": {k: v for k, v in numeric(r.metrics).items() if k != "seeds"}} for r in runs]
    panel = {k: v for k, v in comparison.items() if k != "reference"} if comparison else None
    return {"comparison": panel, "reference": (comparison or {}).get("reference") or [],
            "results": results(per_seed, ctx.tables), "test_subset": ctx.test_subset}


def event_dict(event: Event) -> dict:
    return {k: v for k, v in event.to_dict().items() if k not in ("event", "time")}


def run_seed(task, config: TrainConfig, seed: int, several: bool, last: bool, ctx: Context, run: RunDir | None,
             position: "Position") -> Iterator[Event]:
    """One seed of the task, its events passed on (recorded, phases named by seed when there are
    several seeds; with several, each seed's panel is kept for the combination, not shown, and only
    the last seed's example digits are); returns its SeedRun."""
    stream = task.run(replace(config, seed=seed, seeds=""), ctx)
    panel = None
    while True:
        try:
            event = next(stream)
        except StopIteration as stop:
            return SeedRun(seed, stop.value or {}, panel)
        if several and hasattr(event, "phase"):
            event = replace(event, phase=f"{event.phase} (seed {seed})")
        position.update(event)
        if isinstance(event, Comparison):
            panel = event_dict(event)
        if not (several and (isinstance(event, Comparison) or (isinstance(event, Examples) and not last))):
            if run is not None:
                run.record(event)
            yield event
        if ctx.should_stop():  # a stop that arrived during evaluation or saving, between batches
            stream.close()
            raise RunCancelled(position.phase, position.epoch, None)


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
    seeds = config.seed_list()
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
        runs = []
        for seed in seeds:
            runs.append((yield from run_seed(task, config, seed, len(seeds) > 1, seed == seeds[-1], ctx, run,
                                             position)))
        if len(runs) == 1:
            metrics, panel = runs[0].metrics, runs[0].comparison
        else:
            metrics, combined = task.combine(config, runs)
            panel = event_dict(combined) if combined is not None else None
            if combined is not None:
                if run is not None:
                    run.record(combined)
                yield combined
        yield close(RunFinished(task.name, run_id, run_dir, time.perf_counter() - started, metrics, panel),
                    "finished", metrics=metrics, **record_fields(runs, panel, ctx))
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
