"""Layouts shared by the 3x3 convolution kernels.

The forward kernels (:mod:`.conv2d_signed`, :mod:`.conv2d_float`) lay a
block of images one below the other in rows of ``W + 1`` values, the last
value of each row a zero, with one zero row between the images (and before
the first and after the last): pixel (i, j) of image m of the block sits at
the flat index

    q = 1 + (1 + m (H + 1) + i)(W + 1) + j.

The nine neighbours of a pixel are then nine constant shifts of q,
``(a - 1)(W + 1) + (b - 1)``, and a neighbour outside the image lands on a
zero: the zero ending a row is also the left neighbour of the next row's
first pixel, and the zero row between two images is the bottom neighbour
of one and the top neighbour of the other.  A block of nb images takes
``(nb (H + 1) + 1)(W + 1) + 1`` values (:func:`block_length`), against
``nb (H + 2)(W + 2)`` with a ring of zeros around each image: at 4 x 4
images 25 positions an image instead of 36, which the kernels sweep.  The
weight-gradient kernels take one image's gradient with the filters
contiguous (:func:`filters_last`), the vector lanes they run across.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["BLOCK_PIXELS", "images_per_block", "block_size", "block_length", "first_pixel", "sweep_length",
           "pad_images", "unpad_images", "TILE", "filters_last", "filters_last_batch"]

BLOCK_PIXELS = 1024
"""Target of padded pixels per block of images: a table of 16 floats per
pixel (64 KiB) stays in a core's L2 cache, near L1."""


@njit(cache=True)
def images_per_block(height, width):
    """Most images laid one below the other in one block: ``max(1,
    BLOCK_PIXELS // ((H + 1)(W + 1)))`` (shapes only).

    Examples
    --------
    >>> images_per_block(8, 8), images_per_block(4, 4), images_per_block(32, 32)
    (12, 40, 1)
    """
    return max(1, BLOCK_PIXELS // ((height + 1) * (width + 1)))


def block_size(batch: int, height: int, width: int) -> int:
    """Images per block (one ``prange`` iteration each): at most
    :func:`images_per_block`, with the number of blocks a multiple of the
    thread count where the batch allows, so that the threads get equal
    shares (100 images of 8 x 8 on 2 threads: 10 blocks of 10, not 8 of 12
    and one of 4).  An output depends on its own image only, so the
    blocking never changes a result.

    >>> block_size(32, 8, 8) in (8, 11, 16, 32)
    True
    """
    threads = max(1, get_num_threads())
    blocks = -(-batch // images_per_block(height, width))
    blocks = -(-blocks // threads) * threads
    return max(1, -(-batch // blocks))


@njit(cache=True)
def block_length(nb, height, width):
    """Values of a block of ``nb`` images (zeros included): ``(nb (H + 1) +
    1)(W + 1) + 1``, enough for every neighbour of every pixel.

    >>> block_length(1, 1, 1), block_length(2, 4, 4)
    (7, 56)
    """
    return (nb * (height + 1) + 1) * (width + 1) + 1


@njit(cache=True)
def first_pixel(width):
    """Index q of pixel (0, 0) of the block's first image: ``W + 2``; its
    top-left neighbour is at 0."""
    return width + 2


@njit(cache=True)
def sweep_length(nb, height, width):
    """Positions from the first image's first pixel to the last image's
    last pixel, both included: ``(nb (H + 1) - 2)(W + 1) + W``.

    >>> sweep_length(1, 1, 3), sweep_length(2, 2, 2)
    (3, 14)
    """
    return (nb * (height + 1) - 2) * (width + 1) + width


@njit(cache=True)
def pad_images(x, n0, nb, c0, c1, xp):
    """``xp[c - c0, q] = x[n0 + m, c, i, j]`` (q as in the module docstring)
    for channels c0..c1-1 of images n0..n0+nb-1; the zeros between them are
    left as they are."""
    height, width = x.shape[2], x.shape[3]
    wp = width + 1
    for c in range(c0, c1):
        for m in range(nb):
            for i in range(height):
                dst = xp[c - c0, 1 + (1 + m * (height + 1) + i) * wp:]
                src = x[n0 + m, c, i]
                for j in range(width):
                    dst[j] = src[j]


@njit(cache=True)
def unpad_images(acc, n0, nb, y):
    """``y[n0 + m, f, i, j] = acc[f, q]``: the inverse of :func:`pad_images`
    for the pixels of a block."""
    features, height, width = y.shape[1], y.shape[2], y.shape[3]
    wp = width + 1
    for m in range(nb):
        for f in range(features):
            for i in range(height):
                src = acc[f, 1 + (1 + m * (height + 1) + i) * wp:]
                dst = y[n0 + m, f, i]
                for j in range(width):
                    dst[j] = src[j]


TILE = 8
"""Side of the square tiles :func:`filters_last` copies: 8 x 8 floats,
whose reads and writes each stay within eight cache lines (twice as fast as
row by row at 32 x 32 images)."""


@njit(cache=True)
def filters_last(dy, n, dyt):
    """``dyt[i W + j, f] = dy[n, f, i, j]``: one image's gradient with the
    filters contiguous, copied tile by tile."""
    features, height, width = dy.shape[1], dy.shape[2], dy.shape[3]
    plane = height * width
    src = dy[n].reshape(features, plane)
    p_full, f_full = plane - plane % TILE, features - features % TILE
    for p0 in range(0, p_full, TILE):
        for f0 in range(0, f_full, TILE):
            for f in range(f0, f0 + TILE):
                row = src[f]
                for p in range(p0, p0 + TILE):
                    dyt[p, f] = row[p]
        for f in range(f_full, features):
            for p in range(p0, p0 + TILE):
                dyt[p, f] = src[f, p]
    for p in range(p_full, plane):
        for f in range(features):
            dyt[p, f] = src[f, p]


@njit(cache=True, parallel=True)
def filters_last_batch(dy):
    """``out[n, i W + j, f] = dy[n, f, i, j]`` for the whole batch, the
    images shared among the threads."""
    batch, features, height, width = dy.shape
    out = np.empty((batch, height * width, features), np.float32)
    for n in prange(batch):
        filters_last(dy, n, out[n])
    return out
