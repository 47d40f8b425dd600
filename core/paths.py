"""Where digits keeps things: the user data dir (runs) and the cache dir, with env overrides."""

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """Root of digits' user data: $DIGITS_HOME, else the platform's user data dir."""
    override = os.environ.get("DIGITS_HOME")
    return Path(override).expanduser() if override else platformdirs.user_data_path("digits")


def runs_root() -> Path:
    """Default directory holding one sub-directory per run."""
    return home() / "runs"


def cache_dir() -> Path:
    """Decoded-dataset cache: $DIGITS_CACHE_DIR, else the platform's user cache dir."""
    override = os.environ.get("DIGITS_CACHE_DIR")
    return Path(override).expanduser() if override else platformdirs.user_cache_path("digits")
