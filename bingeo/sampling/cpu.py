"""The CPU Monte Carlo kernels: streaming, parallel, reproducible.

Three layers, as everywhere in bingeo: the wrappers :func:`sample_cos_cpu`
and :func:`sample_pair_cos_cpu` (validated specs in, chunks and streams
chosen, output allocated), ``prange`` kernels over a fixed number of chunks,
and scalar ``@njit`` helpers (one draw, one quantized coordinate, the
running sums of a trial: :mod:`bingeo.sampling.cpu_trials`).  The kernels
are two loops, over whole chunks or over segments of one-trial chunks,
written once and inlined into a kernel per kind of trial (sign of normals,
sign, any quantizer code, a pair); rotated sign, with its per-chunk
buffers, has a loop of its own.

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
from bingeo.sampling import sfc64, specs
from bingeo.sampling.calls import run_chunk_batches, run_segments
from bingeo.sampling.cpu_trials import (cos_of_abs_sums, cos_of_sums, pair_step, quantized_step, rotated_sign_sums,
                                        sign_normal_step, sign_step)
from bingeo.sampling.trial_math import LAPLACE, NORMAL, STUDENT_T, UNIFORM, cos_from_sums, quantizer_params
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
# The two loops: whole chunks, or segments of one-trial chunks, for a kind of
# trial given as a step and a finish (bingeo.sampling.cpu_trials).  numba
# inlines a loop into each kernel below, with that kernel's step a constant:
# a kernel per kind, cached on disk.  (A kernel taking the step as an
# argument compiles to the same code, but numba's cache never finds it
# again in another process.)
# --------------------------------------------------------------------------

@njit(inline="always")
def _chunks(step, finish, states, d, trials, per_chunk, params, out):
    """Chunk c starts from the stream state states[c] and writes trials
    [c m, (c + 1) m) of out."""
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            acc, s = step(s, 0, d, params, (0.0, 0.0, 0.0))
            out[t] = finish(acc, d)


@njit(inline="always")
def _segments(step, finish, states, sums, d, begin, count, params, out):
    """Chunk c is one trial; coordinates [begin, begin + count) continue the
    sums[c] and the state states[c] (both updated), and the last segment
    writes out[c]."""
    for c in prange(states.shape[0]):
        acc, s = step(sfc64.state_tuple(states[c]), begin, count, params, (sums[c, 0], sums[c, 1], sums[c, 2]))
        _store_state(states[c], s)
        sums[c, 0], sums[c, 1], sums[c, 2] = acc
        if begin + count == d:
            out[c] = finish(acc, d)


@njit(cache=True, parallel=True)
def _sign_normal_chunks(states, d, trials, per_chunk, params, out):
    _chunks(sign_normal_step, cos_of_abs_sums, states, d, trials, per_chunk, params, out)


@njit(cache=True, parallel=True)
def _sign_normal_segments(states, sums, d, begin, count, params, out):
    _segments(sign_normal_step, cos_of_abs_sums, states, sums, d, begin, count, params, out)


@njit(cache=True, parallel=True)
def _sign_chunks(states, d, trials, per_chunk, params, out):
    _chunks(sign_step, cos_of_abs_sums, states, d, trials, per_chunk, params, out)


@njit(cache=True, parallel=True)
def _sign_segments(states, sums, d, begin, count, params, out):
    _segments(sign_step, cos_of_abs_sums, states, sums, d, begin, count, params, out)


@njit(cache=True, parallel=True)
def _quantized_chunks(states, d, trials, per_chunk, params, out):
    _chunks(quantized_step, cos_of_sums, states, d, trials, per_chunk, params, out)


@njit(cache=True, parallel=True)
def _quantized_segments(states, sums, d, begin, count, params, out):
    _segments(quantized_step, cos_of_sums, states, sums, d, begin, count, params, out)


@njit(cache=True, parallel=True)
def _pair_chunks(states, d, trials, per_chunk, params, out):
    _chunks(pair_step, cos_of_sums, states, d, trials, per_chunk, params, out)


@njit(cache=True, parallel=True)
def _pair_segments(states, sums, d, begin, count, params, out):
    _segments(pair_step, cos_of_sums, states, sums, d, begin, count, params, out)


@njit(cache=True, parallel=True)
def _rotated_sign_chunks(states, d, trials, per_chunk, params, out):
    """Whole chunks of ``rotated-sign`` (d <= 4096, so never segments), with
    the chunk's two length-d buffers: a loop of its own, since a buffer made
    inside the other loops would slow every kind's trials by its reference
    counting."""
    dist_code, nu, scales, isotropic, rot_t = params
    for c in prange(states.shape[0]):
        s = sfc64.state_tuple(states[c])
        w = np.empty(d)
        v = np.empty(d)
        for t in range(c * per_chunk, min((c + 1) * per_chunk, trials)):
            a, sq, s = rotated_sign_sums(s, d, dist_code, nu, scales, isotropic, rot_t, w, v)
            out[t] = cos_from_sums(a, sq, float(d))


# --------------------------------------------------------------------------
# Wrappers
# --------------------------------------------------------------------------

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


def _run(kernels, params, states, d, trials, per_chunk, out):
    """``kernels = (chunks, segments)`` of a kind of trial over every chunk, in
    calls of a fraction of a second (:mod:`bingeo.sampling.calls`): batches
    of whole chunks, or, when a chunk is one trial, groups of trials a
    segment of coordinates at a time."""
    chunks_kernel, segments_kernel = kernels
    if per_chunk == 1 and segments_kernel is not None:
        group = {}

        def segment(t0, t1, begin, count):
            if begin == 0:  # a new group of trials: fresh running sums
                group["sums"] = np.zeros((t1 - t0, 3))
            segments_kernel(states[t0:t1], group["sums"], d, begin, count, params, out[t0:t1])

        run_segments(segment, n_trials=states.shape[0], d=d)
        return

    def chunks(c0, c1):
        t0, t1 = c0 * per_chunk, min(c1 * per_chunk, trials)
        chunks_kernel(states[c0:c1], d, t1 - t0, per_chunk, params, out[t0:t1])

    run_chunk_batches(chunks, n_chunks=states.shape[0], chunk_draws=per_chunk * d)


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
        _run((_rotated_sign_chunks, None), (dist_code, nu, scales, isotropic, rot_t), states, d, trials,
             per_chunk, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic and dist_code == NORMAL:
        _run((_sign_normal_chunks, _sign_normal_segments), (), states, d, trials, per_chunk, out)
    elif quantizer.kind in ("sign", "xnor") and isotropic:
        _run((_sign_chunks, _sign_segments), (dist_code, nu), states, d, trials, per_chunk, out)
    else:
        q_code, threshold_or_step, top_level = quantizer_params(quantizer, dist.sd)
        _run((_quantized_chunks, _quantized_segments), (dist_code, nu, scales, isotropic, q_code, threshold_or_step, top_level),
             states, d, trials, per_chunk, out)
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
        _run((_pair_chunks, _pair_segments), (), states, d, trials, per_chunk, out)
    return out
