"""Layouts shared by the 3x3 convolution kernels.

The forward kernels (:mod:`.conv2d_signed`, :mod:`.conv2d_float`) lay a
block of images side by side, each inside a ring of zeros: pixel (i, j) of
image m of the block sits at the flat index

    q = m (H + 2)(W + 2) + (i + 1)(W + 2) + (j + 1),

so the nine neighbours of a pixel are nine constant shifts of q and the
zero padding needs no test.  The weight-gradient kernels take one image's
gradient with the filters contiguous (:func:`filters_last`), the vector
lanes they run across.
"""

from __future__ import annotations

from numba import get_num_threads, njit

__all__ = ["BLOCK_PIXELS", "images_per_block", "block_size", "pad_images", "unpad_images", "filters_last"]

BLOCK_PIXELS = 1024
"""Target of padded pixels per block of images: a table of 16 floats per
pixel (64 KiB) stays in a core's L2 cache, near L1."""


@njit(cache=True)
def images_per_block(height, width):
    """Most images laid side by side in one block: ``max(1, BLOCK_PIXELS //
    ((H + 2)(W + 2)))`` (shapes only).

    Examples
    --------
    >>> images_per_block(8, 8), images_per_block(4, 4), images_per_block(32, 32)
    (10, 28, 1)
    """
    return max(1, BLOCK_PIXELS // ((height + 2) * (width + 2)))


def block_size(batch: int, height: int, width: int) -> int:
    """Images per block (one ``prange`` iteration each): at most
    :func:`images_per_block`, and few enough that every thread gets a
    block.  An output depends on its own image only, so the blocking never
    changes a result.

    >>> block_size(32, 8, 8) in (10, 16, 32)
    True
    """
    threads = max(1, get_num_threads())
    return max(1, min(images_per_block(height, width), -(-batch // threads)))


@njit(cache=True)
def pad_images(x, n0, nb, c0, c1, xp):
    """``xp[c - c0, q] = x[n0 + m, c, i, j]`` (q as in the module docstring)
    for channels c0..c1-1 of images n0..n0+nb-1; the rings of zeros are left
    as they are."""
    height, width = x.shape[2], x.shape[3]
    wp = width + 2
    qp = (height + 2) * wp
    for c in range(c0, c1):
        for m in range(nb):
            for i in range(height):
                dst = xp[c - c0, m * qp + (i + 1) * wp + 1:]
                src = x[n0 + m, c, i]
                for j in range(width):
                    dst[j] = src[j]


@njit(cache=True)
def unpad_images(acc, n0, nb, y):
    """``y[n0 + m, f, i, j] = acc[f, q]``: the inverse of :func:`pad_images`
    for the interior pixels of a block."""
    features, height, width = y.shape[1], y.shape[2], y.shape[3]
    wp = width + 2
    qp = (height + 2) * wp
    for m in range(nb):
        for f in range(features):
            for i in range(height):
                src = acc[f, m * qp + (i + 1) * wp + 1:]
                dst = y[n0 + m, f, i]
                for j in range(width):
                    dst[j] = src[j]


@njit(cache=True)
def filters_last(dy, n, dyt):
    """``dyt[i W + j, f] = dy[n, f, i, j]``: one image's gradient with the
    filters contiguous."""
    features, height, width = dy.shape[1], dy.shape[2], dy.shape[3]
    for f in range(features):
        for i in range(height):
            for j in range(width):
                dyt[i * width + j, f] = dy[n, f, i, j]
