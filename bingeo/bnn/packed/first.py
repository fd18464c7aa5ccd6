"""The first layer on the continuous image, in one fused pass when its sums are exact.

The float engine computes the first layer as ``conv2d_forward``, pools,
batch norm and sign; in general its float32 sums depend on the order its
kernel adds them in, so the packed network calls those same primitives
(:meth:`.PackedNetwork.forward`).  But when the weights are +-1
(a binary first layer) and the pixels are integer multiples of 2^-k with
``terms * max|x| < 2^(24 - k)`` (``terms`` = 9 C, the most values one sum
adds), every partial sum, in any order, is an integer multiple of 2^-k
below 2^24 of them in size: exact in float32.  Then the sums equal the
engine's whatever order either adds them in, and one fused kernel
(convolution, max pooling, the folded threshold of
:func:`.thresholds.float_sign_thresholds`, packing) gives the engine's
bits.  The digits images (multiples of 1/8) take this path; 8-bit images
scaled to [-1, 1] by 2/255 do not.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ..layers.checks import require_float32
from .checks import require_pools
from .conv import pool_and_pack_image, pooled_size, window_sums
from .popcount import words_for

__all__ = ["sums_are_exact", "exact_conv3x3_signs", "FLOAT32_SIGNIFICAND_BITS"]

FLOAT32_SIGNIFICAND_BITS = 24
"""float32 holds every integer of magnitude below 2^24 exactly."""


@njit(cache=True)
def _max_abs(flat):
    m = 0.0
    for v in flat:
        m = max(m, abs(v))
    return m


@njit(cache=True)
def _all_integers(flat, scale):
    for v in flat:
        s = np.float64(v) * scale      # exact: a power-of-two scale of a float32, in float64
        if s != math.floor(s):
            return False
    return True


def sums_are_exact(x: np.ndarray, terms: int) -> bool:
    """Whether every sum of up to ``terms`` entries of ``x``, each times +-1,
    is exact in float32 whatever the order of the additions.

    True when all entries are integer multiples of 2^-k for the largest k
    with ``terms * max|x| < 2^(24 - k)`` (so all partial sums are integers
    times 2^-k below 2^24 of them in size); also True for an all-zero ``x``.

    Examples
    --------
    >>> eighths = np.arange(-8, 9, dtype=np.float32) / 8
    >>> sums_are_exact(eighths, 9), sums_are_exact(eighths / 3, 9)
    (True, False)
    >>> sums_are_exact(np.float32([2**23 + 1, 1]), 9)     # 9 such terms pass 2^24
    False
    """
    flat = np.ascontiguousarray(x, dtype=np.float32).ravel()
    if flat.size == 0:
        return True
    peak = _max_abs(flat)
    if not math.isfinite(peak):
        return False
    if peak == 0.0:
        return True
    _, e = math.frexp(int(terms) * peak)          # terms * peak < 2^e
    return _all_integers(flat, math.ldexp(1.0, FLOAT32_SIGNIFICAND_BITS - e))


@njit(cache=True)
def _exact_conv3x3_image(x, w, acc, out):
    """Float sums of one image: x (H, W, C) channels last, w (3, 3, C, F), out (H, W, F)."""
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            window_sums(x, w, i, j, acc)
            out[i, j] = acc


@njit(cache=True, parallel=True)
def _exact_conv3x3_signs_kernel(x, w, thresholds, pools, out):
    batch, height, width, _ = x.shape
    filters = w.shape[3]
    for n in prange(batch):
        acc = np.empty(filters, np.float32)
        sums = np.empty((height, width, filters), np.float32)
        _exact_conv3x3_image(x[n], w, acc, sums)
        pool_and_pack_image(sums, pools, thresholds, out[n])


def exact_conv3x3_signs(x: np.ndarray, w: np.ndarray, thresholds: np.ndarray, *, pools: int = 0) -> np.ndarray:
    """First-layer packed activations in one pass: 3x3 "same" convolution of
    the image with +-1 filters, ``pools`` 2x2 max pools, then bit f is
    ``z_f >= thresholds[f]``; valid only where :func:`sums_are_exact` holds
    (the caller checks).

    Parameters
    ----------
    x : ndarray, float32, (N, C, H, W)
    w : ndarray, float32, (3, 3, C, F), entries +-1 (the filters, channels then filters last)
    thresholds : ndarray, float32, (F,)
        from :func:`.thresholds.float_sign_thresholds`.
    pools : int, >= 0

    Returns
    -------
    ndarray, uint64, (N, H', W', ceil(F / 64)), channels last.

    Examples
    --------
    >>> x = np.full((1, 1, 2, 2), 0.5, np.float32)
    >>> w = np.ones((3, 3, 1, 2), np.float32)
    >>> exact_conv3x3_signs(x, w, np.array([2.0, 2.5], np.float32), pools=1)   # every sum is 2
    array([[[[1]]]], dtype=uint64)
    """
    require_float32("x", x, 4)
    require_float32("w", w, 4)
    require_float32("thresholds", thresholds, 1)
    n, c, h, wd = x.shape
    if w.shape[:3] != (3, 3, c):
        raise ValueError(f"w must have shape (3, 3, {c}, F) for x of shape {x.shape}, got {w.shape}")
    if thresholds.shape != (w.shape[3],):
        raise ValueError(f"thresholds must have shape ({w.shape[3]},), one per filter, got {thresholds.shape}")
    pools = require_pools(pools, h, wd)
    out_h, out_w = pooled_size(h, wd, pools)
    out = np.empty((n, out_h, out_w, words_for(w.shape[3])), np.uint64)
    # channels last, as the packed layers: one pixel's channels are one run
    _exact_conv3x3_signs_kernel(np.ascontiguousarray(x.transpose(0, 2, 3, 1)), w, thresholds, pools, out)
    return out
