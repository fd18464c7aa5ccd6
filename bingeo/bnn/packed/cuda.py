"""The CUDA twin of the packed kernels (numba-cuda): XNOR-popcount dense and
3x3 conv sums, and pooled, thresholded, packed signs.

This module is imported only when asked for (``import
bingeo.bnn.packed.cuda``); the CPU modules never import numba.cuda.

Each kernel is a grid-stride loop over its outputs, one output per thread
and turn: a dense or conv sum ``z = valid - 2 popcount(a XOR w)`` with PTX
``popc`` (``cuda.popc``) and the scalar helpers of :mod:`.popcount` that the
CPU kernels call too, or one packed word of the next layer's activations (64
units, each the max of its pooling window compared with its threshold).
The results are integers and bits, equal to the CPU kernels' exactly,
whatever the launch shape.  The kernels are compiled once per process,
never cached on disk (their device code comes from other modules).
"""

from __future__ import annotations

import numpy as np
from numba import cuda, uint64

from .checks import require_pools, require_thresholds
from .conv import check_conv_operands, pooled_size
from .dense import check_dense_operands
from .popcount import WORD_BITS, signed_sum, window_bounds, words_for

__all__ = ["binary_dense_sums_cuda", "binary_conv3x3_sums_cuda", "threshold_signs_cuda",
           "MAX_THREADS_PER_BLOCK"]

MAX_THREADS_PER_BLOCK = 1024
"""CUDA's limit; the grid-stride kernels use no shared memory, so any count up to it works."""

DEFAULT_THREADS_PER_BLOCK = 128

MAX_BLOCKS = 1 << 16
"""Largest grid launched by default; more outputs are covered by the grid-stride loop."""


@cuda.jit
def _binary_dense_sums_cuda_kernel(x, w, fan_in, out):
    rows, words = x.shape
    units = w.shape[1]
    for t in range(cuda.grid(1), rows * units, cuda.gridsize(1)):
        n = t // units
        m = t % units
        mismatches = 0
        for k in range(words):
            mismatches += cuda.popc(x[n, k] ^ w[k, m])
        out[n, m] = signed_sum(fan_in, mismatches)


@cuda.jit
def _binary_conv3x3_sums_cuda_kernel(x, w, channels, out):
    batch, height, width, words = x.shape
    filters = w.shape[3]
    for t in range(cuda.grid(1), batch * filters * height * width, cuda.gridsize(1)):
        j = t % width
        i = (t // width) % height
        f = (t // (width * height)) % filters
        n = t // (width * height * filters)
        a_lo, a_hi = window_bounds(i, height)
        b_lo, b_hi = window_bounds(j, width)
        mismatches = 0
        for a in range(a_lo, a_hi):
            for b in range(b_lo, b_hi):
                for k in range(words):
                    mismatches += cuda.popc(x[n, i + a - 1, j + b - 1, k] ^ w[a, b, k, f])
        out[n, f, i, j] = signed_sum((a_hi - a_lo) * (b_hi - b_lo) * channels, mismatches)


@cuda.jit
def _threshold_signs_cuda_kernel(z, size, thresholds, out):
    units = z.shape[1]
    batch, out_h, out_w, words = out.shape
    for t in range(cuda.grid(1), batch * out_h * out_w * words, cuda.gridsize(1)):
        k = t % words
        j = (t // words) % out_w
        i = (t // (words * out_w)) % out_h
        n = t // (words * out_w * out_h)
        word = uint64(0)
        for bit in range(min(WORD_BITS, units - k * WORD_BITS)):
            f = k * WORD_BITS + bit
            best = z[n, f, size * i, size * j]
            for a in range(size):
                for b in range(size):
                    best = max(best, z[n, f, size * i + a, size * j + b])
            if best >= thresholds[f]:
                word |= uint64(1) << uint64(bit)
        out[n, i, j, k] = word


def _launch(outputs: int, threads_per_block, blocks) -> tuple[int, int]:
    if (isinstance(threads_per_block, bool) or not isinstance(threads_per_block, (int, np.integer))
            or not 1 <= int(threads_per_block) <= MAX_THREADS_PER_BLOCK):
        raise ValueError(f"threads_per_block: must be an integer between 1 and {MAX_THREADS_PER_BLOCK}, "
                         f"got {threads_per_block!r}")
    if blocks is None:
        blocks = min(MAX_BLOCKS, -(-outputs // int(threads_per_block)))
    if isinstance(blocks, bool) or not isinstance(blocks, (int, np.integer)) or int(blocks) < 1:
        raise ValueError(f"blocks: must be an integer >= 1, got {blocks!r}")
    return int(blocks), int(threads_per_block)


def binary_dense_sums_cuda(x: np.ndarray, w: np.ndarray, fan_in: int, *,
                           threads_per_block: int = DEFAULT_THREADS_PER_BLOCK, blocks=None) -> np.ndarray:
    """:func:`bingeo.bnn.packed.binary_dense_sums` on the GPU: (N, M) int32,
    ``z = fan_in - 2 sum_k popcount(x[n, k] XOR w[k, m])``.

    ``threads_per_block`` (1..1024) and ``blocks`` (default: enough for one
    output per thread, at most 65536) shape the launch, never the result.

    >>> from bingeo.bnn.packed import pack_signs, pack_dense_weights    # doctest: +SKIP
    >>> binary_dense_sums_cuda(pack_signs(np.ones((1, 3), np.float32)),
    ...                        pack_dense_weights(np.ones((3, 2), np.float32)), 3)   # doctest: +SKIP
    array([[3, 3]], dtype=int32)
    """
    fan_in = check_dense_operands(x, w, fan_in)
    out = cuda.device_array((x.shape[0], w.shape[1]), np.int32)
    grid, tpb = _launch(out.size, threads_per_block, blocks)
    _binary_dense_sums_cuda_kernel[grid, tpb](cuda.to_device(x), cuda.to_device(w), fan_in, out)
    return out.copy_to_host()


def binary_conv3x3_sums_cuda(x: np.ndarray, w: np.ndarray, channels: int, *,
                             threads_per_block: int = DEFAULT_THREADS_PER_BLOCK, blocks=None) -> np.ndarray:
    """:func:`bingeo.bnn.packed.binary_conv3x3_sums` on the GPU: (N, F, H, W)
    int32 sums of the packed 3x3 "same" convolution, borders counting only
    their valid neighbours.  Launch options as :func:`binary_dense_sums_cuda`."""
    channels = check_conv_operands(x, w, channels)
    n, h, wd, _ = x.shape
    out = cuda.device_array((n, w.shape[3], h, wd), np.int32)
    grid, tpb = _launch(out.size, threads_per_block, blocks)
    _binary_conv3x3_sums_cuda_kernel[grid, tpb](cuda.to_device(x), cuda.to_device(w), channels, out)
    return out.copy_to_host()


def threshold_signs_cuda(z: np.ndarray, thresholds, *, pools: int = 0,
                         threads_per_block: int = DEFAULT_THREADS_PER_BLOCK, blocks=None) -> np.ndarray:
    """Packed activations from integer sums on the GPU: ``pools`` 2x2 max
    pools of ``z``, then bit f is ``z_f >= thresholds[f]``.

    Parameters
    ----------
    z : ndarray, int32, (N, F, H, W) conv sums or (N, M) dense sums
    thresholds : (F,) integers
    pools : int, >= 0 (conv sums only)

    Returns
    -------
    ndarray, uint64: (N, H', W', ceil(F / 64)) for conv sums, as
    :func:`bingeo.bnn.packed.binary_conv3x3_signs`; (N, ceil(M / 64)) for
    dense sums, as :func:`bingeo.bnn.packed.binary_dense_signs`.
    """
    z = np.asarray(z)
    if z.dtype != np.int32 or z.ndim not in (2, 4) or z.size == 0:
        raise ValueError(f"z: expected a non-empty int32 array (N, F, H, W) or (N, M), got {z.dtype} {z.shape}")
    dense = z.ndim == 2
    z4 = np.ascontiguousarray(z.reshape(z.shape + (1, 1)) if dense else z)
    n, f, h, wd = z4.shape
    thresholds = require_thresholds(thresholds, f)
    pools = require_pools(pools, h, wd)
    out_h, out_w = pooled_size(h, wd, pools)
    out = cuda.device_array((n, out_h, out_w, words_for(f)), np.uint64)
    grid, tpb = _launch(out.size, threads_per_block, blocks)
    _threshold_signs_cuda_kernel[grid, tpb](cuda.to_device(z4), 1 << pools, cuda.to_device(thresholds), out)
    words = out.copy_to_host()
    return words.reshape(n, -1) if dense else words
