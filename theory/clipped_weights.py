"""The angle of latent weights that pile up at a clip: a two-part model.

Latent weights of a binary network are clipped to [-1, 1] after every
update, so a trained layer's coordinates are a mixture: a mass ``p`` at
+-1 (the clip) and an interior law on (-1, 1).  For i.i.d. coordinates of
such a law the large-d cosine between w and sign(w) is
(:func:`theory.quantizer_limit.limit_cos_from_moments` with E[w sign w] = E|w|
and E[sign(w)^2] = 1)

    cos = (p + (1 - p) m1) / sqrt(p + (1 - p) m2),

with ``m1 = E|X|``, ``m2 = E X^2`` of the interior law X.  The interior law is
modelled as the maximum-entropy law on (-1, 1) with the interior's measured
second moment ``m2``: density proportional to
exp(-k x^2), one parameter fitted, so the model *predicts* ``m1`` and with it
the cosine.  As k runs from +oo to -oo the law goes from a narrow Gaussian
through the uniform law (k = 0, m2 = 1/3) to mass crowding the edges:

``k > 0``
    N(0, s^2) truncated to (-1, 1), k = 1 / (2 s^2) (symbol ``s``); m2 in (0, 1/3);
``k < 0``
    the edge-heavy mirror, density proportional to exp(+x^2 / (2 t^2)) on
    (-1, 1) (symbol ``t``); m2 in (1/3, 1).

The second model, ``uniform``, keeps the interior at U(-1, 1), BinaryNet's
initialization, and fits nothing but the clip share.

A cosine measured on the layer's own weights equals the same formula with
the interior's measured m1 (an identity); the model's cosine differs from it
exactly as far as the interior's m1 / sqrt(m2) differs from the law's.

Examples
--------
>>> round(float(TWO_PART_COS.subs({P_CLIP: 0, S_INTERIOR: 10**6})), 6)  # uniform: sqrt(3)/2
0.866025
>>> round(float(two_part_cos_value(0.0, 0.2, "uniform")), 6)                # m2 ignored: U(-1, 1)
0.866025
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy.special import dawsn, erf

__all__ = ["P_CLIP", "S_INTERIOR", "T_INTERIOR", "TRUNCATED_NORMAL_M1", "TRUNCATED_NORMAL_M2", "EDGE_HEAVY_M1",
           "EDGE_HEAVY_M2", "TWO_PART_COS", "INTERIOR_LAWS", "two_part_cos_value", "interior_m1"]

P_CLIP = sp.Symbol("p", nonnegative=True)
"""Share of the coordinates at the clip, |w| = 1."""

S_INTERIOR = sp.Symbol("s", positive=True)
"""Scale of the Gaussian interior law (its sd before truncation to (-1, 1))."""

T_INTERIOR = sp.Symbol("t", positive=True)
"""Scale of the edge-heavy interior law, density proportional to exp(x^2 / (2 t^2)) on (-1, 1)."""

INTERIOR_LAWS = ("maxent", "uniform")
"""The interior laws of :func:`two_part_cos_value`."""

_x = sp.Symbol("x", real=True)


def _interior_moments(log_density) -> tuple[sp.Expr, sp.Expr]:
    """E|X| and E X^2 of the law on (-1, 1) with density proportional to exp(log_density), by integration."""
    density = sp.exp(log_density)
    mass = 2 * sp.integrate(density, (_x, 0, 1))
    m1 = 2 * sp.integrate(_x * density, (_x, 0, 1)) / mass
    m2 = 2 * sp.integrate(_x ** 2 * density, (_x, 0, 1)) / mass
    return sp.simplify(m1), sp.simplify(m2)


TRUNCATED_NORMAL_M1, TRUNCATED_NORMAL_M2 = _interior_moments(-_x ** 2 / (2 * S_INTERIOR ** 2))
"""E|X| and E X^2 of X ~ N(0, s^2) truncated to (-1, 1), in ``S_INTERIOR``."""

EDGE_HEAVY_M1, EDGE_HEAVY_M2 = _interior_moments(_x ** 2 / (2 * T_INTERIOR ** 2))
"""E|X| and E X^2 of the law with density proportional to exp(x^2 / (2 t^2)) on (-1, 1), in ``T_INTERIOR``."""

TWO_PART_COS: sp.Expr = (P_CLIP + (1 - P_CLIP) * TRUNCATED_NORMAL_M1) / sp.sqrt(
    P_CLIP + (1 - P_CLIP) * TRUNCATED_NORMAL_M2)
"""Large-d cos(w, sign w) for a mass ``p`` at +-1 and a truncated-Gaussian interior of scale ``s``."""

_dawsn = sp.Function("dawsn")


def _compile(expr, symbol):
    """A numpy function of ``expr``: erfi(z) as 2/sqrt(pi) exp(z^2) dawsn(z) and products of
    exponentials expanded, so that small scales neither overflow nor lose their digits."""
    expr = expr.replace(sp.erfi, lambda z: 2 / sp.sqrt(sp.pi) * sp.exp(z ** 2) * _dawsn(z))
    expr = sp.powsimp(sp.expand(sp.simplify(expr)), combine="exp")
    return sp.lambdify(symbol, expr, [{"erf": erf, "dawsn": dawsn}, "numpy"])


_GAUSSIAN = (_compile(TRUNCATED_NORMAL_M1, S_INTERIOR), _compile(TRUNCATED_NORMAL_M2, S_INTERIOR))
_EDGE = (_compile(EDGE_HEAVY_M1, T_INTERIOR), _compile(EDGE_HEAVY_M2, T_INTERIOR))
_LOG_SCALE_RANGE = (-7.0, 7.0)
_BISECTIONS = 80


def _solve_scale(m2_of_scale, target, increasing: bool) -> np.ndarray:
    """The scale whose law has second moment ``target``, by bisection on its log."""
    lo = np.full(target.shape, _LOG_SCALE_RANGE[0])
    hi = np.full(target.shape, _LOG_SCALE_RANGE[1])
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            below = (m2_of_scale(np.exp(mid)) < target) == increasing
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
    return np.exp(0.5 * (lo + hi))


def interior_m1(m2) -> np.ndarray:
    """E|X| of the maximum-entropy law on (-1, 1) with second moment ``m2`` (0 < m2 < 1).

    The law is exp(-k x^2) normalized: a truncated Gaussian for m2 < 1/3,
    uniform at 1/3, edge-heavy above; its scale is found by bisection to
    double precision.  NaN outside (0, 1).

    Examples
    --------
    >>> [round(float(v), 6) for v in interior_m1(np.array([1e-4, 1 / 3, 0.9]))]
    [0.007979, 0.5, 0.946885]
    """
    m2 = np.asarray(m2, dtype=np.float64)
    target = np.where(np.isfinite(m2), m2, np.nan)
    # the Gaussian side's m2 grows with s, the edge side's falls with t
    s = _solve_scale(_GAUSSIAN[1], target, True)
    t = _solve_scale(_EDGE[1], target, False)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        m1 = np.where(target < 1.0 / 3.0, _GAUSSIAN[0](s), np.where(target > 1.0 / 3.0, _EDGE[0](t), 0.5))
        reached = np.where(target < 1.0 / 3.0, _GAUSSIAN[1](s), np.where(target > 1.0 / 3.0, _EDGE[1](t), 1 / 3))
        # a second moment beyond the scales searched (m2 < 1e-6, or within 1e-6 of 1) has no answer here
        ok = (target > 0) & (target < 1) & (np.abs(reached - target) <= 1e-9 + 1e-6 * target)
        return np.where(ok, m1, np.nan)


def two_part_cos_value(clip_share, interior_m2, interior: str = "maxent") -> np.ndarray:
    """The two-part model's cosine from the clip share and the interior's second moment.

    ``(p + (1 - p) m1) / sqrt(p + (1 - p) m2)``, dimensionless, float64 of
    the broadcast shape: with ``interior="maxent"``, ``m2`` = ``interior_m2``
    and ``m1`` = :func:`interior_m1` of it; with ``"uniform"``, the U(-1, 1)
    interior's m1 = 1/2, m2 = 1/3 (``interior_m2`` unused).  A unit entirely
    at the clip (p = 1) has cosine 1.

    Parameters
    ----------
    clip_share : float or array
        p in [0, 1].
    interior_m2 : float or array
        E w^2 over the coordinates with |w| < 1, in (0, 1).
    interior : {"maxent", "uniform"}

    Examples
    --------
    >>> round(float(two_part_cos_value(0.0, 1e-4)), 4)        # a narrow Gaussian: sqrt(2/pi)
    0.7979
    >>> round(float(two_part_cos_value(0.5, 0.01)), 4)
    0.7597
    """
    if interior not in INTERIOR_LAWS:
        raise ValueError(f"interior: expected one of {', '.join(INTERIOR_LAWS)}, got {interior!r}")
    p = np.asarray(clip_share, dtype=np.float64)
    if interior == "maxent":
        m2 = np.asarray(interior_m2, dtype=np.float64)
        m1 = interior_m1(m2)
    else:
        m1, m2 = np.full(p.shape, 0.5), np.full(p.shape, 1.0 / 3.0)
    m1 = np.where(p >= 1.0, 0.0, m1)
    m2 = np.where(p >= 1.0, 0.0, m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (p + (1 - p) * m1) / np.sqrt(p + (1 - p) * m2)
