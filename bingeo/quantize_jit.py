"""Scalar quantizers compiled with numba: the per-coordinate twins of
:mod:`bingeo.quantize`, called by the samplers' kernels and by the network's
elementwise kernels (:mod:`bingeo.bnn.layers.activations`).

These are the one fast implementation of sign and ternary in the package;
:func:`bingeo.quantize.sign` and :func:`bingeo.quantize.ternarize` are the
numpy versions they are tested against.  They use only the ``math`` module
and plain float arithmetic, so the CPU kernels and (compiled for the GPU)
the CUDA kernels can share them.  A NaN input is returned as it is (its
payload kept); the sign convention is sign(0) = sign(-0.0) = +1.
"""

from __future__ import annotations

import math

from numba import njit

__all__ = ["sign_scalar", "ternary_scalar", "kbit_scalar", "kbit_level", "kbit_quotient", "kbit_step", "kbit_top_level"]


@njit(cache=True)
def sign_scalar(x):
    """sign(x) in {-1.0, +1.0}: +1 for x >= 0 (also -0.0), -1 for x < 0,
    x itself for NaN.

    Examples
    --------
    >>> sign_scalar(-0.0), sign_scalar(-2.5), sign_scalar(3.0)
    (1.0, -1.0, 1.0)
    """
    # selects, not branches (see ternary_scalar): loops over it vectorize
    s = 1.0 if x >= 0.0 else -1.0
    return s if x == x else x


@njit(cache=True)
def ternary_scalar(x, threshold):
    """t(x) = sign(x) if |x| > threshold else 0 (x itself for NaN).

    Examples
    --------
    >>> ternary_scalar(0.5, 0.5), ternary_scalar(0.51, 0.5), ternary_scalar(-0.7, 0.5)
    (0.0, 1.0, -1.0)
    """
    # Selects, not branches: on random inputs a branch per comparison is
    # mispredicted often, and a sampler's loop ran at 9.3 ns per coordinate
    # with branches against 2.5 ns with selects.
    t = (1.0 if x > threshold else 0.0) - (1.0 if x < -threshold else 0.0)
    return t if x == x else x


@njit(cache=True)
def kbit_step(k, clip):
    """Step s = 2 clip / 2^k of the k-bit mid-rise quantizer on [-clip, clip],
    computed as clip / 2^(k-1) (the same number, with no overflow of 2 clip
    for a clip near the largest float).

    >>> kbit_step(2, 1.0), kbit_step(2, 1e308)
    (0.5, 5e+307)
    """
    return clip / (2.0 ** (k - 1))


@njit(cache=True)
def kbit_top_level(k):
    """The top level of the k-bit quantizer in units of its step,
    (2^k - 1) / 2: the levels are the half-integers in [-top, top].

    >>> kbit_top_level(1), kbit_top_level(2)
    (0.5, 1.5)
    """
    return 2.0 ** (k - 1) - 0.5


@njit(cache=True)
def kbit_quotient(x, step):
    """x / s for the k-bit quantizers (s = ``step``), whose floor is the cell
    holding x; a subnormal x < 0 whose quotient underflows to -0.0 gives -1,
    since x lies in cell -1.

    >>> kbit_quotient(0.3, 0.5), kbit_quotient(-5e-324, 4.0)
    (0.6, -1.0)
    """
    ratio = x / step
    if ratio == 0.0 and x < 0.0:
        # Testing the rare zero first keeps this branch predictable: testing
        # x < 0 first cost 1.5 ns per coordinate.
        ratio = -1.0
    return ratio


@njit(cache=True)
def kbit_scalar(x, step, top):
    """k-bit mid-rise uniform quantizer: q(x) = s (floor(x / s) + 1/2),
    clipped to [-top, top] with top = clip - s/2 (s = ``step``).  Levels are
    the 2^k odd multiples of s/2 in [-clip, clip]; q(0) = +s/2, NaN maps to
    NaN, +-inf to +-top.

    Examples
    --------
    >>> s = kbit_step(2, 1.0)
    >>> [kbit_scalar(x, s, 1.0 - s / 2) for x in (-2.0, -0.3, 0.0, 0.6)]
    [-0.75, -0.25, 0.25, 0.75]
    """
    if x != x:
        return math.nan
    if x >= top:
        return top
    if x <= -top:
        return -top
    v = step * (math.floor(kbit_quotient(x, step)) + 0.5)
    if v > top:
        return top
    if v < -top:
        return -top
    return v


@njit(cache=True)
def kbit_level(x, step, top_level):
    """q(x) / s for the k-bit mid-rise quantizer of step s = ``step``:
    floor(x / s) + 1/2 clipped to [-top_level, top_level]
    (``kbit_top_level(k)``), a half-integer whatever the step.

    The samplers quantize in these units: a cosine does not change when q is
    scaled, and levels of size about 1 neither overflow nor underflow when
    squared, as s (floor(x / s) + 1/2) does for a clip near 1e308 or 1e-300.
    With an infinite step (a clip times sd that overflowed) every x >= 0
    gets +1/2 and every x < 0 gets -1/2: sign(x) / 2, the limit of a huge
    clip.  NaN maps to NaN.

    Examples
    --------
    >>> [kbit_level(x, 0.5, kbit_top_level(2)) for x in (-2.0, -0.3, 0.0, 0.6)]
    [-1.5, -0.5, 0.5, 1.5]
    >>> kbit_level(-1.0, math.inf, 1.5), kbit_level(3.0, math.inf, 1.5)
    (-0.5, 0.5)
    """
    ratio = kbit_quotient(x, step)
    if ratio != ratio:  # x NaN, or x and the step both infinite
        return math.nan
    # floor(ratio) + 1/2 >= top_level exactly when ratio >= top_level - 1/2:
    # comparing first keeps math.floor (an int64 in numba) away from +-inf
    if ratio >= top_level - 0.5:
        return top_level
    if ratio < 0.5 - top_level:
        return -top_level
    return math.floor(ratio) + 0.5
