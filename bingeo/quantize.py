"""Quantizers over numpy arrays: sign, ternary, k-bit, XNOR-Net's scaled
sign, and the generalized binarization q_R(x) = R^T sign(R x).

Conventions: sign(0) = sign(-0.0) = +1, so binarized vectors have no zeros;
NaN maps to NaN.  Outputs are float64 arrays of the input's shape.  The
numba scalar twins live in :mod:`bingeo.quantize_jit`.
"""

from __future__ import annotations


import numpy as np

from bingeo.seeding import auxiliary_generator

__all__ = ["sign", "ternarize", "kbit_quantize", "xnor_sign", "haar_rotation", "rotated_sign"]


def _as_float_array(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def sign(x) -> np.ndarray:
    """sign(x) with sign(0) = +1: +1.0 where x >= 0 (also -0.0), -1.0 where
    x < 0, NaN where x is NaN.

    Examples
    --------
    >>> sign([-2.0, -0.0, 0.0, 3.0])
    array([-1.,  1.,  1.,  1.])
    """
    x = _as_float_array(x)
    out = np.where(x >= 0.0, 1.0, -1.0)
    return np.where(np.isnan(x), np.nan, out)


def ternarize(x, threshold) -> np.ndarray:
    """t(x) = sign(x) if |x| > threshold else 0 (NaN where x is NaN).

    Parameters
    ----------
    x : array_like
    threshold : float or array_like
        >= 0, broadcast against ``x`` (same units as ``x``).

    Examples
    --------
    >>> ternarize([-1.0, -0.5, 0.2, 0.5, 0.7], 0.5)
    array([-1.,  0.,  0.,  0.,  1.])
    """
    x = _as_float_array(x)
    thr = np.asarray(threshold, dtype=np.float64)
    if np.any(~(thr >= 0)):
        raise ValueError(f"threshold: must be >= 0 (and not NaN), got {threshold!r}")
    out = np.where(x > thr, 1.0, np.where(x < -thr, -1.0, 0.0))
    return np.where(np.isnan(x), np.nan, out)


def kbit_quantize(x, k: int, *, clip=1.0) -> np.ndarray:
    """k-bit uniform mid-rise quantizer on [-clip, clip].

    With step s = 2 clip / 2^k: q(x) = s (floor(x / s) + 1/2), clipped to
    [-(clip - s/2), clip - s/2].  The 2^k levels are the odd multiples of
    s/2; q(0) = +s/2 (so k = 1 gives (clip/2) sign(x)); NaN maps to NaN.

    Parameters
    ----------
    x : array_like
    k : int
        bits, 1 <= k <= 16.
    clip : float or array_like
        > 0, broadcast against ``x``, in the units of ``x``.  (The samplers'
        ``kbit:K:CLIP`` and :class:`bingeo.sampling.specs.KBit` take CLIP in
        units of the coordinate's standard deviation instead: they quantize
        with ``clip = CLIP * sd``.)

    Examples
    --------
    >>> kbit_quantize([-2.0, -0.3, 0.0, 0.6], 2)
    array([-0.75, -0.25,  0.25,  0.75])
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= 16:
        raise ValueError(f"k: must be an integer with 1 <= k <= 16, got {k!r}")
    x = _as_float_array(x)
    clip = np.asarray(clip, dtype=np.float64)
    if np.any(~(clip > 0)) or np.any(~np.isfinite(clip)):
        raise ValueError(f"clip: must be finite and > 0, got {clip!r}")
    step = clip / 2.0 ** (int(k) - 1)  # 2 clip / 2^k, without overflowing 2 clip
    top = clip - step / 2.0
    with np.errstate(invalid="ignore"):
        cell = np.floor(np.clip(x, -top, top) / step)
    # a subnormal x < 0 whose quotient underflows to -0.0 lies in the cell below 0
    cell = np.where((x < 0) & (cell >= 0), -1.0, cell)
    return np.clip(step * (cell + 0.5), -top, top)


def xnor_sign(x, *, axis: int = -1) -> np.ndarray:
    """XNOR-Net's scaled sign alpha * sign(x), alpha = mean |x| along ``axis``
    (one alpha per row of a batch).

    Examples
    --------
    >>> xnor_sign([1.0, -3.0])
    array([ 2., -2.])
    """
    x = _as_float_array(x)
    alpha = np.mean(np.abs(x), axis=axis, keepdims=True)
    return alpha * sign(x)


def haar_rotation(d: int, seed=0) -> np.ndarray:
    """A d x d orthogonal matrix drawn from the Haar measure on O(d).

    QR of a d x d standard normal matrix G = QR, then the sign fix: column j
    of Q is multiplied by sign(R_jj), which makes the law exactly Haar
    (Mezzadri 2007).  Draws come from the auxiliary stream of ``seed`` (see
    :mod:`bingeo.seeding`), so they never overlap a sampler's chunk streams.
    This is the package's one Haar rotation: the samplers' ``rotated-sign``
    (CPU and GPU) and the network's rotated first layer
    (:func:`bingeo.bnn.haar_rotation`, the same matrix under the name ``n``
    for the dimension) draw it.

    Parameters
    ----------
    d : int
        >= 1.
    seed : int or numpy.random.SeedSequence

    Examples
    --------
    >>> R = haar_rotation(4, seed=1)
    >>> bool(np.allclose(R @ R.T, np.eye(4)))
    True
    """
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or int(d) < 1:
        raise ValueError(f"d: must be an integer >= 1, got {d!r}")
    d = int(d)
    g = auxiliary_generator(seed).standard_normal((d, d))
    q, r = np.linalg.qr(g)
    return q * sign(np.diag(r))[np.newaxis, :]


def rotated_sign(x, rotation) -> np.ndarray:
    """The generalized binarization q_R(x) = R^T sign(R x), row by row.

    Parameters
    ----------
    x : array_like, shape (d,) or (n, d)
    rotation : array_like, shape (d, d)
        an orthogonal matrix R (see :func:`haar_rotation`).

    Examples
    --------
    >>> rotated_sign([0.5, -2.0], np.eye(2))
    array([ 1., -1.])
    """
    x = _as_float_array(x)
    rot = np.asarray(rotation, dtype=np.float64)
    if rot.ndim != 2 or rot.shape[0] != rot.shape[1] or rot.shape[0] != x.shape[-1]:
        raise ValueError(f"rotation: must be a square matrix of side {x.shape[-1]} (the length of x), got shape {rot.shape}")
    return sign(x @ rot.T) @ rot
