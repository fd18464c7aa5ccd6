"""A matrix product whose left factor is +-1, by table lookup
(:mod:`.signed_sums`): the dense layer's gradients in a binary network.

    out[r, :] = sum_k s[r, k] v[k, :],   s in {-1, +1},

The rows of v are taken four at a time, k = 4g .. 4g + 3: per group the
signed sums of the four rows form a half table (8 rows of L floats; the
other 8 sums are their negations), and group g adds to out[r] the table row
that the four signs s[r, 4g:4g+4] select, times +-1.  Each out[r, j] is one
sum over the groups in order.  The tables are built first, one group per
thread; then the rows r are split among the threads, with the columns j as
vector lanes.  No sum is split, nothing is reassociated, so the result is
the same bits for every thread count and on every x86-64 CPU.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .signed_sums import GROUP, HALF, add_signed_rows, half_table_entry, store_half_signed_sums

__all__ = ["signed_matmul"]


@njit(cache=True, parallel=True)
def _group_tables(v, tables):
    """``tables[g]`` (8, L): the half table of rows 4g..4g+3 of v (rows past
    K count 0)."""
    inner, lanes = v.shape
    zero = np.zeros(lanes, np.float32)
    for g in prange(tables.shape[0]):
        k = GROUP * g
        r0 = v[k]
        r1 = v[k + 1] if k + 1 < inner else zero
        r2 = v[k + 2] if k + 2 < inner else zero
        r3 = v[k + 3] if k + 3 < inner else zero
        table = tables[g]
        for j in range(lanes):
            store_half_signed_sums(table, j, r0[j], r1[j], r2[j], r3[j])


@njit(cache=True)
def _row_lookups(srow, lanes, starts, signs):
    """Table rows and signs of one row of s (bit l of group g's pattern set
    where s[r, 4g + l] >= 0; entries past K read as -1, their rows are 0)."""
    inner = srow.shape[0]
    for g in range(starts.shape[0]):
        pattern = 0
        for lane in range(GROUP):
            k = GROUP * g + lane
            if k < inner and srow[k] >= 0:
                pattern |= 1 << lane
        h, sign = half_table_entry(pattern)
        starts[g] = (g * HALF + h) * lanes
        signs[g] = sign


@njit(cache=True, parallel=True)
def _signed_matmul_kernel(s, v, blocks):
    rows, inner = s.shape
    lanes = v.shape[1]
    groups = (inner + GROUP - 1) // GROUP
    tables = np.empty((groups, HALF, lanes), np.float32)
    _group_tables(v, tables)
    flat = tables.reshape(-1)
    out = np.zeros((rows, lanes), np.float32)
    for blk in prange(blocks):
        starts = np.empty(groups, np.int64)
        signs = np.empty(groups, np.float32)
        for r in range(blk * rows // blocks, (blk + 1) * rows // blocks):
            _row_lookups(s[r], lanes, starts, signs)
            add_signed_rows(flat, starts, signs, groups, out[r])
    return out


def signed_matmul(s: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""``s @ v`` for a +-1 float32 (R, K) ``s`` and any float32 (K, L)
    ``v``, both C-contiguous: :math:`o_{rj} = \sum_k s_{rk} v_{kj}`, summed
    four terms at a time in order of k (module docstring).

    The caller checks that ``s`` holds only -1 and +1 (an entry >= 0 counts
    as +1, others as -1).

    Examples
    --------
    >>> s = np.array([[1, -1, 1, 1, -1]], np.float32)
    >>> signed_matmul(s, np.arange(10, dtype=np.float32).reshape(5, 2))
    array([[0., 1.]], dtype=float32)
    """
    from numba import get_num_threads

    blocks = max(1, min(s.shape[0], get_num_threads()))
    return _signed_matmul_kernel(s, v, blocks)
