"""Standard errors and intervals for the numbers the experiments report.

Three estimates come with every table: a mean (of cosines, over Monte Carlo
trials), an angle computed from a mean cosine, and an accuracy (k correct of
n).  Their uncertainties:

* the mean of n draws with sample sd s: SE = s / sqrt(n);
* an angle theta = arccos(c) from a cosine c with standard error se_c, by the
  delta method (|d arccos(c) / dc| = 1 / sqrt(1 - c^2)):
  se_theta = se_c / sqrt(1 - c^2), in radians;
* an accuracy p = k / n: the binomial standard error sqrt(p (1 - p) / n), and
  the Wilson score interval, which stays inside [0, 1] and is honest at
  p = 0 or 1, where the standard error is 0.

Examples
--------
>>> round(binomial_se(90, 100), 4)
0.03
>>> [round(x, 4) for x in wilson_interval(90, 100)]
[0.8256, 0.9448]
>>> round(math.degrees(angle_se(0.8, 0.001)), 4)
0.0955
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["mean_se", "angle_se", "binomial_se", "wilson_interval", "RESOLVE_Z", "RESOLVE_LEVEL", "difference_test",
           "compare_seeds", "t_critical", "chance_count"]

RESOLVE_Z = 2.0
""":func:`difference_test`'s default rule for an SE known from theory: resolved when |difference| > 2 SE."""

RESOLVE_LEVEL = 0.95
"""The reports' rule over seeds: resolved when |difference| > t SE, t Student's two-sided 95% quantile with
the degrees of freedom of the SE (2.78 for 5 seeds), a 5% false-resolution rate per test."""


def t_critical(df: float, level: float = RESOLVE_LEVEL) -> float:
    """Student's two-sided ``level`` quantile with ``df`` degrees of freedom; NaN for df < 1.

    >>> round(t_critical(4), 3), round(t_critical(1e9), 3)
    (2.776, 1.96)
    """
    from scipy.stats import t as student_t

    if not (math.isfinite(df) and df >= 1):
        return math.nan
    return float(student_t.ppf(0.5 + level / 2, df))


def _count(value, name: str, low: int = 0) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or int(value) < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def mean_se(values) -> tuple[float, float, int]:
    """(mean, standard error s / sqrt(n), n) of the finite entries of
    ``values``; NaN entries (undefined trials) are left out.  With fewer than
    two finite entries the SE is NaN (and so is the mean with none).

    >>> mean_se([1.0, 2.0, 3.0, float("nan")])
    (2.0, 0.5773502691896258, 3)
    """
    arr = np.asarray(values, dtype=np.float64).ravel()
    finite = arr[np.isfinite(arr)]
    n = int(finite.size)
    mean = float(finite.mean()) if n else math.nan
    se = float(finite.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return mean, se, n


def angle_se(cos, se_cos):
    """Standard error (radians) of arccos(c), from the standard error of the
    cosine c by the delta method: se_cos / sqrt(1 - c^2).

    At |c| = 1 the derivative is infinite and the result inf (NaN with
    se_cos = 0 there, since the angle's own spread is then unknown to first
    order).  Accepts floats or arrays.

    Examples
    --------
    >>> angle_se(0.0, 0.01)
    0.01
    >>> angle_se(np.array([0.6, 0.8]), 0.01).round(5).tolist()
    [0.0125, 0.01667]
    """
    c = np.asarray(cos, dtype=np.float64)
    se = np.asarray(se_cos, dtype=np.float64)
    if np.any(np.abs(c[np.isfinite(c)]) > 1):
        raise ValueError(f"cos must lie in [-1, 1], got {cos!r}")
    if np.any(se[np.isfinite(se)] < 0):
        raise ValueError(f"se_cos must be >= 0, got {se_cos!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = se / np.sqrt(1.0 - c * c)
    return float(out) if out.ndim == 0 else out


def binomial_se(k, n) -> float:
    """Standard error sqrt(p (1 - p) / n) of the proportion p = k / n.

    >>> binomial_se(0, 50), binomial_se(50, 100)
    (0.0, 0.05)
    """
    n = _count(n, "n", 1)
    k = _count(k, "k")
    if k > n:
        raise ValueError(f"k must be an integer in [0, n] = [0, {n}], got {k}")
    p = k / n
    return math.sqrt(p * (1.0 - p) / n)


def wilson_interval(k, n, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion k / n at ``z`` (1.96: 95 %):

        (p + z^2/(2n) -+ z sqrt(p (1 - p) / n + z^2 / (4 n^2))) / (1 + z^2 / n),

    with p = k / n; it lies in [0, 1] and keeps a width at p = 0 or 1.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(0, 20)]
    [0.0, 0.1611]
    >>> wilson_interval(5, 5, z=0.0)
    (1.0, 1.0)
    """
    n = _count(n, "n", 1)
    k = _count(k, "k")
    if k > n:
        raise ValueError(f"k must be an integer in [0, n] = [0, {n}], got {k}")
    if not (isinstance(z, numbers.Real) and math.isfinite(z) and z >= 0):
        raise ValueError(f"z must be a finite number >= 0, got {z!r}")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_test(estimate, se, reference=0.0, *, reference_se=0.0, z: float = RESOLVE_Z) -> dict:
    """The stated test of a difference: ``estimate - reference`` against its SE.

    ``se_diff = sqrt(se^2 + reference_se^2)`` (independent errors); the
    difference is *resolved* when ``|diff| > z se_diff``.  Returns ``diff``,
    ``se``, ``z_score`` (diff / se, NaN when se is 0 or NaN), ``resolved``
    (False when the SE is not finite) and ``rule`` (the rule in words).

    Examples
    --------
    >>> t = difference_test(0.80, 0.01, 0.75)
    >>> round(t["diff"], 6), round(t["z_score"], 3), t["resolved"], t["rule"]
    (0.05, 5.0, True, 'resolved when |difference| > 2 SE')
    >>> difference_test(0.80, 0.01, 0.75, z=6.0)["resolved"]
    False
    """
    diff = float(estimate) - float(reference)
    se_diff = math.hypot(float(se), float(reference_se))
    ok = math.isfinite(se_diff) and se_diff > 0
    return {"diff": diff, "se": se_diff, "z_score": diff / se_diff if ok else math.nan,
            "resolved": bool(ok and math.isfinite(diff) and math.isfinite(z) and abs(diff) > z * se_diff),
            "critical": float(z), "rule": f"resolved when |difference| > {z:.3g} SE"}


def compare_seeds(a, b=None, *, reference=None, paired: bool = False, level: float = RESOLVE_LEVEL) -> dict:
    """Compare per-seed numbers: ``mean(a) - mean(b)``, or ``mean(a) - reference``.

    * ``b`` given, ``paired=False``: independent runs, SE = sqrt(sd_a^2 /
      n_a + sd_b^2 / n_b), Welch-Satterthwaite degrees of freedom;
    * ``b`` given, ``paired=True``: the same seeds in both (shared
      initialization, data split and order), SE = sd(a - b) / sqrt(n), n - 1
      degrees of freedom;
    * ``reference`` given instead of ``b``: a fixed value (theory), SE =
      sd_a / sqrt(n_a), n_a - 1 degrees of freedom.

    Resolved when |difference| > t SE, t = :func:`t_critical` at ``level``
    (Student's t test).  Non-finite entries are left out (pairwise when
    paired).  Returns :func:`difference_test`'s fields plus ``df``,
    ``mean_a``, ``sd_a``, ``n_a`` (and ``mean_b``, ``sd_b``, ``n_b``, or
    ``reference``).

    Examples
    --------
    >>> t = compare_seeds([0.90, 0.92, 0.94], [0.80, 0.83, 0.83], paired=True)
    >>> round(t["diff"], 4), round(t["se"], 4), t["resolved"]
    (0.1, 0.0058, True)
    >>> compare_seeds([0.5, 0.7], reference=0.6)["resolved"]
    False
    """
    x = np.asarray(a, dtype=np.float64).ravel()
    if (b is None) == (reference is None):
        raise ValueError("compare_seeds: give exactly one of b and reference")
    if b is not None:
        y = np.asarray(b, dtype=np.float64).ravel()
        if paired:
            if x.shape != y.shape:
                raise ValueError(f"b: paired runs need as many values as a ({x.size}), got {y.size}")
            keep = np.isfinite(x) & np.isfinite(y)
            x, y = x[keep], y[keep]
            mean_d, se_d, _ = mean_se(x - y)
            df = x.size - 1
            test = difference_test(mean_d, se_d, z=t_critical(df, level))
        else:
            x, y = x[np.isfinite(x)], y[np.isfinite(y)]
            mx, sx, _ = mean_se(x)
            my, sy, _ = mean_se(y)
            df = _welch_df(sx, x.size, sy, y.size)
            test = difference_test(mx, sx, my, reference_se=sy, z=t_critical(df, level))
        return {**test, "df": df, **_describe("a", x), **_describe("b", y), "paired": bool(paired)}
    x = x[np.isfinite(x)]
    mx, sx, _ = mean_se(x)
    df = x.size - 1
    return {**difference_test(mx, sx, float(reference), z=t_critical(df, level)), "df": df, **_describe("a", x),
            "reference": float(reference)}


def _welch_df(se_a: float, n_a: int, se_b: float, n_b: int) -> float:
    """Welch-Satterthwaite degrees of freedom of se_a^2 + se_b^2 (n_a, n_b values)."""
    num = (se_a ** 2 + se_b ** 2) ** 2
    den = (se_a ** 4 / (n_a - 1) if n_a > 1 else math.inf) + (se_b ** 4 / (n_b - 1) if n_b > 1 else math.inf)
    return num / den if den > 0 and math.isfinite(num) else math.nan


def _describe(tag: str, values: np.ndarray) -> dict:
    n = int(values.size)
    return {f"mean_{tag}": float(values.mean()) if n else math.nan,
            f"sd_{tag}": float(values.std(ddof=1)) if n > 1 else math.nan, f"n_{tag}": n}


def chance_count(n: int, rate: float = 1 - RESOLVE_LEVEL, level: float = RESOLVE_LEVEL) -> int:
    """How many of ``n`` tests of true null hypotheses come out resolved, at most, in ``level`` of runs.

    The ``level`` quantile of Binomial(n, rate): with every prediction exact, a family of ``n`` tests
    at a 5% rule resolves more than this many only in 5% of runs.  A family with at most this many
    resolved differences is what chance gives.

    >>> chance_count(10), chance_count(18), chance_count(0)
    (2, 3, 0)
    """
    from scipy.stats import binom

    n = _count(n, "n")
    return int(binom.ppf(level, n, rate)) if n else 0
