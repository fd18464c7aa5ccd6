"""numpy's SFC64 stream and its distributions, as numba scalar functions.

A chunk's random state is the 4-word state of a ``numpy.random.SFC64`` bit
generator, held in a uint64 array of length 4 and advanced in place.  The
functions below are line-by-line translations of numpy's own C code
(``numpy/random/src/distributions/distributions.c``: the ziggurat for
normals and exponentials, Marsaglia-Tsang for gammas), so for a given state
they return exactly the numbers ``numpy.random.Generator(SFC64)`` returns,
bit for bit.  Keeping the state in a plain array (rather than passing
Generator objects into numba) costs nothing per chunk and lets the CPU
kernels inline the whole draw.

Examples
--------
>>> bg = np.random.SFC64(5)
>>> state = bg.state["state"]["state"].copy()
>>> x = standard_normal(state)
>>> x == np.random.Generator(np.random.SFC64(5)).standard_normal()
True
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64, int64
from numba.np.random._constants import (
    fe_double as _FE,
    fi_double as _FI,
    ke_double as _KE,
    ki_double as _KI,
    we_double as _WE,
    wi_double as _WI,
    ziggurat_exp_r as _EXP_R,
    ziggurat_nor_inv_r as _NOR_INV_R,
    ziggurat_nor_r as _NOR_R,
)

__all__ = [
    "next_uint64",
    "next_double",
    "standard_normal",
    "standard_exponential",
    "standard_gamma",
    "standard_t",
    "uniform",
    "laplace",
]

_TWO_M53 = 1.0 / 9007199254740992.0
_MANTISSA = uint64(0x000FFFFFFFFFFFFF)


@njit(cache=True, inline="always")
def next_uint64(state):
    """One step of SFC64 (Chris Doty-Humphrey's Small Fast Chaotic PRNG)."""
    a = state[0]
    b = state[1]
    c = state[2]
    w = state[3]
    tmp = a + b + w
    state[3] = w + uint64(1)
    state[0] = b ^ (b >> uint64(11))
    state[1] = c + (c << uint64(3))
    state[2] = ((c << uint64(24)) | (c >> uint64(40))) + tmp
    return tmp


@njit(cache=True, inline="always")
def next_double(state):
    """Uniform on [0, 1): the top 53 bits of a draw times 2^-53."""
    return float(int64(next_uint64(state) >> uint64(11))) * _TWO_M53


@njit(cache=True, inline="always")
def standard_normal(state):
    """N(0, 1) by numpy's 256-layer ziggurat (about 99 % of draws take one
    uint64 and one table look-up)."""
    while True:
        r = next_uint64(state)
        idx = r & uint64(0xFF)
        r >>= uint64(8)
        rabs = (r >> uint64(1)) & _MANTISSA
        x = float(int64(rabs)) * _WI[idx]
        if r & uint64(1):
            x = -x
        if rabs < _KI[idx]:
            return x
        if idx == 0:
            while True:
                xx = -_NOR_INV_R * math.log1p(-next_double(state))
                yy = -math.log1p(-next_double(state))
                if yy + yy > xx * xx:
                    if (rabs >> uint64(8)) & uint64(1):
                        return -(_NOR_R + xx)
                    return _NOR_R + xx
        else:
            if (_FI[idx - 1] - _FI[idx]) * next_double(state) + _FI[idx] < math.exp(-0.5 * x * x):
                return x


@njit(cache=True)
def standard_exponential(state):
    """Exp(1) by numpy's 256-layer ziggurat."""
    while True:
        ri = next_uint64(state) >> uint64(3)
        idx = ri & uint64(0xFF)
        ri >>= uint64(8)
        x = float(int64(ri)) * _WE[idx]
        if ri < _KE[idx]:
            return x
        if idx == 0:
            return _EXP_R - math.log1p(-next_double(state))
        if (_FE[idx - 1] - _FE[idx]) * next_double(state) + _FE[idx] < math.exp(-x):
            return x


@njit(cache=True)
def standard_gamma(state, shape):
    """Gamma(shape, 1): Marsaglia-Tsang for shape >= 1, Johnk-style
    rejection below 1, as numpy does."""
    if shape == 1.0:
        return standard_exponential(state)
    if shape == 0.0:
        return 0.0
    if shape < 1.0:
        while True:
            u = next_double(state)
            v = standard_exponential(state)
            if u <= 1.0 - shape:
                x = u ** (1.0 / shape)
                if x <= v:
                    return x
            else:
                y = -math.log((1.0 - u) / shape)
                x = (1.0 - shape + shape * y) ** (1.0 / shape)
                if x <= v + y:
                    return x
    b = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * b)
    while True:
        while True:
            x = standard_normal(state)
            v = 1.0 + c * x
            if v > 0.0:
                break
        v = v * v * v
        u = next_double(state)
        if u < 1.0 - 0.0331 * (x * x) * (x * x):
            return b * v
        if math.log(u) < 0.5 * x * x + b * (1.0 - v + math.log(v)):
            return b * v


@njit(cache=True)
def standard_t(state, nu):
    """Student t with ``nu`` degrees of freedom: sqrt(nu/2) Z / sqrt(G),
    Z ~ N(0, 1), G ~ Gamma(nu/2)."""
    num = standard_normal(state)
    denom = standard_gamma(state, nu / 2.0)
    return math.sqrt(nu / 2.0) * num / math.sqrt(denom)


@njit(cache=True, inline="always")
def uniform(state, low, high):
    """Uniform on [low, high): low + (high - low) U."""
    return low + (high - low) * next_double(state)


@njit(cache=True, inline="always")
def laplace(state, loc, scale):
    """Laplace(loc, scale) by inversion, rejecting U = 0 as numpy does."""
    while True:
        u = next_double(state)
        if u >= 0.5:
            return loc - scale * math.log(2.0 - u - u)
        if u > 0.0:
            return loc + scale * math.log(u + u)
