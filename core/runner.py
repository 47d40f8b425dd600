"""Running a task end to end: validate, create the run directory, record events, mark the outcome.

`execute` is what every front-end iterates. Its last event is always one of RunFinished,
RunInterrupted or Error, so a consumer can derive its exit status from the stream alone.
"""

import time
from pathlib import Path
from typing import Callable, Iterator

from digits.core.config import TrainConfig
from digits.core.dataset import Dataset
from digits.core.errors import DigitsError, RunCancelled
from digits.core.events import Error, Event, RunFinished, RunInterrupted, RunStarted
from digits.core.runs import RunDir
from digits.core.tasks import Context, get_task


def execute(task_name: str, config: TrainConfig, dataset: Dataset, runs_root: Path | None,
            should_stop: Callable[[], bool] = lambda: False) -> Iterator[Event]:
    """Run a task, yielding its events; with `runs_root` None nothing is written to disk."""
    task = get_task(task_name)
    config.validate()
    config.validate_data(len(dataset.train_images))
    run = RunDir.create(runs_root, task.name, config.to_dict(), dataset.name) if runs_root is not None else None
    run_id = run.run_id if run else f"{task.name}-unsaved"
    run_dir = str(run.path) if run else None
    started = time.perf_counter()
    ctx = Context(dataset=dataset, should_stop=should_stop, run=run)
    outcome = "interrupted"  # what the run is marked if the consumer stops iterating early

    def emit(event: Event) -> Event:
        if run is not None:
            run.record(event)
        return event

    try:
        yield emit(RunStarted(task.name, run_id, config.to_dict(), run_dir))
        stream = task.run(config, ctx)
        while True:
            try:
                event = next(stream)
            except StopIteration as stop:
                metrics = stop.value or {}
                break
            yield emit(event)
        outcome = "finished"
        if run is not None:
            run.finish("finished", metrics)
        yield emit(RunFinished(task.name, run_id, run_dir, time.perf_counter() - started, metrics))
    except RunCancelled as where:
        outcome = "interrupted"
        spot = {"phase": where.phase, "epoch": where.epoch, "step": where.step}
        if run is not None:
            run.finish("interrupted", where=spot)
        yield emit(RunInterrupted(task.name, run_id, run_dir, time.perf_counter() - started, **spot))
    except DigitsError as exc:
        outcome = "failed"
        if run is not None:
            run.finish("failed", error=str(exc))
        yield emit(Error(str(exc)))
    except GeneratorExit:
        if run is not None and run.info["status"] == "running":
            run.finish("interrupted")
        raise
    except BaseException as exc:
        outcome = "failed"
        if run is not None and run.info["status"] == "running":
            run.finish("failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if run is not None and run.info["status"] == "running":
            run.finish(outcome)
