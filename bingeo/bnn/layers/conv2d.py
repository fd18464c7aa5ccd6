"""3x3 convolution, stride 1, zero "same" padding, no bias, NCHW.

Like PyTorch's ``conv2d`` it is a cross-correlation:

    y[n, f, i, j] = sum_{c, a, b} w[f, c, a, b] x[n, c, i + a - 1, j + b - 1]

with x = 0 outside the image.  The kernels copy a chunk of images to
channels-last order, unfold it (im2col: one row per output pixel (n, i, j),
one column per (a, b, c), so each neighbour is one contiguous run of C values)
and hand the product to BLAS (``np.dot`` on contiguous 2-D float32 inside
``@njit`` calls ``sgemm``).  The batch is cut into chunks of :func:`images_per_chunk` images so
the column buffer stays near :data:`COLUMN_BUFFER_FLOATS` floats whatever the
batch size (and a chunk holds at least :data:`MIN_ROWS_PER_CHUNK` pixels); the chunk size depends on the shapes only, never on the thread
count, so results are reproducible.  The backward pass reuses the same
columns: ``dw = dy_rows @ col``, and the column gradient ``dy_rows^T @ w`` is
folded back onto the input pixels (col2im, the adjoint of the unfolding).

Threads: only the matrix products run in parallel (OpenBLAS's own threads).
The unfolding and copying loops are serial on purpose: OpenBLAS workers
busy-wait for a while after each product, and a numba thread pool started
next to them on the same cores is starved (measured: a 1.5 ms product took
24 ms once a ``prange`` loop ran beside it on two cores).  BLAS splits the
output among threads, never a single dot product, so results do not depend
on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .checks import require_float32, require_nonempty, require_shape

__all__ = [
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_forward_reference",
    "conv2d_backward_reference",
    "images_per_chunk",
    "COLUMN_BUFFER_FLOATS",
    "MIN_ROWS_PER_CHUNK",
]

COLUMN_BUFFER_FLOATS = 1 << 17
"""Target size of the im2col buffer, in float32 elements (512 KiB, about
the size of a core's L2 cache: the product reads the columns while they are
still cached)."""


MIN_ROWS_PER_CHUNK = 256
"""Fewest output pixels (nb*H*W) per chunk: the backward product that
accumulates ``dw`` has this inner dimension, and BLAS runs far below its peak
when it is only a few dozen (measured: 512 -> 512 channels at 8x8, one image
per chunk, was 25% slower)."""


@njit(cache=True)
def images_per_chunk(channels, height, width):
    """Images unfolded together: ``max(1, ceil(MIN_ROWS_PER_CHUNK / (H W)),
    COLUMN_BUFFER_FLOATS // (9 C H W))``; it depends on the shapes only.

    Examples
    --------
    >>> images_per_chunk(32, 8, 8)
    7
    >>> images_per_chunk(512, 8, 8)
    4
    >>> images_per_chunk(512, 32, 32)
    1
    """
    plane = height * width
    return max(
        1,
        (MIN_ROWS_PER_CHUNK + plane - 1) // plane,
        COLUMN_BUFFER_FLOATS // (9 * channels * plane),
    )


@njit(cache=True)
def _to_channels_last(x, n0, nb, xt):
    """``xt[m, i, j, c] = x[n0 + m, c, i, j]`` for the nb images of a chunk."""
    _, channels, height, width = x.shape
    for m in range(nb):
        for c in range(channels):
            for i in range(height):
                for j in range(width):
                    xt[m, i, j, c] = x[n0 + m, c, i, j]


@njit(cache=True)
def _to_channels_first(dxt, n0, nb, dx):
    """``dx[n0 + m, c, i, j] = dxt[m, i, j, c]`` for the nb images of a chunk."""
    _, channels, height, width = dx.shape
    for m in range(nb):
        for c in range(channels):
            for i in range(height):
                for j in range(width):
                    dx[n0 + m, c, i, j] = dxt[m, i, j, c]


@njit(cache=True)
def _im2col(xt, nb, col):
    """Fill ``col`` (nb*H*W, 9C), one row per output pixel, with its 3x3
    neighbourhood taken from the channels-last chunk ``xt`` (nb, H, W, C):
    ``col[(m*H + i)*W + j, (a*3 + b)*C + c] = xt[m, i+a-1, j+b-1, c]``, zero
    outside the image.  Each (a, b) is one run of C contiguous values."""
    _, height, width, channels = xt.shape
    for m in range(nb):
        for i in range(height):
            for j in range(width):
                dst = col[(m * height + i) * width + j]
                for a in range(3):
                    ii = i + a - 1
                    for b in range(3):
                        jj = j + b - 1
                        k0 = (a * 3 + b) * channels
                        if 0 <= ii < height and 0 <= jj < width:
                            src = xt[m, ii, jj]
                            for c in range(channels):
                                dst[k0 + c] = src[c]
                        else:
                            for c in range(channels):
                                dst[k0 + c] = 0.0


@njit(cache=True)
def _col2im_add(col, nb, dxt):
    """Adjoint of :func:`_im2col`: add each entry of ``col`` (nb*H*W, 9C) back
    onto the pixel it was read from, ``dxt[m, i+a-1, j+b-1, c] +=
    col[(m*H + i)*W + j, (a*3 + b)*C + c]``, skipping the zero padding."""
    _, height, width, channels = dxt.shape
    for m in range(nb):
        for i in range(height):
            for j in range(width):
                src = col[(m * height + i) * width + j]
                for a in range(3):
                    ii = i + a - 1
                    if ii < 0 or ii >= height:
                        continue
                    for b in range(3):
                        jj = j + b - 1
                        if jj < 0 or jj >= width:
                            continue
                        dst = dxt[m, ii, jj]
                        k0 = (a * 3 + b) * channels
                        for c in range(channels):
                            dst[c] += src[k0 + c]


@njit(cache=True)
def _columns_to_images(prod, n0, nb, y):
    """Copy ``prod`` (nb*H*W, F) into ``y[n0:n0+nb]`` (nb, F, H, W)."""
    features = y.shape[1]
    plane = y.shape[2] * y.shape[3]
    for m in range(nb):
        block = prod[m * plane:(m + 1) * plane]
        for f in range(features):
            dst = y[n0 + m, f].reshape(plane)
            for p in range(plane):
                dst[p] = block[p, f]


@njit(cache=True)
def _images_to_rows(dy, n0, nb, out):
    """Copy ``dy[n0:n0+nb]`` (nb, F, H, W) into ``out`` (F, nb*H*W)."""
    features = dy.shape[1]
    plane = dy.shape[2] * dy.shape[3]
    for m in range(nb):
        for f in range(features):
            out[f, m * plane:(m + 1) * plane] = dy[n0 + m, f].reshape(plane)


@njit(cache=True)
def _weights_as_matrix(w):
    """``wm[f, (a*3 + b)*C + c] = w[f, c, a, b]``: the (F, 9C) matrix whose
    columns match :func:`_im2col`."""
    return np.ascontiguousarray(w.transpose(0, 2, 3, 1)).reshape(w.shape[0], 9 * w.shape[1])


@njit(cache=True)
def _conv2d_forward_kernel(x, w):
    """Per chunk: y_rows (nb*H*W, F) = col (nb*H*W, 9C) @ wm^T."""
    batch, channels, height, width = x.shape
    features = w.shape[0]
    plane = height * width
    nb_max = min(batch, images_per_chunk(channels, height, width))
    buffer = np.empty(nb_max * plane * 9 * channels, np.float32)
    xt = np.empty((nb_max, height, width, channels), np.float32)
    wt = _weights_as_matrix(w).T
    y = np.empty((batch, features, height, width), np.float32)
    for n0 in range(0, batch, nb_max):
        nb = min(nb_max, batch - n0)
        col = buffer[: nb * plane * 9 * channels].reshape(nb * plane, 9 * channels)
        _to_channels_last(x, n0, nb, xt)
        _im2col(xt, nb, col)
        _columns_to_images(np.dot(col, wt), n0, nb, y)
    return y


@njit(cache=True)
def _conv2d_backward_kernel(x, w, dy):
    """Per chunk: dw += dy_rows (F, nb*H*W) @ col (nb*H*W, 9C), and the
    column gradient dcol = dy_rows^T @ wm (nb*H*W, 9C) folded back by
    :func:`_col2im_add`.  The chunks run in a fixed order, so the sums over
    the batch do not depend on the thread count."""
    batch, channels, height, width = x.shape
    features = w.shape[0]
    plane = height * width
    nb_max = min(batch, images_per_chunk(channels, height, width))
    buffer = np.empty(nb_max * plane * 9 * channels, np.float32)
    dy_buffer = np.empty(features * nb_max * plane, np.float32)
    xt = np.empty((nb_max, height, width, channels), np.float32)
    wm = _weights_as_matrix(w)
    dw = np.zeros((features, 9 * channels), np.float32)
    dx = np.empty((batch, channels, height, width), np.float32)
    for n0 in range(0, batch, nb_max):
        nb = min(nb_max, batch - n0)
        col = buffer[: nb * plane * 9 * channels].reshape(nb * plane, 9 * channels)
        rows = dy_buffer[: features * nb * plane].reshape(features, nb * plane)
        _to_channels_last(x, n0, nb, xt)
        _im2col(xt, nb, col)
        _images_to_rows(dy, n0, nb, rows)
        dw += np.dot(rows, col)
        xt[:nb] = 0.0
        _col2im_add(np.dot(rows.T, wm), nb, xt)
        _to_channels_first(xt, n0, nb, dx)
    dw4 = np.ascontiguousarray(dw.reshape(features, 3, 3, channels).transpose(0, 3, 1, 2))
    return dx, dw4


def _check_conv(x, w):
    require_float32("x", x, 4)
    require_float32("w", w, 4)
    require_nonempty("x", x)
    require_nonempty("w", w)
    if w.shape[1:] != (x.shape[1], 3, 3):
        raise ValueError(
            f"w must have shape (F, C, 3, 3) with C = x.shape[1] = {x.shape[1]}, got {w.shape}"
        )


def conv2d_forward(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""3x3 convolution, stride 1, zero "same" padding (cross-correlation):
    :math:`y_{nfij} = \sum_{c,a,b} w_{fcab}\, x_{n,c,i+a-1,j+b-1}`, x = 0
    outside the image.

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W)
    w : ndarray, float32, shape (F, C, 3, 3)

    Returns
    -------
    y : ndarray, float32, shape (N, F, H, W)

    Examples
    --------
    >>> x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    >>> w = np.zeros((1, 1, 3, 3), np.float32); w[0, 0, 1, 2] = 1  # right neighbour
    >>> conv2d_forward(x, w)[0, 0]
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]], dtype=float32)
    """
    _check_conv(x, w)
    return _conv2d_forward_kernel(x, w)


def conv2d_backward(x: np.ndarray, w: np.ndarray, dy: np.ndarray):
    r"""Backward pass of :func:`conv2d_forward`.

    :math:`dw_{fcab} = \sum_{n,i,j} dy_{nfij}\, x_{n,c,i+a-1,j+b-1}` and
    :math:`dx_{ncij} = \sum_{f,a,b} dy_{n,f,i-a+1,j-b+1}\, w_{fcab}` (dy = 0
    outside the image), i.e. the same convolution of ``dy`` with kernels
    ``w[f, c, 2-a, 2-b]`` taken as (C, F, 3, 3).

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W)
    w : ndarray, float32, shape (F, C, 3, 3)
    dy : ndarray, float32, shape (N, F, H, W)

    Returns
    -------
    dx : ndarray, float32, shape (N, C, H, W)
    dw : ndarray, float32, shape (F, C, 3, 3)

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2), np.float32)
    >>> w = np.ones((1, 1, 3, 3), np.float32)
    >>> dx, dw = conv2d_backward(x, w, np.ones((1, 1, 2, 2), np.float32))
    >>> dx[0, 0]
    array([[4., 4.],
           [4., 4.]], dtype=float32)
    >>> dw[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """
    _check_conv(x, w)
    require_float32("dy", dy, 4)
    require_shape("dy", dy, (x.shape[0], w.shape[0]) + x.shape[2:], "(N, F, H, W) of the output")
    return _conv2d_backward_kernel(x, w, dy)


# --- plain numpy references --------------------------------------------------


def conv2d_forward_reference(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Reference of :func:`conv2d_forward`: pad with one ring of zeros, then
    for each of the nine offsets (a, b) add ``w[:, :, a, b]`` times the
    shifted image, summed over channels.  Works in the inputs' dtype.

    >>> conv2d_forward_reference(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))[0, 0]
    array([[4., 4.],
           [4., 4.]])
    """
    n, c, h, wd = x.shape
    xp = np.zeros((n, c, h + 2, wd + 2), dtype=np.result_type(x, w))
    xp[:, :, 1:-1, 1:-1] = x
    y = np.zeros((n, w.shape[0], h, wd), dtype=xp.dtype)
    for a in range(3):
        for b in range(3):
            shifted = xp[:, :, a:a + h, b:b + wd]  # x[n, c, i + a - 1, j + b - 1]
            y += np.einsum("fc,ncij->nfij", w[:, :, a, b], shifted)
    return y


def conv2d_backward_reference(x: np.ndarray, w: np.ndarray, dy: np.ndarray):
    """Reference of :func:`conv2d_backward`, from the definition: for each
    offset (a, b), ``dw[:, :, a, b] = sum dy * shifted x`` and ``dy`` times
    ``w[:, :, a, b]`` is added back onto the shifted window of the padded
    ``dx``.

    >>> dx, dw = conv2d_backward_reference(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)),
    ...                                    np.ones((1, 1, 2, 2)))
    >>> dw[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n, c, h, wd = x.shape
    dtype = np.result_type(x, w, dy)
    xp = np.zeros((n, c, h + 2, wd + 2), dtype=dtype)
    xp[:, :, 1:-1, 1:-1] = x
    dxp = np.zeros_like(xp)
    dw = np.zeros(w.shape, dtype=dtype)
    for a in range(3):
        for b in range(3):
            dw[:, :, a, b] = np.einsum("nfij,ncij->fc", dy, xp[:, :, a:a + h, b:b + wd])
            dxp[:, :, a:a + h, b:b + wd] += np.einsum("nfij,fc->ncij", dy, w[:, :, a, b])
    return dxp[:, :, 1:-1, 1:-1].copy(), dw
