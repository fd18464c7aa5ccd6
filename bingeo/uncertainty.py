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

__all__ = ["mean_se", "angle_se", "binomial_se", "wilson_interval"]


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
