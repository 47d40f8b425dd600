"""The CLI as a real process: Ctrl-C stops at the next batch, a closed pipe ends quietly."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from digits.core.runs.directory import list_runs

LONG = ["--epochs", "200", "--hidden", "64"]


@pytest.fixture
def start(tmp_path):
    """Start `digits train` in a child process; whatever happens, it is killed at the end of the test."""
    children = []

    def launch(args):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "digits", "train", *args, "--runs-dir", str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        children.append(proc)
        return proc

    yield launch
    for proc in children:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_ctrl_c_marks_the_run_interrupted_and_exits_130(tmp_path, start):
    proc = start([*LONG, "--json"])
    for line in proc.stdout:
        if json.loads(line)["event"] == "phase_started":
            break
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    last = json.loads(rest.splitlines()[-1])
    assert last["event"] == "run_interrupted" and last["phase"] == "train" and last["epoch"] >= 1
    assert "Traceback" not in err
    (run,) = list_runs(tmp_path)
    assert run["status"] == "interrupted" and run["stopped_at"]["phase"] == "train"
    logged = [json.loads(x) for x in Path(run["path"], "events.jsonl").read_text().splitlines()]
    assert logged[-1]["event"] == "run_interrupted"


def test_ctrl_c_on_the_rich_display_says_where_it_stopped(tmp_path, start):
    proc = start(LONG)
    for line in proc.stderr:
        if line.startswith("train: "):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted at phase train, epoch" in err and "Traceback" not in err


def test_closed_pipe_ends_quietly(tmp_path, start):
    proc = start([*LONG, "--json"])
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    proc.wait(timeout=60)
    err = proc.stderr.read()
    assert json.loads(first)["event"] == "run_started"
    assert err == ""
    assert proc.returncode == 141
    (run,) = list_runs(tmp_path)
    assert run["status"] == "interrupted"
