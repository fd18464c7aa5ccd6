"""The CPU Monte Carlo kernels: streaming, parallel, reproducible.

Three layers, as everywhere in bingeo: the wrappers :func:`sample_cos_cpu`
and :func:`sample_pair_cos_cpu` (validated specs in, chunks and streams
chosen, output allocated), ``prange`` kernels over a fixed number of chunks,
and scalar ``@njit`` helpers (one draw, one quantized coordinate).

Streaming: a trial draws its d coordinates one at a time and folds them into
running sums (w.q, w.w, q.q), so memory is O(trials), never O(trials x d);
only ``rotated-sign`` keeps two length-d buffers per chunk and the d x d
rotation.

Reproducibility: chunk ``c`` holds trials ``[c*m, (c+1)*m)`` with
m = :func:`chunk_trials` (a function of d only) and draws from its own
``numpy.random.Generator`` on the SFC64 bit generator
(``bingeo.seeding.chunk_generators``); the kernels run that very stream from
its 4-word state, held in registers, with numpy's own algorithms translated
to numba (:mod:`bingeo.sampling.sfc64`: the ziggurat for normals), bit for
bit.  The numbers are the same whatever ``NUMBA_NUM_THREADS``, and the first
trials of a longer run equal a shorter run with the same seed and d.

Coordinate c of trial t is the c-th draw of the trial from the chunk's
stream, in the standard form of the distribution times its scale; a pair
trial draws u_1, v_1, u_2, v_2, ... in turn.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from bingeo.geometry import cosine
from bingeo.quantize import haar_rotation
from bingeo.quantize_jit import kbit_scalar, kbit_step, sign_scalar, ternary_scalar
from bingeo.sampling import sfc64, specs
from bingeo.seeding import chunk_count, chunk_generators, chunk_sfc64_states

__all__ = ["sample_cos_cpu", "sample_pair_cos_cpu", "chunk_trials", "CHUNK_DRAWS"]

CHUNK_DRAWS = 1 << 19
"""Target draws per chunk: starting a chunk's stream (a SeedSequence child and
its SFC64 state, about 20 microseconds of Python) then costs a few percent
of the chunk's work, and runs of a few thousand trials still spread over
the cores."""

_NORMAL, _UNIFORM, _LAPLACE, _STUDENT_T = 0, 1, 2, 3
_SIGN, _TERNARY, _KBIT = 0, 1, 2
_DIST_CODES = {"normal": _NORMAL, "aniso": _NORMAL, "uniform": _UNIFORM, "laplace": _LAPLACE, "t": _STUDENT_T}


def chunk_trials(d: int) -> int:
    """Trials per chunk at dimension d: max(1, CHUNK_DRAWS // d).

    >>> chunk_trials(10), chunk_trials(10**6)
    (52428, 1)
    """
    return max(1, CHUNK_DRAWS // int(d))


# --------------------------------------------------------------------------
# Scalar helpers
# --------------------------------------------------------------------------

@njit(cache=True, inline="always")
def _draw(s, dist_code, nu):
    """One coordinate in the standard form of the distribution from the
    stream state ``s``: (x, new state)."""
    if dist_code == _NORMAL:
        return sfc64.standard_normal(s)
    if dist_code == _UNIFORM:
        return sfc64.uniform(s, -1.0, 1.0)
    if dist_code == _LAPLACE:
        return sfc64.laplace(s, 0.0, 1.0)
    return sfc64.standard_t(s, nu)


@njit(cache=True, inline="always")
def _abs_draw(s, dist_code, nu):
    """|x| of the draw :func:`_draw` would make (normals skip the sign)."""
    if dist_code == _NORMAL:
        return sfc64.abs_standard_normal(s)
    x, s = _draw(s, dist_code, nu)
    return abs(x), s


@njit(cache=True)
def _cos_from_sums(wq, ww, qq):
    """cos = w.q / sqrt(w.w q.q), 0 when either vector is zero, clipped to
    [-1, 1] (rounding can pass 1 by an ulp)."""
    if ww > 0.0 and qq > 0.0:
        c = wq / math.sqrt(ww * qq)
        return min(1.0, max(-1.0, c))
    return 0.0


@njit(cache=True)
def _sign_cos_one(s, d, dist_code, nu):
    """cos(w, sign w) = sum |w_i| / sqrt(d sum w_i^2) for one trial of iid
    coordinates: (cos, new state).  For normals use
    :func:`_sign_cos_one_normal`."""
    a = 0.0
    q = 0.0
    for _ in range(d):
        x, s = _abs_draw(s, dist_code, nu)
        a += x
        q += x * x
    return _cos_from_sums(a, q, float(d)), s


@njit(cache=True)
def _sign_cos_one_normal(s, d):
    """:func:`_sign_cos_one` for standard normal coordinates, the same draws.

    A function of its own, so that a run with normals compiles none of the
    other laws (their draws make the generic function's compilation twice as
    long), and so that its loop carries no call to log or exp: around calls
    the compiler keeps the running sums in memory (2.17 against 1.78 ns per
    normal on one core)."""
    a = 0.0
    q = 0.0
    for _ in range(d):
        x, s = sfc64.abs_standard_normal(s)
        a += x
        q += x * x
    return _cos_from_sums(a, q, float(d)), s


@njit(cache=True)
def _quantized_cos_one(s, d, dist_code, nu, scales, isotropic, q_code, p1, p2):
    """cos(w, q(w)) for one trial, w_i = scale_i x draw: (cos, new state).
    The quantizer's thresholds p1, p2 (already in units of the coordinate
    sd) scale with scale_i."""
    wq = 0.0
    ww = 0.0
    qq = 0.0
    for i in range(d):
        scale = 1.0 if isotropic else scales[i]
        x, s = _draw(s, dist_code, nu)
        w = scale * x
        if q_code == _SIGN:
            q = sign_scalar(w)
        elif q_code == _TERNARY:
            q = ternary_scalar(w, p1 * scale)
        else:
            q = kbit_scalar(w, p1 * scale, p2 * scale)
        wq += w * q
        ww += w * w
        qq += q * q
    return _cos_from_sums(wq, ww, qq), s


@njit(cache=True)
def _pair_cos_one(s, d):
    """cos(u, v) for two independent standard normal vectors, drawn
    interleaved u_1, v_1, u_2, v_2, ...: (cos, new state)."""
    uv = 0.0
    uu = 0.0
    vv = 0.0
    for _ in range(d):
        u, s = sfc64.standard_normal(s)
        v, s = sfc64.standard_normal(s)
        uv += u * v
        uu += u * u
        vv += v * v
    return _cos_from_sums(uv, uu, vv), s


# --------------------------------------------------------------------------
# Kernels: prange over chunks, chunk c starting from the stream state
# states[c]
# --------------------------------------------------------------------------

@njit(cache=True, parallel=True)
def _sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        start = c * per_chunk
        stop = min(start + per_chunk, trials)
        for t in range(start, stop):
            cos, s = _sign_cos_one(s, d, dist_code, nu)
            out[t] = cos


@njit(cache=True, parallel=True)
def _sign_cos_normal_kernel(states, d, trials, per_chunk, out):
    # _sign_cos_kernel for normals: see _sign_cos_one_normal for why apart
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        start = c * per_chunk
        stop = min(start + per_chunk, trials)
        for t in range(start, stop):
            cos, s = _sign_cos_one_normal(s, d)
            out[t] = cos


@njit(cache=True, parallel=True)
def _quantized_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, q_code, p1, p2, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        start = c * per_chunk
        stop = min(start + per_chunk, trials)
        for t in range(start, stop):
            cos, s = _quantized_cos_one(s, d, dist_code, nu, scales, isotropic, q_code, p1, p2)
            out[t] = cos


@njit(cache=True)
def _rotated_sign_cos_one(s, d, dist_code, nu, scales, isotropic, rot_t, w, v):
    """cos(w, R^T sign(R w)) = sum |v_i| / sqrt(d sum v_i^2) with v = R w
    (R orthogonal: w.q = v.sign(v), |q| = sqrt(d)): (cos, new state).
    rot_t = R^T, so row j of rot_t is column j of R and v accumulates column
    by column; w and v are the chunk's length-d buffers."""
    for i in range(d):
        x, s = _draw(s, dist_code, nu)
        w[i] = (1.0 if isotropic else scales[i]) * x
    v[:] = 0.0
    for j in range(d):
        wj = w[j]
        for i in range(d):
            v[i] += rot_t[j, i] * wj
    a = 0.0
    sq = 0.0
    for i in range(d):
        a += abs(v[i])
        sq += v[i] * v[i]
    return _cos_from_sums(a, sq, float(d)), s


@njit(cache=True, parallel=True)
def _rotated_sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, rot_t, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        w = np.empty(d)
        v = np.empty(d)
        start = c * per_chunk
        stop = min(start + per_chunk, trials)
        for t in range(start, stop):
            cos, s = _rotated_sign_cos_one(s, d, dist_code, nu, scales, isotropic, rot_t, w, v)
            out[t] = cos


@njit(cache=True, parallel=True)
def _pair_cos_kernel(states, d, trials, per_chunk, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        start = c * per_chunk
        stop = min(start + per_chunk, trials)
        for t in range(start, stop):
            cos, s = _pair_cos_one(s, d)
            out[t] = cos


# --------------------------------------------------------------------------
# Wrappers
# --------------------------------------------------------------------------

def _thresholds(quantizer, dist) -> tuple[int, float, float]:
    """Quantizer code and its two parameters in the units of the draws
    (before the per-coordinate scale)."""
    sd = dist.sd
    if quantizer.kind in ("sign", "xnor"):
        return _SIGN, 0.0, 0.0
    if quantizer.kind == "ternary":
        return _TERNARY, quantizer.tau * sd, 0.0
    if quantizer.kind == "kbit":
        clip = quantizer.clip * sd
        step = kbit_step(quantizer.k, clip)
        return _KBIT, step, clip - step / 2.0
    raise ValueError(f"quantizer: {quantizer.label!r} has no CPU kernel")  # pragma: no cover


def _draw_numpy(gen, d, dist):
    """d coordinates from a Generator with numpy, in the kernel's order."""
    kind = dist.kind
    if kind in ("normal", "aniso"):
        x = gen.standard_normal(d)
    elif kind == "uniform":
        x = gen.uniform(-1.0, 1.0, d)
    elif kind == "laplace":
        x = gen.laplace(0.0, 1.0, d)
    else:
        x = gen.standard_t(dist.nu, d)
    return x if dist.kind != "aniso" else x * dist.scales_for(d)


def _custom_cos(gens, d, trials, per_chunk, dist, quantizer, out):
    """The slow path for a user quantizer: numpy draws from the same
    streams, the user's function in Python, one trial at a time."""
    for c, gen in enumerate(gens):
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            w = _draw_numpy(gen, d, dist)
            q = np.asarray(quantizer.func(w), dtype=np.float64)
            if q.shape != w.shape:
                raise ValueError(f"quantizer: the custom quantizer returned shape {q.shape} for an input of shape {w.shape}")
            out[t] = cosine(w, q)


def sample_cos_cpu(d: int, trials: int, *, dist, quantizer, seed=0) -> np.ndarray:
    """cos angle(w, q(w)) for ``trials`` independent draws of w in R^d, on
    all CPU cores.

    ``dist`` and ``quantizer`` are specs from :mod:`bingeo.sampling.specs`
    and ``d``, ``trials`` validated integers (see
    :func:`bingeo.sample_cos`, which checks them).  Returns float64, shape
    (trials,).

    Examples
    --------
    >>> c = sample_cos_cpu(1, 3, dist=specs.Normal(), quantizer=specs.Sign(), seed=0)
    >>> c.tolist()
    [1.0, 1.0, 1.0]
    """
    per_chunk = chunk_trials(d)
    n_chunks = chunk_count(trials, per_chunk)
    out = np.empty(trials, dtype=np.float64)
    if trials == 0:
        return out
    dist_code = _DIST_CODES[dist.kind]
    nu = float(getattr(dist, "nu", 0.0))
    isotropic = dist.kind != "aniso"
    scales = np.ones(1) if isotropic else np.ascontiguousarray(dist.scales_for(d), dtype=np.float64)
    if quantizer.kind == "custom":
        _custom_cos(chunk_generators(seed, n_chunks), d, trials, per_chunk, dist, quantizer, out)
        return out
    states = chunk_sfc64_states(seed, n_chunks)
    if quantizer.kind == "rotated-sign":
        rot_t = np.ascontiguousarray(haar_rotation(d, seed).T)
        _rotated_sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, rot_t, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic and dist_code == _NORMAL:
        _sign_cos_normal_kernel(states, d, trials, per_chunk, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic:
        _sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, out)
    else:
        q_code, p1, p2 = _thresholds(quantizer, dist)
        _quantized_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, q_code, p1, p2, out)
    return out


def sample_pair_cos_cpu(d: int, trials: int, *, seed=0) -> np.ndarray:
    """cos angle(u, v) for ``trials`` pairs of independent standard normal
    vectors in R^d, on all CPU cores.  Returns float64, shape (trials,).

    Examples
    --------
    >>> c = sample_pair_cos_cpu(1000, 500, seed=0)
    >>> c.shape, bool(abs(c.mean()) < 0.01)
    ((500,), True)
    """
    per_chunk = chunk_trials(d)
    out = np.empty(trials, dtype=np.float64)
    if trials:
        states = chunk_sfc64_states(seed, chunk_count(trials, per_chunk))
        _pair_cos_kernel(states, d, trials, per_chunk, out)
    return out
