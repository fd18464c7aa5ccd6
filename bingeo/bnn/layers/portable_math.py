"""exp and log in float64 that give the same bits on every CPU.

The C library's ``exp`` and ``log`` (what numba's ``math.exp`` and numpy's
``np.exp`` call, or their own SIMD versions) are not correctly rounded, and
x86-64 libraries pick a variant by CPU at run time (glibc has FMA and
non-FMA builds; numpy has AVX-512 loops): the last bit can differ from one
machine to another.  These versions use only +, -, *, / (each correctly
rounded by IEEE 754; numba compiles them without fused multiply-adds) and
the exact ``math.frexp`` / ``math.ldexp``, so their result depends on the
input alone.  They are accurate to a few float64 ulps, far below the
float32 the layers return.

* exp: x = k ln2 + r with |r| <= ln2 / 2 (ln2 split in two parts, the first
  with trailing zero bits, so k ln2_hi is exact), e^r by its Taylor series
  to r^13 (the next term is below 2^-57 relative), times 2^k.
* log: x = m 2^e with sqrt(1/2) <= m < sqrt(2); log m = 2 atanh(s) with
  s = (m - 1) / (m + 1), |s| <= 0.172, by its series to s^23 (the next term
  is below 2^-60 relative), plus e ln2.
"""

from __future__ import annotations

import math

from numba import njit

__all__ = ["exp_portable", "log_portable", "LN2_HI", "LN2_LO"]

LN2_HI = 0.693147180369123816490
"""ln 2 rounded to 32 significant bits: k * LN2_HI is exact for |k| < 2**21."""

LN2_LO = 1.90821492927058770002e-10
"""ln 2 - LN2_HI."""

_INV_LN2 = 1.44269504088896338700
_EXP_MAX = 709.782712893383973096      # above: overflow to inf
_EXP_MIN = -745.133219101941108420     # below: underflow to 0
_SQRT_HALF = 0.707106781186547524401


@njit(cache=True)
def exp_portable(x):
    """e**x in float64, the same bits on every CPU (see the module).

    Examples
    --------
    >>> exp_portable(0.0), exp_portable(1.0), exp_portable(-1000.0), exp_portable(1000.0)
    (1.0, 2.7182818284590455, 0.0, inf)
    """
    x = float(x)
    if x != x:
        return x
    if x > _EXP_MAX:
        return math.inf
    if x < _EXP_MIN:
        return 0.0
    k = math.floor(x * _INV_LN2 + 0.5)
    r = (x - k * LN2_HI) - k * LN2_LO
    # Horner form of 1 + r + r^2/2! + ... + r^13/13!
    p = 1.0
    for n in range(13, 0, -1):
        p = 1.0 + p * r / n
    return math.ldexp(p, int(k))


@njit(cache=True)
def log_portable(x):
    """Natural logarithm in float64, the same bits on every CPU (see the
    module); log(0) = -inf, NaN for x < 0.

    Examples
    --------
    >>> log_portable(1.0), log_portable(math.e), log_portable(0.0), log_portable(1e-310) < -713
    (0.0, 1.0, -inf, True)
    """
    x = float(x)
    if x != x or x < 0.0:
        return math.nan
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return x
    m, e = math.frexp(x)               # x = m 2^e, 0.5 <= m < 1, exact
    if m < _SQRT_HALF:
        m *= 2.0
        e -= 1
    f = m - 1.0                        # exact (Sterbenz)
    s = f / (2.0 + f)
    z = s * s
    # Horner form of 1 + z/3 + z^2/5 + ... + z^11/23
    q = 1.0 / 23.0
    for n in range(21, 0, -2):
        q = 1.0 / n + z * q
    return e * LN2_HI + (e * LN2_LO + 2.0 * s * q)
