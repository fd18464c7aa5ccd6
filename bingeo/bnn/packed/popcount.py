"""The scalar pieces of a binary inner product, shared by the CPU and CUDA kernels.

With +-1 vectors stored as bits (bit 1 for +1, bit 0 for -1), two entries
differ exactly where ``a XOR w`` has a 1, so over ``n`` valid positions

    a . w = (n - m) - m = n - 2 m,    m = popcount(a XOR w),

an exact integer.  Positions that are not valid (zero padding of a word, or
a 3x3 neighbour outside the image) hold bit 0 in both operands, so their
XOR is 0 and they are simply left out of ``n``.

:func:`popcount64` is LLVM's ``ctpop`` through numba; LLVM lowers it to
``popcnt``, to AVX2 byte lookups or to AVX-512 ``vpopcntq`` as the CPU
allows, and vectorizes loops of it.  It runs in ``@njit`` CPU code only; the
CUDA kernels use ``cuda.popc`` (PTX ``popc``), and both call the other
helpers here.
"""

from __future__ import annotations

from numba import njit, types
from numba.extending import intrinsic

__all__ = ["WORD_BITS", "popcount64", "signed_sum", "window_bounds", "words_for"]

WORD_BITS = 64
"""Bits per packed word (uint64)."""


@intrinsic
def popcount64(typingctx, x):
    """Number of set bits of a 64-bit integer, as int64 (0..64), inside ``@njit`` code.

    Examples
    --------
    >>> from numba import njit
    >>> import numpy as np
    >>> njit(lambda v: popcount64(v))(np.uint64(0xF0F0_0000_0000_0001))
    9
    """
    if not isinstance(x, types.Integer) or x.bitwidth != 64:
        return None

    def codegen(context, builder, signature, args):
        # ctpop of an i64 is an i64 whatever the signedness; 0..64 fits int64
        return builder.ctpop(args[0])
    return types.int64(x), codegen


@njit(cache=True)
def signed_sum(valid_bits, mismatches):
    """``a . w = valid_bits - 2 * mismatches`` for +-1 vectors over
    ``valid_bits`` positions of which ``mismatches`` differ.

    >>> signed_sum(9, 2)
    5
    """
    return valid_bits - 2 * mismatches


@njit(cache=True)
def window_bounds(i, size):
    """The offsets ``a`` in 0..2 whose neighbour ``i + a - 1`` lies inside
    0..size-1 (zero "same" padding of a 3x3 window), as ``range(lo, hi)``.

    >>> window_bounds(0, 5), window_bounds(2, 5), window_bounds(4, 5), window_bounds(0, 1)
    ((1, 3), (0, 3), (0, 2), (1, 2))
    """
    lo = 1 if i == 0 else 0
    hi = 2 if i == size - 1 else 3
    return lo, hi


@njit(cache=True)
def words_for(bits):
    """uint64 words holding ``bits`` bits: ``ceil(bits / 64)``.

    >>> words_for(1), words_for(64), words_for(65)
    (1, 1, 2)
    """
    return (bits + WORD_BITS - 1) // WORD_BITS
