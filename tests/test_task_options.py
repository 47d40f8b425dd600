"""Each task has its own option namespace in `digits train`: its help lists only the options it
reads, with its own help texts and defaults; an option it does not read is refused in one line;
two tasks may type one option differently."""

import re
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from digits.commands import task_options as train_command
from digits.commands.app import app
from digits.core.config import TrainConfig, option
from digits.core.errors import ConfigError
from digits.core.tasks import TASKS


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def listed_options(help_text: str) -> set[str]:
    """The options a help page lists: option lines start two spaces in (wrapped help goes deeper)."""
    return {m.group(2) for m in re.finditer(r"^  (-\w, )?(--[\w-]+)", help_text, re.MULTILINE)}


def test_each_tasks_help_lists_exactly_its_own_options():
    front = {"--task", "--json", "--quiet", "--runs-dir", "--data-dir", "--no-save", "--help"}
    for name, task in TASKS.items():
        shown = listed_options(invoke("train", "--task", name, "--help").stdout)
        own = {"--" + f.name.replace("_", "-") for f in task.Config.options()}
        booleans = {f"--no-{o[2:]}" for o in own}
        assert shown - front - booleans == own, name


def test_lwta_help_shows_its_defaults_and_not_other_tasks_options():
    text = invoke("train", "--task", "lwta", "--help").stdout
    assert "--per-class" in text and "(default 64)" in text  # lwta's batch size, not the baseline's 128
    assert "--train-size" not in text and "--aux" not in text and "--noise-size" not in text
    assert "--train-size" in invoke("train", "--task", "baseline", "--help").stdout


@pytest.mark.parametrize("args, message", [
    (["--task", "lwta", "--train-size", "100"],
     "--train-size does not apply to --task lwta (lwta samples --per-class images of each class)"),
    (["--task", "lwta", "--aux", "3"], "--aux does not apply to --task lwta (its options: "),
    (["--task=highway", "--temperature", "2"], "--temperature does not apply to --task highway"),
])
def test_an_option_the_task_does_not_read_is_refused(args, message, tmp_path):
    result = invoke("train", *args, "--runs-dir", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


def test_the_api_refuses_an_ignored_field_too():
    with pytest.raises(ConfigError, match="--train-size does not apply to this task; lwta samples"):
        TASKS["lwta"].Config.build({"train_size": 100})


def test_two_tasks_may_type_one_option_differently(monkeypatch):
    @dataclass
    class Whole(TrainConfig):
        depth: int = option(3, "Depth.", min=1)

    @dataclass
    class Named(TrainConfig):
        depth: str = option("deep", "Depth by name.", choices=("deep", "shallow"))

    fakes = {"whole": type("WholeTask", (), {"Config": Whole}), "named": type("NamedTask", (), {"Config": Named})}
    monkeypatch.setattr(train_command, "TASKS", fakes)
    table = train_command.option_table()
    assert table["depth"]["type"] is str and table["depth"]["defaults"] == {"named": "deep", "whole": 3}
    assert train_command.config_overrides("whole", {"depth": "7"}) == {"depth": 7}
    assert train_command.config_overrides("named", {"depth": "shallow"}) == {"depth": "shallow"}
    with pytest.raises(ConfigError, match="--depth takes a whole number"):
        train_command.config_overrides("whole", {"depth": "seven"})
