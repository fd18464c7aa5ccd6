"""The angle between a rotation-invariant random vector w and sign(w).

cos angle(w, sign w) = ||w||_1 / (sqrt(d) ||w||_2) depends only on the
direction u = w / ||w||_2, which is uniform on the sphere whatever the
rotation-invariant law of w.  So take w ~ N(0, I_d): there ||w||_2 ~ Chi(d)
is independent of u, hence E||w||_1 = E[||u||_1] E||w||_2 and
E||w||_1^2 = E[||u||_1^2] E||w||_2^2.  With X ~ N(0, 1):

    E[cos]   = d E|X| / (sqrt(d) E[Chi(d)])
             = sqrt(d / pi) Gamma(d/2) / Gamma((d + 1)/2),
    E[cos^2] = (d E[X^2] + d (d - 1) E|X|^2) / (d E[Chi(d)^2])
             = (1 + 2 (d - 1) / pi) / d,

exact at every d >= 1.  As d -> oo the cosine tends to sqrt(2/pi) and
d Var(cos) to 1 - 3/pi (delta method, see :mod:`theory.quantizer_limit`);
the angle's standard deviation is then sqrt((1 - 3/pi) / ((1 - 2/pi) d))
radians.  Cosines are dimensionless, angles in radians.

Examples
--------
>>> LIMIT_COS
sqrt(2)/sqrt(pi)
>>> mean_cos(1)
1
>>> mean_cos(2)
2*sqrt(2)/pi
>>> var_cos(1)
0
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import E, Chi, Normal

from theory import symbols
from theory.asymptotic import ASYMPTOTIC_ORDER, gamma_product_series, series_in_inverse_d
from theory.quantizer_limit import limit_cos, limit_d_var_cos
from theory.dimension import at_dimension

_X = Normal("X", 0, 1)
_RADIUS = Chi("R", symbols.d)

LIMIT_COS: sp.Expr = limit_cos(_X)
"""lim_{d->oo} cos angle(w, sign w) = E|X| / sqrt(E[X^2]) = sqrt(2/pi)."""

LIMIT_ANGLE: sp.Expr = sp.acos(LIMIT_COS)
"""lim_{d->oo} angle(w, sign w) = arccos(sqrt(2/pi)), in radians (about 37 degrees)."""


def _derive_mean_cos() -> sp.Expr:
    d = symbols.d
    abs_mean = limit_cos(_X)  # E|X| / sqrt(E[X^2]) with E[X^2] = 1: E|X|
    expr = d * abs_mean / (sp.sqrt(d) * E(_RADIUS))
    # expand_func: Gamma(d/2 + 1) -> (d/2) Gamma(d/2), the form valid at every d.
    return sp.expand_func(sp.simplify(sp.gammasimp(expr)))


def _derive_mean_sq_cos() -> sp.Expr:
    d = symbols.d
    abs_mean = limit_cos(_X)
    l1_sq = d * 1 + d * (d - 1) * abs_mean**2
    return sp.simplify(l1_sq / (d * sp.simplify(E(_RADIUS**2))))


MEAN_COS: sp.Expr = _derive_mean_cos()
"""E[cos angle(w, sign w)] as an expression in ``theory.symbols.d``."""

MEAN_SQ_COS: sp.Expr = _derive_mean_sq_cos()
"""E[cos^2 angle(w, sign w)] as an expression in ``theory.symbols.d``."""

VAR_COS: sp.Expr = MEAN_SQ_COS - MEAN_COS**2
"""Var[cos angle(w, sign w)] as an expression in ``theory.symbols.d``."""

MEAN_COS_ASYMPTOTIC: sp.Expr = gamma_product_series(MEAN_COS, ASYMPTOTIC_ORDER)
"""E[cos angle(w, sign w)] in powers of 1/d, from Stirling's series of the
log-gammas: sqrt(2/pi) (1 + 1/(4d) + 1/(32 d^2) - ...), to d^-5."""

VAR_COS_ASYMPTOTIC: sp.Expr = series_in_inverse_d(MEAN_SQ_COS - MEAN_COS_ASYMPTOTIC**2, ASYMPTOTIC_ORDER)
"""Var[cos angle(w, sign w)] in powers of 1/d: (1 - 3/pi)/d - 1/(4 pi d^2) + ..., to d^-5."""

VAR_COS_LEADING: sp.Expr = limit_d_var_cos(_X)
"""lim_{d->oo} d Var[cos angle(w, sign w)] = 1 - 3/pi."""

ANGLE_SD_LEADING: sp.Expr = sp.simplify(sp.sqrt(VAR_COS_LEADING / (1 - LIMIT_COS**2)))
"""lim_{d->oo} sqrt(d) SD[angle(w, sign w)] in radians, by the delta method
(|d arccos(c)/dc| = 1/sqrt(1 - c^2) at c = sqrt(2/pi))."""


def mean_cos(d) -> sp.Expr:
    """E[cos angle(w, sign w)] = sqrt(d/pi) Gamma(d/2) / Gamma((d+1)/2).

    Exact for every rotation-invariant w in R^d, d >= 1 (an integer or a
    SymPy symbol).  Dimensionless.  Above d = 1000 the gamma functions stay
    unevaluated (``sympy.N`` evaluates them); floats: ``mean_cos_value``.

    Examples
    --------
    >>> mean_cos(3)
    sqrt(3)/2
    >>> mean_cos(symbols.d)
    sqrt(d)*gamma(d/2)/(sqrt(pi)*gamma(d/2 + 1/2))
    """
    return at_dimension(MEAN_COS, d)


def mean_sq_cos(d) -> sp.Expr:
    """E[cos^2 angle(w, sign w)] = (1 + 2 (d - 1) / pi) / d.

    Examples
    --------
    >>> mean_sq_cos(1)
    1
    """
    return at_dimension(MEAN_SQ_COS, d)


def var_cos(d) -> sp.Expr:
    """Var[cos angle(w, sign w)] = (1 + 2 (d-1)/pi) / d - mean_cos(d)^2.

    Exact for every rotation-invariant w in R^d, d >= 1.  Behaves as
    (1 - 3/pi) / d for large d (``VAR_COS_LEADING``).

    Examples
    --------
    >>> var_cos(2)
    -8/pi**2 + 1/pi + 1/2
    """
    return at_dimension(VAR_COS, d)
