"""What a ``python -m sims.angle`` run will cost, said before it starts.

Memory is counted from what the run holds: per trial the cosines of w and of
the random pair, their angles and the finite copies (8 bytes each), the
chunk's stream state (32 bytes) and running sums; the angles of every d when
a figure is drawn; the d x d rotation (and the QR behind it) for
``rotated-sign``.  Time comes from a short measured run of the same kernels
after they compiled: the work of the whole grid (d per trial for w, 2d for a
pair, d^2 for ``rotated-sign``) times the measured seconds per unit.

Examples
--------
>>> run_bytes([10, 100], 1000, rotated=False, keep_angles=False)
104000
"""

from __future__ import annotations

import time

__all__ = ["run_bytes", "work_units", "measure_seconds_per_unit", "LONG_RUN_SECONDS"]

LONG_RUN_SECONDS = 60.0
"""A run estimated to take longer says so on stderr before it starts."""

_BYTES_PER_TRIAL = 8 * 6 + 32 + 8 * 3
"""Two cosine arrays, their two angle arrays and two finite copies; one
stream state; one set of running sums (a chunk per trial at large d)."""


def run_bytes(dims, trials: int, *, rotated: bool, keep_angles: bool) -> int:
    """Bytes a run holds at its peak (an estimate, within a small factor)."""
    largest = max(dims)
    total = trials * _BYTES_PER_TRIAL
    if keep_angles:  # the figure needs the angles of every d at the end
        total += 2 * 8 * trials * len(dims)
    if rotated:  # R, its transpose, and the Gaussian matrix and QR workspace
        total += 4 * 8 * largest * largest
    return total


def work_units(dims, trials: int, *, rotated: bool) -> tuple[int, int]:
    """(units for w, units for the random pairs) over the whole grid."""
    cos_units = sum(trials * (d * d + d if rotated else d) for d in dims)
    return cos_units, sum(2 * trials * d for d in dims)


MEASURE_SECONDS = 0.02
"""A timed run of the speed probe is long enough once it takes this long."""


def measure_seconds_per_unit(sample, d: int, *, rotated: bool) -> float:
    """Seconds per unit of work of ``sample(d, trials)`` (already compiled):
    runs of 1, 4, 16, ... trials until one takes ``MEASURE_SECONDS`` or
    holds 2^20 units (a slow backend, such as the CUDA simulator, stops
    after one trial)."""
    units_each = d * d + d if rotated else d
    trials = 1
    while True:
        start = time.perf_counter()
        sample(d, trials)
        seconds = time.perf_counter() - start
        if seconds >= MEASURE_SECONDS or trials * units_each >= 1 << 20:
            return seconds / (trials * units_each)
        trials *= 4
