"""float64 sums over a row in eight interleaved lanes, combined in a fixed tree.

A sequential float64 sum waits for each addition before the next (about 4
cycles each); letting the compiler reassociate it (``fastmath``) makes it
fast but lets the order follow the CPU's vector width and fused
multiply-adds, so the bits change from one CPU to another.  :func:`lane_sum`
fixes the order in the source instead:

    lane l = sum of term(p) for p = l, l + 8, l + 16, ... (in order),
    total  = ((lane0 + lane1) + (lane2 + lane3)) + ((lane4 + lane5) + (lane6 + lane7)),

eight independent chains that LLVM may run side by side (in one AVX-512
register, two AVX2 ones or four SSE2 ones: the same arithmetic), products
and sums rounded separately (no ``contract``).  The result depends on the
row alone.  The terms: :func:`value` (a sum), :func:`squared_deviation`
(a sum of squares about a mean) and :func:`product` (a dot product).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["LANES", "lane_sum", "value", "squared_deviation", "product"]

LANES = 8
"""Interleaved partial sums."""


@njit(cache=True, inline="always")
def value(a, b, p, m):
    """Term ``a[p]`` (b and m unused)."""
    return np.float64(a[p])


@njit(cache=True, inline="always")
def squared_deviation(a, b, p, m):
    """Term ``(a[p] - m)**2`` (b unused)."""
    d = a[p] - m
    return d * d


@njit(cache=True, inline="always")
def product(a, b, p, m):
    """Term ``a[p] * b[p]`` in float64 (m unused)."""
    return np.float64(a[p]) * b[p]


@njit(cache=True, inline="always")
def lane_sum(term, a, b, m):
    """``sum of term(a, b, p, m) for p < len(a)`` in float64, in the order
    of the module docstring.

    Examples
    --------
    >>> x = np.arange(10, dtype=np.float32)
    >>> lane_sum(value, x, x, 0.0), lane_sum(squared_deviation, x, x, 4.5), lane_sum(product, x, x, 0.0)
    (45.0, 82.5, 285.0)
    """
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    n = a.shape[0]
    full = n - n % LANES
    for p in range(0, full, LANES):
        s0 += term(a, b, p, m)
        s1 += term(a, b, p + 1, m)
        s2 += term(a, b, p + 2, m)
        s3 += term(a, b, p + 3, m)
        s4 += term(a, b, p + 4, m)
        s5 += term(a, b, p + 5, m)
        s6 += term(a, b, p + 6, m)
        s7 += term(a, b, p + 7, m)
    # the tail: entry full + l goes to lane l, as in the loop
    rest = n - full
    if rest > 0:
        s0 += term(a, b, full, m)
    if rest > 1:
        s1 += term(a, b, full + 1, m)
    if rest > 2:
        s2 += term(a, b, full + 2, m)
    if rest > 3:
        s3 += term(a, b, full + 3, m)
    if rest > 4:
        s4 += term(a, b, full + 4, m)
    if rest > 5:
        s5 += term(a, b, full + 5, m)
    if rest > 6:
        s6 += term(a, b, full + 6, m)
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
