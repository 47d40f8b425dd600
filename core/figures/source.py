"""What a run's figures are drawn from: its record, its event log, its saved networks and their
verdicts on the test digits it was scored on. Everything is read, nothing retrained; each part is
loaded once, when a figure first asks for it (the test-set pass costs a second or two)."""

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from digits.core.data.dataset import Dataset
from digits.core.errors import DigitsError
from digits.core.nn.network import Network
from digits.core.nn.persist import load_network
from digits.core.runs.inspection import ModelView, dataset_for, model_views
from digits.core.runs.record import Record


def read_events(path: Path) -> list[dict]:
    """The run's events, in order; a line that is not JSON (a crash's partial last line) is skipped."""
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


class RunSource:
    """A finished (or stopped) run, opened for drawing."""

    def __init__(self, info: dict, data_dir: Path | None = None):
        self.info, self.record, self.path = info, Record(info), Path(info["path"])
        self.data_dir = data_dir
        self.left_out: list[str] = []  # what could not be drawn, and why (a report says so, and goes on)

    @property
    def config(self) -> dict:
        return self.info.get("config") or {}

    @property
    def metrics(self) -> dict:
        return self.info.get("metrics") or {}

    def table(self, name: str) -> list[dict]:
        """A typed table of the record's results as rows of {column: value} ([] if absent)."""
        found = ((self.info.get("results") or {}).get("tables") or {}).get(name)
        return [dict(zip(found["columns"], row)) for row in found["rows"]] if found else []

    def aggregate(self, metric: str) -> dict | None:
        return ((self.info.get("results") or {}).get("aggregate") or {}).get(metric)

    @property
    def seeds(self) -> int:
        return len((self.info.get("results") or {}).get("seeds") or []) or 1

    def estimate(self, metric: str) -> tuple[float | None, float | None]:
        """A metric's value, with the half-width of its 95% interval when several seeds measured it."""
        summary = self.aggregate(metric)
        if summary:
            return summary["mean"], summary["ci95"] if summary["n"] > 1 else None
        found = self.metrics.get(metric)
        return (found, None) if isinstance(found, (int, float)) else (None, None)

    @cached_property
    def events(self) -> list[dict]:
        return read_events(self.path / "events.jsonl")

    @cached_property
    def dataset(self) -> Dataset:
        return dataset_for(self.info, self.data_dir)

    @cached_property
    def _views(self) -> tuple[dict[str, ModelView], np.ndarray]:
        if not self.record.model_names:
            return {}, np.arange(0)
        try:
            return model_views(self.info, self.dataset, None, run_subset=True)
        except DigitsError as exc:  # a damaged network file, a dataset that is not there any more
            self.left_out.append(f"the figures of its saved networks: {exc}")
            return {}, np.arange(0)

    @property
    def views(self) -> dict[str, ModelView]:
        """Every saved model's verdict on the test digits the run was scored on."""
        return self._views[0]

    @property
    def test_indices(self) -> np.ndarray:
        return self._views[1]

    def network(self, name: str) -> Network:
        return load_network(self.path / "models" / name)[0]
