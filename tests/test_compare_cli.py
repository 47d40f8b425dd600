"""`digits compare RUN RUN...`: exactly the options that differ, one column per run, the count of
those shared, the metrics side by side (headline first, accuracies as percentages), status and
wall time; --json is one object with the same facts; a sweep cell and a run directory are runs too;
fewer than two runs, an unknown run or one run twice is one line and a non-zero exit. The installed
`digits`, on the committed fixture runs and copies of them with an edited config."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from terminal_session import DIGITS
from test_completion import ask
from test_runs_filter import add_sweep, edited_run, sweep_of
from tui_support import copy_fixture_runs


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory) -> Path:
    """The three fixture runs; baseline-h64 (hidden 64), baseline-lr (hidden 64, lr 0.001, seed 1, and
    interrupted after 2.5 s); a baseline sweep of two cells."""
    root = tmp_path_factory.mktemp("compare-runs")
    copy_fixture_runs(root)
    edited_run(root / "baseline-h64", "baseline-tiny", "baseline-h64", started=1767225800.0, hidden=[64])
    lr = edited_run(root / "baseline-lr", "baseline-tiny", "baseline-lr", started=1767225900.0, hidden=[64],
                    lr=0.001, seed=1)
    record = json.loads((lr / "run.json").read_text())
    record.update(status="interrupted", seconds=2.5)
    record["metrics"]["test_accuracy"] = 0.7
    (lr / "run.json").write_text(json.dumps(record))
    add_sweep(root)
    return root


def digits(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run([DIGITS, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def compared(runs_dir: Path, *runs) -> dict:
    result = digits("compare", "--runs-dir", runs_dir, "--json", *runs)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    (obj,) = [json.loads(line) for line in result.stdout.splitlines()]
    return obj


def config(runs_dir: Path, run: str) -> dict:
    return json.loads((runs_dir / run / "run.json").read_text())["config"]


def rows(table_text: str) -> dict[str, list[str]]:
    """A Rich table's header and body rows as first cell -> the other cells."""
    out = {}
    for line in table_text.splitlines():
        bar = line[:1]
        cells = [c.strip() for c in line.strip(f"{bar} ").split(bar)] if bar and bar in "│┃" else [""]
        if cells[0]:
            out[cells[0]] = cells[1:]
    return out


def test_two_runs_of_a_task_differ_in_exactly_what_was_changed(runs_dir):
    obj = compared(runs_dir, "baseline-tiny", "baseline-h64")
    assert obj["runs"] == ["baseline-tiny", "baseline-h64"]
    assert obj["differing"] == {"hidden": [[10], [64]]}
    shared = config(runs_dir, "baseline-tiny")
    del shared["hidden"]
    assert obj["shared"] == shared
    assert list(obj["metrics"])[0] == "test_accuracy"  # the headline first
    assert obj["metrics"]["test_accuracy"] == [0.6302, 0.6302]
    assert set(obj["metrics"]) == {"test_accuracy", "test_error", "train_accuracy", "params"}
    assert obj["status"] == ["finished", "finished"] and obj["seconds"] == [1.0, 1.0]


def test_three_runs_list_each_option_that_differs(runs_dir):
    obj = compared(runs_dir, "baseline-tiny", "baseline-h64", "baseline-lr")
    assert obj["differing"] == {"lr": [0.01, 0.01, 0.001], "seed": [0, 0, 1], "hidden": [[10], [64], [64]]}
    assert len(obj["shared"]) == len(config(runs_dir, "baseline-tiny")) - 3
    assert obj["metrics"]["test_accuracy"] == [0.6302, 0.6302, 0.7]
    assert obj["status"] == ["finished", "finished", "interrupted"] and obj["seconds"] == [1.0, 1.0, 2.5]


def test_runs_of_different_tasks(runs_dir):
    runs = ("baseline-tiny", "distill-tiny", "subliminal-tiny")
    obj = compared(runs_dir, *runs)
    configs = [config(runs_dir, r) for r in runs]
    names = {n for c in configs for n in c}
    expected = {n for n in names if len({json.dumps(c.get(n)) for c in configs}) > 1}
    assert set(obj["differing"]) == expected | {"task"}
    assert obj["differing"]["task"] == ["baseline", "distill", "subliminal"]
    assert obj["differing"]["temperature"] == [None, 20.0, 2.0]  # an option a task does not have: None
    assert obj["shared"] == {"epochs": 1, "seed": 0}
    assert list(obj["metrics"])[:2] == ["test_accuracy", "student_test_accuracy"]
    assert obj["metrics"]["test_accuracy"] == [0.6302, None, None]
    assert obj["metrics"]["student_test_accuracy"] == [None, 0.2804, 0.1119]


def test_the_tables(runs_dir):
    result = digits("compare", "--runs-dir", runs_dir, "baseline-tiny", "baseline-lr")
    assert result.returncode == 0 and result.stderr == ""
    out = result.stdout
    options, metrics = out.split("metrics", 1)[0], out.split("metrics", 1)[1]
    assert "options that differ" in options
    assert rows(options) == {"option": ["baseline-tiny", "baseline-lr"], "lr": ["0.01", "0.001"],
                             "seed": ["0", "1"], "hidden": ["10", "64"]}
    shared = len(config(runs_dir, "baseline-tiny")) - 3
    assert f"all of task baseline; they share {shared} options: epochs=1, batch_size=128," in out
    table = rows(metrics)
    assert table["status"] == ["finished", "interrupted"]
    assert table["wall time"] == ["1.0 s", "2.5 s"]
    assert table["test accuracy"] == ["63.02%", "70.00%"]
    assert table["test error"] == ["36.98%", "36.98%"]
    assert table["params"] == ["7,960", "7,960"]
    assert list(table)[:4] == ["metric", "status", "wall time", "test accuracy"]


def test_a_missing_metric_and_option_show_as_a_dash(runs_dir):
    result = digits("compare", "--runs-dir", runs_dir, "baseline-tiny", "distill-tiny")
    assert result.returncode == 0
    options, metrics = result.stdout.split("metrics", 1)
    assert rows(options)["temperature"] == ["-", "20"] and rows(options)["task"] == ["baseline", "distill"]
    assert rows(metrics)["test accuracy"] == ["63.02%", "-"] and rows(metrics)["student"] == ["-", "28.04%"]


def test_sweep_cells_and_run_directories_are_runs(runs_dir):
    sweep_id = sweep_of(runs_dir)
    cells = [f"{sweep_id}/cells/p000-s0", f"{sweep_id}/cells/p001-s0"]
    obj = compared(runs_dir, *cells, runs_dir / "baseline-h64")
    assert obj["runs"] == [*cells, "baseline-h64"]
    assert obj["differing"] == {"hidden": [[32], [64], [64]]}


@pytest.mark.parametrize("runs, says", [
    ([], "compare needs at least two runs (got none)"),
    (["baseline-tiny"], "compare needs at least two runs (got only 'baseline-tiny')"),
    (["baseline-tiny", "nope"], "no run 'nope' in "),
    (["baseline-tiny", "baseline-tiny"], "are the same run"),
    (["baseline-tiny", "SWEEP"], "is a sweep; compare its cells"),
])
@pytest.mark.parametrize("json_out", [False, True])
def test_bad_runs_are_one_line(runs_dir, runs, says, json_out):
    runs = [sweep_of(runs_dir) if run == "SWEEP" else run for run in runs]
    result = digits("compare", "--runs-dir", runs_dir, *runs, *(["--json"] if json_out else []))
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1 and says in result.stderr, \
        result.stderr
    if json_out:  # an error event, as every --json command reports one
        (event,) = [json.loads(line) for line in result.stdout.splitlines()]
        assert event["event"] == "error" and says in event["message"]
    else:
        assert result.stdout == ""


def test_run_ids_complete(runs_dir):
    everything = {"baseline-tiny", "distill-tiny", "subliminal-tiny", "baseline-h64", "baseline-lr"}
    assert set(ask("bash", f"digits compare --runs-dir {runs_dir} ")) == everything
    assert set(ask("bash", f"digits compare --runs-dir {runs_dir} baseline-tiny baseline-")) == {
        "baseline-h64", "baseline-lr"}  # one already given is not offered again
    sweep_id = sweep_of(runs_dir)
    assert set(ask("bash", f"digits compare --runs-dir {runs_dir} {sweep_id}/")) == {
        f"{sweep_id}/cells/p000-s0", f"{sweep_id}/cells/p001-s0"}
