"""The angle between two independent rotation-invariant random vectors.

For independent rotation-invariant u, v in R^d, cos angle(u, v) has the law
of the first coordinate v_1 of a uniform unit vector (rotate u onto e_1).
With v = g / ||g||, g ~ N(0, I_d), v_1^2 = G_1 / (G_1 + G_2) for independent
chi-square variables with 1 and d - 1 degrees of freedom, so
B = v_1^2 ~ Beta(1/2, (d-1)/2), and v_1 = +-sqrt(B) with a symmetric sign:

    f(t) = f_B(t^2) |t| = (1 - t^2)^((d-3)/2) Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)),

on [-1, 1] for d >= 2.  Its mean is 0 (f is even) and its variance is
E[B] = 1/d, which also holds at d = 1 (cos = +-1).  Dimensionless.

Examples
--------
>>> pair_cos_density(2)
1/(pi*sqrt(1 - t**2))
>>> pair_var_cos(4)
1/4
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import E, Beta, density

from theory import symbols
from theory.dimension import at_dimension
from theory.validate import check_dimension

_K = sp.Symbol("k", positive=True)  # d - 1, positive for d >= 2
_COORD_SQ = Beta("B", sp.Rational(1, 2), _K / 2)


def _derive_density() -> sp.Expr:
    t = symbols.t
    f = sp.simplify(density(_COORD_SQ)(t**2) * sp.Abs(t))
    f = f.subs(_K, symbols.d - 1)
    return sp.simplify(sp.expand_func(sp.gammasimp(f)))


PAIR_COS_DENSITY: sp.Expr = _derive_density()
"""Density of cos angle(u, v) at ``theory.symbols.t``, an expression in d and t (d >= 2)."""

PAIR_MEAN_COS: sp.Expr = sp.S.Zero if sp.simplify(
    PAIR_COS_DENSITY.subs(symbols.t, -symbols.t) - PAIR_COS_DENSITY
) == 0 else sp.nan
"""E[cos angle(u, v)]: 0, because the density is even in t."""

PAIR_VAR_COS: sp.Expr = sp.simplify(E(_COORD_SQ).subs(_K, symbols.d - 1))
"""Var[cos angle(u, v)] = E[B] = 1/d."""


def pair_cos_density(d, t=symbols.t) -> sp.Expr:
    """Density of cos angle(u, v) on [-1, 1]:
    (1 - t^2)^((d-3)/2) Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)), d >= 2.

    Examples
    --------
    >>> pair_cos_density(3)
    1/2
    """
    return at_dimension(PAIR_COS_DENSITY, d, minimum=2).subs(symbols.t, t)


def pair_mean_cos(d) -> sp.Expr:
    """E[cos angle(u, v)] = 0 for independent rotation-invariant u, v.

    Examples
    --------
    >>> pair_mean_cos(10)
    0
    """
    check_dimension(d)
    return PAIR_MEAN_COS


def pair_var_cos(d) -> sp.Expr:
    """Var[cos angle(u, v)] = 1/d for independent rotation-invariant u, v.

    Examples
    --------
    >>> pair_var_cos(symbols.d)
    1/d
    """
    return at_dimension(PAIR_VAR_COS, d)
