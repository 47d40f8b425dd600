"""Benchmarks: speed and accuracy targets, run by hand (`python -m benchmarks.NAME`), not by pytest."""
