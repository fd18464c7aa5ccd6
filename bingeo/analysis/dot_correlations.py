"""Experiment 2: how well binarization preserves dot products.

For a layer with input rows ``a`` (one per sample, or per sample and spatial
position for a convolution), latent weights ``w`` and binarized weights
``b`` of one output unit, three pre-activations are compared:

* ``a . w``          the continuous layer;
* ``a . b``          binarized weights, continuous inputs;
* ``sign(a) . b``    binarized weights and inputs, what a BNN computes.

The three correlations ``corr(a.w, a.b)``, ``corr(a.b, sign(a).b)`` and
``corr(a.w, sign(a).b)`` are Pearson correlations over the samples, one per
unit; a layer reports their mean over units with its standard error, and the
pooled correlation over every (sample, unit) pair.  sign(0) = +1.
"""

from __future__ import annotations

import math

import numpy as np

from bingeo.quantize import sign

__all__ = ["CORRELATION_KINDS", "column_correlations", "sign_pm1",
           "preactivations", "dot_product_correlations", "summarize_unit_correlations"]

CORRELATION_KINDS = ("wc_wb", "wb_abwb", "wc_abwb")
"""The three correlations, by the pair of pre-activations they compare:
``wc_wb`` = corr(A.W^c, A.W^b), ``wb_abwb`` = corr(A.W^b, A^b.W^b),
``wc_abwb`` = corr(A.W^c, A^b.W^b)."""


sign_pm1 = sign
"""Binarize with sign(0) = +1 (also -0.0 goes to +1): values in {-1, +1},
float64.  The name the analyses have always used for :func:`bingeo.sign`,
the same function (NaN stays NaN)."""


def column_correlations(x, y) -> np.ndarray:
    """Pearson correlation of column ``j`` of ``x`` with column ``j`` of ``y``.

    ``r_j = sum_i (x_ij - xbar_j)(y_ij - ybar_j) / sqrt(sum_i (x_ij - xbar_j)^2
    sum_i (y_ij - ybar_j)^2)``, dimensionless; NaN where a column is constant.

    Examples
    --------
    >>> x = np.array([[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    >>> y = np.array([[2.0, 0.0], [4.0, 1.0], [7.0, 2.0]])
    >>> column_correlations(x, y).round(4)
    array([0.9934,    nan])
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim == 1:
        x, y = x[:, None], y[:, None] if y.ndim == 1 else y
    if x.shape != y.shape or x.ndim != 2:
        raise ValueError(f"y: shape {y.shape} differs from x's {x.shape}; expected two (n, k) arrays")
    if x.shape[0] < 2:
        raise ValueError(f"x: need at least 2 rows to correlate, got {x.shape[0]}")
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    sxx = np.einsum("ij,ij->j", xc, xc)
    syy = np.einsum("ij,ij->j", yc, yc)
    sxy = np.einsum("ij,ij->j", xc, yc)
    denom = np.sqrt(sxx * syy)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(denom > 0, sxy / np.where(denom > 0, denom, 1.0), np.nan)
    return np.clip(r, -1.0, 1.0)


def preactivations(inputs, latent, quantized, *, binarized_inputs=None) -> dict:
    """The three pre-activation matrices ``(n, units)`` of one layer.

    ``wc = a @ w.T``, ``wb = a @ b.T`` and ``abwb = sign(a) @ b.T`` where
    ``a`` is ``inputs`` ``(n, d)`` and ``w``, ``b`` are ``(units, d)``.
    ``binarized_inputs`` replaces ``sign(a)`` when the network binarizes its
    inputs another way.

    Examples
    --------
    >>> p = preactivations([[1.0, -2.0]], [[0.5, 0.5]], [[1.0, 1.0]])
    >>> p["wc"], p["wb"], p["abwb"]
    (array([[-0.5]]), array([[-1.]]), array([[0.]]))
    """
    a = _matrix(inputs, "inputs")
    w = _matrix(latent, "latent")
    b = _matrix(quantized, "quantized")
    if w.shape != b.shape:
        raise ValueError(f"quantized: shape {b.shape} differs from latent's {w.shape}")
    if a.shape[1] != w.shape[1]:
        raise ValueError(f"inputs: rows of length {a.shape[1]} do not match the fan-in {w.shape[1]} of the weights")
    ab = sign_pm1(a) if binarized_inputs is None else _matrix(binarized_inputs, "binarized_inputs")
    if ab.shape != a.shape:
        raise ValueError(f"binarized_inputs: shape {ab.shape} differs from inputs' {a.shape}")
    return {"wc": a @ w.T, "wb": a @ b.T, "abwb": ab @ b.T}


def dot_product_correlations(inputs, latent, quantized, *, binarized_inputs=None) -> dict:
    """The three dot-product correlations of one layer.

    Returns, for each kind in :data:`CORRELATION_KINDS`, a dict with
    ``mean`` (mean over units of the per-unit correlation over samples),
    ``sd`` (over units, ``ddof=1``), ``se`` (``sd / sqrt(units)``),
    ``units`` (units with a defined correlation), ``pooled`` (one
    correlation over every (sample, unit) pair) and ``per_unit``.  Also
    ``n`` (samples) and ``d`` (fan-in).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a = rng.standard_normal((2000, 256))
    >>> w = rng.standard_normal((32, 256))
    >>> r = dot_product_correlations(a, w, sign_pm1(w))
    >>> round(r["wc_wb"]["mean"], 1), round(r["wb_abwb"]["mean"], 1), round(r["wc_abwb"]["mean"], 1)
    (0.8, 0.8, 0.6)
    """
    p = preactivations(inputs, latent, quantized, binarized_inputs=binarized_inputs)
    pairs = {"wc_wb": ("wc", "wb"), "wb_abwb": ("wb", "abwb"), "wc_abwb": ("wc", "abwb")}
    out = {"n": int(p["wc"].shape[0]), "d": int(np.asarray(latent).shape[1])}
    for kind, (x, y) in pairs.items():
        per_unit = column_correlations(p[x], p[y])
        out[kind] = summarize_unit_correlations(per_unit, column_correlations(p[x].ravel(), p[y].ravel())[0])
    return out


def summarize_unit_correlations(per_unit, pooled: float) -> dict:
    """Mean, sd (``ddof=1``), standard error ``sd / sqrt(units)`` and count of
    the finite per-unit correlations, with the ``pooled`` one alongside.

    Examples
    --------
    >>> s = summarize_unit_correlations(np.array([0.5, 0.7, np.nan]), 0.6)
    >>> round(s["mean"], 6), s["units"], s["pooled"]
    (0.6, 2, 0.6)
    """
    per_unit = np.asarray(per_unit, dtype=np.float64)
    good = per_unit[np.isfinite(per_unit)]
    n = good.size
    sd = float(np.std(good, ddof=1)) if n > 1 else math.nan
    return {"mean": float(good.mean()) if n else math.nan, "sd": sd,
            "se": sd / math.sqrt(n) if n > 1 else math.nan, "units": int(n),
            "pooled": float(pooled), "per_unit": good}


def _matrix(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array, got shape {a.shape}")
    return a
