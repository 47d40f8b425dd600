"""Task configs: presets, explicit overrides, validation and the CLI options built from them."""

import pytest

from digits.commands.train import option_table
from digits.core.config import parse_int_list
from digits.core.errors import ConfigError
from digits.core.tasks import TASKS, get_task
from digits.core.tasks.baseline import BaselineConfig


def test_presets_then_explicit_options():
    classic = BaselineConfig.build({"preset": "classic"})
    assert (classic.hidden, classic.activation, classic.optimizer, classic.epochs) == ((64,), "sigmoid", "sgd", 32)
    overridden = BaselineConfig.build({"preset": "classic", "epochs": 3, "hidden": "100,50"})
    assert overridden.epochs == 3 and overridden.hidden == (100, 50) and overridden.activation == "sigmoid"
    tiny = BaselineConfig.build({"preset": "tiny"})
    assert tiny.hidden == (10,)


def test_unknown_preset_and_choice():
    with pytest.raises(ConfigError, match="--preset must be one of"):
        BaselineConfig.build({"preset": "huge"})
    with pytest.raises(ConfigError, match="--activation must be one of"):
        BaselineConfig.build({"activation": "gelu"})


def test_int_lists():
    assert parse_int_list("256,256") == (256, 256)
    assert parse_int_list("256 128") == (256, 128)
    assert parse_int_list("800x800") == (800, 800)
    with pytest.raises(ConfigError):
        parse_int_list("1,,x")


def test_every_task_option_has_help_and_consistent_type():
    table = option_table()  # raises if two tasks disagree on an option's type
    assert {"epochs", "lr", "seed", "batch_size", "hidden"} <= set(table)
    assert all(entry["meta"]["help"] for entry in table.values())


def test_registry():
    assert "baseline" in TASKS and get_task("baseline").name == "baseline"
    with pytest.raises(ConfigError, match="unknown task 'x'; choose from: baseline"):
        get_task("x")


def test_field_defaults_are_the_default_preset():
    for task in TASKS.values():
        assert task.Config() == task.Config.build({})
