"""xoroshiro128+ streams and the transforms of their output, as scalar numba
functions that run on the CPU and, unchanged, on a CUDA device.

Every function here is ``@njit``: a CPU kernel calls it as usual, and a
``@cuda.jit`` kernel calls it too (numba compiles the same Python source for
the CUDA target when a device kernel calls it).  So the CUDA kernels of
:mod:`bingeo.sampling.cuda` and their CPU twin in
:mod:`bingeo.sampling.xoroshiro_cpu` draw the very same numbers.

The generator state is a pair of uint64 ``(s0, s1)`` passed by value; each
draw returns the output and the new state.  Arithmetic is modulo 2^64.
Called from Python, these functions return uint64 values as Python ints:
wrap a state in ``np.uint64`` before passing it back (numba would otherwise
type a value below 2^63 as int64).

Algorithms
----------
SplitMix64 (Steele, Lea & Flood 2014; Vigna's ``splitmix64.c``)
    output n (n = 0, 1, ...) of the generator seeded with ``key`` is
    ``mix(key + (n + 1) * 0x9E3779B97F4A7C15)`` with
    ``mix(z) = z3``, ``z1 = (z ^ z >> 30) * 0xBF58476D1CE4E5B9``,
    ``z2 = (z1 ^ z1 >> 27) * 0x94D049BB133111EB``, ``z3 = z2 ^ z2 >> 31``.
xoroshiro128+ (Blackman & Vigna 2018, ``xoroshiro128plus.c``, a=24, b=16, c=37)
    output ``s0 + s1``; then ``s1 ^= s0``,
    ``s0 = rotl(s0, 24) ^ s1 ^ (s1 << 16)``, ``s1 = rotl(s1, 37)``.
Uniform on the open interval (0, 1)
    ``u = ((x >> 12) + 1/2) * 2^-52`` from the top 52 bits of an output x:
    exact in float64, symmetric (1 - u is also a possible value), never 0
    nor 1; the extremes are 2^-53 and 1 - 2^-53.
Normal (Box-Muller, both outputs used)
    ``r = sqrt(-2 log u1)``, ``z0 = r cos(2 pi u2)``, ``z1 = r sin(2 pi u2)``;
    |z| <= sqrt(106 log 2) ~ 8.57 because u1 >= 2^-53.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64, float64

__all__ = [
    "splitmix64_mix",
    "splitmix64_output",
    "stream_state",
    "xoroshiro128p_next",
    "uniform_open01",
    "normal_from_uniforms",
    "normal_pair",
    "laplace_from_uniform",
    "student_t_from_uniforms",
    "UNIFORM_MIN",
    "UNIFORM_MAX",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_ONE = np.uint64(1)
_TWO = np.uint64(2)
_SH12 = np.uint64(12)
_SH16 = np.uint64(16)
_SH27 = np.uint64(27)
_SH30 = np.uint64(30)
_SH31 = np.uint64(31)
_ROT24_L = np.uint64(24)
_ROT24_R = np.uint64(40)
_ROT37_L = np.uint64(37)
_ROT37_R = np.uint64(27)
_TWO_POW_M52 = 2.0 ** -52
_TWO_PI = 2.0 * math.pi

UNIFORM_MIN = 0.5 * 2.0 ** -52
"""Smallest value of :func:`uniform_open01`, 2^-53."""
UNIFORM_MAX = 1.0 - 0.5 * 2.0 ** -52
"""Largest value of :func:`uniform_open01`, 1 - 2^-53."""


@njit(cache=True)
def splitmix64_mix(z):
    """The SplitMix64 finalizer, a bijection of uint64.

    Examples
    --------
    >>> hex(int(splitmix64_mix(np.uint64(0x9E3779B97F4A7C15))))
    '0xe220a8397b1dcdaf'
    """
    z = uint64(z)
    z = (z ^ (z >> _SH30)) * _MIX1
    z = (z ^ (z >> _SH27)) * _MIX2
    return z ^ (z >> _SH31)


@njit(cache=True)
def splitmix64_output(key, n):
    """Output ``n`` (0-based) of SplitMix64 seeded with ``key``:
    ``mix(key + (n + 1) * 0x9E3779B97F4A7C15)`` modulo 2^64.

    Examples
    --------
    >>> hex(int(splitmix64_output(np.uint64(0), np.uint64(0))))
    '0xe220a8397b1dcdaf'
    >>> hex(int(splitmix64_output(np.uint64(0), np.uint64(1))))
    '0x6e789e6aa1b965f4'
    """
    return splitmix64_mix(uint64(key) + (uint64(n) + _ONE) * _GOLDEN)


@njit(cache=True)
def stream_state(key, stream):
    """The xoroshiro128+ state of stream number ``stream``: outputs
    ``2 * stream`` and ``2 * stream + 1`` of SplitMix64 seeded with ``key``.

    The state is never all zero (SplitMix64's finalizer is a bijection, so
    two distinct inputs never both map to 0).

    Returns
    -------
    (s0, s1) : uint64, uint64

    Examples
    --------
    >>> s0, s1 = stream_state(np.uint64(0), np.uint64(0))
    >>> hex(int(s0)), hex(int(s1))
    ('0xe220a8397b1dcdaf', '0x6e789e6aa1b965f4')
    """
    n = uint64(stream) * _TWO
    return splitmix64_output(key, n), splitmix64_output(key, n + _ONE)


@njit(cache=True)
def xoroshiro128p_next(s0, s1):
    """One step of xoroshiro128+ (a=24, b=16, c=37).

    Returns
    -------
    (x, s0, s1) : the output ``s0 + s1`` (uint64) and the next state.

    Examples
    --------
    >>> x, s0, s1 = xoroshiro128p_next(np.uint64(1), np.uint64(2))
    >>> int(x), int(s0), int(s1)
    (3, 16973827, 412316860416)
    """
    s0 = uint64(s0)
    s1 = uint64(s1)
    x = s0 + s1
    s1 = s1 ^ s0
    n0 = ((s0 << _ROT24_L) | (s0 >> _ROT24_R)) ^ s1 ^ (s1 << _SH16)
    n1 = (s1 << _ROT37_L) | (s1 >> _ROT37_R)
    return x, n0, n1


@njit(cache=True)
def uniform_open01(x):
    """A uint64 to a float64 in the open interval (0, 1):
    ``((x >> 12) + 1/2) * 2^-52``, exact.

    Examples
    --------
    >>> uniform_open01(np.uint64(0)) == 2.0 ** -53
    True
    >>> uniform_open01(np.uint64(2**64 - 1)) == 1 - 2.0 ** -53
    True
    """
    return (float64(uint64(x) >> _SH12) + 0.5) * _TWO_POW_M52


@njit(cache=True)
def normal_from_uniforms(u1, u2):
    """Box-Muller: two independent N(0, 1) from two uniforms on (0, 1),
    ``sqrt(-2 log u1) * (cos 2 pi u2, sin 2 pi u2)``.

    Examples
    --------
    >>> z0, z1 = normal_from_uniforms(math.exp(-0.5), 0.0)
    >>> round(z0, 12), round(z1, 12)
    (1.0, 0.0)
    """
    r = math.sqrt(-2.0 * math.log(u1))
    angle = _TWO_PI * u2
    return r * math.cos(angle), r * math.sin(angle)


@njit(cache=True)
def normal_pair(s0, s1):
    """Two N(0, 1) draws from the next two outputs of a stream.

    Returns
    -------
    (z0, z1, s0, s1)

    Examples
    --------
    >>> z0, z1, s0, s1 = normal_pair(*stream_state(np.uint64(7), np.uint64(0)))
    >>> bool(np.isfinite(z0) and np.isfinite(z1))
    True
    """
    x1, s0, s1 = xoroshiro128p_next(s0, s1)
    x2, s0, s1 = xoroshiro128p_next(s0, s1)
    z0, z1 = normal_from_uniforms(uniform_open01(x1), uniform_open01(x2))
    return z0, z1, s0, s1


@njit(cache=True)
def laplace_from_uniform(u):
    """Standard Laplace (density exp(-|x|)/2) by the inverse CDF:
    ``log(2u)`` for u < 1/2, ``-log(2 (1 - u))`` otherwise (both exact in
    their argument for the uniforms of :func:`uniform_open01`).

    Examples
    --------
    >>> laplace_from_uniform(0.25) == math.log(0.5)
    True
    >>> laplace_from_uniform(0.75) == -math.log(0.5)
    True
    """
    if u < 0.5:
        return math.log(2.0 * u)
    return -math.log(2.0 * (1.0 - u))


@njit(cache=True)
def student_t_from_uniforms(u1, u2, nu):
    """Student t with ``nu`` > 0 degrees of freedom from two uniforms on
    (0, 1), by Bailey's trigonometric transform (Bailey 1994, Math. Comp.
    62:779): ``sqrt(nu (u1^(-2/nu) - 1)) * cos(2 pi u2)``.

    (R cos, R sin) with R^2 = nu (u1^(-2/nu) - 1) is the spherical bivariate
    t, whose marginals are t_nu; only the cosine is used, so draws stay
    independent.  ``u1^(-2/nu) - 1`` is computed as ``expm1(-2 log(u1)/nu)``.

    Examples
    --------
    >>> round(student_t_from_uniforms(0.5 ** 0.5, 0.0, 1.0), 12)
    1.0
    """
    r2 = nu * math.expm1(-2.0 * math.log(u1) / nu)
    return math.sqrt(r2) * math.cos(_TWO_PI * u2)
