"""Bit layouts: +-1 tensors packed 64 per uint64 word, and back.

Convention: bit 1 stands for +1, bit 0 for -1; a value ``v`` is packed as
``v >= 0``, the sign of :mod:`bingeo.bnn.layers.activations` (sign(0) =
sign(-0.0) = +1).  Entry ``k`` of a packed axis is bit ``k % 64`` of word
``k // 64``; the unused high bits of the last word are 0 (and 0 in both
operands of every product, so they never count, see :mod:`.popcount`).

Layouts
-------
* dense activations (N, K) -> (N, ceil(K / 64));
* conv activations (N, C, H, W) -> channels last (N, H, W, ceil(C / 64)),
  so a pixel's channels are a run of words;
* conv weights (F, C, 3, 3) -> (3, 3, ceil(C / 64), F), filters last so
  the kernels sweep all filters with one activation word;
* dense weights (K, M) -> (K', M), units last; after a convolution the
  flattened input index ``c H W + h W + w`` of the float engine is laid out
  as the packed feature map, pixel by pixel (K' = H W ceil(C / 64) words).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..layers.checks import require_float32
from ..layers.signed_sums import is_plus_minus_one
from .popcount import WORD_BITS, words_for

__all__ = [
    "pack_at_least",
    "pack_signs",
    "pack_signs_channels_last",
    "pack_conv_weights",
    "pack_dense_weights",
    "unpack_signs",
    "pack_signs_reference",
]


@njit(cache=True)
def pack_at_least(values, thresholds, out):
    """Set bit ``k % 64`` of ``out[k // 64]`` where ``values[k] >= thresholds[k]``
    (1-D arrays; ``out`` has ``ceil(len(values) / 64)`` words, low bit first).

    The one packing loop: signs are ``values >= 0``; a layer's activations
    are its integer sums against their folded thresholds (:mod:`.thresholds`).
    """
    n = values.shape[0]
    for k in range(out.shape[0]):
        word = np.uint64(0)
        for b in range(min(WORD_BITS, n - k * WORD_BITS)):
            if values[k * WORD_BITS + b] >= thresholds[k * WORD_BITS + b]:
                word |= np.uint64(1) << np.uint64(b)
        out[k] = word


@njit(cache=True, parallel=True)
def _pack_rows_kernel(v, thresholds, out):
    for r in prange(v.shape[0]):
        pack_at_least(v[r], thresholds, out[r])


@njit(cache=True)
def _pack_image_channels_last(v, thresholds, out):
    """One image: v (C, H, W) float32 -> out (H, W, C') words."""
    channels, height, width = v.shape
    flat = out.reshape(height * width, out.shape[2])
    flat[:] = 0
    for c in range(channels):
        k = c // WORD_BITS
        shift = np.uint64(c % WORD_BITS)
        t = thresholds[c]
        plane = v[c].reshape(height * width)
        # a select, not a branch, per pixel: the loop vectorizes
        for q in range(height * width):
            flat[q, k] |= np.uint64(plane[q] >= t) << shift


@njit(cache=True, parallel=True)
def _pack_channels_last_kernel(v, thresholds, out):
    for n in prange(v.shape[0]):
        _pack_image_channels_last(v[n], thresholds, out[n])


def _thresholds_for(thresholds, units: int) -> np.ndarray:
    if thresholds is None:
        return np.zeros(units, np.float32)
    t = np.ascontiguousarray(thresholds, dtype=np.float32)
    if t.shape != (units,):
        raise ValueError(f"thresholds: expected shape ({units},), one per unit (axis 1 of v), got {t.shape}")
    return t


def pack_signs(v: np.ndarray, thresholds=None) -> np.ndarray:
    """Pack the signs of each row of ``v``: (R, K) float32 -> (R, ceil(K/64)) uint64.

    Bit ``k % 64`` of word ``k // 64`` is 1 where ``v[r, k] >= 0`` (+1), or
    where ``v[r, k] >= thresholds[k]`` when float32 ``thresholds`` (K,) are given.

    Examples
    --------
    >>> pack_signs(np.array([[1.0, -1.0, -0.0, -2.0]], np.float32))
    array([[5]], dtype=uint64)
    >>> pack_signs(np.array([[1.0, -1.0, -0.0, -2.0]], np.float32), [2, -1, 0, -3])
    array([[14]], dtype=uint64)
    """
    require_float32("v", v, 2)
    out = np.empty((v.shape[0], words_for(v.shape[1])), np.uint64)
    _pack_rows_kernel(v, _thresholds_for(thresholds, v.shape[1]), out)
    return out


def pack_signs_channels_last(v: np.ndarray, thresholds=None) -> np.ndarray:
    """Pack the signs of an NCHW map channels last: (N, C, H, W) float32 ->
    (N, H, W, ceil(C/64)) uint64, bit ``c % 64`` of word ``c // 64`` being 1
    where ``v[n, c, i, j] >= 0``, or ``>= thresholds[c]`` when float32
    ``thresholds`` (C,) are given.

    Examples
    --------
    >>> v = np.array([-1, 1, 1, -1], np.float32).reshape(1, 2, 1, 2)   # c0: -1 1, c1: 1 -1
    >>> pack_signs_channels_last(v)[0, 0]
    array([[2],
           [1]], dtype=uint64)
    """
    require_float32("v", v, 4)
    n, c, h, w = v.shape
    out = np.empty((n, h, w, words_for(c)), np.uint64)
    _pack_channels_last_kernel(v, _thresholds_for(thresholds, c), out)
    return out


def _require_signs(name: str, w: np.ndarray) -> np.ndarray:
    w = np.asarray(w)
    if w.dtype != np.float32 or not is_plus_minus_one(np.ascontiguousarray(w)):
        raise ValueError(f"{name}: expected float32 entries in {{-1, +1}} (sign-binarized weights)")
    return w


def pack_conv_weights(w: np.ndarray) -> np.ndarray:
    """Binarized 3x3 filters (F, C, 3, 3) in {-1, +1} -> (3, 3, ceil(C/64), F) uint64.

    >>> w = -np.ones((2, 3, 3, 3), np.float32); w[1, 2] = 1
    >>> pack_conv_weights(w)[0, 0]
    array([[0, 4]], dtype=uint64)
    """
    w = _require_signs("w", w)
    if w.ndim != 4 or w.shape[2:] != (3, 3):
        raise ValueError(f"w: expected shape (F, C, 3, 3), got {w.shape}")
    f, c = w.shape[:2]
    rows = np.ascontiguousarray(w.transpose(2, 3, 0, 1)).reshape(9 * f, c)
    words = pack_signs(rows).reshape(3, 3, f, -1)
    return np.ascontiguousarray(words.transpose(0, 1, 3, 2))


def pack_dense_weights(w: np.ndarray, feature_map=None) -> np.ndarray:
    """Binarized dense weights (K, M) in {-1, +1} -> packed (K', M) uint64.

    Parameters
    ----------
    w : ndarray, float32, (K, M)
    feature_map : tuple (C, H, W), optional
        the conv output the layer flattens (K = C H W, index ``c H W + h W + w``);
        the words then follow :func:`pack_signs_channels_last`'s layout,
        K' = H W ceil(C/64).  None: plain rows, K' = ceil(K/64).

    >>> pack_dense_weights(np.array([[1, -1], [1, 1], [-1, 1]], np.float32))
    array([[3, 6]], dtype=uint64)
    """
    w = _require_signs("w", w)
    if w.ndim != 2:
        raise ValueError(f"w: expected shape (K, M), got {w.shape}")
    k, m = w.shape
    if feature_map is None:
        return np.ascontiguousarray(pack_signs(np.ascontiguousarray(w.T)).T)
    c, h, wd = (int(s) for s in feature_map)
    if c * h * wd != k:
        raise ValueError(f"feature_map: {c}x{h}x{wd} = {c * h * wd} inputs, but w has K = {k} rows")
    maps = np.ascontiguousarray(w.T.reshape(m, c, h, wd))
    return np.ascontiguousarray(pack_signs_channels_last(maps).reshape(m, -1).T)


# --- plain numpy references --------------------------------------------------


def pack_signs_reference(v: np.ndarray) -> np.ndarray:
    """Reference of :func:`pack_signs` with ``np.packbits`` (little bit order)
    on ``v >= 0``, padded to whole words and read as little-endian uint64.

    >>> pack_signs_reference(np.array([[1.0, -1.0, -0.0, -2.0]]))
    array([[5]], dtype=uint64)
    """
    v = np.asarray(v)
    rows, k = v.shape
    bits = np.zeros((rows, words_for(k) * WORD_BITS), np.uint8)
    bits[:, :k] = v >= 0
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)


def unpack_signs(words: np.ndarray, bits: int) -> np.ndarray:
    """Inverse of :func:`pack_signs` (plain numpy): (R, W) uint64 -> (R, bits)
    float32 in {-1, +1}.

    >>> unpack_signs(np.array([[5]], np.uint64), 4)
    array([[ 1., -1.,  1., -1.]], dtype=float32)
    """
    words = np.ascontiguousarray(words, dtype="<u8")
    unpacked = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")[:, :bits]
    return np.where(unpacked == 1, np.float32(1), np.float32(-1))
