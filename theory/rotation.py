"""Generalized binarization q_R(x) = R' sign(R x) with a Haar-random rotation R.

Take w ~ N(0, Sigma) in Sigma's eigenbasis, so its coordinates are independent
N(0, s_i) with s_i the eigenvalues (variances).  For large d, with
S1 = sum_i sqrt(s_i) and S2 = sum_i s_i, the law of large numbers gives

    cos angle(w, sign w) -> E||w||_1 / sqrt(d E||w||_2^2) = E|X| S1 / sqrt(d S2),

X ~ N(0, 1), which is below sqrt(2/pi) unless all s_i are equal (Cauchy-Schwarz).
Since R is orthogonal, cos angle(w, q_R(w)) = cos angle(Rw, sign(Rw)); each
coordinate of Rw is Gaussian with variance (R Sigma R')_ii = sum_j R_ij^2 s_j,
whose mean is S2 / d because a row of R is a uniform unit vector and
E[R_ij^2] = 1/d (the pair-angle variance of :mod:`theory.pair_angle`); it
concentrates there as d grows.  Equal variances restore the isotropic limit:
the rotated cosine simplifies to sqrt(2/pi).  Dimensionless.

Examples
--------
>>> ANISOTROPIC_COS
sqrt(2)*S1/(sqrt(pi)*sqrt(S2)*sqrt(d))
>>> ROTATED_COS
sqrt(2)/sqrt(pi)
>>> round(anisotropic_cos_value([1.0, 1.0, 1.0, 1.0]), 12)
0.797884560803
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.stats import Normal

from theory import symbols
from theory.expectation import expect
from theory.pair_angle import PAIR_VAR_COS

S1 = sp.Symbol("S1", positive=True)
"""Sum of the coordinates' standard deviations, sum_i sqrt(s_i)."""

S2 = sp.Symbol("S2", positive=True)
"""Sum of the coordinates' variances, sum_i s_i = trace(Sigma)."""


def _derive_anisotropic_cos() -> sp.Expr:
    sd = symbols.sigma
    abs_mean_per_sd = sp.simplify(expect(Normal("X", 0, sd), sp.Abs) / sd)  # E|N(0, sigma^2)| / sigma
    return abs_mean_per_sd * S1 / sp.sqrt(symbols.d * S2)


ANISOTROPIC_COS: sp.Expr = _derive_anisotropic_cos()
"""Large-d cos angle(w, sign w) for w ~ N(0, diag(s)), in S1, S2, d."""

ROTATED_VARIANCE: sp.Expr = S2 * PAIR_VAR_COS
"""E[(R Sigma R')_ii] = sum_j s_j E[R_ij^2] = trace(Sigma) / d."""

ROTATED_COS: sp.Expr = sp.simplify(
    ANISOTROPIC_COS.subs({S1: symbols.d * sp.sqrt(ROTATED_VARIANCE), S2: symbols.d * ROTATED_VARIANCE})
)
"""Large-d cos angle(w, q_R(w)): every coordinate of Rw has variance trace(Sigma)/d."""

_ANISOTROPIC_FN = sp.lambdify((S1, S2, symbols.d), ANISOTROPIC_COS, modules="math")
_ROTATED_VARIANCE_FN = sp.lambdify((S2, symbols.d), ROTATED_VARIANCE, modules="math")


def _eigenvalues(eigenvalues) -> np.ndarray:
    s = np.asarray(eigenvalues, dtype=np.float64)
    if s.ndim != 1 or s.size < 1:
        raise ValueError(f"eigenvalues must be a non-empty 1-D sequence, got shape {s.shape}")
    if not np.all(np.isfinite(s)) or (s < 0).any() or not (s > 0).any():
        raise ValueError("eigenvalues must be finite, >= 0 and not all zero (the variances of Sigma)")
    return s


def anisotropic_cos_value(eigenvalues, *, rotated: bool = False) -> float:
    """Large-d cosine between w ~ N(0, Sigma) and sign(w), or q_R(w) if ``rotated``.

    Parameters
    ----------
    eigenvalues : sequence of float >= 0
        Sigma's eigenvalues s_1..s_d (the coordinates' variances in its eigenbasis).
    rotated : bool
        False: sqrt(2/pi) S1 / sqrt(d S2).  True: the same formula with every
        variance replaced by trace(Sigma)/d, the mean diagonal of R Sigma R'.

    Examples
    --------
    >>> s = [1.0 / k**2 for k in range(1, 101)]
    >>> round(anisotropic_cos_value(s), 4), round(anisotropic_cos_value(s, rotated=True), 4)
    (0.3237, 0.7979)
    """
    s = _eigenvalues(eigenvalues)
    d = s.size
    if rotated:
        s = np.full(d, _ROTATED_VARIANCE_FN(float(s.sum()), d))
    return float(_ANISOTROPIC_FN(float(np.sqrt(s).sum()), float(s.sum()), d))


def anisotropic_cos(eigenvalues) -> sp.Expr:
    """:data:`ANISOTROPIC_COS` at given SymPy eigenvalues s_1..s_d.

    Examples
    --------
    >>> anisotropic_cos([1, 4])
    3*sqrt(5)/(5*sqrt(pi))
    """
    s = [sp.sympify(v) for v in eigenvalues]
    if not s:
        raise ValueError("eigenvalues must be a non-empty sequence")
    return sp.simplify(ANISOTROPIC_COS.subs({S1: sum(sp.sqrt(v) for v in s), S2: sum(s), symbols.d: len(s)}))
