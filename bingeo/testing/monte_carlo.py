"""Monte Carlo claims as assertions: an estimate agrees with an exact value
when |estimate - exact| <= z * SE, with z set by a stated false-failure rate.

A correct estimate fails such a check by chance with probability
``false_failure_rate``; when a test makes ``n_checks`` such checks, the rate
is split over them (Bonferroni), so that together they still fail by chance
with at most that probability.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from bingeo.data.arguments import check_int, check_real

__all__ = ["FALSE_FAILURE_RATE", "z_bound", "assert_mc_agrees"]

FALSE_FAILURE_RATE = 1e-6
"""Default probability that one correct statistical check fails by chance."""


def z_bound(n_checks: int = 1, *, false_failure_rate: float = FALSE_FAILURE_RATE) -> float:
    """The two-sided normal quantile z with P(|Z| > z) = false_failure_rate /
    n_checks for Z ~ N(0, 1): ``n_checks`` correct checks at this z fail
    together by chance with probability at most ``false_failure_rate``.

    Parameters
    ----------
    n_checks : int
        >= 1.
    false_failure_rate : float
        0 < rate < 1.

    Examples
    --------
    >>> round(z_bound(), 2), round(z_bound(10), 2)
    (4.89, 5.33)
    """
    n_checks = check_int(n_checks, "n_checks", low=1)
    rate = check_real(false_failure_rate, "false_failure_rate", low=0.0, high=1.0, low_open=True, high_open=True)
    return float(norm.isf(rate / (2 * n_checks)))


def _finite(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be real numbers, got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def _estimate_and_se(samples_or_estimate, se):
    """(estimate, SE) arrays: the mean of the samples and its standard error
    sd / sqrt(n) when ``se`` is None, else the given estimate and SE."""
    values = _finite(samples_or_estimate, "samples_or_estimate")
    if se is None:
        if values.ndim != 1 or values.size < 2:
            raise ValueError(f"samples_or_estimate must be a 1-D array of at least 2 samples when se is None, "
                             f"got shape {values.shape}")
        return np.asarray(values.mean()), np.asarray(values.std(ddof=1) / np.sqrt(values.size))
    se = _finite(se, "se")
    if np.any(se < 0):
        raise ValueError(f"se must be >= 0, got {se!r}")
    return values, se


def _show(x: float) -> str:
    return f"{x:.6g}"


def assert_mc_agrees(samples_or_estimate, exact, se=None, *, false_failure_rate: float = FALSE_FAILURE_RATE,
                     n_checks: int = 1):
    """Assert that a Monte Carlo estimate agrees with an exact value, that
    is |estimate - exact| <= z * SE with z = ``z_bound(n_checks,
    false_failure_rate=false_failure_rate)``.

    Parameters
    ----------
    samples_or_estimate : array_like
        with ``se=None``: the samples (1-D, at least 2), whose mean is the
        estimate and sd / sqrt(n) (sd with divisor n - 1) its standard
        error; otherwise estimates, broadcast against ``exact`` and ``se``,
        each one check.
    exact : float or array_like
        the exact value(s), finite, in the units of the samples.
    se : float or array_like, optional
        standard error(s) of the estimate(s), finite and >= 0, ideally from
        theory (an SE of 0 accepts only the exact value).
    false_failure_rate : float
        probability, 0 < rate < 1, that the checks fail by chance when the
        estimates are right.
    n_checks : int
        how many checks share the rate; at least the number of estimates.

    Returns
    -------
    float or numpy.ndarray
        the z-score(s) (estimate - exact) / SE.

    Raises
    ------
    AssertionError
        naming the estimate, the exact value, the SE and z of the worst check.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = assert_mc_agrees(rng.standard_normal(10_000), 0.0)
    >>> assert_mc_agrees(0.9, 0.8, 0.01)
    Traceback (most recent call last):
    ...
    AssertionError: Monte Carlo estimate 0.9 disagrees with the exact value 0.8: |estimate - exact| = 0.1 > z * SE = 4.89164 * 0.01 (z-score 10; z for a false-failure rate of 1e-06 split over 1 check(s))
    """
    estimate, se_arr = _estimate_and_se(samples_or_estimate, se)
    exact = _finite(exact, "exact")
    try:
        estimate, exact, se_arr = np.broadcast_arrays(estimate, exact, se_arr)
    except ValueError:
        raise ValueError(f"exact must broadcast against the estimate's shape {estimate.shape} and the SE's "
                         f"{se_arr.shape}, got shape {exact.shape}") from None
    n_checks = check_int(n_checks, "n_checks", low=1)
    if n_checks < estimate.size:
        raise ValueError(f"n_checks must be at least the number of estimates ({estimate.size}), got {n_checks}")
    z = z_bound(n_checks, false_failure_rate=false_failure_rate)
    diff = np.abs(estimate - exact)
    excess = diff - z * se_arr
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(diff == 0, 0.0, (estimate - exact) / se_arr)
    if np.any(excess > 0):
        i = np.unravel_index(np.argmax(excess), excess.shape)
        where = f" at index {tuple(int(j) for j in i)}" if estimate.ndim else ""
        raise AssertionError(
            f"Monte Carlo estimate {_show(estimate[i])}{where} disagrees with the exact value {_show(exact[i])}: "
            f"|estimate - exact| = {_show(diff[i])} > z * SE = {_show(z)} * {_show(se_arr[i])} "
            f"(z-score {_show(scores[i])}; z for a false-failure rate of {_show(false_failure_rate)} "
            f"split over {n_checks} check(s))")
    return float(scores) if scores.ndim == 0 else scores
