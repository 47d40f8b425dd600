"""Pinned renderer outputs under tests/golden/. Set DIGITS_UPDATE_GOLDEN=1 to rewrite them after an
intended change (then look at the diff before committing)."""

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DIGITS_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing; run with DIGITS_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"
