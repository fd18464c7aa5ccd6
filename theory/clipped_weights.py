"""The angle of latent weights that pile up at a clip: a two-part model.

Latent weights of a binary network are clipped to [-1, 1] after every
update, so a trained layer's coordinates are a mixture: a mass ``p`` at
+-1 (the clip) and an interior law on (-1, 1).  For i.i.d. coordinates of
such a law the large-d cosine between w and sign(w) is
(:func:`theory.quantizer_limit.limit_cos_from_moments` with E[w sign w] = E|w|
and E[sign(w)^2] = 1)

    cos = (p + (1 - p) m1) / sqrt(p + (1 - p) m2),

with ``m1 = E|X|``, ``m2 = E X^2`` of the interior law X.  Two interior laws
are derived here, each with one scale fitted from the interior's second
moment ``m2``, so that the model *predicts* ``m1`` and with it the cosine:

``gaussian``
    N(0, s^2) truncated to (-1, 1) (symbol ``s``); m2 runs over (0, 1/3) as
    s runs over (0, oo), the upper end the uniform law.
``uniform``
    U(-a, a), 0 < a <= 1: m1 = a / 2, m2 = a^2 / 3, so m1 = sqrt(3 m2) / 2.

A cosine measured on the layer's own weights equals the same formula with
the interior's measured m1 (an identity); the model's cosine differs from it
exactly as far as the interior's m1 / sqrt(m2) differs from the law's.

Examples
--------
>>> round(float(TWO_PART_COS.subs({P_CLIP: 0, S_INTERIOR: 10**6})), 6)  # uniform: sqrt(3)/2
0.866025
>>> round(float(two_part_cos_value(0.0, 1.0 / 3.0 - 1e-12, "uniform")), 6)
0.866025
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy.special import erf

__all__ = ["P_CLIP", "S_INTERIOR", "TRUNCATED_NORMAL_M1", "TRUNCATED_NORMAL_M2", "TWO_PART_COS",
           "INTERIOR_LAWS", "two_part_cos_value", "truncated_normal_scale"]

P_CLIP = sp.Symbol("p", nonnegative=True)
"""Share of the coordinates at the clip, |w| = 1."""

S_INTERIOR = sp.Symbol("s", positive=True)
"""Scale of the Gaussian interior law (its sd before truncation to (-1, 1))."""

INTERIOR_LAWS = ("gaussian", "uniform")
"""The interior laws of :func:`two_part_cos_value`."""

_x = sp.Symbol("x", real=True)


def _truncated_normal_moments() -> tuple[sp.Expr, sp.Expr]:
    """E|X| and E X^2 of N(0, s^2) truncated to (-1, 1), by integration."""
    density = sp.exp(-_x ** 2 / (2 * S_INTERIOR ** 2))
    mass = 2 * sp.integrate(density, (_x, 0, 1))
    m1 = 2 * sp.integrate(_x * density, (_x, 0, 1)) / mass
    m2 = 2 * sp.integrate(_x ** 2 * density, (_x, 0, 1)) / mass
    return sp.simplify(m1), sp.simplify(m2)


TRUNCATED_NORMAL_M1, TRUNCATED_NORMAL_M2 = _truncated_normal_moments()
"""E|X| and E X^2 of X ~ N(0, s^2) truncated to (-1, 1), in ``S_INTERIOR``."""

TWO_PART_COS: sp.Expr = (P_CLIP + (1 - P_CLIP) * TRUNCATED_NORMAL_M1) / sp.sqrt(
    P_CLIP + (1 - P_CLIP) * TRUNCATED_NORMAL_M2)
"""Large-d cos(w, sign w) for a mass ``p`` at +-1 and a truncated-Gaussian interior of scale ``s``."""

# scipy's erf: lambdify's "numpy" module maps erf to math.erf, which takes scalars only
_m1 = sp.lambdify(S_INTERIOR, TRUNCATED_NORMAL_M1, [{"erf": erf}, "numpy"])
_m2 = sp.lambdify(S_INTERIOR, TRUNCATED_NORMAL_M2, [{"erf": erf}, "numpy"])
_LOG_S_RANGE = (-12.0, 12.0)
_BISECTIONS = 80


def truncated_normal_scale(m2) -> np.ndarray:
    """The scale ``s`` whose truncated normal has second moment ``m2``.

    m2 must lie in (0, 1/3); outside, NaN.  Solved by bisection on log s
    (m2 grows with s), to double precision.

    Examples
    --------
    >>> s = truncated_normal_scale(0.01)
    >>> round(float(s), 6)                      # barely truncated: s ~ sqrt(m2)
    0.1
    """
    m2 = np.asarray(m2, dtype=np.float64)
    lo = np.full(m2.shape, _LOG_S_RANGE[0])
    hi = np.full(m2.shape, _LOG_S_RANGE[1])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            below = _m2(np.exp(mid)) < m2
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
    s = np.exp(0.5 * (lo + hi))
    ok = np.isfinite(m2) & (m2 > 0) & (m2 < 1.0 / 3.0)
    return np.where(ok, s, np.nan)


def two_part_cos_value(clip_share, interior_m2, interior: str = "gaussian") -> np.ndarray:
    """The two-part model's cosine from the clip share and the interior's second moment.

    ``(p + (1 - p) m1) / sqrt(p + (1 - p) m2)`` with ``m1`` the interior
    law's E|X| at the scale that gives E X^2 = ``interior_m2``; dimensionless,
    float64 of the broadcast shape.  NaN where no law of the family has that
    second moment (m2 >= 1/3, flatter than uniform) unless ``p = 1``.

    Parameters
    ----------
    clip_share : float or array
        p in [0, 1].
    interior_m2 : float or array
        E w^2 over the coordinates with |w| < 1, in (0, 1/3).
    interior : {"gaussian", "uniform"}

    Examples
    --------
    >>> round(float(two_part_cos_value(0.0, 0.01)), 4)        # untruncated Gaussian: sqrt(2/pi)
    0.7979
    >>> round(float(two_part_cos_value(0.5, 0.01)), 4)
    0.7597
    """
    if interior not in INTERIOR_LAWS:
        raise ValueError(f"interior: expected one of {', '.join(INTERIOR_LAWS)}, got {interior!r}")
    p = np.asarray(clip_share, dtype=np.float64)
    m2 = np.asarray(interior_m2, dtype=np.float64)
    if interior == "gaussian":
        with np.errstate(over="ignore", invalid="ignore"):
            m1 = _m1(truncated_normal_scale(m2))
    else:
        m1 = np.where((m2 > 0) & (m2 <= 1.0 / 3.0), np.sqrt(3.0 * np.clip(m2, 0.0, None)) / 2.0, np.nan)
    m1 = np.where(p >= 1.0, 0.0, m1)
    m2 = np.where(p >= 1.0, 0.0, m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (p + (1 - p) * m1) / np.sqrt(p + (1 - p) * m2)
