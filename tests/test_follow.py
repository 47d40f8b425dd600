"""Following a run from another process (core/runs/follow.py, `digits watch`): a real training in a
separate process is followed from its first event to its last, its progress arrives between its
epochs, a line still being written is waited for, a killed run shows as abandoned (its process is
gone here; for a run of another host, its files' age tells), and `digits watch` follows in a real
tmux pane while `digits train` runs in another. Each bounded in time, processes stopped."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from terminal_session import DIGITS, Tmux
from tui_support import FIXTURE_RUNS

from digits.core.runs.directory import STALE_SECONDS, read_run
from digits.core.runs.follow import LogTail, follow

# Slow enough to be watched (a few seconds an epoch on 2 cores), small enough for a test.
SLOW = ["--task", "baseline", "--hidden", "512,512", "--epochs", "4", "--train-size", "30000", "--quiet"]


def start_training(root: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([DIGITS, "train", *args, "--runs-dir", str(root)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [p for p in root.glob("*") if (p / "run.json").is_file()] if root.is_dir() else []
        if found:
            return proc, found[0]
        time.sleep(0.05)
    proc.kill()
    raise TimeoutError("the training made no run directory in 60 s")


def train_in_pane(pane: Tmux, home: Path, epochs: int) -> str:
    """Start a slow `digits train` at the pane's prompt; return its run id once its event log exists."""
    pane.send(f"{DIGITS} train --task baseline --hidden 512,512 --epochs {epochs} --train-size 60000", "Enter")
    deadline = time.monotonic() + 60
    while not (found := list((home / "runs").glob("*/events.jsonl"))):
        assert time.monotonic() < deadline, f"no run started in 60 s; pane:\n{pane.screen()}"
        time.sleep(0.1)
    return found[0].parent.name


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_a_line_still_being_written_is_waited_for(tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text('{"event": "run_started", "n": 1}\n{"event": "epoch_fin')
    tail = LogTail(log)
    assert [e["n"] for e in tail.read()] == [1]  # the torn line is kept, not parsed
    assert tail.read() == [] and not tail.changed()
    with open(log, "a") as handle:
        handle.write('ished", "n": 2}\nnot json\n{"event": "run_finished", "n": 3}\n')
    assert tail.changed() and [e["n"] for e in tail.read()] == [2, 3]  # a line that stays bad is skipped


def test_a_run_of_another_process_is_followed_to_its_end(tmp_path):
    proc, run = start_training(tmp_path / "runs", *SLOW)
    seen, alive_at = [], {}
    deadline = time.monotonic() + 240
    try:
        for event in follow(run, should_stop=lambda: time.monotonic() > deadline):
            seen.append(event)
            alive_at.setdefault(event["event"], proc.poll() is None)
    finally:
        stop(proc)
    kinds = [e["event"] for e in seen]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished", kinds
    epochs = [e["epoch"] for e in seen if e["event"] == "epoch_finished"]
    assert epochs == [1, 2, 3, 4]
    # Live, not replayed: the first epoch and some progress arrived while the trainer still ran.
    assert alive_at["epoch_finished"] and alive_at.get("progress"), alive_at
    steps = [(e["epoch"], e["step"]) for e in seen if e["event"] == "progress"]
    assert steps == sorted(steps) and len(steps) >= 2
    assert not (run / "progress.json").exists()  # live state only: gone when the run ends


def test_a_killed_run_shows_as_abandoned(tmp_path):
    proc, run = start_training(tmp_path / "runs", *SLOW)
    events = follow(run)
    try:
        for event in events:
            if event["event"] == "epoch_finished":
                break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        rest = list(events)
    finally:
        stop(proc)
    assert rest[-1]["event"] == "run_abandoned" and f"process {proc.pid} is gone" in rest[-1]["why"]
    info = read_run(run)
    assert info["status"] == "abandoned"
    done = subprocess.run([DIGITS, "watch", str(run)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "is abandoned" in done.stderr and "ended without finishing" in done.stderr


def test_a_run_of_another_host_is_abandoned_when_its_files_stop_changing(tmp_path):
    run = tmp_path / "distill-tiny"
    shutil.copytree(FIXTURE_RUNS / "distill-tiny", run)
    info = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**info, "status": "running", "host": "elsewhere", "pid": 1}))
    assert read_run(run)["status"] == "running"  # just written: alive, whatever pid 1 is here
    old = time.time() - STALE_SECONDS - 60
    for name in ("run.json", "events.jsonl"):
        os.utime(run / name, (old, old))
    found = read_run(run)
    assert found["status"] == "abandoned" and "no sign of life from elsewhere" in found["abandoned_why"]


def test_watch_json_is_the_runs_events(tmp_path):
    root = tmp_path / "runs"
    done = subprocess.run([DIGITS, "train", "--task", "baseline", "--preset", "tiny", "--epochs", "2", "--runs-dir",
                           str(root), "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    run = next(root.iterdir())
    watched = subprocess.run([DIGITS, "watch", run.name, "--runs-dir", str(root), "--json"], capture_output=True,
                             text=True, timeout=60)
    assert watched.returncode == 0 and watched.stderr == ""
    assert watched.stdout.splitlines() == (run / "events.jsonl").read_text().splitlines()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install -y tmux)")
def test_watch_follows_a_training_in_another_pane(tmp_path):
    env = {"DIGITS_HOME": str(tmp_path), "DIGITS_CACHE_DIR": os.environ["DIGITS_CACHE_DIR"]}
    trainer, watcher = Tmux(width=100, height=30, env=env), Tmux(width=100, height=30, env=env)
    try:
        train_in_pane(trainer, tmp_path, epochs=4)
        watcher.send(f"{DIGITS} watch; echo watch-exit=$?", "Enter")
        first = watcher.wait_for("epoch ", timeout=120)
        assert "watching baseline-" in first

        def bar(screen: str) -> str:
            return next((line for line in screen.splitlines() if " epoch " in line and "%" in line), "")

        # The bar moves between two captures (the watcher shows each new progress and epoch); on a fast
        # machine the run may end first, which shows as its final panel.
        deadline = time.monotonic() + 120
        while bar(watcher.screen()) == bar(first) and "watch-exit=" not in watcher.screen():
            assert time.monotonic() < deadline, f"the bar did not move: {bar(first)!r}"
            time.sleep(0.1)
        final = watcher.wait_for("watch-exit=0", timeout=180)
        assert "test_accuracy" in final and "Traceback" not in final and "epoch 4/4" in final
    finally:
        trainer.close()
        watcher.close()
