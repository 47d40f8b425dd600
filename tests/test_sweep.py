"""`digits sweep` on this machine's worker processes: the cells give exactly the numbers of single
runs at the same seeds; --json parses and its summary is `sweep show`'s; a failing cell does not
stop the sweep; Ctrl-C then --resume runs each cell once; a killed worker costs one retry; bad
input is one line. The sweeps run the installed `digits` as a user does (real processes), on tiny
configs, each bounded in time."""

import json
import os
import signal
import subprocess
import time

import pytest
from terminal_session import DIGITS
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.errors import ConfigError
from digits.core.runs.runner import execute
from digits.core.sweeps.spec import SweepSpec, parse_grid, parse_seed_range
from digits.core.tasks import get_task

HIGHWAY = ["--task", "highway", "--depth", "3", "--width", "8", "--epochs", "1", "--train-size", "600",
           "--test-size", "300", "--batch-size", "50"]


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def sweep_json(tmp_path, *args, timeout=180):
    result = subprocess.run([DIGITS, "sweep", *args, "--sweep-dir", str(tmp_path), "--json"], capture_output=True,
                            text=True, timeout=timeout)
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def test_seeds_and_grids_parse_as_documented():
    assert parse_seed_range("0-4") == (0, 1, 2, 3, 4) and parse_seed_range("3") == (0, 1, 2)
    assert parse_seed_range("0-2,7") == (0, 1, 2, 7)
    for bad, message in (("4-1", "runs backwards"), ("a", "takes a count"), ("1,1", "twice"), ("0", "at least 1")):
        with pytest.raises(ConfigError, match=message):
            parse_seed_range(bad)
    assert parse_grid("subliminal", ["temperature=1,2,4", "--hidden=16x16,32"]) == {
        "temperature": [1.0, 2.0, 4.0], "hidden": ["16x16", "32"]}
    for items, message in ((["temperature"], "is not NAME=V1,V2"), (["aux="], "has no values"),
                           (["seed=1,2"], "give them with --seeds"), (["nope=1"], "--nope is not an option"),
                           (["aux=1,1"], "lists a value twice"), (["aux=x"], "--aux takes a whole number")):
        with pytest.raises(ConfigError, match=message):
            parse_grid("subliminal", items)
    spec = SweepSpec("subliminal", {"epochs": 1}, parse_grid("subliminal", ["temperature=1,2"]), (0, 1, 2))
    assert [c.id for c in spec.cells()] == ["p000-s0", "p000-s1", "p000-s2", "p001-s0", "p001-s1", "p001-s2"]
    assert spec.overrides(spec.cells()[4]) == {"epochs": 1, "temperature": 2.0, "seed": 1}


def test_a_sweep_gives_the_single_runs_numbers_and_its_summary_is_sweep_shows(tmp_path, mnist):
    result, events = sweep_json(tmp_path, *HIGHWAY, "--seeds", "0-2", "--grid", "gate-bias=-1,-3", "--workers", "2")
    assert result.returncode == 0, result.stderr
    kinds = [e["event"] for e in events]
    assert kinds[0] == "sweep_started" and kinds[-1] == "sweep_finished"
    assert kinds.count("cell_started") == kinds.count("cell_finished") == 6
    final = events[-1]
    assert (final["done"], final["failed"], final["total"], final["status"]) == (6, 0, 6, "finished")
    options = {"depth": 3, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300, "batch_size": 50}
    for e in (e for e in events if e["event"] == "cell_finished"):
        config = get_task("highway").Config.build({**options, **e["options"], "seed": e["seed"]})
        with threadpool_limits(1):  # as the sweep's workers run (cores ÷ 2 workers = 1 BLAS thread here)
            alone = list(execute("highway", config, mnist, None))[-1].metrics
        assert e["metrics"] == alone, e["cell"]
    shown = json.loads(subprocess.run([DIGITS, "sweep", "show", final["sweep_id"], "--sweep-dir", str(tmp_path),
                                       "--json"], capture_output=True, text=True, timeout=60).stdout)
    assert shown["summary"] == final["summary"] and shown["done"] == 6
    point = final["summary"]["points"][1]
    assert point["options"] == {"gate_bias": -3.0} and point["n"] == 3
    assert set(point["metrics"]) == {"highway_test_accuracy", "plain_test_accuracy"}
    assert point["contrasts"]["highway − plain"]["n"] == 3
    listed = [json.loads(line) for line in invoke("runs", "--runs-dir", str(tmp_path), "--json").stdout.splitlines()]
    assert [x["kind"] for x in listed] == ["sweep"] and listed[0]["done"] == 6  # cells hidden without --all
    with_cells = invoke("runs", "--runs-dir", str(tmp_path), "--json", "--all").stdout.splitlines()
    assert sum(json.loads(line)["kind"] == "run" for line in with_cells) == 6
    sweep_dir = tmp_path / final["sweep_id"]
    models = {p.parent.parent.name for p in sweep_dir.glob("cells/*/models/*.npz")}
    assert models == {"p000-s2", "p001-s2"}  # --save-models last: each grid point's last seed
    human = subprocess.run([DIGITS, "sweep", "show", final["sweep_id"], "--sweep-dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=60)
    assert "gate_bias=-3" in human.stdout and "highway − plain" in human.stdout and human.stderr == ""


def test_a_failing_cell_is_recorded_and_the_sweep_goes_on(tmp_path):
    result, events = sweep_json(tmp_path, "--task", "baseline", "--preset", "tiny", "--epochs", "1", "--train-size",
                                "1000", "--seeds", "0-1", "--grid", "lr=0.01,1e30", "--save-models", "none")
    assert result.returncode == 1  # some cells failed
    failed = [e for e in events if e["event"] == "cell_failed"]
    assert {e["options"]["lr"] for e in failed} == {1e30} and not any(e["retried"] for e in failed)
    assert all("loss became" in e["message"] and "lower learning rate" in e["message"] for e in failed)
    final = events[-1]
    assert (final["done"], final["failed"]) == (2, 2)
    assert not list((tmp_path / final["sweep_id"]).glob("cells/*/models/*"))  # --save-models none


def wait_for(proc, predicate, lines, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(json.loads(line))
        if predicate(lines[-1]):
            return lines[-1]
    raise AssertionError(f"not seen in time; events so far: {[e['event'] for e in lines]}")


# Cells of a few seconds each (a warm worker runs a tiny cell in 0.1 s): time to interrupt or kill mid-cell.
SLOW = ["--task", "baseline", "--hidden", "512,256", "--epochs", "3", "--train-size", "30000", "--save-models", "none"]


def slow_sweep_with(tmp_path, act) -> tuple[subprocess.Popen, list[dict], str]:
    """A sweep of 4 slow cells on 2 workers, in its own process group; `act(proc)` runs once both
    workers have a cell; returns the process, all its events, and its stderr."""
    proc = subprocess.Popen([DIGITS, "sweep", *SLOW, "--seeds", "0-3", "--workers", "2", "--sweep-dir",
                             str(tmp_path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    lines = []
    try:
        wait_for(proc, lambda e: e["event"] == "cell_started" and e["worker"] == 1, lines)
        act(proc)
        rest, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc, lines + [json.loads(line) for line in rest.splitlines()], err


def test_ctrl_c_then_resume_runs_every_cell_once(tmp_path):
    def ctrl_c(proc):
        time.sleep(2.0)  # both workers are training their first cells
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the sweep and its workers

    proc, lines, err = slow_sweep_with(tmp_path, ctrl_c)
    assert proc.returncode == 130, err
    first = lines[-1]
    assert first["event"] == "sweep_finished" and first["status"] == "interrupted" and first["done"] < 4
    done_before = {e["cell"] for e in lines if e["event"] == "cell_finished"}
    assert len(done_before) == first["done"]
    result, again = sweep_json(tmp_path, "--resume", first["sweep_id"])
    assert result.returncode == 0, result.stderr
    started = [e["cell"] for e in again if e["event"] == "cell_started"]
    assert not set(started) & done_before and len(started) == len(set(started)) == 4 - len(done_before)
    assert again[-1]["done"] == 4 and again[-1]["status"] == "finished"
    again_result, _ = sweep_json(tmp_path, "--resume", first["sweep_id"])
    assert again_result.returncode == 2 and "has no cell left to run" in again_result.stderr


def worker_pids(parent: int) -> list[int]:
    """The sweep's worker processes (the multiprocessing spawns among its children; -ww: whole lines)."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(parent)], capture_output=True,
                         text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "spawn_main" in line]


def test_a_killed_worker_costs_one_retry(tmp_path):
    def kill_a_worker(proc):
        deadline = time.monotonic() + 30
        while not (pids := worker_pids(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pids, "no worker process found"
        time.sleep(1.0)  # let the cells start training
        os.kill(pids[0], signal.SIGKILL)

    proc, lines, err = slow_sweep_with(tmp_path, kill_a_worker)
    assert proc.returncode == 0, err
    retried = [e for e in lines if e["event"] == "cell_failed"]
    assert retried and all(e["retried"] and "worker process died" in e["message"] for e in retried)
    assert lines[-1]["done"] == 4 and lines[-1]["failed"] == 0
    assert any(e["event"] == "cell_started" and e["attempt"] == 2 for e in lines)


@pytest.mark.parametrize("args, message", [
    (["--task", "nope"], "unknown task 'nope'"),
    (["--task", "highway", "--grid", "temperature=1,2"], "--temperature is not an option of --task highway"),
    (["--task", "highway", "--grid", "depth="], "has no values"),
    (["--task", "highway", "--grid", "depth=0,3"], "--depth must be at least 1"),
    (["--task", "highway", "--depth", "3", "--grid", "depth=3,5"], "--depth is both fixed and in --grid"),
    (["--task", "highway", "--seeds", "9-1"], "runs backwards"),
    (["--task", "highway", "--workers", "0"], "--workers must be at least 1"),
    (["--task", "highway", "--save-models", "some"], "--save-models 'some'"),
    (["--resume", "sweep-nothing-here"], "no sweep 'sweep-nothing-here'"),
])
def test_bad_input_is_one_line_and_nothing_is_started(args, message, tmp_path):
    result = invoke("sweep", *args, "--sweep-dir", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


def test_resume_with_other_options_is_refused(tmp_path):
    result, events = sweep_json(tmp_path, *HIGHWAY, "--seeds", "0-1", "--workers", "1")
    assert result.returncode == 0
    sweep_id = events[-1]["sweep_id"]
    info = json.loads((tmp_path / sweep_id / "sweep.json").read_text())
    info["cells"]["p000-s1"]["status"] = "pending"  # as if it had been interrupted
    (tmp_path / sweep_id / "sweep.json").write_text(json.dumps(info))
    for extra, message in ((["--epochs", "2"], "started with --epochs 1, not 2"),
                           (["--seeds", "0-4"], "started with seeds [0, 1]")):
        refused = invoke("sweep", "--resume", sweep_id, *extra, "--sweep-dir", str(tmp_path))
        assert refused.exit_code == 2 and message in refused.stderr, refused.stderr


def test_a_running_sweep_is_not_resumed_twice(tmp_path):
    result, events = sweep_json(tmp_path, *HIGHWAY, "--seeds", "0-1", "--workers", "1")
    sweep_id = events[-1]["sweep_id"]
    path = tmp_path / sweep_id / "sweep.json"
    info = json.loads(path.read_text())
    info.update(status="running", pid=os.getpid())  # as if its process were still at work
    info["cells"]["p000-s1"]["status"] = "pending"
    path.write_text(json.dumps(info))
    refused = invoke("sweep", "--resume", sweep_id, "--sweep-dir", str(tmp_path))
    assert refused.exit_code == 2 and "is still running (process" in refused.stderr


def test_what_a_worker_sends_back_is_checked_before_it_is_kept(tmp_path):
    from digits.core.sweeps.cell import run_cell
    from digits.core.sweeps.store import BadCellData, SweepDir

    spec = SweepSpec("highway", {"depth": 2, "width": 8, "epochs": 1, "train_size": 600, "test_size": 300,
                                 "batch_size": 50}, {}, (0,))
    sweep = SweepDir.create(tmp_path, spec, {})
    (cell,) = spec.cells()
    good = json.loads(run_cell("highway", spec.overrides(cell), None, True))
    record = good["record"]
    bad = [[1, 2], {"record": {**record, "task": "lwta"}}, {**good, "record": {**record, "metrics": [1]}},
           {**good, "record": {**record, "models": ["highway"]}}, {**good, "models": []},
           {**good, "models": {"../x": {"npz": "", "json": "{}"}}},
           {**good, "models": {"highway": {"npz": "bm90IGFuIG5weg==", "json": "{}"}}},
           {**good, "events": "not json\n"}]
    for payload in bad:
        with pytest.raises(BadCellData):
            sweep.store(cell, payload)
        assert not sweep.cell_path(cell.id).exists() and not list(sweep.path.glob("cells/.*"))
    kept = sweep.store(cell, good)
    assert kept["run_id"] == f"{sweep.sweep_id}/cells/{cell.id}"
    shown = invoke("eval", "--run", kept["run_id"], "--runs-dir", str(tmp_path), "--json")
    assert shown.exit_code == 0, shown.stderr  # a cell opens like any run, by its id under the runs directory


def test_bad_data_is_one_line_before_any_cell(tmp_path):
    result = invoke("sweep", *HIGHWAY, "--data-dir", str(tmp_path / "nowhere"), "--sweep-dir", str(tmp_path / "s"))
    assert result.exit_code == 1 and "data directory not found" in result.stderr
    assert not (tmp_path / "s").exists()
    too_big = invoke("sweep", *HIGHWAY[:-2], "--batch-size", "5000", "--sweep-dir", str(tmp_path / "s"))
    assert too_big.exit_code == 2 and "--batch-size 5000 is larger than the 600 training images" in too_big.stderr


def test_gallery_of_a_cell_without_networks_is_one_line(tmp_path):
    result, events = sweep_json(tmp_path, *HIGHWAY, "--seeds", "0-1", "--workers", "1")
    cell = f"{events[-1]['sweep_id']}/cells/p000-s0"  # --save-models last: only seed 1 kept its networks
    shown = invoke("gallery", "--run", cell, "--runs-dir", str(tmp_path))
    assert shown.exit_code == 2 and "saved no models" in shown.stderr and "Traceback" not in shown.output
