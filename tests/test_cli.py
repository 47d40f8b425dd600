"""The CLI through Typer's test runner: exit codes, one-line errors, JSON that follows the schema."""

import json

import pytest
from typer.testing import CliRunner

from digits.commands.app import app
from digits.core.runs.directory import list_runs

runner = CliRunner()
QUICK = ["--epochs", "1", "--train-size", "2000", "--hidden", "32"]

# Every key the README's JSON table documents, per event.
REQUIRED = {
    "run_started": {"task", "run_id", "config", "run_dir", "schema"},
    "phase_started": {"phase", "epochs", "steps_per_epoch", "samples_per_epoch", "model"},
    "progress": {"phase", "epoch", "epochs", "step", "steps", "loss", "samples_per_second"},
    "epoch_finished": {"phase", "epoch", "epochs", "train_loss", "test_accuracy", "seconds", "samples_per_second",
                       "lr", "metrics"},
    "phase_finished": {"phase", "metrics"},
    "examples": {"model", "indices", "labels", "predictions", "images"},
    "comparison": {"title", "models", "highlight", "agreement", "reference", "examples", "notes"},
    "run_finished": {"task", "run_id", "run_dir", "seconds", "metrics", "comparison"},
    "run_interrupted": {"task", "run_id", "run_dir", "seconds", "phase", "epoch", "step"},
    "error": {"message"},
}


def invoke(*args):
    return runner.invoke(app, list(args))


def json_lines(text):
    return [json.loads(line) for line in text.splitlines()]


def test_train_json_is_ndjson_following_the_schema(tmp_path):
    result = invoke("train", "--task", "baseline", *QUICK, "--json", "--runs-dir", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    events = json_lines(result.stdout)
    for event in events:
        assert isinstance(event["time"], float)
        assert REQUIRED[event["event"]] <= set(event), event["event"]
    names = [e["event"] for e in events]
    assert names[0] == "run_started" and names[-1] == "run_finished"
    assert {"phase_started", "epoch_finished", "phase_finished", "examples"} <= set(names)
    assert events[0]["schema"] == 1 and events[0]["config"]["hidden"] == [32]
    finished = events[-1]
    assert 0.5 < finished["metrics"]["test_accuracy"] <= 1
    assert all(isinstance(v, (int, float)) for v in finished["metrics"].values())
    # The run directory holds the config, the event log and the model.
    run_dir = tmp_path / finished["run_id"]
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "finished" and info["metrics"] == finished["metrics"]
    logged = json_lines((run_dir / "events.jsonl").read_text())
    assert [e["event"] for e in logged] == [n for n in names if n != "progress"]
    assert (run_dir / "models" / "model.npz").is_file() and (run_dir / "models" / "model.json").is_file()


def test_train_result_goes_to_stdout_and_progress_to_stderr(tmp_path):
    result = invoke("train", *QUICK, "--runs-dir", str(tmp_path))
    assert result.exit_code == 0
    assert "test_accuracy" in result.stdout and "test_accuracy" not in result.stderr
    assert result.stdout.count("true ") == 3 and result.stdout.count(" pred ") == 3  # compact digits at 80 columns
    assert "train epoch 1/1" in result.stderr  # not a terminal: one line per epoch, no animation
    assert "epoch" not in result.stdout and "finished in" in result.stderr
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


def test_quiet_prints_only_the_result():
    result = invoke("train", *QUICK, "--quiet", "--no-save")
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("baseline: test accuracy")
    assert len(result.stdout.strip().splitlines()) == 1 and result.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["--epochs", "0"], "--epochs must be at least 1 (got 0)"),
    (["--lr", "0"], "--lr must be greater than 0"),
    (["--lr", "-1"], "--lr must be greater than 0"),
    (["--lr", "nan"], "--lr must be a finite number"),
    (["--batch-size", "70000"], "--batch-size 70000 is larger than the 60000 training images"),
    (["--train-size", "100", "--batch-size", "200"], "--batch-size 200 is larger than the 100 training images"),
    (["--hidden", "12,abc"], "--hidden takes comma-separated whole numbers"),
    (["--hidden", "0"], "--hidden needs one or more positive sizes"),
    (["--seed", "-1"], "--seed must be at least 0"),
])
def test_invalid_options_fail_before_work_with_exit_2(args, message, tmp_path):
    result = invoke("train", *args, "--runs-dir", str(tmp_path))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list_runs(tmp_path) == []  # nothing was started


def test_unknown_task_and_bad_choices_exit_2_with_an_error_event():
    result = invoke("train", "--task", "nope", "--json")
    assert result.exit_code == 2
    tasks = "baseline, deep-mlp, distill, highway, lwta, mcdnn, subliminal"
    assert f"unknown task 'nope'; choose from: {tasks}" in result.stderr
    assert json_lines(result.stdout)[0]["event"] == "error"
    result = invoke("train", "--activation", "gelu", "--json")
    assert result.exit_code == 2 and json_lines(result.stdout)[0]["message"].startswith("--activation must be one of")
    result = invoke("train", "baseline")
    assert result.exit_code == 2 and "did you mean --task baseline?" in result.stderr


def test_invalid_option_with_json_prints_an_error_event():
    result = invoke("train", "--epochs", "0", "--json")
    assert result.exit_code == 2
    assert json_lines(result.stdout) == [{"event": "error", "time": pytest.approx(json_lines(result.stdout)[0]["time"]),
                                          "message": "--epochs must be at least 1 (got 0)"}]


def test_divergence_is_an_error_naming_phase_and_epoch(tmp_path):
    result = invoke("train", *QUICK, "--optimizer", "sgd", "--lr", "1e6", "--runs-dir", str(tmp_path), "--json")
    assert result.exit_code == 1
    last = json_lines(result.stdout)[-1]
    assert last["event"] == "error"
    assert "phase 'train', epoch 1" in last["message"] and "lower learning rate" in last["message"]
    assert [r["status"] for r in list_runs(tmp_path)] == ["failed"]


def test_bad_data_dir_is_one_line_without_traceback(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03\x00\x00\x00\x05" + bytes(8) + b"xx")
    result = invoke("train", "--data-dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "train-images-idx3-ubyte" in result.stderr and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = invoke("--debug", "data", "info", "--data-dir", str(tmp_path / "missing"))
    assert result.exit_code != 0
    assert "data directory not found" in str(result.exception)


def test_tasks_lists_baseline():
    result = invoke("tasks", "--json")
    assert result.exit_code == 0
    tasks = {t["name"]: t for t in json_lines(result.stdout)}
    assert {"summary", "reference"} <= set(tasks["baseline"])
    human = invoke("tasks")
    assert all(name in human.stdout for name in tasks) and human.stderr == ""


def test_data_info_reports_mnist():
    result = invoke("data", "info", "--json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["bundled"] and info["train"] == 60000 and info["test"] == 10000
    assert info["class_counts"]["test"][1] == 1135
    assert set(info["checksums"].values()) == {"ok"}


def test_data_dir_option_and_env(tiny_dir, monkeypatch):
    result = invoke("data", "info", "--json", "--data-dir", str(tiny_dir))
    assert json.loads(result.stdout)["train"] == 600
    monkeypatch.setenv("DIGITS_DATA_DIR", str(tiny_dir))
    result = invoke("train", "--epochs", "2", "--batch-size", "32", "--json", "--no-save")
    assert result.exit_code == 0
    assert json_lines(result.stdout)[-1]["metrics"]["test_accuracy"] > 0.9  # the bars are easy to learn


def test_runs_lists_saved_runs(tmp_path):
    empty = invoke("runs", "--runs-dir", str(tmp_path))
    assert "no runs" in empty.stderr and empty.stdout == ""
    invoke("train", *QUICK, "--runs-dir", str(tmp_path))
    listed = json_lines(invoke("runs", "--runs-dir", str(tmp_path), "--json").stdout)
    assert len(listed) == 1 and listed[0]["status"] == "finished" and listed[0]["task"] == "baseline"
    human = invoke("runs", "--runs-dir", str(tmp_path))
    assert listed[0]["run_id"] in human.stdout and "finished" in human.stdout and human.stderr == ""


def test_runs_dir_from_digits_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_HOME", str(tmp_path / "h"))
    invoke("train", *QUICK)
    assert len(list_runs(tmp_path / "h" / "runs")) == 1


def test_help_shows_every_option_with_its_default():
    result = invoke("train", "--help")
    text_out = " ".join(result.stdout.split())
    for text in ("--task", "--epochs", "Training epochs. (default 6)", "--lr", "--seed", "--batch-size",
                 "--runs-dir", "--json", "--quiet", "--hidden", "(default 256,128)", "--preset"):
        assert text in text_out


def test_option_of_another_task_is_refused():
    from digits.commands.train import config_overrides
    from digits.core.errors import ConfigError
    with pytest.raises(ConfigError, match="--aux does not apply to --task baseline"):
        config_overrides("baseline", {"aux": 3})


def test_sizes_may_be_given_as_separate_words():
    result = invoke("train", "--hidden", "24", "16", "--epochs", "1", "--train-size", "1000", "--json", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert json_lines(result.stdout)[0]["config"]["hidden"] == [24, 16]
    stray = invoke("train", "--epochs", "1", "extra")
    assert stray.exit_code == 2 and "unexpected argument 'extra'" in stray.stderr


def test_unusable_runs_dir_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = invoke("train", *QUICK, "--runs-dir", str(blocker))
    assert result.exit_code == 2
    assert "cannot create a run directory there" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_paths_with_brackets_are_printed_literally(tmp_path):
    odd = tmp_path / "r[/x]"
    result = invoke("train", *QUICK, "--runs-dir", str(odd))
    assert result.exit_code == 0, result.stderr
    assert "r[/x]" in " ".join(result.stderr.split())


def test_display_draws_full_size_digits_on_a_wide_terminal(mnist):
    import io

    from rich.console import Console

    from digits.commands.display import RichDisplay
    from digits.core.runs.runner import execute
    from digits.core.tasks.baseline import BaselineConfig

    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    config = BaselineConfig.build({"epochs": 1, "train_size": 2000, "hidden": "16"})
    with RichDisplay(Console(file=io.StringIO()), console) as display:
        for event in execute("baseline", config, mnist, None):
            display.handle(event)
    text = out.getvalue()
    assert text.count("True: ") == 3 and "Predicted: " in text
    assert "✗" in text  # the third digit is one of the model's mistakes


@pytest.mark.parametrize("args, message", [
    (["--task", "subliminal", "--temperature", "0"], "--temperature must be greater than 0"),
    (["--task", "distill", "--temperature", "-1"], "--temperature must be greater than 0"),
    (["--task", "subliminal", "--aux", "0"], "--aux must be at least 1"),
    (["--task", "subliminal", "--seeds", ","], "--seeds list is empty"),
    (["--task", "subliminal", "--seeds", "0"], "--seeds needs a count of at least 1"),
    (["--task", "subliminal", "--seeds", "1,x"], "--seeds takes a count like 5"),
    (["--task", "distill", "--omit", "10"], "--omit values must lie in 0-9"),
    (["--task", "distill", "--omit", "0,1,2,3,4,5,6,7,8,9"], "--omit removes every class"),
    (["--task", "distill", "--keep", "7,11"], "--keep values must lie in 0-9"),
    (["--task", "baseline", "--omit", "3"], "--omit does not apply to --task baseline"),
    (["--task", "subliminal", "--init", "glorot_uniform"], "--init must be one of he_uniform, lecun_normal"),
])
def test_teacher_student_options_are_checked_before_work(args, message, tmp_path):
    result = invoke("train", *args, "--runs-dir", str(tmp_path))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert list_runs(tmp_path) == []


def test_distill_transfer_set_too_small_is_refused_before_work(tmp_path):
    result = invoke("train", "--task", "distill", "--train-size", "1000", "--keep", "7", "--runs-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "the transfer set would hold only" in result.stderr and list_runs(tmp_path) == []


def test_quiet_and_runs_show_each_tasks_headline(tmp_path):
    args = ["--task", "subliminal", "--train-size", "600", "--noise-size", "512", "--epochs", "1",
            "--student-epochs", "1", "--hidden", "16", "--batch-size", "64", "--no-controls"]
    result = invoke("train", *args, "--quiet", "--runs-dir", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout.startswith("subliminal: student ") and "teacher " in result.stdout
    (run,) = json_lines(invoke("runs", "--runs-dir", str(tmp_path), "--json").stdout)
    table = invoke("runs", "--runs-dir", str(tmp_path)).stdout
    assert f"{run['metrics']['student_test_accuracy']:.2%}" in table and "student" in table


def test_a_label_of_200_is_one_line_and_exit_1(tiny_dir, tmp_path):
    from digits.core.data import idx
    from digits.core.data.dataset import load_dataset

    labels = load_dataset(tiny_dir).test_labels.copy()
    labels[0] = 200
    idx.write(tiny_dir / "t10k-labels-idx1-ubyte.gz", labels)
    runs = tmp_path / "runs"
    for command in (["data", "info"], ["train", "--epochs", "1", "--runs-dir", str(runs)]):
        result = invoke(*command, "--data-dir", str(tiny_dir))
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
        assert "t10k-labels-idx1-ubyte.gz: label 200 at index 0 is not a class" in result.stderr
    assert not runs.exists()  # refused before a run was started
