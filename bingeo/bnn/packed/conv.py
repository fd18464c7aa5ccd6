"""Bit-packed binary 3x3 convolution (stride 1, zero "same" padding), its
max pooling on the integer sums, and the signs of the next layer.

For a packed channels-last map ``x`` (N, H, W, C') of +-1 values over
``channels`` = C true channels and packed filters ``w`` (3, 3, C', F),

    z[n, f, i, j] = sum over valid (a, b) of
                    (C - 2 sum_k popcount(x[n, i+a-1, j+b-1, k] XOR w[a, b, k, f])),

where (a, b) runs over the neighbours inside the image.  A padded neighbour
is 0 in the float engine's convolution and contributes 0 here because it is
skipped; so at a border z counts only ``valid * C`` positions, and z equals
the engine's ``conv2d_forward`` on the same +-1 values exactly.

Pooling: ``pools`` 2x2 max pools (stride 2, an odd last row or column
dropped) compose to one max over 2^pools x 2^pools windows of the integer
sums, exact; the engine pools before batch norm, and so does this.  The
signs are then ``z >= threshold`` per filter, packed channels last for the
next layer.

One ``prange`` over the images; each image's sums live in a buffer of its
own.  The innermost loop sweeps all F filters with one activation word.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .bits import pack_at_least
from .checks import require_count, require_pools, require_thresholds, require_words
from .popcount import popcount64, signed_sum, window_bounds, words_for

__all__ = ["binary_conv3x3_sums", "binary_conv3x3_signs", "binary_conv3x3_sums_reference",
           "pooled_size", "check_conv_operands"]


@njit(cache=True)
def _interior_mismatches(x, w, i, j, acc):
    """``acc[f]`` = mismatches of pixel (i, j)'s full 3x3 window (all nine
    neighbours inside), the nine offsets summed per word before ``acc`` is
    touched: one pass over the filters per word, not one per offset."""
    acc[:] = 0
    for k in range(x.shape[2]):
        x0, x1, x2 = x[i - 1, j - 1, k], x[i - 1, j, k], x[i - 1, j + 1, k]
        x3, x4, x5 = x[i, j - 1, k], x[i, j, k], x[i, j + 1, k]
        x6, x7, x8 = x[i + 1, j - 1, k], x[i + 1, j, k], x[i + 1, j + 1, k]
        w0, w1, w2 = w[0, 0, k], w[0, 1, k], w[0, 2, k]
        w3, w4, w5 = w[1, 0, k], w[1, 1, k], w[1, 2, k]
        w6, w7, w8 = w[2, 0, k], w[2, 1, k], w[2, 2, k]
        for f in range(acc.shape[0]):
            acc[f] += (popcount64(x0 ^ w0[f]) + popcount64(x1 ^ w1[f]) + popcount64(x2 ^ w2[f])
                       + popcount64(x3 ^ w3[f]) + popcount64(x4 ^ w4[f]) + popcount64(x5 ^ w5[f])
                       + popcount64(x6 ^ w6[f]) + popcount64(x7 ^ w7[f]) + popcount64(x8 ^ w8[f]))


@njit(cache=True)
def conv3x3_sums_image(x, w, channels, acc, out):
    """Sums of one image: x (H, W, C') words, w (3, 3, C', F), out (H, W, F)."""
    height, width, cw = x.shape
    filters = w.shape[3]
    for i in range(height):
        a_lo, a_hi = window_bounds(i, height)
        for j in range(width):
            b_lo, b_hi = window_bounds(j, width)
            if a_hi - a_lo == 3 and b_hi - b_lo == 3:
                _interior_mismatches(x, w, i, j, acc)
            else:
                acc[:] = 0
                for a in range(a_lo, a_hi):
                    for b in range(b_lo, b_hi):
                        for k in range(cw):
                            xv = x[i + a - 1, j + b - 1, k]
                            for f in range(filters):
                                acc[f] += popcount64(xv ^ w[a, b, k, f])
            valid = (a_hi - a_lo) * (b_hi - b_lo) * channels
            for f in range(filters):
                out[i, j, f] = signed_sum(valid, acc[f])


@njit(cache=True)
def maxpool_image(z, size, out):
    """``out[i, j, f] = max of z[size i + a, size j + b, f]`` over 0 <= a, b < size."""
    out_h, out_w, filters = out.shape
    for i in range(out_h):
        for j in range(out_w):
            for f in range(filters):
                out[i, j, f] = z[size * i, size * j, f]
            for a in range(size):
                for b in range(size):
                    for f in range(filters):
                        out[i, j, f] = max(out[i, j, f], z[size * i + a, size * j + b, f])


@njit(cache=True)
def pool_and_pack_image(sums, pools, thresholds, out):
    """One image's sums (H, W, F) max-pooled over 2^pools x 2^pools windows,
    then ``z >= thresholds`` packed into ``out`` (H', W', ceil(F / 64))."""
    pooled = sums
    if pools > 0:
        size = 1 << pools
        pooled = np.empty_like(sums[:sums.shape[0] // size, :sums.shape[1] // size])
        maxpool_image(sums, size, pooled)
    for i in range(pooled.shape[0]):
        for j in range(pooled.shape[1]):
            pack_at_least(pooled[i, j], thresholds, out[i, j])


@njit(cache=True)
def _filters_first(sums, out):
    """``out[f, i, j] = sums[i, j, f]``, converted to out's dtype."""
    height, width, filters = sums.shape
    for f in range(filters):
        for i in range(height):
            for j in range(width):
                out[f, i, j] = sums[i, j, f]


@njit(cache=True, parallel=True)
def _binary_conv3x3_sums_kernel(x, w, channels, out):
    batch, height, width, _ = x.shape
    filters = w.shape[3]
    for n in prange(batch):
        acc = np.empty(filters, np.int64)
        sums = np.empty((height, width, filters), np.int32)
        conv3x3_sums_image(x[n], w, channels, acc, sums)
        _filters_first(sums, out[n])


@njit(cache=True, parallel=True)
def _binary_conv3x3_signs_kernel(x, w, channels, pools, thresholds, out):
    batch, height, width, _ = x.shape
    filters = w.shape[3]
    for n in prange(batch):
        acc = np.empty(filters, np.int64)
        sums = np.empty((height, width, filters), np.int64)
        conv3x3_sums_image(x[n], w, channels, acc, sums)
        pool_and_pack_image(sums, pools, thresholds, out[n])


def pooled_size(height: int, width: int, pools: int) -> tuple[int, int]:
    """(H, W) after ``pools`` 2x2 pools with floor division.

    >>> pooled_size(7, 8, 2)
    (1, 2)
    """
    return height >> pools, width >> pools


def check_conv_operands(x, w, channels) -> int:
    """Check packed conv operands (also for the CUDA twin); returns ``channels`` as an int."""
    require_words("x", x, 4)
    require_words("w", w, 4)
    if w.shape[:3] != (3, 3, x.shape[3]):
        raise ValueError(f"w must have shape (3, 3, {x.shape[3]}, F) for x of shape {x.shape}, got {w.shape}")
    return require_count("channels", channels, x.shape[3], "per pixel")


def binary_conv3x3_sums(x: np.ndarray, w: np.ndarray, channels: int, dtype=np.int32) -> np.ndarray:
    """Integer 3x3 "same" convolution of a packed +-1 map, exactly the float
    engine's ``conv2d_forward`` on the unpacked values.

    Parameters
    ----------
    x : ndarray, uint64, (N, H, W, C')
        packed channels-last map (:func:`.bits.pack_signs_channels_last`).
    w : ndarray, uint64, (3, 3, C', F)
        packed filters (:func:`.bits.pack_conv_weights`).
    channels : int
        true channels C, ``ceil(C / 64) == C'``.
    dtype : np.int32 or np.float32
        of the result; float32 holds every sum exactly (9 C < 2**24), which
        is what the float engine's training pass takes.

    Returns
    -------
    z : ndarray, dtype, (N, F, H, W), |z| <= 9 C (fewer terms at the borders)

    Examples
    --------
    One channel of +1 on a 2x2 image, one filter of +1: each pixel sees its
    4 valid neighbours (itself included), the padding counts 0.

    >>> from .bits import pack_signs_channels_last, pack_conv_weights
    >>> x = pack_signs_channels_last(np.ones((1, 1, 2, 2), np.float32))
    >>> binary_conv3x3_sums(x, pack_conv_weights(np.ones((1, 1, 3, 3), np.float32)), 1)[0, 0]
    array([[4, 4],
           [4, 4]], dtype=int32)
    """
    channels = check_conv_operands(x, w, channels)
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.int32), np.dtype(np.float32)):
        raise ValueError(f"dtype: expected int32 or float32, got {dtype}")
    if dtype == np.float32 and 9 * channels >= 1 << 24:
        raise ValueError(f"dtype: float32 holds the sums exactly only for 9 C < 2**24, got C = {channels}")
    n, h, wd, _ = x.shape
    out = np.empty((n, w.shape[3], h, wd), dtype)
    _binary_conv3x3_sums_kernel(x, w, channels, out)
    return out


def binary_conv3x3_signs(x: np.ndarray, w: np.ndarray, channels: int, thresholds, *,
                         pools: int = 0) -> np.ndarray:
    """The next layer's packed activations: convolution, ``pools`` 2x2 max
    pools of the integer sums, then bit f is ``z_f >= thresholds[f]``.

    Same arguments as :func:`binary_conv3x3_sums`, plus ``thresholds`` (F,)
    integers (:func:`.thresholds.sign_thresholds`) and ``pools`` >= 0 (with
    2^pools <= H and W); returns (N, H', W', ceil(F / 64)) uint64,
    (H', W') = :func:`pooled_size`.

    >>> from .bits import pack_signs_channels_last, pack_conv_weights
    >>> x = pack_signs_channels_last(np.ones((1, 1, 2, 2), np.float32))
    >>> w = pack_conv_weights(np.ones((2, 1, 3, 3), np.float32))
    >>> binary_conv3x3_signs(x, w, 1, [4, 5], pools=1)    # pooled z = 4 for both filters
    array([[[[1]]]], dtype=uint64)
    """
    channels = check_conv_operands(x, w, channels)
    thresholds = require_thresholds(thresholds, w.shape[3])
    n, h, wd, _ = x.shape
    pools = require_pools(pools, h, wd)
    out_h, out_w = pooled_size(h, wd, pools)
    out = np.empty((n, out_h, out_w, words_for(w.shape[3])), np.uint64)
    _binary_conv3x3_signs_kernel(x, w, channels, pools, thresholds, out)
    return out


def binary_conv3x3_sums_reference(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Reference of :func:`binary_conv3x3_sums` on the unpacked values: the
    zero-padded cross-correlation in int64 (plain numpy, nine shifted products).

    Parameters
    ----------
    a : (N, C, H, W) in {-1, +1};  w : (F, C, 3, 3) in {-1, +1}

    >>> binary_conv3x3_sums_reference(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))[0, 0]
    array([[4, 4],
           [4, 4]])
    """
    a = np.asarray(a).astype(np.int64)
    w = np.asarray(w).astype(np.int64)
    n, _, h, wd = a.shape
    padded = np.zeros((n, a.shape[1], h + 2, wd + 2), np.int64)
    padded[:, :, 1:-1, 1:-1] = a
    z = np.zeros((n, w.shape[0], h, wd), np.int64)
    for da in range(3):
        for db in range(3):
            z += np.einsum("nchw,fc->nfhw", padded[:, :, da:da + h, db:db + wd], w[:, :, da, db])
    return z
