"""Checks of the arguments the data loaders take; each error names the
argument and the accepted range."""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_bool", "check_seed", "check_int", "check_real"]


def check_seed(seed, name: str = "seed"):
    """Return ``seed`` if it is an integer >= 0 or a ``numpy.random.SeedSequence``.

    >>> check_seed(3)
    3
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer >= 0 or a numpy.random.SeedSequence, got -1
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise ValueError(f"{name} must be an integer >= 0 or a numpy.random.SeedSequence, got {seed!r}")


def check_int(value, name: str, *, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``.

    >>> check_int(5, "side", low=2)
    5
    >>> check_int(1, "side", low=2)
    Traceback (most recent call last):
    ...
    ValueError: side must be an integer >= 2, got 1
    """
    accepted = f">= {low}" if high is None else f"in {low}..{high}"
    if (not isinstance(value, numbers.Integral) or isinstance(value, bool)
            or value < low or (high is not None and value > high)):
        raise ValueError(f"{name} must be an integer {accepted}, got {value!r}")
    return int(value)


def check_real(value, name: str, *, low: float, high: float | None = None,
               low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number in the stated range.

    >>> check_real(0.2, "test_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
    0.2
    >>> check_real(1.0, "test_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: test_fraction must be a real number in (0.0, 1.0), got 1.0
    """
    left = "(" if low_open else "["
    if high is None:
        accepted = f"{'>' if low_open else '>='} {low}"
    else:
        accepted = f"in {left}{low}, {high}{')' if high_open else ']'}"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        v = float(value)
        ok = (v > low if low_open else v >= low)
        if ok and high is not None:
            ok = v < high if high_open else v <= high
    if not ok:
        raise ValueError(f"{name} must be a real number {accepted}, got {value!r}")
    return float(value)


def check_bool(value, name: str) -> bool:
    """Return ``value`` if it is True or False (numpy bools included).

    >>> check_bool("no", "download")
    Traceback (most recent call last):
    ...
    ValueError: download must be True or False, got 'no'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)
