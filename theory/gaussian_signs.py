"""Dot-product correlations of a layer from the second moments of its inputs.

For inputs ``a`` with covariance ``C``, binarized inputs ``s = sign(a)`` with
covariance ``S`` and cross-covariance ``K_ij = Cov(a_i, s_j)``, and one unit
with latent weights ``w`` and binarized weights ``b``, the three
correlations of ``bingeo.analysis.CORRELATION_KINDS`` are, for *every* law
of ``a`` (a correlation of linear forms is a ratio of second moments):

* ``corr(a.w, a.b)   = w^T C b / sqrt(w^T C w  b^T C b)``  (the cosine of ``w``
  and ``b`` in the metric ``C``);
* ``corr(a.b, s.b)   = b^T K b / sqrt(b^T C b  b^T S b)``;
* ``corr(a.w, s.b)   = w^T K b / sqrt(w^T C w  b^T S b)``

(:func:`dot_correlations_from_moments`).  For zero-mean Gaussian inputs ``K``
and ``S`` follow from ``C`` alone: ``K_ij = E[a_i s_j] = sqrt(2/pi) C_ij /
sqrt(C_jj)`` and ``S_ij = E[s_i s_j] = (2/pi) arcsin(C_ij / sqrt(C_ii C_jj))``
(Sheppard's formula; ``S_ii = 1``) (:func:`gaussian_dot_correlations`).  The
network report sets the Gaussian prediction beside the one from the measured
``K`` and ``S``: their gap is the departure of the inputs from a Gaussian law.  With ``C = I``
and ``w`` drawn isotropically these fall to the isotropic theory: the
cosine of ``w`` and ``sign(w)``, about ``sqrt(2/pi)``; ``sqrt(2/pi)``; and
about ``2/pi``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["metric_cosines", "sign_cross_covariance", "sign_covariance", "dot_correlations_from_moments",
           "gaussian_dot_correlations"]


def metric_cosines(latent, quantized, cov) -> np.ndarray:
    """Per-unit cosine of rows ``w_u`` and ``b_u`` in the metric ``C``.

    ``cos_C(w, b) = w^T C b / sqrt(w^T C w  b^T C b)``; NaN where a norm is 0.

    Examples
    --------
    >>> metric_cosines([[1.0, 0.0]], [[1.0, 1.0]], np.eye(2)).round(4)
    array([0.7071])
    >>> metric_cosines([[1.0, 0.0]], [[1.0, 1.0]], np.diag([1.0, 0.0]))
    array([1.])
    """
    w, b, c = _check(latent, quantized, cov)
    return _ratio(_quad(w, c, b),
                  _quad(w, c, w), _quad(b, c, b))


def sign_cross_covariance(cov) -> np.ndarray:
    """``K_ij = E[a_i sign(a_j)] = sqrt(2/pi) C_ij / sqrt(C_jj)`` for ``a ~ N(0, C)``.

    A coordinate with zero variance has ``sign(a_j) = +1`` always, so its
    column is 0.

    Examples
    --------
    >>> sign_cross_covariance(np.array([[4.0, 0.0], [0.0, 1.0]])).round(4)
    array([[1.5958, 0.    ],
           [0.    , 0.7979]])
    """
    c = np.asarray(cov, dtype=np.float64)
    sd = np.sqrt(np.clip(np.diag(c), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = math.sqrt(2 / math.pi) * c / np.where(sd > 0, sd, 1.0)[None, :]
    k[:, sd == 0] = 0.0
    return k


def sign_covariance(cov) -> np.ndarray:
    """``S_ij = Cov(sign a_i, sign a_j) = (2/pi) arcsin(rho_ij)``, ``S_ii = 1``.

    Coordinates with zero variance have a constant sign: zero rows and columns.

    Examples
    --------
    >>> sign_covariance(np.array([[1.0, 1.0], [1.0, 1.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    c = np.asarray(cov, dtype=np.float64)
    sd = np.sqrt(np.clip(np.diag(c), 0.0, None))
    ok = sd > 0
    s = np.zeros_like(c)
    rho = c[np.ix_(ok, ok)] / np.outer(sd[ok], sd[ok])
    s[np.ix_(ok, ok)] = (2 / math.pi) * np.arcsin(np.clip(rho, -1.0, 1.0))
    s[np.flatnonzero(ok), np.flatnonzero(ok)] = 1.0
    return s


def dot_correlations_from_moments(latent, quantized, cov, cross_cov, sign_cov) -> dict:
    """The three correlations per unit from the inputs' second moments.

    ``cov`` is C = Cov(a), ``cross_cov`` K with K_ij = Cov(a_i, s_j),
    ``sign_cov`` S = Cov(s), all (d, d); exact for any law of the inputs.
    Returns ``{"wc_wb": ..., "wb_abwb": ..., "wc_abwb": ...}``, one value
    per unit (formulas in the module docstring).

    Examples
    --------
    >>> w = np.array([[1.0, 0.5]])
    >>> r = dot_correlations_from_moments(w, np.sign(w), np.eye(2), 0.5 * np.eye(2), np.eye(2))
    >>> round(float(r["wb_abwb"][0]), 6), round(float(r["wc_wb"][0]), 4)
    (0.5, 0.9487)
    """
    w, b, c = _check(latent, quantized, cov)
    k = _square(cross_cov, "cross_cov", c.shape[0])
    s = _square(sign_cov, "sign_cov", c.shape[0])
    wcw = _quad(w, c, w)
    bcb = _quad(b, c, b)
    bsb = _quad(b, s, b)
    return {"wc_wb": _ratio(_quad(w, c, b), wcw, bcb),
            "wb_abwb": _ratio(_quad(b, k, b), bcb, bsb),
            "wc_abwb": _ratio(_quad(w, k, b), wcw, bsb)}


def gaussian_dot_correlations(latent, quantized, cov) -> dict:
    """The three predicted correlations per unit, for inputs ``N(0, C)``.

    :func:`dot_correlations_from_moments` with K and S from C by the
    Gaussian formulas (:func:`sign_cross_covariance`, :func:`sign_covariance`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = rng.standard_normal((50, 500))
    >>> p = gaussian_dot_correlations(w, np.where(w >= 0, 1.0, -1.0), np.eye(500))
    >>> [round(float(np.mean(v)), 2) for v in p.values()]
    [0.8, 0.8, 0.64]
    """
    c = np.asarray(cov, dtype=np.float64)
    return dot_correlations_from_moments(latent, quantized, c, sign_cross_covariance(c), sign_covariance(c))


def _quad(x, c, y):
    """Row-wise bilinear forms x_u^T C y_u (BLAS product, then a row sum)."""
    return np.sum((x @ c) * y, axis=1)


def _ratio(num, x, y):
    den = np.sqrt(np.clip(x, 0, None) * np.clip(y, 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _square(m, name, d):
    m = np.asarray(m, dtype=np.float64)
    if m.shape != (d, d):
        raise ValueError(f"{name}: expected shape ({d}, {d}) to match the fan-in, got {m.shape}")
    return m


def _check(latent, quantized, cov):
    w = np.asarray(latent, dtype=np.float64)
    b = np.asarray(quantized, dtype=np.float64)
    c = np.asarray(cov, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"latent: expected a (units, d) matrix, got shape {w.shape}")
    if b.shape != w.shape:
        raise ValueError(f"quantized: shape {b.shape} differs from latent's {w.shape}")
    if c.shape != (w.shape[1], w.shape[1]):
        raise ValueError(f"cov: expected shape ({w.shape[1]}, {w.shape[1]}) to match the fan-in, got {c.shape}")
    return w, b, c
