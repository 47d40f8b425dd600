"""Fixed start-up cost: `digits --help`, and `digits train` from process start to its first batch.

    python -m benchmarks.startup [--repeat 5] [--tasks lwta,highway] [--as-is]

Every measurement is a fresh child process, timed warm: each command runs once untimed first, so
numba's on-disk kernel cache, the decoded-dataset cache, the .pyc files and the OS page cache are
all in place, then --repeat times; the table gives the median with the minimum and maximum.

- `digits --help` and `python -c "import digits.commands.app"`: wall time from spawn to exit, beside
  the floors `python -c pass` and `import numba` (what loading the kernels costs at the least).
- `digits train --task T --no-save --json`: the child's NDJSON events are timed against the moment
  the parent spawned it (both on the wall clock, `time.time()`). "first batch starts" is the
  `phase_started` event: `core/training.py` emits it right before the first batch, with nothing in
  between but the learning-rate schedule and the epoch's permutation. "first batch done" is the
  first `progress` event when it reports step 1 (it is throttled to one per 0.1 s, so it follows
  the first batch exactly when that batch takes longer, as it does while it loads the numba
  kernels); when it reports a later step the time is only an upper bound and is marked "≤". The
  child is killed at that event.

Warm also means compiled bytecode, as for any installed package: the children run with
PYTHONDONTWRITEBYTECODE removed from their environment (writing .pyc files into the usual
`__pycache__` directories), unless --as-is keeps the environment unchanged.

Target (issue 18): `train --task lwta` start to first batch < 0.6 s warm. Of the first batch
itself, importing numba and loading its first cached kernel take ~0.3-0.4 s on this machine
(`import numba` alone is the floor line above).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine_line

SCRIPT = Path(sys.executable).parent / "digits"
DIGITS = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "digits"]


def child_env(as_is: bool) -> dict:
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def wall(command: list[str], env: dict) -> float:
    """Seconds from spawn to exit."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - started


def to_first_batch(task: str, env: dict) -> dict:
    """Seconds from spawn to run_started, phase_started and the first progress event (and its step)."""
    command = [*DIGITS, "train", "--task", task, "--no-save", "--json"]
    seen = {}
    with tempfile.TemporaryFile("w+") as errors:
        spawned = time.time()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, text=True)
        try:
            for line in proc.stdout:
                event = json.loads(line)
                seen.setdefault(event["event"], (event["time"] - spawned, event))
                if event["event"] in ("progress", "epoch_finished", "run_finished", "error"):
                    break
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
        if "phase_started" not in seen or "progress" not in seen:
            errors.seek(0)
            tail = "".join(errors.readlines()[-5:])
            raise SystemExit(f"{' '.join(command)}: no phase_started and progress events (saw {sorted(seen)})\n{tail}")
    progress_seconds, progress = seen["progress"]
    return {"run_started": seen["run_started"][0], "phase_started": seen["phase_started"][0],
            "progress": progress_seconds, "exact": progress["step"] == 1}


def row(label: str, values: list[float], bound: bool = False) -> str:
    mark = "≤" if bound else " "
    return (f"{label:<44} {mark}{statistics.median(values):>6.3f} {min(values):>7.3f} {max(values):>7.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command after a warm-up (default 5)")
    parser.add_argument("--tasks", default="lwta,highway", help="comma-separated tasks timed to their first batch")
    parser.add_argument("--as-is", action="store_true",
                        help="keep the environment's PYTHONDONTWRITEBYTECODE (default: let the children use .pyc)")
    args = parser.parse_args()
    env = child_env(args.as_is)
    python = [sys.executable, "-c"]
    walls = {
        "python -c pass": [*python, "pass"],
        "python -c 'import numba'": [*python, "import numba"],
        "python -c 'import digits.commands.app'": [*python, "import digits.commands.app"],
        "digits --help": [*DIGITS, "--help"],
    }
    print(machine_line())
    print(f"bytecode cache: {'off (PYTHONDONTWRITEBYTECODE)' if env.get('PYTHONDONTWRITEBYTECODE') else 'on'} · "
          f"{args.repeat} runs after a warm-up · seconds from spawn")
    print(f"{'':<44} {'median':>7} {'min':>7} {'max':>7}")
    for label, command in walls.items():
        wall(command, env)
        print(row(label, [wall(command, env) for _ in range(args.repeat)]), flush=True)
    for task in args.tasks.split(","):
        to_first_batch(task, env)
        runs = [to_first_batch(task, env) for _ in range(args.repeat)]
        print(row(f"train --task {task}: run_started", [r["run_started"] for r in runs]))
        print(row(f"train --task {task}: first batch starts", [r["phase_started"] for r in runs]))
        print(row(f"train --task {task}: first batch done", [r["progress"] for r in runs],
                  bound=not all(r["exact"] for r in runs)), flush=True)


if __name__ == "__main__":
    main()
