"""Every tolerance the tests use, derived and written down in one place.

Monte Carlo checks assert ``|estimate - exact| <= z * SE`` with the exact value
and the standard error from theory, and ``z`` from a stated false-failure
rate.  Deterministic comparisons use a bound from the summation length.
"""

from __future__ import annotations

import math

from scipy.stats import norm

FALSE_FAILURE_RATE = 1e-6
"""Probability that one correct statistical check fails by chance."""


def z_bound(checks: int = 1, rate: float = FALSE_FAILURE_RATE) -> float:
    """Two-sided normal quantile that keeps ``checks`` checks, together,
    below the false-failure ``rate`` (Bonferroni split).

    >>> round(z_bound(1), 2)
    4.89
    """
    if checks < 1:
        raise ValueError(f"checks must be >= 1, got {checks}")
    return float(norm.isf(rate / (2 * checks)))


Z_ONE = z_bound(1)
"""z for one check at a 1e-6 false-failure rate (about 4.89)."""

Z_ISSUE = 5.0
"""The |z| <= 5 bound the issues state for sampler-versus-theory checks; a
single check at z = 5 fails by chance with probability 5.7e-7."""

EPS64 = 2.0 ** -52
"""Machine epsilon of float64."""


def sum_rtol(n: int, factor: float = 4.0) -> float:
    """Relative bound for two float64 summations of ``n`` terms in different
    orders: ``factor * n * eps`` (the worst-case recursive-summation bound is
    about ``n * eps``; ``factor`` covers the products feeding the sum)."""
    return factor * max(int(n), 1) * EPS64


def se_of_mean(sd: float, n: int) -> float:
    """Standard error of a mean of ``n`` draws with standard deviation ``sd``."""
    return sd / math.sqrt(n)
