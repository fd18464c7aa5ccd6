"""Sums with a +-1 factor, four terms at a time, by table lookup.

In a binary network one factor of most products is +-1: the weights in the
forward pass and in the input gradient, the activations in the weight
gradient.  A sum ``sum_k s_k v_k`` with ``s_k`` in {-1, +1} then needs no
multiplication, and four terms of it need only one addition once the 16
possible signed sums of four values are tabulated:

    table[e] = (s_0 v_0 + s_1 v_1) + (s_2 v_2 + s_3 v_3),
    s_l = +1 if bit l of e is set, else -1          (e = 0 .. 15)

(6 pair sums and 8 sums of pairs; the other 8 entries are negations, since
flipping every sign negates a sum exactly: IEEE rounding is symmetric.  A
half table of the 8 sums whose last sign is +1 therefore serves as well,
the other 8 looked up with a factor -1).  The sum over a group of four is
then ``table[pattern]`` with ``pattern`` the four
signs as bits, and a long sum is one lookup per four terms, added in a fixed
order.  Each table entry is rounded twice, the same way wherever it is
computed: products with a +-1 factor are exact, so no fused multiply-add
could change them, and nothing is reassociated.  The kernels that build the
tables vectorize across the table's lanes (pixels or filters), never along
a sum.

Sign convention (as :func:`bingeo.bnn.layers.sign_forward`): bit 1 stands
for +1, i.e. ``s >= 0``; a +-1 array holds only -1.0 and +1.0.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["GROUP", "ENTRIES", "HALF", "MAX_EXACT_INTEGER", "half_sums", "store_signed_sums",
           "store_half_signed_sums", "half_table_entry", "add_signed_rows", "is_plus_minus_one"]

GROUP = 4
"""Terms per lookup."""

ENTRIES = 1 << GROUP
"""Entries of one table: every sign pattern of a group."""

HALF = ENTRIES // 2
"""Entries of a half table: the sums whose last sign is +1 (the others are
their negations, see :func:`half_table_entry`)."""


MAX_EXACT_INTEGER = 1 << 24
"""float32 holds every integer of magnitude up to 2**24 exactly: a sum of
fewer than 2**24 products of +-1 values is exact in any order."""


@njit(cache=True, inline="always")
def half_sums(v0, v1, v2, v3):
    """The 8 signed sums whose last sign is +1, in pattern order (bit l the
    sign of v_l; entry h is pattern h + 8): ``(s0 v0 + s1 v1) + (s2 v2 + v3)``.
    The other 8 sums are their exact negations (IEEE rounding is symmetric,
    so -u - v = -(u + v) and v - u = -(u - v) bit for bit)."""
    a0, a1, a2, a3 = -v0 - v1, v0 - v1, v1 - v0, v0 + v1
    b2, b3 = v3 - v2, v2 + v3
    return a0 + b2, a1 + b2, a2 + b2, a3 + b2, a0 + b3, a1 + b3, a2 + b3, a3 + b3


@njit(cache=True, inline="always")
def store_signed_sums(table, lane, v0, v1, v2, v3):
    """``table[e, lane] = (s0 v0 + s1 v1) + (s2 v2 + s3 v3)`` for e = 0..15,
    with ``s_l = +1`` where bit l of e is set, else -1 (see the module):
    the :func:`half_sums` in rows 8..15 and their negations in rows 7..0.

    ``table`` is (16, lanes); the callers loop over ``lane``, which LLVM
    vectorizes.

    Examples
    --------
    >>> t = np.zeros((16, 1), np.float32)
    >>> store_signed_sums(t, 0, np.float32(1), np.float32(2), np.float32(4), np.float32(8))
    >>> t[0, 0], t[15, 0], t[0b0101, 0]    # -15, +15, 1 - 2 + 4 - 8
    (np.float32(-15.0), np.float32(15.0), np.float32(-5.0))
    """
    h0, h1, h2, h3, h4, h5, h6, h7 = half_sums(v0, v1, v2, v3)
    table[8, lane] = h0
    table[9, lane] = h1
    table[10, lane] = h2
    table[11, lane] = h3
    table[12, lane] = h4
    table[13, lane] = h5
    table[14, lane] = h6
    table[15, lane] = h7
    table[7, lane] = -h0
    table[6, lane] = -h1
    table[5, lane] = -h2
    table[4, lane] = -h3
    table[3, lane] = -h4
    table[2, lane] = -h5
    table[1, lane] = -h6
    table[0, lane] = -h7


@njit(cache=True, inline="always")
def store_half_signed_sums(table, lane, v0, v1, v2, v3):
    """``table[h, lane]`` = entry ``h + 8`` of :func:`store_signed_sums` (the
    :func:`half_sums`), for h = 0..7; entry e < 8 is ``-table[7 - e]``
    (:func:`half_table_entry`).

    Examples
    --------
    >>> t = np.zeros((8, 1), np.float32)
    >>> store_half_signed_sums(t, 0, np.float32(1), np.float32(2), np.float32(4), np.float32(8))
    >>> t[0, 0], t[7, 0]                    # -1 - 2 - 4 + 8 and 1 + 2 + 4 + 8
    (np.float32(1.0), np.float32(15.0))
    """
    h0, h1, h2, h3, h4, h5, h6, h7 = half_sums(v0, v1, v2, v3)
    table[0, lane] = h0
    table[1, lane] = h1
    table[2, lane] = h2
    table[3, lane] = h3
    table[4, lane] = h4
    table[5, lane] = h5
    table[6, lane] = h6
    table[7, lane] = h7


@njit(cache=True, inline="always")
def half_table_entry(pattern):
    """``(h, sign)`` with ``signed sum of pattern = sign * half[h]``.

    >>> half_table_entry(15), half_table_entry(0), half_table_entry(5)
    ((7, 1.0), (7, -1.0), (2, -1.0))
    """
    if pattern >= HALF:
        return pattern - HALF, 1.0
    return HALF - 1 - pattern, -1.0


@njit(cache=True)
def add_signed_rows(flat, starts, signs, count, acc):
    """``acc[u] += signs[k] * flat[starts[k] + u]`` for k = 0..count-1 in
    order, u = 0..len(acc)-1 (``signs`` are +-1: exact products), four k at
    a time (one store of ``acc`` per four): the lookup loop of the kernels
    whose lanes are contiguous table rows.

    Examples
    --------
    >>> acc = np.zeros(2, np.float32)
    >>> add_signed_rows(np.arange(6, dtype=np.float32), np.array([0, 4]), np.array([1, -1], np.float32), 2, acc)
    >>> acc
    array([-4., -4.], dtype=float32)
    """
    size = acc.shape[0]
    k = 0
    while k + 4 <= count:
        r0, r1, r2, r3 = flat[starts[k]:], flat[starts[k + 1]:], flat[starts[k + 2]:], flat[starts[k + 3]:]
        s0, s1, s2, s3 = signs[k], signs[k + 1], signs[k + 2], signs[k + 3]
        for u in range(size):
            acc[u] = acc[u] + s0 * r0[u] + s1 * r1[u] + s2 * r2[u] + s3 * r3[u]
        k += 4
    while k < count:
        r0 = flat[starts[k]:]
        s0 = signs[k]
        for u in range(size):
            acc[u] += s0 * r0[u]
        k += 1


@njit(cache=True)
def _count_not_plus_minus_one(flat):
    n = 0
    for i in range(flat.shape[0]):
        # one comparison per entry: this form vectorizes (NaN counts too)
        n += abs(flat[i]) != 1.0
    return n


def is_plus_minus_one(a: np.ndarray) -> bool:
    """True when every entry of the float32 array ``a`` is -1.0 or +1.0.

    Examples
    --------
    >>> is_plus_minus_one(np.array([1, -1, 1], np.float32)), is_plus_minus_one(np.array([1, 0], np.float32))
    (True, False)
    """
    flat = a.reshape(-1)
    if flat.size == 0:
        return False
    # serial: at 0.06 ns an entry (a CIFAR-sized batch of activations in
    # 0.2 ms) a parallel region would cost more than it saves, and every
    # region waits for its slowest thread when another job holds a core
    return int(_count_not_plus_minus_one(flat)) == 0
