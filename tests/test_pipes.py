"""Every command's result arrives on stdout through a real shell pipe or redirect, with nothing but
diagnostics on stderr; `--json` keeps stdout pure NDJSON; colour only on a terminal, never under
NO_COLOR or TERM=dumb. The commands run as a user runs them: the installed `digits` in `bash -c`."""

import json
import os
import pty
import re
import shlex
import shutil
import subprocess

import pytest
from terminal_session import DIGITS
from tui_support import copy_fixture_runs

SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR_CODES = {str(n) for n in (*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108))}


class Colour:
    """Finds an SGR sequence that sets a colour (bold or italic alone are allowed under NO_COLOR)."""

    @staticmethod
    def search(text: str) -> bool:
        return any(COLOUR_CODES & set(params.split(";")) for params in SGR.findall(text))


COLOUR = Colour()


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipe-runs")
    copy_fixture_runs(root)
    return root


def user_env(**env) -> dict:
    """The session's environment without its NO_COLOR (conftest sets it), plus `env`."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return {**environment, "DIGITS": DIGITS, **env}


def sh(command: str, cwd, env=None, timeout=120) -> subprocess.CompletedProcess:
    """`command` in bash (no pipefail, as in a user's shell); $DIGITS is the installed entry point."""
    environment = user_env(**(env or {}))
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=timeout)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr


def test_runs_piped_to_grep_counts_the_finished_runs(runs_dir, tmp_path):
    result = sh(f'"$DIGITS" runs --runs-dir {runs_dir} | grep -c finished', tmp_path)
    assert result.stdout.strip() == "3" and result.stderr == ""


def test_tasks_piped_to_wc_has_a_line_per_task(tmp_path):
    from digits.core.tasks import TASKS

    result = sh('"$DIGITS" tasks > tasks.txt', tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    text = (tmp_path / "tasks.txt").read_text()
    assert all(name in text for name in TASKS) and not COLOUR.search(text)
    assert int(sh('"$DIGITS" tasks | wc -l', tmp_path).stdout) > len(TASKS)


def test_eval_piped_to_head_stops_quietly(runs_dir, tmp_path):
    result = sh(f'"$DIGITS" eval --run subliminal-tiny --runs-dir {runs_dir} | head -3; '
                'echo "digits exited ${PIPESTATUS[0]}" >&2', tmp_path)
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and "subliminal-tiny" in lines[0]
    assert result.stderr == "digits exited 141\n"  # the reader went away: 128 + SIGPIPE, no traceback
    sixel = sh(f'"$DIGITS" gallery --run subliminal-tiny --runs-dir {runs_dir} --render sixel --limit 100 | '
               'head -c 10 >/dev/null; echo "digits exited ${PIPESTATUS[0]}" >&2', tmp_path)
    assert sixel.stderr == "digits exited 141\n"
    full = sh(f'"$DIGITS" eval --run subliminal-tiny --runs-dir {runs_dir} | cat', tmp_path)
    assert "accuracy per class" in full.stdout and "confusion matrix" in full.stdout and full.stderr == ""


def test_show_with_sixel_asked_writes_the_image_into_the_file(runs_dir, tmp_path):
    result = sh(f'"$DIGITS" show 0 --run baseline-tiny --runs-dir {runs_dir} --render sixel > d.six', tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    data = (tmp_path / "d.six").read_text()
    assert "\x1bP0;1;0q" in data and data.count("\x1b\\") >= 1  # a DCS Sixel sequence, terminated
    if shutil.which("sixel2png"):  # decodable by an independent decoder
        start = data.index("\x1bP")
        (tmp_path / "only.six").write_text(data[start:data.index("\x1b\\", start) + 2])
        assert subprocess.run(["sixel2png", "-i", "only.six", "-o", "d.png"], cwd=tmp_path).returncode == 0
        assert (tmp_path / "d.png").stat().st_size > 0


def test_show_auto_into_a_pipe_is_plain_ascii(runs_dir, tmp_path):
    result = sh(f'"$DIGITS" show 0 --run baseline-tiny --runs-dir {runs_dir} | cat', tmp_path)
    assert "@" in result.stdout and "\x1b" not in result.stdout and result.stderr == ""


def test_blocks_asked_for_keep_their_colours_in_a_file(runs_dir, tmp_path):
    """An explicit --render blocks is a request for colour: it beats the pipe and NO_COLOR."""
    result = sh(f'"$DIGITS" show 0 --run baseline-tiny --runs-dir {runs_dir} --render blocks > b.txt', tmp_path,
                env={"NO_COLOR": "1"})
    assert result.returncode == 0
    text = (tmp_path / "b.txt").read_text()
    assert "▀" in text and "\x1b[38;2;" in text


def test_gallery_of_mistakes_in_ascii_into_a_file(runs_dir, tmp_path):
    result = sh(f'"$DIGITS" gallery -m --run subliminal-tiny --runs-dir {runs_dir} --render ascii > g.txt', tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    text = (tmp_path / "g.txt").read_text()
    assert "student" in text and text.count("#") >= 10 and "→" in text and "\x1b" not in text


def test_data_info_and_train_results_on_stdout(tmp_path):
    info = sh('"$DIGITS" data info | grep -c "train"', tmp_path)
    assert int(info.stdout) >= 1 and info.stderr == ""
    train = sh(f'"$DIGITS" train --epochs 1 --train-size 1000 --hidden 16 --runs-dir {tmp_path} > result.txt',
               tmp_path)
    assert train.returncode == 0
    result = (tmp_path / "result.txt").read_text()
    assert "test_accuracy" in result and "epoch" not in result  # the result, not the progress
    assert "train epoch 1/1" in train.stderr and "finished in" in train.stderr
    no_traceback(train)


@pytest.mark.parametrize("command", [
    "runs", "tasks", "data info", "eval --run distill-tiny", "show 1 2 --run distill-tiny",
    "gallery --run distill-tiny --limit 5",
])
def test_json_keeps_stdout_pure_ndjson(command, runs_dir, tmp_path):
    result = sh(f'"$DIGITS" {command} --runs-dir {runs_dir} --json' if command not in ("tasks", "data info")
                else f'"$DIGITS" {command} --json', tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)


def on_a_terminal(command: str, cwd, **env) -> str:
    """What `command` writes to a pseudo-terminal (so Rich sees a terminal), with `env` set."""
    main, child = pty.openpty()
    environment = user_env(**{"TERM": "xterm-256color", "COLUMNS": "120", **env})
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=environment, stdin=subprocess.DEVNULL,
                               stdout=child, stderr=child, close_fds=True)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_but_not_under_no_color_or_dumb(runs_dir, tmp_path):
    command = f"{shlex.quote(DIGITS)} runs --runs-dir {runs_dir}"
    assert COLOUR.search(on_a_terminal(command, tmp_path))  # a terminal gets colour: the check can fail
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        shown = on_a_terminal(command, tmp_path, **env)
        assert "finished" in shown and not COLOUR.search(shown), env
