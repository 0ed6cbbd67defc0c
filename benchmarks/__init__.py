"""Benchmarks: one script per figure; ``python -m benchmarks.<name>``."""
