"""Slow, obvious references for the samplers, quantizers and geometry.

Same names as the fast functions; plain numpy and Python loops, no numba.
The samplers here draw from the same per-chunk numpy Generators as the fast
kernels (``bingeo.seeding.chunk_generators``, chunk size
``bingeo.sampling.cpu.chunk_trials(d)``), one whole vector at a time, so the
fast and the slow versions see the same numbers.
"""

from __future__ import annotations

import math

import numpy as np

from bingeo.sampling.cpu import chunk_trials
from bingeo.sampling.specs import parse_dist, parse_quantizer
from bingeo.seeding import auxiliary_generator, chunk_count, chunk_generators


def sign(x):
    """+1.0 for x >= 0 (also -0.0), -1.0 for x < 0, NaN for NaN, by a loop."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    for i, v in np.ndenumerate(x):
        out[i] = 1.0 if v >= 0 else (-1.0 if v < 0 else math.nan)
    return out


def ternarize(x, threshold):
    x = np.asarray(x, dtype=np.float64)
    thr = np.broadcast_to(np.asarray(threshold, dtype=np.float64), x.shape)
    out = np.empty_like(x)
    for i, v in np.ndenumerate(x):
        if math.isnan(v):
            out[i] = math.nan
        elif abs(v) > thr[i]:
            out[i] = 1.0 if v > 0 else -1.0
        else:
            out[i] = 0.0
    return out


def kbit_quantize(x, k, clip=1.0):
    """Nearest of the 2^k levels (2j + 1 - 2^k) s / 2, s = 2 clip / 2^k, with
    ties going up (the mid-rise rule floor(x/s) + 1/2), by a search over
    the levels."""
    x = np.asarray(x, dtype=np.float64)
    clip = np.broadcast_to(np.asarray(clip, dtype=np.float64), x.shape)
    out = np.empty_like(x)
    n = 2 ** int(k)
    for i, v in np.ndenumerate(x):
        s = clip[i] / (n // 2)  # 2 clip / n, without overflowing 2 clip
        levels = [(2 * j + 1 - n) * (s / 2.0) for j in range(n)]
        if math.isnan(v):
            out[i] = math.nan
            continue
        best = levels[0]
        for level in levels:
            # the cell of a level is [level - s/2, level + s/2)
            if v >= level - s / 2.0:
                best = level
        out[i] = best
    return out


def cosine(a, b):
    """a.b / (|a| |b|) row by row with Python sums, each row first divided
    by its largest |entry|; 0 for a zero row."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = np.atleast_2d(np.asarray(b, dtype=np.float64))
    out = []
    for ra, rb in zip(a, b):
        ra = ra / (max(abs(ra)) or 1.0)
        rb = rb / (max(abs(rb)) or 1.0)
        ab = sum(float(x) * float(y) for x, y in zip(ra, rb))
        aa = sum(float(x) * float(x) for x in ra)
        bb = sum(float(y) * float(y) for y in rb)
        out.append(0.0 if aa == 0 or bb == 0 else max(-1.0, min(1.0, ab / math.sqrt(aa * bb))))
    return np.array(out)


def _draw(gen, d, dist):
    if dist.kind in ("normal", "aniso"):
        x = gen.standard_normal(d)
    elif dist.kind == "uniform":
        x = gen.uniform(-1.0, 1.0, d)
    elif dist.kind == "laplace":
        x = gen.laplace(0.0, 1.0, d)
    else:
        x = gen.standard_t(dist.nu, d)
    return x * dist.scales_for(d)


def _quantize(w, quantizer, dist, rotation):
    d = w.shape[0]
    scale = dist.sd * dist.scales_for(d)
    if quantizer.kind == "sign":
        return sign(w)
    if quantizer.kind == "xnor":
        return np.mean(np.abs(w)) * sign(w)
    if quantizer.kind == "ternary":
        return ternarize(w, quantizer.tau * scale)
    if quantizer.kind == "kbit":
        return kbit_quantize(w, quantizer.k, quantizer.clip * scale)
    if quantizer.kind == "rotated-sign":
        return rotation.T @ sign(rotation @ w)
    return np.asarray(quantizer.func(w), dtype=np.float64)


def haar_rotation(d, seed):
    """QR of a Gaussian matrix from the same auxiliary stream, with the sign
    fix written out column by column."""
    g = auxiliary_generator(seed).standard_normal((d, d))
    q, r = np.linalg.qr(g)
    for j in range(d):
        if r[j, j] < 0:
            q[:, j] = -q[:, j]
    return q


def sample_cos(d, trials, *, quantizer="sign", dist="normal", seed=0):
    """cos(w, q(w)) trial by trial, each w drawn whole from its chunk's
    Generator; NaN where q(w) = 0."""
    dist = parse_dist(dist)
    quantizer = parse_quantizer(quantizer)
    per_chunk = chunk_trials(d)
    gens = chunk_generators(seed, chunk_count(trials, per_chunk))
    rotation = haar_rotation(d, seed) if quantizer.kind == "rotated-sign" else None
    out = np.empty(trials)
    for t in range(trials):
        w = _draw(gens[t // per_chunk], d, dist)
        q = _quantize(w, quantizer, dist, rotation)
        # the angle to a zero vector is undefined: NaN, as the samplers give
        out[t] = cosine(w, q)[0] if np.any(w) and np.any(q) else math.nan
    return out


def sample_pair_cos(d, trials, *, seed=0):
    """cos(u, v), the 2d draws of a trial interleaved u_1, v_1, u_2, ..."""
    per_chunk = chunk_trials(d)
    gens = chunk_generators(seed, chunk_count(trials, per_chunk))
    out = np.empty(trials)
    for t in range(trials):
        x = gens[t // per_chunk].standard_normal(2 * d).reshape(d, 2)
        out[t] = cosine(x[:, 0], x[:, 1])[0]
    return out
