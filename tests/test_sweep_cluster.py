"""`digits sweep --scheduler` on a real Dask cluster: a `dask scheduler` process and two `dask
worker` processes on 127.0.0.1, started and stopped by the test. The cells' numbers equal the
local sweep's; a worker killed mid-sweep costs nothing but a rerun elsewhere; a scheduler that
does not answer is one line within seconds."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from terminal_session import DIGITS

pytest.importorskip("distributed")
DASK = str(Path(sys.executable).parent / "dask")
TINY = ["--task", "highway", "--depth", "3", "--width", "8", "--epochs", "1", "--train-size", "600", "--test-size",
        "300", "--batch-size", "50"]
SLOW = ["--task", "baseline", "--hidden", "512,256", "--epochs", "3", "--train-size", "30000", "--save-models", "none"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(command: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, start_new_session=True)


@pytest.fixture
def cluster(tmp_path):
    """(address, [worker processes]) of a scheduler and two single-threaded workers on loopback."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [started([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                     tmp_path / "scheduler.log")]
    workers = [started([DASK, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                        "--local-directory", str(tmp_path / f"w{k}")], tmp_path / f"worker{k}.log") for k in range(2)]
    procs += workers
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def sweep(tmp_path, *args, timeout=240):
    result = subprocess.run([DIGITS, "sweep", *args, "--sweep-dir", str(tmp_path), "--json"], capture_output=True,
                            text=True, timeout=timeout)
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def cell_metrics(events):
    return {e["cell"]: e["metrics"] for e in events if e["event"] == "cell_finished"}


def test_the_clusters_cells_equal_the_local_sweeps(cluster, tmp_path):
    address, _ = cluster
    remote, remote_events = sweep(tmp_path / "remote", *TINY, "--seeds", "0-3", "--scheduler", address)
    assert remote.returncode == 0, remote.stderr
    local, local_events = sweep(tmp_path / "local", *TINY, "--seeds", "0-3", "--workers", "2")
    assert local.returncode == 0, local.stderr
    assert cell_metrics(remote_events) == cell_metrics(local_events) and len(cell_metrics(local_events)) == 4
    final = remote_events[-1]
    assert final["done"] == 4 and remote_events[0]["workers"] == 2  # two worker threads in the cluster
    sweep_dir = tmp_path / "remote" / final["sweep_id"]
    assert {p.parent.parent.name for p in sweep_dir.glob("cells/*/models/*.npz")} == {"p000-s3"}
    assert json.loads((sweep_dir / "sweep.json").read_text())["how"]["scheduler"] == address


def test_a_worker_killed_mid_sweep_costs_a_rerun_elsewhere(cluster, tmp_path):
    address, workers = cluster
    proc = subprocess.Popen([DIGITS, "sweep", *SLOW, "--seeds", "0-3", "--scheduler", address, "--sweep-dir",
                             str(tmp_path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        while len([e for e in lines if e["event"] == "cell_started"]) < 2:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(json.loads(line))
        time.sleep(2.0)  # both workers are training a cell
        os.killpg(workers[0].pid, signal.SIGKILL)
        rest, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines += [json.loads(line) for line in rest.splitlines()]
    assert proc.returncode == 0, err
    assert "Remove worker" in (tmp_path / "scheduler.log").read_text()  # the scheduler saw the worker die
    assert lines[-1]["done"] == 4 and lines[-1]["failed"] == 0  # and its cell ran again on the other


def test_a_scheduler_that_does_not_answer_is_one_line_within_seconds(tmp_path):
    began = time.monotonic()
    result = subprocess.run([DIGITS, "sweep", *TINY, "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                             "--sweep-dir", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - began < 20
    assert result.returncode == 2 and result.stderr.startswith("error: cannot reach a Dask scheduler at tcp://")
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())
