"""The angle's mean and spread from its cosine's, by the delta method.

For a cosine C with mean c and variance v, the angle arccos(C) has, to
second order in C - c (arccos' = -1/sqrt(1 - c^2), arccos'' =
-c/(1 - c^2)^(3/2)),

    E[arccos C]  ~ arccos(c) - c v / (2 (1 - c^2)^(3/2)),
    SD[arccos C] ~ sqrt(v / (1 - c^2)),

in radians; both are exact in the limit v -> 0 (large d, where v ~ 1/d).
The expressions are derived from the Taylor series of arccos, not typed in.

Examples
--------
>>> ANGLE_SD_DELTA
sqrt(v)/sqrt(1 - c**2)
>>> m, s = angle_moments(0.5, 0.0)
>>> round(math.degrees(m), 6), s
(60.0, 0.0)
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from theory import symbols

__all__ = ["ANGLE_MEAN_DELTA", "ANGLE_SD_DELTA", "angle_moments", "pair_angle_moments"]


def _taylor_moments():
    c, v = symbols.c, symbols.v
    z = sp.Symbol("z", real=True)  # C - c, with E[z] = 0 and E[z^2] = v
    second_order = sp.series(sp.acos(c + z), z, 0, 3).removeO()
    mean = second_order.coeff(z, 0) + second_order.coeff(z, 2) * v
    # arccos decreases on (-1, 1): |arccos'(c)| = -arccos'(c)
    sd = sp.sqrt(v) * -second_order.coeff(z, 1)
    return sp.simplify(mean), sd


ANGLE_MEAN_DELTA, ANGLE_SD_DELTA = _taylor_moments()
"""E[arccos C] and SD[arccos C] (radians) in ``theory.symbols.c`` (the mean
cosine) and ``theory.symbols.v`` (its variance), to second order."""

_MEAN_FN = sp.lambdify((symbols.c, symbols.v), ANGLE_MEAN_DELTA, modules="numpy")
_SD_FN = sp.lambdify((symbols.c, symbols.v), ANGLE_SD_DELTA, modules="numpy")


def angle_moments(mean_cos, var_cos):
    """Delta-method mean and sd (radians) of arccos(cos), from the mean and
    variance of cos (floats or arrays): ``ANGLE_MEAN_DELTA`` and
    ``ANGLE_SD_DELTA``.  Where v = 0 the angle is arccos(c) with sd 0.

    >>> m, s = angle_moments(np.array([0.5, 0.8]), np.array([0.0, 1e-4]))
    >>> np.degrees(m).round(4).tolist(), np.degrees(s).round(4).tolist()
    ([60.0, 36.8593], [0.0, 0.9549])
    """
    c = np.clip(np.asarray(mean_cos, dtype=np.float64), -1.0, 1.0)
    v = np.asarray(var_cos, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(v > 0, _MEAN_FN(c, v), np.arccos(c))
        sd = np.where(v > 0, _SD_FN(c, v), 0.0)
    if mean.ndim == 0:
        return float(mean), float(sd)
    return mean, sd


def pair_angle_moments(d):
    """Mean and sd (radians) of the angle between two independent normal
    vectors: mean pi/2 exactly (the law is symmetric), sd from
    Var(cos) = 1/d (``theory.pair_var_cos_value``) by the delta method at c = 0.

    >>> m, s = pair_angle_moments(100)
    >>> round(math.degrees(m), 6), round(s, 6)
    (90.0, 0.1)
    """
    from theory.numeric import pair_var_cos_value

    _, sd = angle_moments(0.0, np.asarray(pair_var_cos_value(d), dtype=np.float64))
    if np.ndim(sd) == 0:
        return math.pi / 2, float(sd)
    return np.full(np.shape(sd), math.pi / 2), sd
