"""Correlations between dot products before and after binarization.

For an activation a ~ N(0, C) and fixed vectors w, q in R^d, a.w and a.q are
jointly Gaussian with Cov = w' C q, so over a

    corr(a.w, a.q) = w' C q / sqrt(w' C w * q' C q),

the cosine between w and q in the metric C (the plain cosine when C = c I).

For isotropic Gaussian a and w (C = I, large d) the three correlations of
Anderson & Berg's dot-product preservation are, with A ~ N(0, 1):

* ``"weights"``: corr(a.w, a.sign w) = cos(w, sign w) -> E|A| / sqrt(E A^2) = sqrt(2/pi);
* ``"activations"``: corr(a.b, sign(a).b) with b = sign(w) in {-1, +1}^d:
  Cov = sum b_i^2 E[A sign A], Var = d and d, so the correlation is
  E|A| / sqrt(E A^2 E sign(A)^2) = sqrt(2/pi) at every d (the bivariate-normal
  identity E[X sign Y] = sqrt(2/pi) rho at rho = 1);
* ``"both"``: corr(a.w, sign(a).sign w): Cov = E|A| ||w||_1, Var = ||w||^2
  and d, so the correlation is E|A| cos(w, sign w) -> (E|A|)^2 = 2/pi, the
  product of the two above.

All correlations are dimensionless.

Examples
--------
>>> dot_corr("weights")
sqrt(2)/sqrt(pi)
>>> dot_corr("both")
2/pi
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.stats import Normal

from theory.expectation import expect
from theory.quantizer_limit import limit_cos

_A = Normal("A", 0, 1)
_W = Normal("W", 0, 1)


def _as_matrix(v):
    return v if isinstance(v, sp.MatrixExpr) else sp.Matrix(v)


def _scalar(m):
    """The entry of a 1 x 1 matrix; tr(m) for a symbolic one (equal, and it prints as w' C q)."""
    return m[0, 0] if isinstance(m, sp.MatrixBase) else sp.Trace(m)


def metric_cos(w, q, C=None) -> sp.Expr:
    """corr over a ~ N(0, C) of (a.w, a.q) = w' C q / sqrt(w' C w q' C q).

    ``w``, ``q`` are SymPy column matrices (or MatrixSymbols), ``C`` a square
    SymPy matrix (identity when omitted).

    Examples
    --------
    >>> w = sp.Matrix([3, 1]); q = w.applyfunc(sp.sign)
    >>> metric_cos(w, q)
    2*sqrt(5)/5
    >>> metric_cos(w, q, sp.Matrix([[2, 0], [0, 2]]))
    2*sqrt(5)/5
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> metric_cos(sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("q", n, 1), sp.MatrixSymbol("C", n, n))
    Trace(w.T*C*q)/sqrt(Trace(q.T*C*q)*Trace(w.T*C*w))
    """
    w, q = _as_matrix(w), _as_matrix(q)
    if C is None:
        C = sp.Identity(w.shape[0])
    if w.shape != q.shape or w.shape[1] != 1:
        raise ValueError(f"w and q must be column vectors of the same length, got shapes {w.shape} and {q.shape}")
    if C.shape != (w.shape[0], w.shape[0]):
        raise ValueError(f"C must be a {w.shape[0]} x {w.shape[0]} matrix, got shape {C.shape}")
    cross = _scalar(w.T * C * q)
    return sp.simplify(cross / sp.sqrt(_scalar(w.T * C * w) * _scalar(q.T * C * q)))


def metric_cos_value(w, q, C=None) -> float:
    """Float w' C q / sqrt(w' C w q' C q) with numpy (C = identity when omitted).

    Raises ``ValueError`` when a quadratic form is not positive (a zero
    vector, or C not positive definite along w or q).

    Examples
    --------
    >>> round(metric_cos_value([3.0, 1.0], [1.0, 1.0]), 12)
    0.894427191
    """
    w = np.asarray(w, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if w.ndim != 1 or w.shape != q.shape:
        raise ValueError(f"w and q must be 1-D arrays of the same length, got shapes {w.shape} and {q.shape}")
    if not (np.isfinite(w).all() and np.isfinite(q).all()):
        raise ValueError("w, q: entries must be finite")
    # The cosine is invariant to scaling w and q; scale to max |entry| = 1 so
    # that tiny or huge vectors neither underflow nor overflow.
    w = w / max(np.abs(w).max(initial=0.0), np.finfo(np.float64).tiny)
    q = q / max(np.abs(q).max(initial=0.0), np.finfo(np.float64).tiny)
    from theory.gaussian_signs import metric_cosines

    if C is None:                                 # the plain cosine: no d x d identity to build
        ww, qq, wq = w @ w, q @ q, w @ q
    else:
        C = np.asarray(C, dtype=np.float64)
        if C.shape != (w.size, w.size):
            raise ValueError(f"C must be a {w.size} x {w.size} matrix, got shape {C.shape}")
        ww, qq, wq = w @ C @ w, q @ C @ q, None
    if not (ww > 0 and qq > 0):
        raise ValueError("w, q: w' C w and q' C q must be > 0 (no zero vectors; C positive definite along them)")
    if wq is None:
        return float(metric_cosines(w[None, :], q[None, :], C)[0])
    return float(wq / np.sqrt(ww * qq))


def _derive_dot_correlations() -> dict[str, sp.Expr]:
    abs_mean = expect(_A, sp.Abs)
    second = expect(_A, lambda x: x**2)
    sign_second = expect(_A, lambda x: sp.sign(x) ** 2)
    weights = limit_cos(_W)
    activations = sp.simplify(abs_mean / sp.sqrt(second * sign_second))
    both = sp.simplify(abs_mean / sp.sqrt(second * sign_second) * weights)
    return {"weights": weights, "activations": activations, "both": both}


DOT_CORRELATIONS: dict[str, sp.Expr] = _derive_dot_correlations()
"""The three large-d correlations, keyed ``weights``, ``activations``, ``both``."""


def dot_corr(key: str) -> sp.Expr:
    """Large-d correlation of dot products for isotropic Gaussian a and w.

    Parameters
    ----------
    key : {"weights", "activations", "both"}
        ``weights``: (a.w, a.sign w); ``activations``: (a.sign w, sign(a).sign w);
        ``both``: (a.w, sign(a).sign w).

    Examples
    --------
    >>> dot_corr("activations")
    sqrt(2)/sqrt(pi)
    >>> dot_corr("bias")
    Traceback (most recent call last):
    ...
    ValueError: key must be one of 'weights', 'activations', 'both'; got 'bias'
    """
    if key not in DOT_CORRELATIONS:
        valid = ", ".join(repr(k) for k in DOT_CORRELATIONS)
        raise ValueError(f"key must be one of {valid}; got {key!r}")
    return DOT_CORRELATIONS[key]


def dot_corr_value(key: str) -> float:
    """:func:`dot_corr` as a float.

    Examples
    --------
    >>> round(dot_corr_value("both"), 12)
    0.636619772368
    """
    return float(sp.N(dot_corr(key), 30))
