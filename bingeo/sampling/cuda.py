"""The CUDA Monte Carlo kernels (numba-cuda) and their wrappers.

This module is imported only when the CUDA backend is asked for
(``backend="cuda"``, or ``"auto"`` on a machine with a GPU).

The uint64 casts of the stream states after each call are no-ops on the
GPU; under the CUDA simulator they keep the states typed uint64 between the
(CPU-compiled) helper calls.

Design
------
One block per trial (grid-stride over trials when trials exceed the grid;
launches of about ``LAUNCH_WORK`` draws each, so the host, and Ctrl-C, get
control between them),
``threads_per_block`` threads per block (a power of two, at most 256).  A
trial's d coordinates are drawn by its ``LANES`` = 256 xoroshiro128+ streams
exactly as :mod:`bingeo.sampling.xoroshiro_layout` lays them out; thread
``j`` of the block runs lanes ``j, j + threads_per_block, ...``.  Each thread
folds its coordinates into running sums (w.q, w.w, q.q), the block adds them
up in shared memory, and thread 0 writes one cosine: only ``trials`` numbers
ever cross back to the host, and no (trials x d) array exists anywhere.

``rotated-sign`` keeps one length-d buffer per block in device memory (w of
the current trial) and the d x d rotation; each thread then forms rows of
v = R w and sums |v_i| and v_i^2.

The kernels are compiled once per process (about a second each), never
cached on disk: their device code comes from other modules, which numba's
cache, keyed on this file only, would not see change.

The numbers equal those of the CPU twin
(:mod:`bingeo.sampling.xoroshiro_cpu`) up to the order of the final sums,
whatever ``threads_per_block`` and ``blocks`` are.
"""

from __future__ import annotations

import numpy as np
from numba import cuda, float64, uint64

from bingeo.sampling.backend import cuda_simulated
from bingeo.sampling.xoroshiro import stream_state
from bingeo.sampling.xoroshiro_layout import LANES, cos_from_sums, draw_pair, lane_pair_sums, quantize_scalar
from bingeo.sampling.xoroshiro_params import SamplerParams, sampler_params

__all__ = ["sample_cos_cuda", "sample_pair_cos_cuda", "device_name", "MAX_THREADS_PER_BLOCK"]

MAX_THREADS_PER_BLOCK = 256
"""Largest ``threads_per_block`` (the size of the shared reduction arrays)."""

DEFAULT_MAX_BLOCKS = 1 << 16
"""Largest grid launched by default; more trials are covered by the
grid-stride loop."""

ROTATED_MAX_BLOCKS = 1024
"""Largest grid for ``rotated-sign`` (each block holds a length-d buffer)."""

LAUNCH_WORK = 1 << 34
"""Draws (d per trial; d^2 multiply-adds for ``rotated-sign``) per kernel
launch, about a tenth of a second on a large GPU: a run is launched in
batches of trials, and the host waits for each, so Ctrl-C is answered
between launches.  The batches change no number (a trial's streams depend
on its index only)."""


def _launch_in_batches(launch, trials: int, work_per_trial: int) -> None:
    """``launch(first, stop)`` on successive ranges of trials, each about
    ``LAUNCH_WORK`` of work, waiting for each to finish."""
    batch = max(1, LAUNCH_WORK // max(1, work_per_trial))
    for first in range(0, trials, batch):
        launch(first, min(first + batch, trials))
        cuda.synchronize()


# --------------------------------------------------------------------------
# Device helpers
# --------------------------------------------------------------------------

@cuda.jit(device=True)
def _block_sum3(a, b, c, tid, nthreads):
    """Tree sum of the first ``nthreads`` entries of three shared arrays into
    entry 0 (``nthreads`` a power of two); ends with a barrier."""
    step = nthreads // 2
    while step > 0:
        if tid < step:
            a[tid] += a[tid + step]
            b[tid] += b[tid + step]
            c[tid] += c[tid + step]
        cuda.syncthreads()
        step //= 2


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------

@cuda.jit
def _sample_cos_cuda_kernel(key, d, first, stop, dist_code, nu, scales, aniso, quant_code, threshold_or_step,
                            top_level, out):
    sh_wq = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_ww = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_qq = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    tid = cuda.threadIdx.x
    nthreads = cuda.blockDim.x
    for t in range(first + cuda.blockIdx.x, stop, cuda.gridDim.x):
        wq = 0.0
        ww = 0.0
        qq = 0.0
        for lane in range(tid, min(LANES, (d + 1) // 2), nthreads):
            s0, s1 = stream_state(key, t * LANES + lane)
            s0, s1 = uint64(s0), uint64(s1)
            p = lane
            while 2 * p < d:
                c0, c1, s0, s1 = draw_pair(dist_code, nu, s0, s1)
                s0, s1 = uint64(s0), uint64(s1)
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
        sh_wq[tid] = wq
        sh_ww[tid] = ww
        sh_qq[tid] = qq
        cuda.syncthreads()
        _block_sum3(sh_wq, sh_ww, sh_qq, tid, nthreads)
        if tid == 0:
            out[t] = cos_from_sums(sh_wq[0], sh_ww[0], sh_qq[0])
        cuda.syncthreads()


@cuda.jit
def _sample_rotated_sign_cos_cuda_kernel(key, d, first, stop, dist_code, nu, scales, aniso, rotation, buffers,
                                         out):
    sh_abs = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_vv = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_unused = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    tid = cuda.threadIdx.x
    nthreads = cuda.blockDim.x
    w = buffers[cuda.blockIdx.x]
    for t in range(first + cuda.blockIdx.x, stop, cuda.gridDim.x):
        for lane in range(tid, min(LANES, (d + 1) // 2), nthreads):
            s0, s1 = stream_state(key, t * LANES + lane)
            s0, s1 = uint64(s0), uint64(s1)
            p = lane
            while 2 * p < d:
                c0, c1, s0, s1 = draw_pair(dist_code, nu, s0, s1)
                s0, s1 = uint64(s0), uint64(s1)
                i = 2 * p
                w[i] = c0 * (scales[i] if aniso else 1.0)
                if i + 1 < d:
                    w[i + 1] = c1 * (scales[i + 1] if aniso else 1.0)
                p += LANES
        cuda.syncthreads()
        abs_sum = 0.0
        vv = 0.0
        for i in range(tid, d, nthreads):
            v = 0.0
            for j in range(d):
                v += rotation[i, j] * w[j]
            abs_sum += abs(v)
            vv += v * v
        sh_abs[tid] = abs_sum
        sh_vv[tid] = vv
        sh_unused[tid] = 0.0
        cuda.syncthreads()
        _block_sum3(sh_abs, sh_vv, sh_unused, tid, nthreads)
        if tid == 0:
            out[t] = cos_from_sums(sh_abs[0], sh_vv[0], float64(d))
        cuda.syncthreads()


@cuda.jit
def _sample_pair_cos_cuda_kernel(key, d, first, stop, out):
    sh_uv = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_uu = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    sh_vv = cuda.shared.array(MAX_THREADS_PER_BLOCK, float64)
    tid = cuda.threadIdx.x
    nthreads = cuda.blockDim.x
    for t in range(first + cuda.blockIdx.x, stop, cuda.gridDim.x):
        uv = 0.0
        uu = 0.0
        vv = 0.0
        for lane in range(tid, min(LANES, (d + 1) // 2), nthreads):
            a, b, c = lane_pair_sums(key, t, lane, d)
            uv += a
            uu += b
            vv += c
        sh_uv[tid] = uv
        sh_uu[tid] = uu
        sh_vv[tid] = vv
        cuda.syncthreads()
        _block_sum3(sh_uv, sh_uu, sh_vv, tid, nthreads)
        if tid == 0:
            out[t] = cos_from_sums(sh_uv[0], sh_uu[0], sh_vv[0])
        cuda.syncthreads()


# --------------------------------------------------------------------------
# Wrappers
# --------------------------------------------------------------------------

def device_name() -> str:
    """A short description of the CUDA device in use (or of the simulator).

    Examples
    --------
    >>> isinstance(device_name(), str)
    True
    """
    if cuda_simulated():
        return "CUDA simulator"
    try:
        dev = cuda.get_current_device()
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
        return f"{name} (compute capability {dev.compute_capability[0]}.{dev.compute_capability[1]})"
    except Exception as exc:  # no driver, no device
        return f"no CUDA device ({type(exc).__name__})"


def default_threads_per_block(d: int) -> int:
    """The smallest power of two >= ceil(d/2) (one thread per busy lane),
    between 32 (a warp) and 256.

    Examples
    --------
    >>> default_threads_per_block(10), default_threads_per_block(300), default_threads_per_block(10**4)
    (32, 256, 256)
    """
    pairs = (int(d) + 1) // 2
    n = 32
    while n < pairs and n < MAX_THREADS_PER_BLOCK:
        n *= 2
    return n


def _launch_shape(trials: int, d: int, threads_per_block, blocks, max_blocks: int) -> tuple[int, int]:
    if threads_per_block is None:
        threads_per_block = default_threads_per_block(d)
    if (isinstance(threads_per_block, bool) or not isinstance(threads_per_block, (int, np.integer))
            or not 1 <= int(threads_per_block) <= MAX_THREADS_PER_BLOCK
            or int(threads_per_block) & (int(threads_per_block) - 1)):
        raise ValueError(f"threads_per_block: must be a power of two between 1 and {MAX_THREADS_PER_BLOCK}, "
                         f"got {threads_per_block!r}")
    if blocks is None:
        blocks = min(trials, max_blocks)
    if isinstance(blocks, bool) or not isinstance(blocks, (int, np.integer)) or int(blocks) < 1:
        raise ValueError(f"blocks: must be an integer >= 1, got {blocks!r}")
    return int(blocks), int(threads_per_block)


def _run_cos(params: SamplerParams, threads_per_block, blocks) -> np.ndarray:
    if params.trials == 0:
        return np.empty(0)
    out = cuda.device_array(params.trials, dtype=np.float64)
    scales = cuda.to_device(params.scales)
    d = params.d
    if params.rotation is not None:
        nblocks, tpb = _launch_shape(params.trials, d, threads_per_block, blocks, ROTATED_MAX_BLOCKS)
        rotation = cuda.to_device(params.rotation)
        buffers = cuda.device_array((nblocks, d), dtype=np.float64)
        kernel = _sample_rotated_sign_cos_cuda_kernel[nblocks, tpb]
        _launch_in_batches(lambda first, stop: kernel(params.key, d, first, stop, params.dist_code, params.nu, scales,
                                                      params.aniso, rotation, buffers, out), params.trials, d * d)
    else:
        nblocks, tpb = _launch_shape(params.trials, d, threads_per_block, blocks, DEFAULT_MAX_BLOCKS)
        kernel = _sample_cos_cuda_kernel[nblocks, tpb]
        _launch_in_batches(lambda first, stop: kernel(params.key, d, first, stop, params.dist_code, params.nu, scales,
                                                      params.aniso, params.quant_code, params.threshold_or_step, params.top_level, out),
                           params.trials, d)
    return out.copy_to_host()


def sample_cos_cuda(d, trials, *, dist="normal", quantizer="sign", seed=0,
                    threads_per_block=None, blocks=None) -> np.ndarray:
    """cos(w, q(w)) for ``trials`` random w in R^d, drawn on the GPU.

    ``cos = sum_i w_i q(w_i) / sqrt(sum_i w_i^2 sum_i q(w_i)^2)``
    (dimensionless; NaN when q(w) = 0), from the xoroshiro128+ streams of
    :mod:`bingeo.sampling.xoroshiro_layout`; equal, up to the order of the
    final sums, to :func:`bingeo.sampling.xoroshiro_cpu.sample_cos_xoroshiro`.

    Parameters
    ----------
    d : int
        dimension, >= 1.
    trials : int
        number of vectors, >= 0.
    dist, quantizer : str or spec
        as for :func:`bingeo.sample_cos`; a user quantizer is not supported.
    seed : int or numpy.random.SeedSequence
    threads_per_block : int, optional
        a power of two in [1, 256]; default :func:`default_threads_per_block`.
    blocks : int, optional
        grid size; default min(trials, 65536) (1024 for rotated-sign).

    Returns
    -------
    numpy.ndarray, shape (trials,), float64

    Examples
    --------
    On a GPU (or under ``NUMBA_ENABLE_CUDASIM=1``):

    >>> c = sample_cos_cuda(64, 2, seed=0)  # doctest: +SKIP
    >>> from bingeo.sampling.xoroshiro_cpu import sample_cos_xoroshiro
    >>> np.allclose(c, sample_cos_xoroshiro(64, 2, seed=0), rtol=1e-12)  # doctest: +SKIP
    True
    """
    params = sampler_params(d, trials, dist=dist, quantizer=quantizer, seed=seed)
    return _run_cos(params, threads_per_block, blocks)


def sample_pair_cos_cuda(d, trials, *, seed=0, threads_per_block=None, blocks=None) -> np.ndarray:
    """cos(u, v) for ``trials`` pairs of independent N(0, I_d) vectors, drawn
    on the GPU: ``sum u_i v_i / sqrt(sum u_i^2 sum v_i^2)`` (dimensionless).

    Same streams as
    :func:`bingeo.sampling.xoroshiro_cpu.sample_pair_cos_xoroshiro`; the
    launch options are those of :func:`sample_cos_cuda`.

    Examples
    --------
    On a GPU (or under ``NUMBA_ENABLE_CUDASIM=1``):

    >>> c = sample_pair_cos_cuda(64, 2, seed=0)  # doctest: +SKIP
    >>> from bingeo.sampling.xoroshiro_cpu import sample_pair_cos_xoroshiro
    >>> np.allclose(c, sample_pair_cos_xoroshiro(64, 2, seed=0), rtol=1e-12)  # doctest: +SKIP
    True
    """
    params = sampler_params(d, trials, seed=seed)
    if params.trials == 0:
        return np.empty(0)
    nblocks, tpb = _launch_shape(params.trials, params.d, threads_per_block, blocks, DEFAULT_MAX_BLOCKS)
    out = cuda.device_array(params.trials, dtype=np.float64)
    kernel = _sample_pair_cos_cuda_kernel[nblocks, tpb]
    _launch_in_batches(lambda first, stop: kernel(params.key, params.d, first, stop, out), params.trials, 2 * params.d)
    return out.copy_to_host()
