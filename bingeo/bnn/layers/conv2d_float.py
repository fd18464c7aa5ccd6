"""3x3 convolution of any float32 values, and its weight gradient: the
general kernels (continuous layers, scaled or rotated weights, images).

    y[n, f, i, j]  = sum_{c, a, b} w[f, c, a, b] x[n, c, i + a - 1, j + b - 1]
    dw[f, c, a, b] = sum_{n, i, j} dy[n, f, i, j] x[n, c, i + a - 1, j + b - 1]

(x = 0 outside the image).  Every output is one sum in a fixed order: y over
c, then the nine offsets (a, b) row-major; dw over n, then the pixels (i, j)
row-major (per row, a row-by-matrix product of the row's W shifted inputs
with its W x F gradients).  Products and sums are separate float32 operations: numba
compiles without ``fastmath``, so LLVM neither fuses them (a fused
multiply-add rounds once, and exists on some CPUs only) nor reorders a sum,
and the results are the same bits on every x86-64 CPU and for every thread
count.  Vectorization runs across outputs: output pixels for y, filters for
dw.

y uses the layout of :mod:`.conv2d_layout` (images one below the other with
zeros between them, one ``prange`` iteration per block of images).  dw splits
its 9C sums (c, a, b) among the threads; each thread runs over the whole
batch for its share, so no sum is split.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

from .conv2d_layout import (block_length, block_size, filters_last_batch, first_pixel, pad_images, sweep_length,
                             unpad_images)
from .matmul import add_row_products

__all__ = ["float_conv2d", "float_conv2d_weight_grad"]


@njit(cache=True)
def _add_nine_products(xrow, w9, wp, lo, length, out):
    """``out[q] += w9[3a+b] * xrow[lo + q + (a-1) wp + (b-1)]`` over the
    nine offsets in order (views start at their shift: no negative index)."""
    x0 = xrow[lo - wp - 1:]
    x1 = xrow[lo - wp:]
    x2 = xrow[lo - wp + 1:]
    x3 = xrow[lo - 1:]
    x4 = xrow[lo:]
    x5 = xrow[lo + 1:]
    x6 = xrow[lo + wp - 1:]
    x7 = xrow[lo + wp:]
    x8 = xrow[lo + wp + 1:]
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = w9[0], w9[1], w9[2], w9[3], w9[4], w9[5], w9[6], w9[7], w9[8]
    for q in range(length):
        acc = out[q]
        acc += w0 * x0[q]
        acc += w1 * x1[q]
        acc += w2 * x2[q]
        acc += w3 * x3[q]
        acc += w4 * x4[q]
        acc += w5 * x5[q]
        acc += w6 * x6[q]
        acc += w7 * x7[q]
        acc += w8 * x8[q]
        out[q] = acc


@njit(cache=True, parallel=True)
def _float_conv2d_kernel(x, w9, nb_max, threads):
    batch, channels, height, width = x.shape
    features = w9.shape[0]
    wp = width + 1
    lo = first_pixel(width)
    y = np.empty((batch, features, height, width), np.float32)
    blocks = (batch + nb_max - 1) // nb_max
    workers = min(blocks, threads)
    for worker in prange(workers):
        # one workspace per thread, not per block: fresh pages are costly
        xp = np.zeros((channels, block_length(nb_max, height, width)), np.float32)    # the zeros stay 0
        acc = np.empty((features, block_length(nb_max, height, width)), np.float32)
        for blk in range(worker * blocks // workers, (worker + 1) * blocks // workers):
            n0 = blk * nb_max
            nb = min(nb_max, batch - n0)
            length = sweep_length(nb, height, width)
            acc[:] = 0.0
            pad_images(x, n0, nb, 0, channels, xp)
            for c in range(channels):
                for f in range(features):
                    _add_nine_products(xp[c], w9[f, c], wp, lo, length, acc[f, lo:])
            unpad_images(acc, n0, nb, y)
    return y


def float_conv2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""3x3 "same" convolution, :math:`y_{nfij} = \sum_{c,a,b} w_{fcab}\,
    x_{n,c,i+a-1,j+b-1}`, each output summed over c, then (a, b) row-major.

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W), C-contiguous
    w : ndarray, float32, shape (F, C, 3, 3), C-contiguous

    Returns
    -------
    y : ndarray, float32, shape (N, F, H, W)

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2), np.float32)
    >>> float_conv2d(x, np.full((1, 1, 3, 3), 0.5, np.float32))[0, 0]
    array([[2., 2.],
           [2., 2.]], dtype=float32)
    """
    nb = block_size(x.shape[0], x.shape[2], x.shape[3])
    return _float_conv2d_kernel(x, w.reshape(w.shape[0], w.shape[1], 9), nb, max(1, get_num_threads()))


@njit(cache=True, parallel=True)
def _float_weight_grad_kernel(x, dyt, blocks):
    """dyt: (N, H W, F), the gradients with the filters last, made once for
    all threads (each thread used to transpose every image itself)."""
    batch, channels, height, width = x.shape
    features = dyt.shape[2]
    wp = width + 1
    targets = 9 * channels
    dw = np.zeros((channels, 9, features), np.float32)
    for blk in prange(blocks):
        k0 = blk * targets // blocks
        k1 = (blk + 1) * targets // blocks
        c0, c1 = k0 // 9, (k1 + 8) // 9
        xp = np.zeros((c1 - c0, block_length(1, height, width)), np.float32)
        for n in range(batch):
            pad_images(x, n, 1, c0, c1, xp)
            # one gradient row at a time for all the thread's targets: the row's
            # W x F gradients stay in the core's L1 cache while they serve every target
            for i in range(height):
                grads = dyt[n, i * width:(i + 1) * width]
                for k in range(k0, k1):
                    c, ab = k // 9, k % 9
                    # pixel (i, j) reads neighbour (a, b) at (i + a)(W + 1) + j + b
                    start = i * wp + (ab // 3) * wp + ab % 3
                    add_row_products(xp[c - c0, start:start + width], grads, dw[c, ab])
    return dw


def float_conv2d_weight_grad(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    r"""Weight gradient of :func:`float_conv2d`: :math:`dw_{fcab} =
    \sum_{n,i,j} dy_{nfij}\, x_{n,c,i+a-1,j+b-1}`, each summed over n, then
    the pixels row-major (padded neighbours add a zero product).

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W), C-contiguous
    dy : ndarray, float32, shape (N, F, H, W), C-contiguous

    Returns
    -------
    dw : ndarray, float32, shape (F, C, 3, 3)

    Examples
    --------
    >>> dw = float_conv2d_weight_grad(np.ones((1, 1, 2, 2), np.float32), np.ones((1, 1, 2, 2), np.float32))
    >>> dw[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """
    blocks = max(1, min(9 * x.shape[1], get_num_threads()))
    dw = _float_weight_grad_kernel(x, filters_last_batch(dy), blocks)
    return np.ascontiguousarray(dw.reshape(x.shape[1], 3, 3, dy.shape[1]).transpose(3, 0, 1, 2))
