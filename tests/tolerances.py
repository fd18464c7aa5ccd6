"""Every tolerance the tests use, derived and written down in one place.

Monte Carlo checks assert ``|estimate - exact| <= z * SE`` with the exact value
and the standard error from theory, and ``z`` from a stated false-failure
rate.  Deterministic comparisons use a bound from the summation length.
"""

from __future__ import annotations

import math

from scipy.stats import norm

# The one implementation of z from a false-failure rate is public, for users'
# tests too: z_bound(n_checks) is the two-sided normal quantile of
# FALSE_FAILURE_RATE / n_checks (Bonferroni split).
from bingeo.testing.monte_carlo import FALSE_FAILURE_RATE, z_bound

Z_ONE = z_bound(1)
"""z for one check at a 1e-6 false-failure rate (about 4.89)."""

Z_ISSUE = 5.0
"""The |z| <= 5 bound the issues state for sampler-versus-theory checks; a
single check at z = 5 fails by chance with probability 5.7e-7."""

Z_ISSUE_RATE = float(2 * norm.sf(Z_ISSUE))
"""The false-failure rate of one check at z = ``Z_ISSUE`` (5.7e-7), for
``bingeo.testing.assert_mc_agrees(..., false_failure_rate=Z_ISSUE_RATE)``."""

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


# --- float32 layer kernels and gradient checks (bingeo.bnn.layers) ---------

EPS32 = 2.0 ** -23
"""Machine epsilon of float32."""


def sum_rtol32(n: int, factor: float = 4.0) -> float:
    """float32 analogue of :func:`sum_rtol`: ``factor * n * eps32``, a bound on
    ``|sum_a - sum_b| / sum |terms|`` for two float32 summations of ``n``
    terms in different orders (blocked BLAS against a plain sum).

    >>> sum_rtol32(1) == 4 * 2.0 ** -23
    True
    """
    return factor * max(int(n), 1) * EPS32


FD_STEP = 1e-5
"""Step of the float64 central differences that check backward passes."""


def fd_atol(n: int, magnitude: float, curvature: float = 0.0, step: float = FD_STEP) -> float:
    """Bound on |central difference - directional derivative| in float64.

    Rounding: each of the two evaluations of a scalar built from ``n`` terms
    whose absolute values sum to ``magnitude`` is off by at most
    ``sum_rtol(n) * magnitude``; dividing their difference by ``2 * step``
    gives ``sum_rtol(n) * magnitude / step``.  Truncation: ``curvature *
    step**2 / 6`` with ``curvature`` a bound on the third directional
    derivative (0 for functions linear along the direction, such as a layer's
    output against its input).

    >>> fd_atol(1, 1.0) == sum_rtol(1) / FD_STEP
    True
    """
    return sum_rtol(n) * magnitude / step + curvature * step**2 / 6.0


# --- portable exp and log (bingeo.bnn.layers.portable_math) ------------------

EXP_PORTABLE_ULPS = 2.0
"""Bound on the error of ``exp_portable`` in float64 ulps of the exact value:
the reduction x - k ln2 is exact up to k * LN2_LO (one rounding, below 2**-30
absolute), each of the 13 Horner steps ``1 + p r / n`` rounds three times
but shrinks earlier errors by |r| / n <= 0.35, which sums to about 1.5 ulps
(measured worst 1.09 over 45,000 points), and ldexp is exact."""

LOG_PORTABLE_ULPS = 4.0
"""Bound on the error of ``log_portable`` in float64 ulps: s = f / (2 + f) is
rounded once (f is exact), the series in z = s**2 <= 0.03 adds about one
ulp, ``2 s q`` two roundings and the final ``e ln2_hi + (e ln2_lo + ...)``
two more, about 3.5 ulps in all (measured worst 2.74)."""
