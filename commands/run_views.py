"""Shared by `show`, `gallery` and `eval`: the options that pick a run, and its models' views of
the test set it was trained against."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import typer

from digits.commands import completion
from digits.core import paths
from digits.core.data.dataset import Dataset
from digits.core.errors import RunLookupError
from digits.core.runs.inspection import ModelView, dataset_for, find_run, model_views
from digits.core.runs.record import Record

RUN_OPTION = typer.Option(None, "--run", help="Run id (see `digits runs`) or run directory; default: the "
                                              "newest run that saved models.", autocompletion=completion.runs)
RUNS_DIR_OPTION = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs or the user "
                                                        "data dir).")
DATA_DIR_OPTION = typer.Option(None, "--data-dir", help="Dataset directory (default: the one the run was trained "
                                                        "on).")
JSON_OPTION = typer.Option(False, "--json", help="Print the data as JSON on stdout instead of drawing.")


@dataclass
class RunViews:
    """The run's record, its dataset, and its models' verdicts on the test digits at `indices`
    (every test digit, or the subset the run measured its metrics on)."""

    record: Record
    data: Dataset
    views: dict[str, ModelView]
    indices: np.ndarray

    @property
    def info(self) -> dict:
        return self.record.info

    @property
    def labels(self):
        return self.data.test_labels[self.indices]

    @property
    def whole_test_set(self) -> bool:
        return len(self.indices) == len(self.data.test_labels)



def check_class(digit: int | None, classes: int) -> None:
    if digit is not None and not 0 <= digit < classes:
        raise RunLookupError(f"--class {digit} is not a class; use 0-{classes - 1}")


def load_views(run: str | None, runs_dir: Path | None, data_dir: Path | None,
               choose: Callable[[Record], list[str]] = Record.default_models, run_subset: bool = False) -> RunViews:
    """Find the run, load its dataset and the models `choose` picks from the run's record (only
    those: each costs a pass over the test set). With `run_subset`, only the test digits the run
    measured its metrics on (the record's test_subset), so the scores are the run's."""
    info = find_run(runs_dir or paths.runs_root(), run)
    record = Record(info)
    data = dataset_for(info, data_dir)
    views, indices = model_views(info, data, choose(record), run_subset)
    return RunViews(record, data, views, indices)
