"""Input covariance of a layer and how far it is from isotropy.

The sample covariance of input rows ``a`` ``(n, d)`` is

    C = (a - abar)^T (a - abar) / (n - 1).

Isotropic inputs have ``C = c I``.  Two numbers say how far ``C`` is from
every multiple of the identity:

* ``relative_distance``: ``||C - c* I||_F / ||C||_F`` with ``c* = tr(C)/d``,
  the nearest multiple of the identity in the Frobenius norm; 0 for
  isotropy, close to 1 when one direction dominates;
* ``participation_ratio``: ``(tr C)^2 / (d tr(C^2))``, the fraction of the
  ``d`` dimensions the variance effectively spreads over; 1 for isotropy,
  ``1/d`` for rank one.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["input_covariance", "cross_covariance", "isotropy_measures"]


def input_covariance(inputs) -> np.ndarray:
    """Sample covariance ``(d, d)`` of input rows ``(n, d)``, ``ddof = 1``.

    Examples
    --------
    >>> input_covariance([[1.0, 0.0], [-1.0, 2.0]])
    array([[ 2., -2.],
           [-2.,  2.]])
    """
    a = np.asarray(inputs, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 2:
        raise ValueError(f"inputs: expected an (n, d) array with n >= 2, got shape {a.shape}")
    ac = a - a.mean(axis=0)
    return ac.T @ ac / (a.shape[0] - 1)


def cross_covariance(inputs, others) -> np.ndarray:
    """Sample cross-covariance ``K_ij = Cov(a_i, b_j)`` ``(d, d)`` of two row sets ``(n, d)``, ``ddof = 1``.

    Examples
    --------
    >>> cross_covariance([[1.0, 0.0], [-1.0, 2.0]], [[1.0, 1.0], [-1.0, 1.0]])
    array([[ 2.,  0.],
           [-2.,  0.]])
    """
    a = np.asarray(inputs, dtype=np.float64)
    b = np.asarray(others, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 2 or b.shape != a.shape:
        raise ValueError(f"others: expected the shape {a.shape} of inputs, an (n, d) array with n >= 2, "
                         f"got {b.shape}")
    return (a - a.mean(axis=0)).T @ (b - b.mean(axis=0)) / (a.shape[0] - 1)


def isotropy_measures(cov) -> dict:
    """How close a covariance is to a multiple of the identity.

    Returns ``relative_distance``, ``participation_ratio`` (see the module
    docstring), ``mean_abs_offdiag_corr`` (mean of ``|C_ij| / sqrt(C_ii
    C_jj)`` over ``i != j`` with positive variances) and ``d``.

    Examples
    --------
    >>> m = isotropy_measures(np.eye(4) * 3.0)
    >>> m["relative_distance"], m["participation_ratio"], m["mean_abs_offdiag_corr"]
    (0.0, 1.0, 0.0)
    >>> round(isotropy_measures(np.ones((4, 4)))["participation_ratio"], 3)
    0.25
    """
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] < 1:
        raise ValueError(f"cov: expected a square (d, d) matrix, got shape {c.shape}")
    d = c.shape[0]
    tr = float(np.trace(c))
    fro2 = float(np.sum(c * c))
    if fro2 == 0:
        return {"d": d, "relative_distance": math.nan, "participation_ratio": math.nan,
                "mean_abs_offdiag_corr": math.nan}
    resid = c - (tr / d) * np.eye(d)
    diag = np.diag(c)
    ok = diag > 0
    if d > 1 and ok.sum() > 1:
        s = np.sqrt(diag[ok])
        r = np.abs(c[np.ix_(ok, ok)]) / np.outer(s, s)
        k = int(ok.sum())
        offdiag = float((r.sum() - np.trace(r)) / (k * (k - 1)))
    else:
        offdiag = math.nan
    return {"d": d,
            "relative_distance": float(math.sqrt(float(np.sum(resid * resid)) / fro2)),
            "participation_ratio": float(tr * tr / (d * fro2)),
            "mean_abs_offdiag_corr": offdiag}
