"""Every package of the source tree is listed in pyproject.toml's `packages`, so the wheel carries it
(setuptools with `package-dir = {"digits" = "."}` finds nothing by itself): a new folder of modules
that is not listed works from a checkout and fails after `pip install`."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_SHIPPED = {"tests", "benchmarks", "build", "docs"}


def test_every_package_is_in_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"digits." + ".".join(p.parent.relative_to(ROOT).parts) if p.parent != ROOT else "digits"
             for p in ROOT.rglob("__init__.py")
             if not {".venv", "__pycache__", *NOT_SHIPPED} & set(p.relative_to(ROOT).parts)}
    assert found - listed == set(), f"packages missing from pyproject.toml: {sorted(found - listed)}"
    assert listed - found == set(), f"pyproject.toml lists packages that do not exist: {sorted(listed - found)}"
