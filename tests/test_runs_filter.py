"""`digits runs --task T --where NAME=VALUE`: the listing keeps the runs of one task and those whose
config has the values asked for (typed as the tasks type them, all must hold), also in --json and
among a sweep's cells with --all; a filter that keeps nothing prints nothing and says so on stderr;
a bad filter is one line and exit 2. The installed `digits`, on the committed fixture runs and
copies of them with an edited config."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from terminal_session import DIGITS
from tui_support import FIXTURE_RUNS, copy_fixture_runs

from digits.core.sweeps.spec import SweepSpec
from digits.core.sweeps.store import SweepDir


def edited_run(target: Path, source: str, run_id: str, started: float | None = None, **config) -> Path:
    """A copy of the fixture run `source` at `target`, its record named `run_id`, with `config` changed."""
    shutil.copytree(FIXTURE_RUNS / source, target)
    record = json.loads((target / "run.json").read_text())
    record["run_id"] = run_id
    record["config"].update(config)
    if started is not None:
        record["started"] = started
    (target / "run.json").write_text(json.dumps(record))
    return target


def add_sweep(root: Path) -> SweepDir:
    """A finished sweep of baseline over hidden=32 and hidden=64 (one seed), its cells fixture copies."""
    sweep = SweepDir.create(root, SweepSpec("baseline", {}, {"hidden": ["32", "64"]}, (0,)), {"workers": 1})
    for cell in sweep.spec.cells():
        hidden = [int(cell.options["hidden"])]
        edited_run(sweep.cell_path(cell.id), "baseline-tiny", f"{sweep.sweep_id}/cells/{cell.id}", hidden=hidden)
        sweep.mark(cell, "finished")
    sweep.finish("finished")
    return sweep


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory) -> Path:
    """The three fixture runs, a baseline run with hidden=64, and a baseline sweep of two cells."""
    root = tmp_path_factory.mktemp("filter-runs")
    copy_fixture_runs(root)
    edited_run(root / "baseline-h64", "baseline-tiny", "baseline-h64", started=1767225800.0, hidden=[64])
    add_sweep(root)
    return root


def sweep_of(root: Path) -> str:
    (sweep,) = [p.name for p in root.iterdir() if p.name.startswith("sweep-")]
    return sweep


def digits(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run([DIGITS, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def listed(runs_dir: Path, *args) -> list[dict]:
    """The --json listing, every line checked to be one JSON object."""
    result = digits("runs", "--runs-dir", runs_dir, "--json", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def run_ids(objects: list[dict]) -> set[str]:
    return {o["run_id"] for o in objects if o["kind"] == "run"}


def sweep_ids(objects: list[dict]) -> set[str]:
    return {o["sweep_id"] for o in objects if o["kind"] == "sweep"}


def test_unfiltered_listing_is_unchanged(runs_dir):
    objects = listed(runs_dir)
    assert run_ids(objects) == {"baseline-tiny", "distill-tiny", "subliminal-tiny", "baseline-h64"}
    assert sweep_ids(objects) == {sweep_of(runs_dir)}


def test_task_keeps_that_tasks_runs_and_sweeps(runs_dir):
    objects = listed(runs_dir, "--task", "baseline")
    assert run_ids(objects) == {"baseline-tiny", "baseline-h64"}
    assert sweep_ids(objects) == {sweep_of(runs_dir)}
    objects = listed(runs_dir, "--task", "distill")
    assert run_ids(objects) == {"distill-tiny"} and not sweep_ids(objects)


def test_task_filters_the_table(runs_dir):
    result = digits("runs", "--runs-dir", runs_dir, "--task", "distill")
    assert result.returncode == 0 and result.stderr == ""
    assert "distill-tiny" in result.stdout
    assert "baseline" not in result.stdout and "subliminal" not in result.stdout and "sweep" not in result.stdout


def test_where_types_a_size_list(runs_dir):
    assert run_ids(listed(runs_dir, "--where", "hidden=64")) == {"distill-tiny", "baseline-h64"}
    assert run_ids(listed(runs_dir, "--where", "hidden=32,32")) == {"subliminal-tiny"}
    assert run_ids(listed(runs_dir, "--where", "hidden=32x32")) == {"subliminal-tiny"}
    assert run_ids(listed(runs_dir, "--task", "baseline", "--where", "hidden=64")) == {"baseline-h64"}


def test_where_matches_a_float_given_as_a_whole_number(runs_dir):
    assert run_ids(listed(runs_dir, "--where", "temperature=20")) == {"distill-tiny"}  # 20.0 in the record
    assert run_ids(listed(runs_dir, "--where", "temperature=2.0")) == {"subliminal-tiny"}
    assert run_ids(listed(runs_dir, "--where", "lr=1e-3")) == {"distill-tiny"}


def test_several_where_must_all_hold(runs_dir):
    assert run_ids(listed(runs_dir, "--where", "hidden=64", "--where", "lr=0.01")) == {"baseline-h64"}
    assert run_ids(listed(runs_dir, "--where", "hidden=64", "--where", "lr=0.001")) == {"distill-tiny"}
    assert run_ids(listed(runs_dir, "--where", "epochs=1", "--where", "controls=true")) == {"subliminal-tiny"}


def test_where_leaves_sweeps_out_and_filters_their_cells(runs_dir):
    sweep_id = sweep_of(runs_dir)
    objects = listed(runs_dir, "--where", "hidden=64", "--all")
    assert run_ids(objects) == {"distill-tiny", "baseline-h64", f"{sweep_id}/cells/p001-s0"}
    assert not sweep_ids(objects)
    objects = listed(runs_dir, "--all", "--task", "baseline")
    assert run_ids(objects) == {"baseline-tiny", "baseline-h64", f"{sweep_id}/cells/p000-s0",
                                f"{sweep_id}/cells/p001-s0"}
    assert sweep_ids(objects) == {sweep_id}
    result = digits("runs", "--runs-dir", runs_dir, "--where", "hidden=64")
    assert result.returncode == 0 and "baseline-h64" in result.stdout and sweep_id not in result.stdout
    assert result.stderr.count("\n") == 1 and "1 sweep not listed" in result.stderr


def test_json_stays_pure_ndjson(runs_dir):
    result = digits("runs", "--runs-dir", runs_dir, "--json", "--all", "--task", "baseline", "--where", "hidden=64")
    assert result.returncode == 0 and result.stderr == ""
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects and all(o["kind"] == "run" and o["task"] == "baseline" and o["config"]["hidden"] == [64]
                           for o in objects)


@pytest.mark.parametrize("json_out", [False, True])
def test_a_filter_that_keeps_nothing_prints_nothing(runs_dir, json_out):
    result = digits("runs", "--runs-dir", runs_dir, "--where", "temperature=3", *(["--json"] if json_out else []))
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no runs with temperature=3" in result.stderr
    result = digits("runs", "--runs-dir", runs_dir, "--task", "lwta")
    assert result.returncode == 0 and result.stdout == "" and "no runs or sweeps of task lwta" in result.stderr


@pytest.mark.parametrize("args, says", [
    (["--where", "hidden"], "is not NAME=VALUE"),
    (["--where", "nonsense=3"], "nonsense is not an option of any task"),
    (["--task", "baseline", "--where", "temperature=2"], "temperature is not an option of --task baseline"),
    (["--where", "epochs=many"], "--epochs takes a whole number"),
    (["--where", "controls=maybe"], "--controls is a switch"),
    (["--where", "hidden=64", "--where", "hidden=wide"], "--hidden takes comma-separated whole numbers"),
    (["--task", "nope"], "unknown task 'nope'; choose from: baseline,"),
])
def test_a_bad_filter_is_one_line_and_exit_2(runs_dir, args, says):
    result = digits("runs", "--runs-dir", runs_dir, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1 and says in result.stderr, \
        result.stderr


def test_a_bad_filter_with_json_is_one_error_event(runs_dir):
    result = digits("runs", "--runs-dir", runs_dir, "--json", "--where", "nonsense=3")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["event"] == "error" and "nonsense" in event["message"]


def test_a_bad_filter_is_refused_with_no_runs_at_all(tmp_path):
    result = digits("runs", "--runs-dir", tmp_path / "none", "--where", "hidden")
    assert result.returncode == 2 and result.stdout == "" and result.stderr.startswith("error: ")
