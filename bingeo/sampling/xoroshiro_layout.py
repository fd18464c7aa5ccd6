"""The stream layout of the xoroshiro samplers: which stream draws which
coordinate of which trial, and the per-coordinate math done on each draw.

The CUDA kernels (:mod:`bingeo.sampling.cuda`) and their CPU twin
(:mod:`bingeo.sampling.xoroshiro_cpu`) both follow this layout and call the
scalar ``@njit`` helpers below, so the twin reproduces the GPU draw for draw.
The codes, the quantized coordinate and the final cosine are those of every
sampler (:mod:`bingeo.sampling.trial_math`), re-exported here.

Layout
------
* ``key``: one uint64 from the user's seed,
  ``SeedSequence(seed).generate_state(1, uint64)[0]`` (:func:`stream_key`).
* Each trial ``t`` (0-based) owns ``LANES`` = 256 xoroshiro128+ streams;
  lane ``l`` of trial ``t`` is stream number ``n = t * LANES + l``, whose
  state is outputs ``2n`` and ``2n + 1`` of SplitMix64 seeded with ``key``
  (:func:`bingeo.sampling.xoroshiro.stream_state`).
* Coordinates come in pairs: pair ``p`` holds coordinates ``2p`` and
  ``2p + 1`` (the second is dropped when ``2p + 1 = d``).  Lane ``l`` draws
  pairs ``p = l, l + LANES, l + 2 LANES, ...`` while ``2p < d``, in that
  order, each pair from the next outputs of its stream (:func:`draw_pair`):
  two outputs for normal, uniform, laplace and anisotropic normal, four for
  Student t.
* ``sample_pair_cos`` draws, for each pair ``p``, first the pair of the
  vector u, then the pair of the vector v (four outputs).
* ``rotated-sign``: the d x d Haar rotation is
  ``bingeo.quantize.haar_rotation(d, seed)``, the very rotation the CPU
  backend uses for that seed.

How the lanes map onto GPU threads (a block per trial, a thread per lane or
per several lanes) changes only the order of the final summation, never a
draw.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bingeo.sampling.xoroshiro import (
    laplace_from_uniform,
    normal_from_uniforms,
    normal_pair,
    stream_state,
    student_t_from_uniforms,
    uniform_open01,
    xoroshiro128p_next,
)
from bingeo.sampling.trial_math import (KBIT, LAPLACE, NORMAL, SIGN, STUDENT_T, TERNARY, UNIFORM, cos_from_sums,
                                        quantize_scalar)
from bingeo.seeding import as_seed_sequence

__all__ = [
    "LANES",
    "DIST_NORMAL",
    "DIST_UNIFORM",
    "DIST_LAPLACE",
    "DIST_T",
    "QUANT_SIGN",
    "QUANT_TERNARY",
    "QUANT_KBIT",
    "stream_key",
    "draw_pair",
    "quantize_scalar",
    "cos_from_sums",
    "lane_pair_sums",
]

LANES = 256
"""xoroshiro128+ streams per trial."""

# The codes of bingeo.sampling.trial_math, under this layout's names.
DIST_NORMAL = NORMAL
DIST_UNIFORM = UNIFORM
DIST_LAPLACE = LAPLACE
DIST_T = STUDENT_T

QUANT_SIGN = SIGN
QUANT_TERNARY = TERNARY
QUANT_KBIT = KBIT


def stream_key(seed) -> np.uint64:
    """The 64-bit key all streams of one call derive from:
    ``SeedSequence(seed).generate_state(1, uint64)[0]`` (a SeedSequence is
    used as is, and not advanced).

    Examples
    --------
    >>> int(stream_key(0)) == int(stream_key(np.random.SeedSequence(0)))
    True
    >>> int(stream_key(0)) != int(stream_key(1))
    True
    """
    return np.uint64(as_seed_sequence(seed).generate_state(1, np.uint64)[0])


@njit(cache=True)
def draw_pair(dist_code, nu, s0, s1):
    """The two coordinates of one pair, in the standard form of the
    distribution (scales are applied by the caller), and the next state.

    ``DIST_NORMAL``: Box-Muller on outputs (x1, x2).  ``DIST_UNIFORM``:
    ``2u - 1`` on (-1, 1), one output each.  ``DIST_LAPLACE``: inverse CDF,
    one output each.  ``DIST_T``: Bailey's transform, two outputs each
    (four in all).

    Returns
    -------
    (c0, c1, s0, s1)

    Examples
    --------
    >>> from bingeo.sampling.xoroshiro import stream_state
    >>> s = stream_state(np.uint64(1), np.uint64(0))
    >>> c0, c1, s0, s1 = draw_pair(DIST_UNIFORM, 0.0, *s)
    >>> bool(-1 < c0 < 1 and -1 < c1 < 1)
    True
    """
    x1, s0, s1 = xoroshiro128p_next(s0, s1)
    x2, s0, s1 = xoroshiro128p_next(s0, s1)
    u1 = uniform_open01(x1)
    u2 = uniform_open01(x2)
    if dist_code == DIST_UNIFORM:
        return 2.0 * u1 - 1.0, 2.0 * u2 - 1.0, s0, s1
    if dist_code == DIST_LAPLACE:
        return laplace_from_uniform(u1), laplace_from_uniform(u2), s0, s1
    if dist_code == DIST_T:
        x3, s0, s1 = xoroshiro128p_next(s0, s1)
        x4, s0, s1 = xoroshiro128p_next(s0, s1)
        c0 = student_t_from_uniforms(u1, u2, nu)
        c1 = student_t_from_uniforms(uniform_open01(x3), uniform_open01(x4), nu)
        return c0, c1, s0, s1
    z0, z1 = normal_from_uniforms(u1, u2)
    return z0, z1, s0, s1


@njit(cache=True)
def lane_pair_sums(key, trial, lane, d):
    """``(sum u_i v_i, sum u_i^2, sum v_i^2)`` over the coordinates of lane
    ``lane`` of trial ``trial`` for two independent standard normal vectors
    u, v: pairs ``p = lane, lane + LANES, ...`` while ``2p < d``, each
    drawing u's two normals, then v's.

    Shared by the pair kernels of the GPU and of the CPU twin.  (The cosine
    kernels keep their lane loops inline: they index arrays, and the CUDA
    simulator cannot pass its device arrays into CPU-compiled functions.)
    """
    s0, s1 = stream_state(key, trial * LANES + lane)
    uv = 0.0
    uu = 0.0
    vv = 0.0
    p = lane
    while 2 * p < d:
        u0, u1, s0, s1 = normal_pair(s0, s1)
        v0, v1, s0, s1 = normal_pair(s0, s1)
        uv += u0 * v0
        uu += u0 * u0
        vv += v0 * v0
        if 2 * p + 1 < d:
            uv += u1 * v1
            uu += u1 * u1
            vv += v1 * v1
        p += LANES
    return uv, uu, vv
