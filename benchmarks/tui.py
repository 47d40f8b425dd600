"""Responsiveness of `digits tui` in a real terminal (tmux): start to first paint, and keypress to
updated screen while paging through the Browse grid.

    python -m benchmarks.tui [--run RUN] [--runs-dir DIR] [--pages 30] [--size 100x30]
                             [--while-training | --while-following]

It starts `digits tui` in a private tmux server and polls `capture-pane` (every ~2 ms) for what a
user would see: the first frame (the footer's key list), the loaded run (Browse's status line), and
after each `pagedown` the status line naming the next page. Each latency includes tmux's own
redraw and one capture (~2-4 ms). Without --run it trains a quick baseline into a temporary
directory first. --while-training first starts the Train screen's default task (Start, f5) and
pages through Browse while it trains in its worker thread: the interface must stay responsive
with both cores busy. --while-following starts `digits train` in a separate process first, opens
that run on Runs (the Train screen follows its event log and progress, core/runs/follow.py) and
pages through Browse while the other process trains and the TUI follows it (issue 20: < 50 ms).
Targets (issue 6): first paint < 1 s, keypress to update < 50 ms.
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import machine_line

DIGITS = str(Path(sys.executable).parent / "digits")


class Pane:
    def __init__(self, width: int, height: int):
        self.socket = f"digits-bench-{uuid.uuid4().hex[:8]}"
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "TERM": "tmux-256color",
               "LANG": "C.UTF-8", "PS1": "$ "}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), f"env -i {exports} bash --norc")
        self.tmux("set-option", "-g", "status", "off")

    def tmux(self, *args) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def wait(self, predicate, timeout: float = 30) -> tuple[float, str]:
        """Seconds until predicate(screen) holds, and that screen."""
        started = time.perf_counter()
        while True:
            screen = self.tmux("capture-pane", "-p")
            if predicate(screen):
                return time.perf_counter() - started, screen
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"gave up after {timeout} s; screen:\n{screen}")
            time.sleep(0.002)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def quick_run(root: Path) -> str:
    subprocess.run([DIGITS, "train", "--task", "baseline", "--preset", "small", "--epochs", "1", "--quiet",
                    "--runs-dir", str(root)], check=True)
    return next(p.name for p in root.iterdir() if (p / "run.json").is_file())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help="run id (default: train a quick baseline into a temporary directory)")
    parser.add_argument("--runs-dir", type=Path, help="runs directory of --run")
    parser.add_argument("--pages", type=int, default=30, help="pagedown presses timed (default 30)")
    parser.add_argument("--size", default="100x30", help="terminal size, e.g. 80x24 (default 100x30)")
    parser.add_argument("--while-training", action="store_true", help="page while a training run is going")
    parser.add_argument("--while-following", action="store_true",
                        help="page while the TUI follows a run another process trains")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as scratch:
        root = args.runs_dir or Path(scratch)
        run = args.run or quick_run(root)
        trainer = None
        if args.while_following:  # another process trains; it must be running before the TUI lists runs
            trainer = subprocess.Popen([DIGITS, "train", "--task", "baseline", "--hidden", "512,512", "--epochs", "30",
                                        "--train-size", "30000", "--quiet", "--runs-dir", str(root)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + 60
            while not any((p / "events.jsonl").is_file() for p in root.iterdir() if p.name != run):
                if time.monotonic() > deadline:
                    raise SystemExit("the training to follow did not start in 60 s")
                time.sleep(0.1)
        pane = Pane(width, height)
        try:
            command = f"{DIGITS} tui --runs-dir {shlex.quote(str(root))} --run {shlex.quote(run)}"
            pane.tmux("send-keys", command, "Enter")
            first, _ = pane.wait(lambda s: "palette" in s)  # the footer: the first frame is up
            loaded, screen = pane.wait(lambda s: "1–" in s and " of " in s)
            if args.while_training:
                pane.tmux("send-keys", "5")
                pane.wait(lambda s: "Start f5" in s)
                pane.tmux("send-keys", "F5")
                pane.wait(lambda s: "training" in s.lower())
                pane.tmux("send-keys", "2")
                _, screen = pane.wait(lambda s: "1–" in s and " of " in s)
            if args.while_following:
                pane.tmux("send-keys", "1")  # Runs, newest first: the run the other process trains
                time.sleep(0.5)
                pane.tmux("send-keys", "Enter")
                pane.wait(lambda s: "Following" in s, timeout=30)
                pane.tmux("send-keys", "2")
                _, screen = pane.wait(lambda s: "1–" in s and " of " in s)
            latencies = []
            for _ in range(args.pages):
                before = next(line for line in screen.splitlines() if "1–" in line or "–" in line)
                pane.tmux("send-keys", "PageDown")
                seconds, screen = pane.wait(lambda s, before=before: before not in s)
                latencies.append(seconds)
            pane.tmux("send-keys", "q")
            if args.while_training:  # the first q only warns that a run is going; the second stops it
                time.sleep(0.3)
                pane.tmux("send-keys", "q")
                time.sleep(1)  # time to mark the run interrupted before the pane goes
        finally:
            pane.close()
            if trainer is not None:
                os.killpg(trainer.pid, 9)
                trainer.wait()
    print(machine_line())
    print(f"terminal {args.size} · run {run}" + (" · while training the Train screen's default task"
                                                   if args.while_training else "")
          + (" · while following a run another process trains" if args.while_following else ""))
    print(f"start → first paint: {first * 1000:.0f} ms (target < 1000 ms)")
    print(f"start → run loaded and drawn: {(first + loaded) * 1000:.0f} ms")
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(f"pagedown → updated grid, {len(latencies)} presses: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"95th percentile {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
