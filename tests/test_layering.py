"""The architecture's direction of imports, checked on the source (AST): `core/` never imports a
front-end; the front-ends (`commands/`, `tui/`, `report/`) know no task — they import no module of
`core/tasks/` but the registry and hold no task name as a string to branch on. What a front-end
needs to know about a task comes from the run record (core/runs/record.py)."""

import ast
from pathlib import Path

import pytest

from digits.core.tasks import TASKS

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = ("commands", "tui", "report")


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_scans_see_the_code():
    assert len(sources("core")) > 20 and all(sources(f) for f in FRONT_ENDS)
    assert "digits.core.tasks" in imported_modules(ROOT / "commands" / "train.py")


def test_core_imports_no_front_end():
    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in sources("core") for m in imported_modules(p)
                 if m.startswith(("digits.commands", "digits.tui", "digits.imaging", "digits.report", "matplotlib"))]
    assert not offenders, offenders


def test_the_report_imports_neither_the_cli_nor_the_tui():
    """report/ is drawn on by both (`digits report`, the TUI's report key): it depends on core only."""
    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in sources("report") for m in imported_modules(p)
                 if m.startswith(("digits.commands", "digits.tui"))]
    assert sources("report") and not offenders, offenders


def test_the_shared_imaging_package_imports_no_front_end():
    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in sources("imaging") for m in imported_modules(p)
                 if m.startswith(("digits.commands", "digits.tui"))]
    assert sources("imaging") and not offenders, offenders


def test_core_is_split_by_concern():
    """The network math, the data, the runs and the sweeps each have a package; core/ itself keeps
    only what every part shares (config, errors, events, seeding, stats, paths, atomic files) and
    the loop."""
    top = {p.stem for p in (ROOT / "core").glob("*.py")} - {"__init__"}
    assert {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "nn", "data", "runs", "sweeps", "tasks", "figures"}
    assert top == {"atomic", "calibration", "config", "errors", "events", "paths", "seeding", "stats", "training"}


@pytest.mark.parametrize("folder", FRONT_ENDS)
def test_front_ends_import_no_task_module(folder):
    import digits.core.tasks as registry

    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in sources(folder) for m in imported_modules(p)
                 if m.startswith("digits.core.tasks.") and m.split(".")[3] not in registry.__all__]
    assert not offenders, offenders


@pytest.mark.parametrize("folder", FRONT_ENDS)
def test_front_ends_hold_no_task_name(folder):
    names = set(TASKS)
    offenders = [f"{p.relative_to(ROOT)}:{line} {value!r}" for p in sources(folder)
                 for line, value in string_literals(p) if value in names]
    assert not offenders, offenders
