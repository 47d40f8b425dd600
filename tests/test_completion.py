"""Shell completion: the scripts for bash, zsh and fish, their installation, and dynamic completion of
task names, presets, choices, run ids and model names, asked the way each shell asks."""

import os
import shlex
import subprocess

import pytest
from terminal_session import DIGITS
from tui_support import copy_fixture_runs


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("completion-runs")
    copy_fixture_runs(root)
    return root


def ask(shell: str, words: str, home=None) -> list[str]:
    """What the installed digits answers a completion request of `shell` for the command line `words`."""
    env = {**os.environ, "_DIGITS_COMPLETE": f"complete_{shell}"}
    if home:
        env["DIGITS_HOME"] = str(home)
    if shell == "bash":
        parts = shlex.split(words) + ([""] if words.endswith(" ") else [])
        env.update(COMP_WORDS=" ".join(parts), COMP_CWORD=str(len(parts) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = subprocess.run([DIGITS], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o default -F _digits_completion digits"),
                                           ("zsh", "#compdef digits"), ("fish", "complete --command digits")])
def test_show_completion_prints_each_shells_script(shell, marker):
    # Typer's switch that makes the shell an argument instead of detecting the shell this test runs in.
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run([DIGITS, "--show-completion", shell], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and marker in result.stdout


def test_install_completion_for_bash_sets_up_the_users_shell(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run([DIGITS, "--install-completion", "bash"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    script = tmp_path / ".bash_completions" / "digits.sh"
    assert "_digits_completion" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


def test_task_completes_in_a_real_bash():
    """The bash script itself, sourced into bash, asked as bash asks on Tab."""
    command = (f'source <({shlex.quote(DIGITS)} --show-completion bash); COMP_WORDS=(digits train --task s); '
               'COMP_CWORD=3; _digits_completion digits; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["subliminal"], result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_task_names_complete(shell):
    from digits.core.tasks import TASKS

    answer = "\n".join(ask(shell, "digits train --task "))
    assert all(name in answer for name in TASKS)
    assert "distill" in "\n".join(ask(shell, "digits train --task d")) and "baseline" not in "\n".join(
        ask(shell, "digits train --task d"))


def test_presets_follow_the_task_and_choices_complete():
    assert set(ask("bash", "digits train --task subliminal --preset ")) >= {"paper"}
    baseline = ask("bash", "digits train --task baseline --preset ")
    assert {"tiny", "classic"} <= set(baseline) and "paper" not in baseline
    assert ask("bash", "digits train --optimizer n") == ["nesterov"]


def test_run_ids_and_model_names_complete(runs_dir):
    assert ask("bash", f"digits show --runs-dir {runs_dir} --run s") == ["subliminal-tiny"]
    assert set(ask("bash", f"digits eval --runs-dir {runs_dir} --run ")) == {
        "baseline-tiny", "subliminal-tiny", "distill-tiny"}
    models = ask("bash", f"digits gallery --runs-dir {runs_dir} --run distill-tiny --model ")
    assert set(models) == {"teacher", "student", "student_uncorrected"}
    assert "all" in ask("bash", f"digits show --runs-dir {runs_dir} --run baseline-tiny --model ")
    assert ask("bash", f"digits tui --runs-dir {runs_dir} --run b") == ["baseline-tiny"]


def test_report_completes_runs_and_sweeps(tmp_path):
    from digits.core.sweeps.spec import SweepSpec
    from digits.core.sweeps.store import SweepDir

    runs_dir = tmp_path / "runs"
    copy_fixture_runs(runs_dir)
    sweep = SweepDir.create(runs_dir, SweepSpec("baseline", seeds=(0, 1)), {"workers": 1})
    assert set(ask("bash", f"digits report --runs-dir {runs_dir} ")) == {
        "baseline-tiny", "subliminal-tiny", "distill-tiny", sweep.sweep_id}
    assert ask("bash", f"digits report --runs-dir {runs_dir} sw") == [sweep.sweep_id]


def test_run_ids_come_from_digits_home_without_runs_dir(tmp_path):
    empty = tmp_path / "empty-home"
    (empty / "runs").mkdir(parents=True)
    assert ask("bash", "digits show --run ", home=empty) in ([], [""])  # nothing to offer, and no error
    home = tmp_path / "home"
    copy_fixture_runs((home / "runs").mkdir(parents=True) or home / "runs")
    assert ask("bash", "digits show --run d", home=home) == ["distill-tiny"]
