"""Slow, obvious references for the xoroshiro samplers: Python integers with
explicit 64-bit masks, ``math`` for the transforms, numpy for the cosines.

Written from the published algorithms (Vigna's ``splitmix64.c`` and
``xoroshiro128plus.c``) and from the layout documented in
``bingeo.sampling.xoroshiro_layout``; it shares no code with the kernels
beyond the quantizers of ``bingeo.quantize``.
"""

from __future__ import annotations

import math

import numpy as np

from bingeo import quantize
from bingeo.sampling import specs

MASK64 = (1 << 64) - 1
LANES = 256


def rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK64


def splitmix64_output(key: int, n: int) -> int:
    z = (key + (n + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class Xoroshiro128Plus:
    """The published xoroshiro128+ (a=24, b=16, c=37) on Python ints."""

    def __init__(self, s0: int, s1: int):
        self.s0, self.s1 = s0 & MASK64, s1 & MASK64

    def next(self) -> int:
        s0, s1 = self.s0, self.s1
        result = (s0 + s1) & MASK64
        s1 ^= s0
        self.s0 = rotl(s0, 24) ^ s1 ^ ((s1 << 16) & MASK64)
        self.s1 = rotl(s1, 37)
        return result

    def uniform(self) -> float:
        return ((self.next() >> 12) + 0.5) * 2.0 ** -52


def stream(key: int, n: int) -> Xoroshiro128Plus:
    return Xoroshiro128Plus(splitmix64_output(key, 2 * n), splitmix64_output(key, 2 * n + 1))


def _pair(gen: Xoroshiro128Plus, dist) -> tuple[float, float]:
    u1, u2 = gen.uniform(), gen.uniform()
    if isinstance(dist, specs.Uniform):
        return 2 * u1 - 1, 2 * u2 - 1
    if isinstance(dist, specs.Laplace):
        inv = lambda u: math.log(2 * u) if u < 0.5 else -math.log(2 * (1 - u))  # noqa: E731
        return inv(u1), inv(u2)
    if isinstance(dist, specs.StudentT):
        u3, u4 = gen.uniform(), gen.uniform()
        nu = dist.nu
        t = lambda a, b: math.sqrt(nu * math.expm1(-2 * math.log(a) / nu)) * math.cos(2 * math.pi * b)  # noqa: E731
        return t(u1, u2), t(u3, u4)
    r = math.sqrt(-2 * math.log(u1))
    return r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)


def trial_vector(key: int, trial: int, d: int, dist) -> np.ndarray:
    """The d coordinates of one trial, lane by lane as documented."""
    w = np.full(d, np.nan)
    for lane in range(LANES):
        gen = stream(key, trial * LANES + lane)
        p = lane
        while 2 * p < d:
            c0, c1 = _pair(gen, dist)
            w[2 * p] = c0
            if 2 * p + 1 < d:
                w[2 * p + 1] = c1
            p += LANES
    assert not np.isnan(w).any()
    return w * dist.scales_for(d)


def quantized(w: np.ndarray, dist, quantizer, rotation) -> np.ndarray:
    sd = dist.sd * dist.scales_for(w.size)
    if isinstance(quantizer, specs.Sign):
        return quantize.sign(w)
    if isinstance(quantizer, specs.XnorSign):
        return quantize.xnor_sign(w)
    if isinstance(quantizer, specs.Ternary):
        return quantize.ternarize(w, quantizer.tau * sd)
    if isinstance(quantizer, specs.KBit):
        return quantize.kbit_quantize(w, quantizer.k, clip=quantizer.clip * sd)
    if isinstance(quantizer, specs.RotatedSign):
        return quantize.rotated_sign(w, rotation)
    raise AssertionError(quantizer)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(a @ a), float(b @ b)
    if na == 0 or nb == 0:  # the angle to a zero vector is undefined
        return math.nan
    return min(1.0, max(-1.0, float(a @ b) / math.sqrt(na * nb)))


def key_of(seed) -> int:
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return int(ss.generate_state(1, np.uint64)[0])


def sample_cos_xoroshiro(d, trials, *, dist="normal", quantizer="sign", seed=0) -> np.ndarray:
    dist = specs.parse_dist(dist)
    quantizer = specs.parse_quantizer(quantizer)
    rotation = quantize.haar_rotation(d, seed) if isinstance(quantizer, specs.RotatedSign) else None
    key = key_of(seed)
    out = np.empty(trials)
    for t in range(trials):
        w = trial_vector(key, t, d, dist)
        out[t] = cosine(w, quantized(w, dist, quantizer, rotation))
    return out


def sample_pair_cos_xoroshiro(d, trials, *, seed=0) -> np.ndarray:
    key = key_of(seed)
    out = np.empty(trials)
    for t in range(trials):
        u = np.full(d, np.nan)
        v = np.full(d, np.nan)
        for lane in range(LANES):
            gen = stream(key, t * LANES + lane)
            p = lane
            while 2 * p < d:
                u0, u1 = _pair(gen, specs.Normal())
                v0, v1 = _pair(gen, specs.Normal())
                u[2 * p], v[2 * p] = u0, v0
                if 2 * p + 1 < d:
                    u[2 * p + 1], v[2 * p + 1] = u1, v1
                p += LANES
        out[t] = cosine(u, v)
    return out
