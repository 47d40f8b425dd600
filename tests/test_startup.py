"""The fixed start-up cost stays cut: what `digits` imports before it needs it, and the dataset
cache's MD5 record (the timings themselves are in benchmarks/startup.py, not here)."""

import json
import re
import subprocess
import sys
import time

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from digits.commands import app as app_module
from digits.commands.app import COMMANDS, app
from digits.core.data import dataset as ds

# Costly imports a command has no use for before it does its work (each 0.04-0.4 s here).
HEAVY = ("numpy", "numba", "llvmlite", "pydantic", "rich", "textual", "distributed", "dask", "matplotlib",
         "threadpoolctl", "PIL", "scipy", "torch")


def imported_by(code: str) -> set[str]:
    """The top-level packages imported in a fresh interpreter by running `code`, from HEAVY."""
    probe = ("import sys, json\ntry:\n" + "".join(f"    {line}\n" for line in code.splitlines())
             + "except SystemExit:\n    pass\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1])) & set(HEAVY)


def test_importing_the_app_imports_nothing_heavy():
    assert imported_by("import digits.commands.app") == set()


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_root_help_and_version_import_nothing_heavy(args):
    code = f"import sys\nsys.argv = ['digits', *{args!r}]\nfrom digits.commands.app import main\nmain()"
    assert imported_by(code) == set()


def test_train_json_reaches_its_first_batch_with_numpy_only():
    """What `digits train --task lwta --no-save --json` has imported when its first batch starts:
    numpy, and no Rich (no console with --json), no pydantic (no option value to convert) and no
    numba yet (the kernels load in the first training step)."""
    code = (
        "import sys\n"
        "from digits.commands import train\n"
        "def stop_at_first_batch(obj, print_json=train.print_json):\n"
        "    print_json(obj)\n"
        "    if obj['event'] == 'phase_started':\n"
        "        raise SystemExit(0)\n"
        "train.print_json = stop_at_first_batch\n"
        "sys.argv = ['digits', 'train', '--task', 'lwta', '--no-save', '--json']\n"
        "from digits.commands.app import main\n"
        "main()"
    )
    assert imported_by(code) == {"numpy"}


def test_listed_summaries_are_the_commands_own():
    """`digits --help` lists COMMANDS' summaries without building the commands: each must read
    exactly as the command's own help would, at every width."""
    group = typer.main.get_command(app)
    ctx = group.make_context("digits", ["tasks"], resilient_parsing=True)
    for name, entry in COMMANDS.items():
        real = group.get_command(ctx, name)
        stand_in = typer.core.TyperCommand(name=name, help=entry.summary)
        for limit in range(20, 200, 3):
            assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit), (name, limit)


def test_root_help_lists_every_command_without_building_one(monkeypatch):
    monkeypatch.setattr(app_module, "build", lambda name, ctx: pytest.fail(f"{name} was built for --help"))
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1]
    assert re.findall(r"^  (\S+)", listed, re.MULTILINE) == list(COMMANDS)


def test_a_mistyped_command_is_still_matched_against_every_command():
    result = CliRunner().invoke(app, ["trian"])
    assert result.exit_code == 2 and "No such command 'trian'. Did you mean 'train'?" in result.output


def test_option_values_are_still_converted_and_refused_by_typer():
    """Values that are not text still go through Typer's own conversion (and its messages)."""
    result = CliRunner().invoke(app, ["train", "--epochs", "abc", "--no-save"])
    assert result.exit_code == 2
    assert "Invalid value for '--epochs': Input should be a valid integer" in result.output
    result = CliRunner().invoke(app, ["train", "--task", "lwta", "--lr", "x", "--no-save"])
    assert result.exit_code == 2 and "Invalid value for '--lr'" in result.output


@pytest.fixture
def settled(monkeypatch):
    """Entries settle 50 ms after their last change (2 s in use); returns a wait until they have."""
    monkeypatch.setattr(ds, "SETTLED_NS", 50_000_000)
    return lambda: time.sleep(0.1)


def no_md5(array):
    raise AssertionError("the MD5 was recomputed although the entry is recorded unchanged")


def test_recorded_entry_is_not_hashed_again(tiny_dir, settled, monkeypatch):
    first = ds.load_dataset(tiny_dir)  # decodes and writes the entries
    settled()
    second = ds.load_dataset(tiny_dir)  # hashes them and records them
    assert ds.cache_path(ds.find_file(tiny_dir, ds.FILES["train_images"])).with_suffix(".verified").is_file()
    monkeypatch.setattr(ds, "official_md5", no_md5)
    third = ds.load_dataset(tiny_dir)
    assert third.checksums == second.checksums == first.checksums
    for key in ds.FILES:
        np.testing.assert_array_equal(getattr(third, key), getattr(first, key))


def test_bundled_checksums_come_from_the_record(mnist, settled, monkeypatch):
    settled()
    ds.load_dataset()  # records the session's entries
    monkeypatch.setattr(ds, "official_md5", no_md5)
    assert set(ds.load_dataset().checksums.values()) == {"ok"}


def test_entry_changed_after_its_record_is_hashed_and_rebuilt(tiny_dir, settled):
    first = ds.load_dataset(tiny_dir)
    settled()
    ds.load_dataset(tiny_dir)
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["test_labels"]))
    labels = np.load(cached, allow_pickle=False)
    labels[0] = (labels[0] + 1) % 10
    np.save(cached, labels)  # in place: same size, same inode
    again = ds.load_dataset(tiny_dir)
    np.testing.assert_array_equal(again.test_labels, first.test_labels)


def test_record_of_another_md5_is_not_trusted(tiny_dir, settled, monkeypatch):
    ds.load_dataset(tiny_dir)
    settled()
    ds.load_dataset(tiny_dir)
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["test_labels"]))
    record = cached.with_suffix(".verified")
    record.write_text("0" * 32 + record.read_text()[32:])
    calls = []
    monkeypatch.setattr(ds, "official_md5", lambda a, real=ds.official_md5: calls.append(1) or real(a))
    ds.load_dataset(tiny_dir)
    assert calls  # the forged record was ignored and the entry hashed


def test_recent_entry_is_not_recorded(tiny_dir):
    ds.load_dataset(tiny_dir)
    ds.load_dataset(tiny_dir)  # within SETTLED_NS of the write: hashed, not recorded
    cached = ds.cache_path(ds.find_file(tiny_dir, ds.FILES["train_images"]))
    assert cached.is_file() and not cached.with_suffix(".verified").exists()
