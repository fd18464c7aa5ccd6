"""Bit-packed binary dense layer: XNOR-popcount sums, and their signs.

For packed +-1 inputs ``x`` (N, K') and weights ``w`` (K', M) (layouts of
:mod:`.bits`) over ``fan_in`` = K true inputs,

    z[n, m] = sum_k a[n, k] w[k, m] = fan_in - 2 sum_k' popcount(x[n, k'] XOR w[k', m]),

an exact integer in [-fan_in, fan_in] (the float engine's ``dense_forward``
on the same +-1 values, exactly).  :func:`binary_dense_signs` then packs the
next layer's activations ``z >= threshold`` (batch norm and sign folded,
:mod:`.thresholds`) without storing z.

The kernels run ``prange`` over the images; each image's sums have a fixed
order (integers, so any order would give the same bits anyway).  The inner
loop sweeps all M units with one input word, which LLVM vectorizes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .bits import pack_at_least
from .checks import require_count, require_thresholds, require_words
from .popcount import popcount64, signed_sum, words_for

__all__ = ["binary_dense_sums", "binary_dense_signs", "binary_dense_sums_reference", "check_dense_operands"]


@njit(cache=True)
def dense_sums_row(x, w, fan_in, acc):
    """``acc[m] = fan_in - 2 sum_k popcount(x[k] ^ w[k, m])`` for one packed input row."""
    acc[:] = 0
    for k in range(x.shape[0]):
        xv = x[k]
        for m in range(w.shape[1]):
            acc[m] += popcount64(xv ^ w[k, m])
    for m in range(w.shape[1]):
        acc[m] = signed_sum(fan_in, acc[m])


@njit(cache=True, parallel=True)
def _binary_dense_sums_kernel(x, w, fan_in, out):
    for n in prange(x.shape[0]):
        acc = np.empty(w.shape[1], np.int64)
        dense_sums_row(x[n], w, fan_in, acc)
        out[n] = acc


@njit(cache=True, parallel=True)
def _binary_dense_signs_kernel(x, w, fan_in, thresholds, out):
    for n in prange(x.shape[0]):
        acc = np.empty(w.shape[1], np.int64)
        dense_sums_row(x[n], w, fan_in, acc)
        pack_at_least(acc, thresholds, out[n])


def check_dense_operands(x, w, fan_in) -> int:
    """Check packed dense operands (also for the CUDA twin); returns ``fan_in`` as an int."""
    require_words("x", x, 2)
    require_words("w", w, 2)
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"w must have {x.shape[1]} rows of words (x.shape[1]), got shape {w.shape}")
    return require_count("fan_in", fan_in, x.shape[1], "per input row", exact=False)


def binary_dense_sums(x: np.ndarray, w: np.ndarray, fan_in: int) -> np.ndarray:
    """Integer dense products of packed +-1 rows: ``z = a @ w`` exactly.

    Parameters
    ----------
    x : ndarray, uint64, (N, K')
        packed inputs (:func:`.bits.pack_signs`, or a packed feature map flattened).
    w : ndarray, uint64, (K', M)
        packed weights (:func:`.bits.pack_dense_weights`).
    fan_in : int
        true inputs per row K, 1 <= K <= 64 K' (more than ``ceil(K / 64)``
        words when a flattened feature map pads each pixel's channels).

    Returns
    -------
    z : ndarray, int32, (N, M), in [-fan_in, fan_in]

    Examples
    --------
    >>> from .bits import pack_signs, pack_dense_weights
    >>> a = np.array([[1, -1, 1]], np.float32)
    >>> w = np.array([[1, 1], [1, -1], [1, 1]], np.float32)
    >>> binary_dense_sums(pack_signs(a), pack_dense_weights(w), 3)
    array([[1, 3]], dtype=int32)
    """
    fan_in = check_dense_operands(x, w, fan_in)
    out = np.empty((x.shape[0], w.shape[1]), np.int32)
    _binary_dense_sums_kernel(x, w, fan_in, out)
    return out


def binary_dense_signs(x: np.ndarray, w: np.ndarray, fan_in: int, thresholds) -> np.ndarray:
    """The next layer's packed activations: bit m of row n is ``z[n, m] >= thresholds[m]``.

    Same arguments as :func:`binary_dense_sums`, plus ``thresholds`` (M,)
    integers (from :func:`.thresholds.sign_thresholds`); returns
    (N, ceil(M / 64)) uint64.

    >>> from .bits import pack_signs, pack_dense_weights
    >>> a = pack_signs(np.array([[1, -1, 1]], np.float32))
    >>> w = pack_dense_weights(np.array([[1, 1], [1, -1], [1, 1]], np.float32))
    >>> binary_dense_signs(a, w, 3, [2, 2])     # z = (1, 3)
    array([[2]], dtype=uint64)
    """
    fan_in = check_dense_operands(x, w, fan_in)
    thresholds = require_thresholds(thresholds, w.shape[1])
    out = np.empty((x.shape[0], words_for(w.shape[1])), np.uint64)
    _binary_dense_signs_kernel(x, w, fan_in, thresholds, out)
    return out


def binary_dense_sums_reference(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Reference of :func:`binary_dense_sums` on the unpacked +-1 values:
    ``a @ w`` in int64 (plain numpy).

    >>> binary_dense_sums_reference(np.array([[1, -1, 1]]), np.array([[1, 1], [1, -1], [1, 1]]))
    array([[1, 3]])
    """
    return np.asarray(a).astype(np.int64) @ np.asarray(w).astype(np.int64)
