"""Weight gradient of a 3x3 convolution whose inputs are +-1 (every binary
layer after the first), by table lookup (:mod:`.signed_sums`).

    dw[f, c, a, b] = sum_{n, i, j} dy[n, f, i, j] s[n, c, i + a - 1, j + b - 1],

s in {-1, +1} (0 outside the image), dy any float32.  The pixels of each row
of dy are taken four at a time, j = 4g .. 4g + 3: per group the signed
sums of the four gradients form a table for every filter f, and the group's
contribution to dw[:, c, a, b] is one lookup, at the pattern of the four
signs s[n, c, i + a - 1, 4g + b - 1 .. 4g + b + 2].  The tables hold half
of the 16 sums (:func:`.signed_sums.store_half_signed_sums`); the others
are their exact negations, looked up with a factor -1.  Neighbours outside the
image count 0: their gradient is left out of the table, which is why the
first group of a row has a second table without its first pixel (used at
b = 0) and the last group one without the row's last pixel (used at b = 2);
a short last group holds zeros past the row.

Each dw entry is one sum in a fixed order: over n, then the rows i, then
the groups g (plus zero lookups at the padded rows i = -1 and i = H), the
table entries rounded as :mod:`.signed_sums` states.  Lanes are the filters
(tables are contiguous in f), so the loops vectorize across outputs; the
three dy rows that one input row meets (a = 0, 1, 2) sit next to each other
in the tables, so one lookup block of 3F floats serves three sums.

Threads: the batch is prepared in chunks of :data:`TABLE_FLOATS` floats of
tables, one image per thread; then the 3C sums (c, b), three rows each, are
split among the threads, each running over the whole chunk for its share.
No sum is split, so the thread count changes no bit.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

from .conv2d_layout import filters_last
from .signed_sums import ENTRIES, GROUP, HALF, add_signed_rows, half_table_entry, store_half_signed_sums

__all__ = ["signed_conv2d_weight_grad", "row_sign_patterns", "table_variants", "TABLE_FLOATS"]


_WORD = 64


@njit(cache=True)
def row_sign_patterns(s, n, bits, pats):
    """``pats[c, b, i G + g]``: bit l set where ``s[n, c, i, 4g + l + b - 1]
    >= 0``, for the pixels inside the row (others clear: their table value
    is 0).

    Each row is first packed into the words ``bits`` (bit j + 1 for pixel j,
    so bit 0 is the clear left neighbour; at least ``(W + 2) // 64 + 2``
    words, so a read of four bits never leaves them), then each pattern is
    four bits of it."""
    _, channels, height, width = s.shape
    groups = pats.shape[2] // height
    mask = np.uint64(ENTRIES - 1)
    for c in range(channels):
        for i in range(height):
            row = s[n, c, i]
            bits[:] = 0
            for j in range(width):
                pos = j + 1
                bits[pos // _WORD] |= np.uint64(row[j] >= 0) << np.uint64(pos % _WORD)
            for b in range(3):
                dst = pats[c, b, i * groups:]
                for g in range(groups):
                    pos = GROUP * g + b
                    word, off = pos // _WORD, pos % _WORD
                    v = bits[word] >> np.uint64(off)
                    if off > _WORD - GROUP:
                        v |= bits[word + 1] << np.uint64(_WORD - off)
                    dst[g] = np.int64(v & mask)


@njit(cache=True)
def _row_tables(dyt, i, width, tables):
    """Fill ``tables[t, :, i + 1, :]`` (16, F) for dy row i of one image: t =
    g < G the pixel group j = 4g..4g+3; t = G the first group without pixel
    0; t = G + 1 the last group without pixel W - 1 (pixels past the row
    count 0)."""
    groups = tables.shape[0] - 2
    features = dyt.shape[1]
    zero_row = np.zeros(features, np.float32)
    for t in range(groups + 2):
        g = t if t < groups else (0 if t == groups else groups - 1)
        j0 = GROUP * g
        skip = -1 if t < groups else (0 if t == groups else width - 1)
        r0 = dyt[i * width + j0] if j0 < width and j0 != skip else zero_row
        r1 = dyt[i * width + j0 + 1] if j0 + 1 < width and j0 + 1 != skip else zero_row
        r2 = dyt[i * width + j0 + 2] if j0 + 2 < width and j0 + 2 != skip else zero_row
        r3 = dyt[i * width + j0 + 3] if j0 + 3 < width and j0 + 3 != skip else zero_row
        # a C-contiguous (16, (H+2) F) view, lanes (i+1) F + f: numba then
        # knows the unit stride and the loop vectorizes
        table = tables[t].reshape(HALF, -1)
        base = (i + 1) * features
        for f in range(features):
            store_half_signed_sums(table, base + f, r0[f], r1[f], r2[f], r3[f])


@njit(cache=True)
def table_variants(groups):
    """``t[b, g]``: the table pixel group g uses at offset b (see
    :func:`_row_tables`)."""
    t = np.empty((3, groups), np.int64)
    for b in range(3):
        for g in range(groups):
            t[b, g] = g
        if b == 0:
            t[b, 0] = groups
        if b == 2:
            t[b, groups - 1] = groups + 1
    return t


@njit(cache=True, parallel=True)
def _prepare_chunk(s, dy, n0, nb, tables, pats):
    """Tables and sign patterns of images n0..n0+nb-1, one image per thread."""
    height, width = s.shape[2], s.shape[3]
    features = dy.shape[1]
    for m in prange(nb):
        dyt = np.empty((height * width, features), np.float32)
        filters_last(dy, n0 + m, dyt)
        tables[m, :, :, 0, :] = 0.0
        tables[m, :, :, height + 1, :] = 0.0
        for i in range(height):
            _row_tables(dyt, i, width, tables[m])
        bits = np.empty((width + 2) // _WORD + 2, np.uint64)
        row_sign_patterns(s, n0 + m, bits, pats[m])


@njit(cache=True, parallel=True)
def _add_chunk(tables, pats, nb, variants, blocks, acc):
    """acc[c, b, 2 - a, :] += the lookups of the chunk's images; the 3C sums
    (c, b) of three rows each are split among ``blocks`` threads.

    The pattern of input row ii, group g, offset b serves the three dy rows
    i = ii + 1 - a at once: tables[t, pattern, ii : ii + 3, :] (padded rows,
    zero at i = -1 and i = H) is one contiguous block of 3F floats, added to
    acc[c, b] (3, F) for a = 2, 1, 0."""
    _, groups2, _, rows, features = tables.shape
    height = rows - 2
    groups = groups2 - 2
    channels = acc.shape[0]
    row_floats = rows * features
    for blk in prange(blocks):
        starts = np.empty(height * groups, np.int64)
        signs = np.empty(height * groups, np.float32)
        for m in range(nb):
            flat = tables[m].reshape(-1)
            for k in range(blk * 3 * channels // blocks, (blk + 1) * 3 * channels // blocks):
                c, b = k // 3, k % 3
                src = pats[m, c, b]
                for ii in range(height):
                    for g in range(groups):
                        h, sign = half_table_entry(src[ii * groups + g])
                        starts[ii * groups + g] = (variants[b, g] * HALF + h) * row_floats + ii * features
                        signs[ii * groups + g] = sign
                add_signed_rows(flat, starts, signs, height * groups, acc[c, b].reshape(-1))


TABLE_FLOATS = 1 << 20
"""Floats of tables held at once (4 MiB, in a shared L3 cache): the batch is
prepared in chunks of images of about this size (at CIFAR's first layers a
chunk holds 6 images, at 8x8 the whole batch).  Twice as much measured
slower on the development machine, where fresh pages are costly."""


@njit(cache=True)
def _signed_weight_grad_kernel(s, dy, blocks):
    batch, channels, height, width = s.shape
    features = dy.shape[1]
    groups = (width + GROUP - 1) // GROUP
    per_image = (groups + 2) * HALF * (height + 2) * features
    chunk = max(1, min(batch, TABLE_FLOATS // per_image))
    tables = np.empty((chunk, groups + 2, HALF, height + 2, features), np.float32)
    pats = np.empty((chunk, channels, 3, height * groups), np.int64)
    variants = table_variants(groups)
    acc = np.zeros((channels, 3, 3, features), np.float32)     # acc[c, b, 2 - a, f]
    for n0 in range(0, batch, chunk):
        nb = min(chunk, batch - n0)
        _prepare_chunk(s, dy, n0, nb, tables, pats)
        _add_chunk(tables, pats, nb, variants, blocks, acc)
    return acc


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
    blocks = max(1, min(3 * s.shape[1], get_num_threads()))
    acc = _signed_weight_grad_kernel(s, dy, blocks)           # acc[c, b, 2 - a, f]
    return np.ascontiguousarray(acc[:, :, ::-1, :].transpose(3, 0, 2, 1))
