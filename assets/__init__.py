"""Data files shipped with digits."""
