"""Experiment 1: the angle between each unit's latent and quantized weights.

For output unit ``u`` with latent (continuous) weights ``w`` and quantized
weights ``q`` (``sign(w)``, a rotated sign, or a ternarization), the cosine is

    cos theta_u = <w, q> / (||w|| ||q||)

and the angle ``theta_u = arccos(cos theta_u)`` in radians.  A layer is
summarized by the mean and the standard deviation of ``cos theta_u`` over its
units; the spread of the cosines against the fan-in ``d`` across layers is a
power law whose log-log slope :func:`loglog_slope` fits.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["unit_cosines", "weight_angle_summary", "loglog_slope"]


def unit_cosines(latent, quantized) -> np.ndarray:
    """Cosine between corresponding rows of two ``(units, d)`` matrices.

    ``cos_u = <latent_u, quantized_u> / (||latent_u|| ||quantized_u||)``,
    dimensionless.  A row of zeros has no direction: its cosine is NaN.

    Examples
    --------
    >>> w = np.array([[3.0, -4.0], [1.0, 1.0]])
    >>> unit_cosines(w, np.sign(w)).round(4)
    array([0.9899, 1.    ])
    >>> bool(np.isnan(unit_cosines([[0.0, 0.0]], [[1.0, 1.0]])[0]))
    True
    """
    w = _rows(latent, "latent")
    q = _rows(quantized, "quantized")
    if w.shape != q.shape:
        raise ValueError(f"quantized: shape {q.shape} differs from latent's {w.shape}")
    norms = np.linalg.norm(w, axis=1) * np.linalg.norm(q, axis=1)
    dots = np.einsum("ij,ij->i", w, q)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(norms > 0, dots / np.where(norms > 0, norms, 1.0), np.nan)
    return np.clip(cos, -1.0, 1.0)


def weight_angle_summary(latent, quantized) -> dict:
    """Summarize the unit cosines of one layer.

    Returns a dict with ``d`` (fan-in), ``units``, ``mean_cos``, ``sd_cos``
    (sample standard deviation over units, ``ddof=1``), ``se_mean_cos``
    (``sd_cos / sqrt(units)``), ``mean_angle_deg`` (degrees of the mean
    angle ``mean(arccos cos_u)``), ``sd_angle_deg`` and ``cosines``, the
    per-unit values.  Units whose cosine is undefined (all-zero rows) are
    dropped and counted in ``undefined``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = rng.standard_normal((200, 400))
    >>> s = weight_angle_summary(w, np.where(w >= 0, 1.0, -1.0))
    >>> s["d"], s["units"], round(s["mean_cos"], 2)
    (400, 200, 0.8)
    """
    d = _rows(latent, "latent").shape[1]
    cos = unit_cosines(latent, quantized)
    good = cos[np.isfinite(cos)]
    n = good.size
    sd = float(np.std(good, ddof=1)) if n > 1 else math.nan
    angles = np.degrees(np.arccos(good))
    return {
        "d": int(d),
        "units": int(n),
        "undefined": int(cos.size - n),
        "mean_cos": float(np.mean(good)) if n else math.nan,
        "sd_cos": sd,
        "se_mean_cos": sd / math.sqrt(n) if n > 1 else math.nan,
        "mean_angle_deg": float(np.mean(angles)) if n else math.nan,
        "sd_angle_deg": float(np.std(angles, ddof=1)) if n > 1 else math.nan,
        "cosines": good,
    }


def loglog_slope(x, y) -> dict:
    """Least-squares line through ``(log x, log y)``: ``log y = a + b log x``.

    Returns ``slope`` b, its standard error ``se_slope`` (ordinary least
    squares, from the residual variance; NaN with fewer than three points),
    ``intercept`` a and ``points``.  Points where x or y is not positive
    and finite are ignored.

    Examples
    --------
    >>> fit = loglog_slope([10, 100, 1000], [1.0, 0.1 ** 0.5, 0.1])
    >>> round(fit["slope"], 6), fit["points"]
    (-0.5, 3)
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"y: length {y.size} differs from x's {x.size}")
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    lx, ly = np.log(x[ok]), np.log(y[ok])
    n = lx.size
    if n < 2 or np.ptp(lx) == 0:
        return {"slope": math.nan, "se_slope": math.nan, "intercept": math.nan, "points": int(n)}
    xc = lx - lx.mean()
    slope = float(xc @ (ly - ly.mean()) / (xc @ xc))
    intercept = float(ly.mean() - slope * lx.mean())
    if n > 2:
        resid = ly - intercept - slope * lx
        se = math.sqrt(float(resid @ resid) / (n - 2) / float(xc @ xc))
    else:
        se = math.nan
    return {"slope": slope, "se_slope": se, "intercept": intercept, "points": int(n)}


def _rows(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a (units, d) matrix, got shape {a.shape}")
    return a
