"""Experiment 6: a positive per-unit scale before batch normalization.

XNOR-Net multiplies each output unit's binary dot product by
``alpha_u = mean_k |w_uk|`` (the L1 norm of its latent weights over the
fan-in).  Batch normalization (batch statistics, per unit) then computes

    BN(z)_iu = (z_iu - mean_i z_iu) / sqrt(var_i z_iu + eps).

For ``z' = alpha z`` with ``alpha_u > 0``: ``mean(z') = alpha mean(z)`` and
``var(z') = alpha^2 var(z)``, so with ``eps = 0``

    BN(alpha z) = alpha (z - mean z) / (alpha sqrt(var z)) = BN(z)

exactly: the scale cancels.  With ``eps > 0`` the two differ by a relative
``(1/2)(eps / var z)(1 - 1/alpha^2)`` to first order, which vanishes as
``eps / var z -> 0``.  A scale that varies with the *sample* or the *spatial
position* (XNOR-Net's activation scale ``K``) is not a per-unit constant and
does not cancel.
"""

from __future__ import annotations

import numpy as np

from bingeo.bnn.layers.batchnorm import batchnorm_forward_train_reference

__all__ = ["batchnorm_batch_stats", "xnor_alpha", "batchnorm_scale_difference"]


def batchnorm_batch_stats(z, *, eps: float) -> np.ndarray:
    """Batch normalization with batch statistics over axis 0, no affine part.

    ``BN(z)_iu = (z_iu - mean_i z_iu) / sqrt(var_i z_iu + eps)`` with the
    biased variance (``ddof = 0``), float64: the layers' reference
    (:func:`bingeo.bnn.layers.batchnorm_forward_train_reference`) in float64,
    which also takes ``eps = 0``.

    Examples
    --------
    >>> batchnorm_batch_stats([[1.0], [3.0]], eps=0.0)
    array([[-1.],
           [ 1.]])
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2 or z.shape[0] < 2:
        raise ValueError(f"z: expected an (n, units) array with n >= 2, got shape {z.shape}")
    if not eps >= 0:
        raise ValueError(f"eps: must be >= 0, got {eps}")
    with np.errstate(divide="ignore", invalid="ignore"):  # eps = 0 and a constant unit: NaN, as 0 / 0
        return batchnorm_forward_train_reference(z, None, eps)[0]


def xnor_alpha(latent) -> np.ndarray:
    """XNOR-Net's per-unit weight scale ``alpha_u = mean_k |w_uk|``.

    ``latent`` is ``(units, d)`` (see :func:`bingeo.analysis.unit_rows`).

    Examples
    --------
    >>> xnor_alpha([[1.0, -3.0], [0.5, 0.5]])
    array([2. , 0.5])
    """
    w = np.asarray(latent, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"latent: expected a (units, d) matrix, got shape {w.shape}")
    return np.mean(np.abs(w), axis=1)


def batchnorm_scale_difference(z, scale, *, eps: float) -> dict:
    """How much a per-unit scale before batch normalization changes its output.

    Computes ``BN(z)`` and ``BN(z * scale)`` (``scale`` broadcast over the
    last axis, every entry > 0) and returns ``max_abs_diff`` (the largest
    absolute difference, dimensionless like BN's output), ``max_abs_output``
    and ``eps``.

    Examples
    --------
    >>> z = np.random.default_rng(0).standard_normal((64, 3))
    >>> r = batchnorm_scale_difference(z, np.array([0.5, 2.0, 7.0]), eps=0.0)
    >>> r["max_abs_diff"] < 1e-14
    True
    """
    s = np.asarray(scale, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if s.shape != z.shape[-1:]:
        raise ValueError(f"scale: expected shape ({z.shape[-1]},), one entry per unit, got {s.shape}")
    if not np.all(s > 0):
        raise ValueError("scale: every entry must be > 0 and finite")
    y0 = batchnorm_batch_stats(z, eps=eps)
    y1 = batchnorm_batch_stats(z * s, eps=eps)
    return {"max_abs_diff": float(np.max(np.abs(y1 - y0))),
            "max_abs_output": float(np.max(np.abs(y0))), "eps": float(eps)}
