"""A float32 matrix product with one fixed summation order, on all cores.

    c[i, j] = sum_k a[i, k] b[k, j],   summed k = 0, 1, ..., K-1 in order,

each product rounded to float32, then added (numba without ``fastmath``:
LLVM neither fuses a product into the sum nor reorders it).  The rows of c
are split among the threads (``prange``) and the columns j are the vector
lanes, so every c[i, j] is one sequential sum in one thread: the same bits
for every thread count and on every x86-64 CPU, unlike a BLAS ``sgemm``,
whose blocking and fused multiply-adds depend on the CPU and on its thread
count.  The dense layer's three products (forward, input and weight
gradients) are this function.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["matmul_rows", "add_row_products"]


@njit(cache=True)
def add_row_products(arow, b, out):
    """``out[j] += sum_k arow[k] b[k, j]`` in order of k, four k at a time
    (one store of ``out`` per four)."""
    inner = b.shape[0]
    cols = out.shape[0]
    k = 0
    while k + 4 <= inner:
        a0, a1, a2, a3 = arow[k], arow[k + 1], arow[k + 2], arow[k + 3]
        b0, b1, b2, b3 = b[k], b[k + 1], b[k + 2], b[k + 3]
        for j in range(cols):
            out[j] = out[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j]
        k += 4
    while k < inner:
        a0 = arow[k]
        b0 = b[k]
        for j in range(cols):
            out[j] += a0 * b0[j]
        k += 1


@njit(cache=True, parallel=True)
def _matmul_rows_kernel(a, b):
    rows = a.shape[0]
    out = np.zeros((rows, b.shape[1]), np.float32)
    for i in prange(rows):
        add_row_products(a[i], b, out[i])
    return out


def matmul_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""``a @ b`` for float32 C-contiguous (R, K) and (K, M) arrays,
    :math:`c_{ij} = \sum_k a_{ik} b_{kj}` summed in order of k.

    Examples
    --------
    >>> a = np.array([[1, 2], [3, 4]], np.float32)
    >>> matmul_rows(a, np.eye(2, dtype=np.float32)) is not a, matmul_rows(a, a)
    (True, array([[ 7., 10.],
           [15., 22.]], dtype=float32))
    """
    return _matmul_rows_kernel(a, b)
