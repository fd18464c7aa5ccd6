"""Benchmarks, run as ``python -m sims.bench NAME``."""

from sims.bench.dispatch import SUBCOMMANDS, main

__all__ = ["SUBCOMMANDS", "main"]
