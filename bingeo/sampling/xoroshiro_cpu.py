"""The CPU twin of the CUDA samplers: the same xoroshiro128+ streams, the same
layout (:mod:`bingeo.sampling.xoroshiro_layout`), drawn on the CPU.

For a given seed, :func:`sample_cos_xoroshiro` returns what
``sample_cos(..., backend="cuda")`` returns, up to the order of the final
summations (a relative difference of a few d * 2^-52).  It is how the CUDA
backend is checked without a GPU, and it runs anywhere numba runs (it never
imports ``numba.cuda``).

The kernels use ``prange`` over trials; each trial sums its lanes in lane
order, so the numbers do not depend on the number of threads.  A trial whose
q(w) is zero gets NaN (its angle is undefined), as on the other backends.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from bingeo.sampling.xoroshiro import stream_state
from bingeo.sampling.xoroshiro_layout import (
    LANES,
    cos_from_sums,
    draw_pair,
    lane_pair_sums,
    quantize_scalar,
)
from bingeo.sampling.xoroshiro_params import SamplerParams, sampler_params

__all__ = ["sample_cos_xoroshiro", "sample_pair_cos_xoroshiro"]


@njit(cache=True)
def _lane_sums(key, trial, lane, d, dist_code, nu, scales, aniso, quant_code, threshold_or_step, top_level):
    """(sum w q, sum w^2, sum q^2) over the coordinates of one lane."""
    s0, s1 = stream_state(key, trial * LANES + lane)
    wq = 0.0
    ww = 0.0
    qq = 0.0
    p = lane
    while 2 * p < d:
        c0, c1, s0, s1 = draw_pair(dist_code, nu, s0, s1)
        i = 2 * p
        scale = scales[i] if aniso else 1.0
        w = c0 * scale
        q = quantize_scalar(w, quant_code, threshold_or_step, top_level, scale)
        wq += w * q
        ww += w * w
        qq += q * q
        if i + 1 < d:
            scale = scales[i + 1] if aniso else 1.0
            w = c1 * scale
            q = quantize_scalar(w, quant_code, threshold_or_step, top_level, scale)
            wq += w * q
            ww += w * w
            qq += q * q
        p += LANES
    return wq, ww, qq


@njit(cache=True, parallel=True)
def _sample_cos_xoroshiro_kernel(key, d, trials, dist_code, nu, scales, aniso,
                                 quant_code, threshold_or_step, top_level, out):
    for t in prange(trials):
        wq = 0.0
        ww = 0.0
        qq = 0.0
        for lane in range(min(LANES, (d + 1) // 2)):
            a, b, c = _lane_sums(key, t, lane, d, dist_code, nu, scales, aniso,
                                 quant_code, threshold_or_step, top_level)
            wq += a
            ww += b
            qq += c
        out[t] = cos_from_sums(wq, ww, qq)


@njit(cache=True)
def _lane_vector(key, trial, lane, d, dist_code, nu, scales, aniso, w):
    """Write the coordinates of one lane into ``w``."""
    s0, s1 = stream_state(key, trial * LANES + lane)
    p = lane
    while 2 * p < d:
        c0, c1, s0, s1 = draw_pair(dist_code, nu, s0, s1)
        i = 2 * p
        w[i] = c0 * (scales[i] if aniso else 1.0)
        if i + 1 < d:
            w[i + 1] = c1 * (scales[i + 1] if aniso else 1.0)
        p += LANES


@njit(cache=True, parallel=True)
def _sample_rotated_sign_cos_xoroshiro_kernel(key, d, trials, dist_code, nu, scales, aniso,
                                              rotation, out):
    for t in prange(trials):
        w = np.empty(d)
        for lane in range(min(LANES, (d + 1) // 2)):
            _lane_vector(key, t, lane, d, dist_code, nu, scales, aniso, w)
        abs_sum = 0.0
        vv = 0.0
        for i in range(d):
            v = 0.0
            for j in range(d):
                v += rotation[i, j] * w[j]
            abs_sum += abs(v)
            vv += v * v
        out[t] = cos_from_sums(abs_sum, vv, float(d))


@njit(cache=True, parallel=True)
def _sample_pair_cos_xoroshiro_kernel(key, d, trials, out):
    for t in prange(trials):
        uv = 0.0
        uu = 0.0
        vv = 0.0
        for lane in range(min(LANES, (d + 1) // 2)):
            a, b, c = lane_pair_sums(key, t, lane, d)
            uv += a
            uu += b
            vv += c
        out[t] = cos_from_sums(uv, uu, vv)


def _run_cos(params: SamplerParams) -> np.ndarray:
    out = np.empty(params.trials)
    if params.trials == 0:
        return out
    if params.rotation is not None:
        _sample_rotated_sign_cos_xoroshiro_kernel(
            params.key, params.d, params.trials, params.dist_code, params.nu,
            params.scales, params.aniso, params.rotation, out)
    else:
        _sample_cos_xoroshiro_kernel(
            params.key, params.d, params.trials, params.dist_code, params.nu,
            params.scales, params.aniso, params.quant_code,
            params.threshold_or_step, params.top_level, out)
    return out


def sample_cos_xoroshiro(d, trials, *, dist="normal", quantizer="sign", seed=0) -> np.ndarray:
    """cos(w, q(w)) for ``trials`` random vectors w in R^d, drawn on the CPU
    from the xoroshiro128+ streams the CUDA backend uses.

    Parameters
    ----------
    d : int
        dimension, >= 1.
    trials : int
        number of vectors, >= 0.
    dist, quantizer
        as for :func:`bingeo.sampling.api.sample_cos` (a user quantizer
        object is not supported).
    seed : int or numpy.random.SeedSequence

    Returns
    -------
    numpy.ndarray, shape (trials,)
        ``<w, q(w)> / (|w| |q(w)|)`` (dimensionless); NaN where q(w) = 0.

    Examples
    --------
    >>> c = sample_cos_xoroshiro(1000, 4, seed=0)
    >>> c.shape, bool(np.all((0.7 < c) & (c < 0.9)))
    ((4,), True)
    >>> bool(np.all(c == sample_cos_xoroshiro(1000, 4, seed=0)))
    True
    """
    return _run_cos(sampler_params(d, trials, dist=dist, quantizer=quantizer, seed=seed))


def sample_pair_cos_xoroshiro(d, trials, *, seed=0) -> np.ndarray:
    """cos(u, v) for ``trials`` pairs of independent N(0, I_d) vectors, drawn
    on the CPU from the xoroshiro128+ streams the CUDA backend uses.

    Returns
    -------
    numpy.ndarray, shape (trials,)
        ``<u, v> / (|u| |v|)`` (dimensionless).

    Examples
    --------
    >>> c = sample_pair_cos_xoroshiro(1000, 4, seed=0)
    >>> bool(np.all(np.abs(c) < 0.25))
    True
    """
    params = sampler_params(d, trials, seed=seed)
    out = np.empty(params.trials)
    if params.trials:
        _sample_pair_cos_xoroshiro_kernel(params.key, params.d, params.trials, out)
    return out
