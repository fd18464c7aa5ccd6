"""The CPU Monte Carlo kernels: streaming, parallel, reproducible.

Three layers, as everywhere in bingeo: the wrappers :func:`sample_cos_cpu`
and :func:`sample_pair_cos_cpu` (validated specs in, chunks and streams
chosen, output allocated), ``prange`` kernels over a fixed number of chunks,
and scalar ``@njit`` helpers (one draw, one quantized coordinate, the
running sums of a trial: :mod:`bingeo.sampling.cpu_trials`).

Calls: a run is cut into kernel calls of a fraction of a second
(:mod:`bingeo.sampling.calls`), batches of chunks or, when a chunk is one
long trial, segments of its coordinates, so Ctrl-C answers promptly; the
cut changes no bit of the result.

Overflow: the scales of an anisotropic law are divided by the largest, and
k-bit levels are counted in steps, so no sum overflows or underflows for any
scale or clip (the cosine is invariant to scaling w or q).

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
from bingeo.quantize_jit import kbit_step, kbit_top_level
from bingeo.sampling import sfc64, specs

from bingeo.sampling.calls import run_chunk_batches, run_segments
from bingeo.sampling.cpu_trials import (KBIT, LAPLACE, NORMAL, SIGN, STUDENT_T, TERNARY, UNIFORM, cos_from_sums,
                                        pair_sums, quantized_sums, rotated_sign_cos_one, sign_sums, sign_sums_normal)
from bingeo.seeding import chunk_count, chunk_generators, chunk_sfc64_states

__all__ = ["sample_cos_cpu", "sample_pair_cos_cpu", "chunk_trials", "CHUNK_DRAWS"]

CHUNK_DRAWS = 1 << 19
"""Target draws per chunk: starting a chunk's stream (a SeedSequence child and
its SFC64 state, about 20 microseconds of Python) then costs a few percent
of the chunk's work, and runs of a few thousand trials still spread over
the cores."""

_DIST_CODES = {"normal": NORMAL, "aniso": NORMAL, "uniform": UNIFORM, "laplace": LAPLACE, "t": STUDENT_T}


def chunk_trials(d: int) -> int:
    """Trials per chunk at dimension d: max(1, CHUNK_DRAWS // d).

    >>> chunk_trials(10), chunk_trials(10**6)
    (52428, 1)
    """
    return max(1, CHUNK_DRAWS // int(d))


@njit(cache=True)
def _store_state(words, s):
    """Write the state tuple ``s`` back into a row of 4 uint64 words."""
    words[0], words[1], words[2], words[3] = s


# --------------------------------------------------------------------------
# Whole-chunk kernels: prange over chunks, chunk c starting from the stream
# state states[c] and writing trials [c m, (c + 1) m) of out
# --------------------------------------------------------------------------

@njit(cache=True, parallel=True)
def _sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            a, q, s = sign_sums(s, d, dist_code, nu, 0.0, 0.0)
            out[t] = cos_from_sums(a, q, float(d))


@njit(cache=True, parallel=True)
def _sign_cos_normal_kernel(states, d, trials, per_chunk, out):
    # _sign_cos_kernel for normals: see sign_sums_normal for why apart
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            a, q, s = sign_sums_normal(s, d, 0.0, 0.0)
            out[t] = cos_from_sums(a, q, float(d))


@njit(cache=True, parallel=True)
def _quantized_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, q_code, p1, p2, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            wq, ww, qq, s = quantized_sums(s, 0, d, dist_code, nu, scales, isotropic, q_code, p1, p2, 0.0, 0.0, 0.0)
            out[t] = cos_from_sums(wq, ww, qq)


@njit(cache=True, parallel=True)
def _rotated_sign_cos_kernel(states, d, trials, per_chunk, dist_code, nu, scales, isotropic, rot_t, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        w = np.empty(d)
        v = np.empty(d)
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            out[t], s = rotated_sign_cos_one(s, d, dist_code, nu, scales, isotropic, rot_t, w, v)


@njit(cache=True, parallel=True)
def _pair_cos_kernel(states, d, trials, per_chunk, out):
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            uv, uu, vv, s = pair_sums(s, d, 0.0, 0.0, 0.0)
            out[t] = cos_from_sums(uv, uu, vv)


# --------------------------------------------------------------------------
# Segment kernels: chunk c is one trial; coordinates [begin, begin + count)
# continue the sums[c] and the state states[c] (both updated), and the last
# segment writes out[c]
# --------------------------------------------------------------------------

@njit(cache=True, parallel=True)
def _sign_segment_kernel(states, sums, d, begin, count, dist_code, nu, out):
    for c in prange(states.shape[0]):
        a, q, s = sign_sums(sfc64.state_tuple(states[c]), count, dist_code, nu, sums[c, 0], sums[c, 1])
        _store_state(states[c], s)
        sums[c, 0], sums[c, 1] = a, q
        if begin + count == d:
            out[c] = cos_from_sums(a, q, float(d))


@njit(cache=True, parallel=True)
def _sign_normal_segment_kernel(states, sums, d, begin, count, out):
    for c in prange(states.shape[0]):
        a, q, s = sign_sums_normal(sfc64.state_tuple(states[c]), count, sums[c, 0], sums[c, 1])
        _store_state(states[c], s)
        sums[c, 0], sums[c, 1] = a, q
        if begin + count == d:
            out[c] = cos_from_sums(a, q, float(d))


@njit(cache=True, parallel=True)
def _quantized_segment_kernel(states, sums, d, begin, count, dist_code, nu, scales, isotropic, q_code, p1, p2,
                              out):
    for c in prange(states.shape[0]):
        wq, ww, qq, s = quantized_sums(sfc64.state_tuple(states[c]), begin, begin + count, dist_code, nu, scales,
                                       isotropic, q_code, p1, p2, sums[c, 0], sums[c, 1], sums[c, 2])
        _store_state(states[c], s)
        sums[c, 0], sums[c, 1], sums[c, 2] = wq, ww, qq
        if begin + count == d:
            out[c] = cos_from_sums(wq, ww, qq)


@njit(cache=True, parallel=True)
def _pair_segment_kernel(states, sums, d, begin, count, out):
    for c in prange(states.shape[0]):
        uv, uu, vv, s = pair_sums(sfc64.state_tuple(states[c]), count, sums[c, 0], sums[c, 1], sums[c, 2])
        _store_state(states[c], s)
        sums[c, 0], sums[c, 1], sums[c, 2] = uv, uu, vv
        if begin + count == d:
            out[c] = cos_from_sums(uv, uu, vv)


# --------------------------------------------------------------------------
# Wrappers
# --------------------------------------------------------------------------

def _thresholds(quantizer, dist) -> tuple[int, float, float]:
    """Quantizer code and its two parameters in the units of the draws
    (before the per-coordinate scale): the ternary threshold; the k-bit step
    and top level (in steps)."""
    sd = dist.sd
    if quantizer.kind in ("sign", "xnor"):
        return SIGN, 0.0, 0.0
    if quantizer.kind == "ternary":
        return TERNARY, quantizer.tau * sd, 0.0
    if quantizer.kind == "kbit":
        return KBIT, kbit_step(quantizer.k, quantizer.clip * sd), kbit_top_level(quantizer.k)
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
    streams, the user's function in Python, one trial at a time (NaN where
    w or q(w) is zero, as in the kernels)."""
    for c, gen in enumerate(gens):
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            w = _draw_numpy(gen, d, dist)
            q = np.asarray(quantizer.func(w), dtype=np.float64)
            if q.shape != w.shape:
                raise ValueError(f"quantizer: the custom quantizer returned shape {q.shape} for an input of shape {w.shape}")
            out[t] = cosine(w, q) if np.any(w) and np.any(q) else math.nan


def _run_whole(kernel, args, states, d, trials, per_chunk, out):
    """``kernel(states, d, trials, per_chunk, *args, out)`` on batches of
    chunks, each call a fraction of a second (:mod:`bingeo.sampling.calls`)."""
    def call(c0, c1):
        t0, t1 = c0 * per_chunk, min(c1 * per_chunk, trials)
        kernel(states[c0:c1], d, t1 - t0, per_chunk, *args, out[t0:t1])

    run_chunk_batches(call, n_chunks=states.shape[0], chunk_draws=per_chunk * d)


def _run_segmented(kernel, args, states, d, out):
    """``kernel(states, sums, d, begin, count, *args, out)`` on groups of
    one-trial chunks, coordinate segment after segment, so that a trial of
    any length returns to Python every fraction of a second."""
    group = {}

    def call(t0, t1, begin, count):
        if begin == 0:  # a new group of trials: fresh running sums
            group["sums"] = np.zeros((t1 - t0, 3))
        kernel(states[t0:t1], group["sums"], d, begin, count, *args, out[t0:t1])

    run_segments(call, n_trials=states.shape[0], d=d)


def _run(whole_kernel, segment_kernel, args, states, d, trials, per_chunk, out):
    if per_chunk == 1 and segment_kernel is not None:
        _run_segmented(segment_kernel, args, states, d, out)
    else:
        _run_whole(whole_kernel, args, states, d, trials, per_chunk, out)


def sample_cos_cpu(d: int, trials: int, *, dist, quantizer, seed=0) -> np.ndarray:
    """cos angle(w, q(w)) for ``trials`` independent draws of w in R^d, on
    all CPU cores.

    ``dist`` and ``quantizer`` are specs from :mod:`bingeo.sampling.specs`
    and ``d``, ``trials`` validated integers (see
    :func:`bingeo.sample_cos`, which checks them).  Returns float64, shape
    (trials,); NaN for a trial whose q(w) is zero.

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
    scales = np.ones(1) if isotropic else specs.unit_scales(dist, d)
    if quantizer.kind == "custom":
        _custom_cos(chunk_generators(seed, n_chunks), d, trials, per_chunk, dist, quantizer, out)
        return out
    states = chunk_sfc64_states(seed, n_chunks)
    if quantizer.kind == "rotated-sign":
        rot_t = np.ascontiguousarray(haar_rotation(d, seed).T)
        _run_whole(_rotated_sign_cos_kernel, (dist_code, nu, scales, isotropic, rot_t), states, d, trials,
                   per_chunk, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic and dist_code == NORMAL:
        _run(_sign_cos_normal_kernel, _sign_normal_segment_kernel, (), states, d, trials, per_chunk, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic:
        _run(_sign_cos_kernel, _sign_segment_kernel, (dist_code, nu), states, d, trials, per_chunk, out)
    else:
        q_code, p1, p2 = _thresholds(quantizer, dist)
        _run(_quantized_cos_kernel, _quantized_segment_kernel,
             (dist_code, nu, scales, isotropic, q_code, p1, p2), states, d, trials, per_chunk, out)
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
        _run(_pair_cos_kernel, _pair_segment_kernel, (), states, d, trials, per_chunk, out)
    return out
