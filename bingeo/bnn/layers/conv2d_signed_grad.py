"""Weight gradient of a 3x3 convolution whose inputs are +-1 (every binary
layer after the first), by table lookup (:mod:`.signed_sums`).

    dw[f, c, a, b] = sum_{n, i, j} dy[n, f, i, j] s[n, c, i + a - 1, j + b - 1],

s in {-1, +1} (0 outside the image), dy any float32.  The images are taken
four at a time, n = 4k .. 4k + 3: at each pixel the signed sums of the four
images' gradients form a table for every filter f, and the group's
contribution to dw[:, c, a, b] at dy pixel (i, j) is one lookup, at the
pattern of the four signs s[4k .. 4k + 3, c, i + a - 1, j + b - 1].  A
neighbour outside the image is simply not looked up (it is outside for all
four images at once); a short last group holds zero gradients.  The tables
hold half of the 16 sums (:func:`.signed_sums.store_half_signed_sums`); the
others are their exact negations, looked up with a factor -1.

Each dw entry is one sum in a fixed order: over the image groups k, then the
input rows, then the input columns (plus zero lookups at the padded dy rows
i = -1 and i = H), the table entries rounded as :mod:`.signed_sums` states.
Lanes are the filters (tables are contiguous in f), so the loops vectorize
across outputs; the three dy rows that one input row meets (a = 0, 1, 2)
sit next to each other in the tables, so one lookup block of 3F floats
serves three sums.

Threads: the batch is prepared in chunks of about :data:`TABLE_FLOATS`
floats of tables, one image group per thread; then the C channels (nine
sums each) are split among the threads, each running over the whole chunk
for its share.  No sum is split, so the thread count changes no bit.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

from .conv2d_layout import filters_last
from .signed_sums import GROUP, HALF, add_signed_rows, half_table_entry, store_half_signed_sums

__all__ = ["signed_conv2d_weight_grad", "group_sign_patterns", "TABLE_FLOATS"]

TABLE_FLOATS = 1 << 20
"""Floats of tables held at once (4 MiB, in a shared L3 cache): the batch is
prepared in chunks of image groups of about this size (at CIFAR's first
layers a chunk holds 3 groups of four images, at 8x8 the whole batch).
Twice as much measured slower on the development machine, where fresh pages
are costly."""


@njit(cache=True)
def group_sign_patterns(s, n0, pats):
    """``pats[c, i, j]``: bit l set where ``s[n0 + l, c, i, j] >= 0`` for
    the images of the group that exist."""
    batch, channels, height, width = s.shape
    pats[:] = 0
    for lane in range(min(GROUP, batch - n0)):
        for c in range(channels):
            for i in range(height):
                src = s[n0 + lane, c, i]
                dst = pats[c, i]
                for j in range(width):
                    dst[j] |= np.int64(src[j] >= 0) << lane


@njit(cache=True)
def _group_tables(dy, n0, dyt, table):
    """``table[h, j, i + 1, :]`` (F lanes): the half table of the four
    images' gradients dy[n0 + l, :, i, j]; rows i + 1 = 0 and H + 1 stay 0.
    ``dyt`` (4, H W, F) is scratch."""
    batch, features, height, width = dy.shape
    rows = height + 2
    present = min(GROUP, batch - n0)
    for lane in range(present):
        filters_last(dy, n0 + lane, dyt[lane])
    dyt[present:] = 0.0                       # a short last group: zero gradients
    # the padded rows i = -1 and i = H; every other entry is written below
    table[:, :, 0, :] = 0.0
    table[:, :, rows - 1, :] = 0.0
    flat = table.reshape(HALF, -1)
    for i in range(height):
        for j in range(width):
            r0, r1, r2, r3 = dyt[0, i * width + j], dyt[1, i * width + j], dyt[2, i * width + j], dyt[3, i * width + j]
            base = (j * rows + i + 1) * features
            for f in range(features):
                store_half_signed_sums(flat, base + f, r0[f], r1[f], r2[f], r3[f])


@njit(cache=True, parallel=True)
def _prepare_chunk(s, dy, k0, nk, tables, pats, threads):
    """Tables and sign patterns of image groups k0..k0+nk-1, the groups
    split among the threads (one scratch array each)."""
    _, features, height, width = dy.shape
    workers = min(nk, threads)
    for worker in prange(workers):
        dyt = np.empty((GROUP, height * width, features), np.float32)
        for m in range(worker * nk // workers, (worker + 1) * nk // workers):
            _group_tables(dy, GROUP * (k0 + m), dyt, tables[m])
            group_sign_patterns(s, GROUP * (k0 + m), pats[m])


@njit(cache=True)
def _channel_lookups(pats, width, rows, features, starts, signs, counts):
    """Table offsets and signs of one channel's lookups, for the three column
    offsets b at once: the pattern at input pixel (ii, jj) is decoded once
    and serves dy column j = jj + 1 - b for each b where it is inside; the
    offsets for b go to ``starts[b, :counts[b]]`` in pixel order."""
    height = pats.shape[0]
    counts[:] = 0
    for ii in range(height):
        src = pats[ii]
        for jj in range(width):
            h, sign = half_table_entry(src[jj])
            base = ((h * width + jj + 1) * rows + ii) * features
            for b in range(3):
                if 0 <= jj + 1 - b < width:
                    k = counts[b]
                    starts[b, k] = base - b * rows * features
                    signs[b, k] = sign
                    counts[b] = k + 1


@njit(cache=True, parallel=True)
def _add_chunk(tables, pats, nk, blocks, acc):
    """acc[c, b, 2 - a, :] += the lookups of the chunk's image groups; the C
    channels (three column offsets b of three rows each) are split among
    ``blocks`` threads.

    The pattern at input pixel (ii, jj) and column offset b serves dy pixel
    j = jj + 1 - b in the three dy rows i = ii + 1 - a at once:
    tables[h, j, ii : ii + 3, :] (padded rows, zero at i = -1 and i = H) is
    one contiguous block of 3F floats, added to acc[c, b] (3, F) for
    a = 2, 1, 0."""
    _, _, width, rows, features = tables.shape
    height = rows - 2
    channels = acc.shape[0]
    for blk in prange(blocks):
        starts = np.empty((3, height * width), np.int64)
        signs = np.empty((3, height * width), np.float32)
        counts = np.empty(3, np.int64)
        for m in range(nk):
            flat = tables[m].reshape(-1)
            for c in range(blk * channels // blocks, (blk + 1) * channels // blocks):
                _channel_lookups(pats[m, c], width, rows, features, starts, signs, counts)
                for b in range(3):
                    add_signed_rows(flat, starts[b], signs[b], counts[b], acc[c, b].reshape(-1))


@njit(cache=True)
def _signed_weight_grad_kernel(s, dy, threads):
    batch, channels, height, width = s.shape
    features = dy.shape[1]
    groups = (batch + GROUP - 1) // GROUP
    per_group = HALF * width * (height + 2) * features
    chunk = max(1, min(groups, TABLE_FLOATS // per_group))
    if threads <= chunk < groups:
        chunk -= chunk % threads          # the threads prepare equal shares of a chunk
    tables = np.empty((chunk, HALF, width, height + 2, features), np.float32)
    pats = np.empty((chunk, channels, height, width), np.int64)
    acc = np.zeros((channels, 3, 3, features), np.float32)     # acc[c, b, 2 - a, f]
    for k0 in range(0, groups, chunk):
        nk = min(chunk, groups - k0)
        _prepare_chunk(s, dy, k0, nk, tables, pats, threads)
        _add_chunk(tables, pats, nk, min(channels, threads), acc)
    return acc


@njit(cache=True, parallel=True)
def _filters_first(acc, dw):
    """``dw[f, c, a, b] = acc[c, b, 2 - a, f]``."""
    for f in prange(dw.shape[0]):
        for c in range(dw.shape[1]):
            for a in range(3):
                for b in range(3):
                    dw[f, c, a, b] = acc[c, b, 2 - a, f]


def signed_conv2d_weight_grad(s: np.ndarray, dy: np.ndarray) -> np.ndarray:
    r"""Weight gradient of a 3x3 "same" convolution of +-1 inputs ``s``:
    :math:`dw_{fcab} = \sum_{n,i,j} dy_{nfij}\, s_{n,c,i+a-1,j+b-1}`, summed
    in the fixed order of the module docstring.

    Parameters
    ----------
    s : ndarray, float32, shape (N, C, H, W), values in {-1, +1}
        (the caller checks; an entry >= 0 counts as +1, others as -1).
    dy : ndarray, float32, shape (N, F, H, W)

    Returns
    -------
    dw : ndarray, float32, shape (F, C, 3, 3)

    Examples
    --------
    >>> s = np.ones((1, 1, 2, 2), np.float32)
    >>> signed_conv2d_weight_grad(s, np.ones((1, 1, 2, 2), np.float32))[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """
    acc = _signed_weight_grad_kernel(s, dy, max(1, get_num_threads()))           # acc[c, b, 2 - a, f]
    dw = np.empty((dy.shape[1], s.shape[1], 3, 3), np.float32)
    _filters_first(acc, dw)
    return dw
