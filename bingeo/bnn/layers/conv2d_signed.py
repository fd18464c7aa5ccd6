"""3x3 convolution whose weights are +-1: the forward pass of a binarized
layer and its input gradient, by table lookup (:mod:`.signed_sums`).

    y[n, f, i, j] = sum_{c, a, b} s[f, c, a, b] x[n, c, i + a - 1, j + b - 1],

s in {-1, +1}, x any float32 (zero outside the image).  The channels are
taken four at a time: for each group g of four channels and each pixel, the
16 signed sums of the four channel values form a table, and the group's
contribution to y[n, f] at offset (a, b) is one lookup, at the pattern of
the four signs ``s[f, 4g:4g+4, a, b]``.  Each output is summed in one fixed
order,

    y = (...((T_0[p_0,0] + T_0[p_0,1]) + ... + T_0[p_0,8]) + T_1[p_1,0] ...)

over groups g, then the nine offsets (a, b) in row-major order, whatever
the thread count or the CPU: only additions, none reassociated (no
``fastmath``).

Layout (:mod:`.conv2d_layout`): a block of images is laid one below the
other with zeros between them, so the nine offsets are nine constant shifts
of one flat pixel index q and the innermost loop runs over q, a contiguous
sweep across output pixels (the border positions it also computes are
discarded).  The images are split into blocks, the blocks among the
threads (each with one workspace for all its blocks); an output depends
only on its own image, so the blocking (which follows the thread count)
never changes a result.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

from .conv2d_layout import block_length, block_size, first_pixel, sweep_length, unpad_images
from .signed_sums import ENTRIES, GROUP, store_signed_sums

__all__ = ["conv_sign_patterns", "signed_conv2d"]

@njit(cache=True)
def _filter_patterns(s, p):
    """One filter: s (C, 3, 3), p (groups, 9)."""
    p[:] = 0
    for c in range(s.shape[0]):
        shift = c % GROUP
        for a in range(3):
            for b in range(3):
                p[c // GROUP, 3 * a + b] |= np.int64(s[c, a, b] >= 0) << shift


@njit(cache=True, parallel=True)
def conv_sign_patterns(s):
    """``p[f, g, 3a + b]``: bit l set where ``s[f, 4g + l, a, b] >= 0``
    (channels past C read as -1, their table value is 0 anyway).

    Examples
    --------
    >>> s = -np.ones((1, 5, 3, 3), np.float32); s[0, 1, 0, 2] = 1; s[0, 4, 2, 2] = 1
    >>> p = conv_sign_patterns(s)
    >>> p.shape, p[0, 0, 2], p[0, 1, 8], p[0, 0, 0]
    ((1, 2, 9), np.int64(2), np.int64(1), np.int64(0))
    """
    features, channels = s.shape[0], s.shape[1]
    p = np.empty((features, (channels + GROUP - 1) // GROUP, 9), np.int64)
    for f in prange(features):
        _filter_patterns(s[f], p[f])
    return p


@njit(cache=True)
def _build_tables(x, n0, nb, g, table):
    """``table[e, q]``: the signed sums of channels 4g..4g+3 at pixel q of
    the block's images n0..n0+nb-1 (the zeros between them stay 0)."""
    _, channels, height, width = x.shape
    wp = width + 1
    c = GROUP * g
    zero = np.float32(0.0)
    for m in range(nb):
        n = n0 + m
        for i in range(height):
            base = 1 + (1 + m * (height + 1) + i) * wp
            for j in range(width):
                v0 = x[n, c, i, j]
                v1 = x[n, c + 1, i, j] if c + 1 < channels else zero
                v2 = x[n, c + 2, i, j] if c + 2 < channels else zero
                v3 = x[n, c + 3, i, j] if c + 3 < channels else zero
                store_signed_sums(table, base + j, v0, v1, v2, v3)


@njit(cache=True, inline="always")
def _offset_rows(table, p, wp, lo):
    """The nine views ``table[p[3a+b], lo + (a-1) wp + (b-1):]`` (wp = W + 1,
    the row length), in the order of the offsets."""
    # each view starts at its own shift, so every index of the sweeps below is
    # q >= 0 and numba emits no negative-index wraparound (which stops vectorizing)
    return (table[p[0], lo - wp - 1:], table[p[1], lo - wp:], table[p[2], lo - wp + 1:],
            table[p[3], lo - 1:], table[p[4], lo:], table[p[5], lo + 1:],
            table[p[6], lo + wp - 1:], table[p[7], lo + wp:], table[p[8], lo + wp + 1:])


@njit(cache=True)
def _add_nine_lookups(table, p, wp, lo, length, out):
    """``out[q] += table[p[3a+b], lo + q + (a-1) wp + (b-1)]`` over the
    nine offsets in order, for q in 0..length-1 (wp = W + 1, the row length)."""
    t0, t1, t2, t3, t4, t5, t6, t7, t8 = _offset_rows(table, p, wp, lo)
    for q in range(length):
        acc = out[q]
        acc += t0[q]
        acc += t1[q]
        acc += t2[q]
        acc += t3[q]
        acc += t4[q]
        acc += t5[q]
        acc += t6[q]
        acc += t7[q]
        acc += t8[q]
        out[q] = acc


@njit(cache=True)
def _add_eighteen_lookups(table, p, table2, p2, wp, lo, length, out):
    """:func:`_add_nine_lookups` of (table, p), then of (table2, p2), in one
    sweep: the same additions in the same order, one load and store of
    ``out`` for eighteen."""
    t0, t1, t2, t3, t4, t5, t6, t7, t8 = _offset_rows(table, p, wp, lo)
    u0, u1, u2, u3, u4, u5, u6, u7, u8 = _offset_rows(table2, p2, wp, lo)
    for q in range(length):
        acc = out[q]
        acc += t0[q]
        acc += t1[q]
        acc += t2[q]
        acc += t3[q]
        acc += t4[q]
        acc += t5[q]
        acc += t6[q]
        acc += t7[q]
        acc += t8[q]
        acc += u0[q]
        acc += u1[q]
        acc += u2[q]
        acc += u3[q]
        acc += u4[q]
        acc += u5[q]
        acc += u6[q]
        acc += u7[q]
        acc += u8[q]
        out[q] = acc


@njit(cache=True, parallel=True)
def _signed_conv2d_kernel(x, p, features, nb_max, threads):
    batch, channels, height, width = x.shape
    groups = p.shape[1]
    wp = width + 1
    lo = first_pixel(width)
    y = np.empty((batch, features, height, width), np.float32)
    blocks = (batch + nb_max - 1) // nb_max
    workers = min(blocks, threads)
    for worker in prange(workers):
        # one workspace per thread, not per block: fresh pages are costly
        table = np.zeros((ENTRIES, block_length(nb_max, height, width)), np.float32)   # the zeros stay 0
        table2 = np.zeros((ENTRIES, block_length(nb_max, height, width) if groups > 1 else 1), np.float32)
        acc = np.empty((features, block_length(nb_max, height, width)), np.float32)
        for blk in range(worker * blocks // workers, (worker + 1) * blocks // workers):
            n0 = blk * nb_max
            nb = min(nb_max, batch - n0)
            length = sweep_length(nb, height, width)
            acc[:] = 0.0
            # two channel groups per sweep over the outputs: half the loads and stores of acc
            for g in range(0, groups - 1, 2):
                _build_tables(x, n0, nb, g, table)
                _build_tables(x, n0, nb, g + 1, table2)
                for f in range(features):
                    _add_eighteen_lookups(table, p[f, g], table2, p[f, g + 1], wp, lo, length, acc[f, lo:])
            if groups % 2:
                _build_tables(x, n0, nb, groups - 1, table)
                for f in range(features):
                    _add_nine_lookups(table, p[f, groups - 1], wp, lo, length, acc[f, lo:])
            unpad_images(acc, n0, nb, y)
    return y


def signed_conv2d(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""3x3 "same" convolution of any float32 ``x`` with +-1 weights ``s``:
    :math:`y_{nfij} = \sum_{c,a,b} s_{fcab}\, x_{n,c,i+a-1,j+b-1}`, summed in
    the fixed order of the module docstring.

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W), C-contiguous
    s : ndarray, float32, shape (F, C, 3, 3), values in {-1, +1}
        (the caller checks; an entry >= 0 counts as +1, others as -1).

    Returns
    -------
    y : ndarray, float32, shape (N, F, H, W)

    Examples
    --------
    >>> x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    >>> s = -np.ones((1, 1, 3, 3), np.float32); s[0, 0, 1, 1] = 1
    >>> signed_conv2d(x, s)[0, 0]        # x - (sum of the neighbours inside)
    array([[ -8., -13.,  -8.],
           [-15., -28., -17.],
           [ -8., -19.,  -8.]], dtype=float32)
    """
    nb = block_size(x.shape[0], x.shape[2], x.shape[3])
    return _signed_conv2d_kernel(x, conv_sign_patterns(s), s.shape[0], nb, max(1, get_num_threads()))
