"""2x2 max pooling, stride 2, NCHW.

``y[n, c, i, j] = max_{a, b in {0, 1}} x[n, c, 2i + a, 2j + b]``; the winner's
index ``2a + b`` (0..3, row-major in the window) is kept as int8 for the
backward pass, which routes each ``dy`` to its winner and zero elsewhere.  Ties
go to the first maximum in the order (0,0), (0,1), (1,0), (1,1); a NaN wins
over any number (the first NaN if several), as in PyTorch, so divergence
propagates.  With an odd height or width the last row or column is dropped
(floor division, PyTorch's default) and its gradient is zero.

The kernels share the images among the threads (``prange``); a
window's result depends on that window alone, so the thread count changes no
bit.  The backward pass writes every entry of each window (the winner's
``dy`` and three zeros), so only a dropped odd row or column needs zeroing
beforehand.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .checks import require_float32

__all__ = [
    "maxpool2d_forward",
    "maxpool2d_backward",
    "maxpool2d_forward_reference",
    "maxpool2d_backward_reference",
]


@njit(cache=True, inline="always")
def _pool_plane(src, y, argmax):
    out_h, out_w = y.shape
    for i in range(out_h):
        for j in range(out_w):
            best = src[2 * i, 2 * j]
            index = 0
            for k in range(1, 4):
                v = src[2 * i + k // 2, 2 * j + k % 2]
                # strictly greater: the first maximum wins ties;
                # a NaN beats any number, the first NaN stays.
                if v > best or (v != v and best == best):
                    best = v
                    index = k
            y[i, j] = best
            argmax[i, j] = index


@njit(cache=True, inline="always")
def _unpool_plane(dy, argmax, dst):
    zero = np.float32(0.0)
    out_h, out_w = dy.shape
    for i in range(out_h):
        for j in range(out_w):
            k = argmax[i, j]
            g = dy[i, j]
            dst[2 * i, 2 * j] = g if k == 0 else zero
            dst[2 * i, 2 * j + 1] = g if k == 1 else zero
            dst[2 * i + 1, 2 * j] = g if k == 2 else zero
            dst[2 * i + 1, 2 * j + 1] = g if k == 3 else zero


@njit(cache=True)
def _pool_image(x, y, argmax):
    for c in range(x.shape[0]):
        _pool_plane(x[c], y[c], argmax[c])


@njit(cache=True)
def _unpool_image(dy, argmax, dx):
    for c in range(dy.shape[0]):
        _unpool_plane(dy[c], argmax[c], dx[c])


@njit(cache=True, parallel=True)
def _maxpool2d_forward_kernel(x, y, argmax):
    for n in prange(y.shape[0]):
        _pool_image(x[n], y[n], argmax[n])


@njit(cache=True, parallel=True)
def _maxpool2d_backward_kernel(dy, argmax, dx):
    for n in prange(dy.shape[0]):
        _unpool_image(dy[n], argmax[n], dx[n])


def maxpool2d_forward(x: np.ndarray):
    """2x2 max pooling with stride 2.

    Parameters
    ----------
    x : ndarray, float32, shape (N, C, H, W), H >= 2 and W >= 2
        An odd last row or column is dropped.

    Returns
    -------
    y : ndarray, float32, shape (N, C, H // 2, W // 2)
        The window maxima (same units as x).
    argmax : ndarray, int8, same shape as y
        Index ``2a + b`` of the winner ``x[n, c, 2i + a, 2j + b]``; the first
        maximum wins ties.

    Examples
    --------
    >>> x = np.array([[[[1, 3, 0], [3, 2, 9], [7, 7, 7]]]], np.float32)
    >>> y, argmax = maxpool2d_forward(x)
    >>> y[0, 0], argmax[0, 0]
    (array([[3.]], dtype=float32), array([[1]], dtype=int8))
    """
    require_float32("x", x, 4)
    n, c, h, w = x.shape
    if h < 2 or w < 2:
        raise ValueError(f"x must have height and width >= 2 for 2x2 pooling, got shape {x.shape}")
    y = np.empty((n, c, h // 2, w // 2), np.float32)
    argmax = np.empty(y.shape, np.int8)
    _maxpool2d_forward_kernel(x, y, argmax)
    return y, argmax


def maxpool2d_backward(dy: np.ndarray, argmax: np.ndarray, x_shape) -> np.ndarray:
    """Gradient of :func:`maxpool2d_forward`: ``dx[n, c, 2i + a, 2j + b] =
    dy[n, c, i, j]`` at the winner ``2a + b = argmax[n, c, i, j]``, zero
    elsewhere (and on a dropped odd row or column).

    Parameters
    ----------
    dy : ndarray, float32, shape (N, C, H // 2, W // 2)
    argmax : ndarray, int8, same shape, values 0..3
        From :func:`maxpool2d_forward`.
    x_shape : tuple of 4 ints
        The forward input's shape (N, C, H, W).

    Returns
    -------
    dx : ndarray, float32, shape x_shape

    Examples
    --------
    >>> dy = np.array([[[[5.0]]]], np.float32)
    >>> maxpool2d_backward(dy, np.array([[[[2]]]], np.int8), (1, 1, 2, 3))[0, 0]
    array([[0., 0., 0.],
           [5., 0., 0.]], dtype=float32)
    """
    require_float32("dy", dy, 4)
    try:
        x_shape = tuple(int(s) for s in x_shape)
    except TypeError:
        raise TypeError(f"x_shape must be a tuple of 4 ints, got {x_shape!r}") from None
    if len(x_shape) != 4 or x_shape[:2] + (x_shape[2] // 2, x_shape[3] // 2) != dy.shape:
        raise ValueError(
            f"x_shape must be (N, C, H, W) with (N, C, H // 2, W // 2) = dy.shape = "
            f"{dy.shape}, got {x_shape}"
        )
    if not isinstance(argmax, np.ndarray) or argmax.dtype != np.int8 or argmax.shape != dy.shape:
        raise ValueError(f"argmax must be an int8 array of shape {dy.shape} from maxpool2d_forward")
    if argmax.size and (argmax.min() < 0 or argmax.max() > 3):
        raise ValueError("argmax must hold window indices in 0..3")
    n, c, h, w = x_shape
    # the kernel writes every pooled window; only a dropped odd row or column needs its zeros
    dx = np.empty(x_shape, np.float32) if h % 2 == 0 and w % 2 == 0 else np.zeros(x_shape, np.float32)
    _maxpool2d_backward_kernel(dy, np.ascontiguousarray(argmax), dx)
    return dx


# --- plain numpy references --------------------------------------------------


def _windows(x):
    """(N, C, H//2, W//2, 4) view of the 2x2 windows, row-major inside each."""
    n, c, h, w = x.shape
    ho, wo = h // 2, w // 2
    x = x[:, :, : 2 * ho, : 2 * wo].reshape(n, c, ho, 2, wo, 2)
    return x.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, 4)


def maxpool2d_forward_reference(x: np.ndarray):
    """Reference of :func:`maxpool2d_forward`: ``np.argmax`` over each
    window's four values (numpy returns the first maximum, and the first NaN).

    >>> y, k = maxpool2d_forward_reference(np.array([[[[1.0, 2.0], [2.0, 0.0]]]]))
    >>> float(y[0, 0, 0, 0]), int(k[0, 0, 0, 0])
    (2.0, 1)
    """
    windows = _windows(x)
    argmax = np.argmax(windows, axis=-1)
    y = np.take_along_axis(windows, argmax[..., None], axis=-1)[..., 0]
    return y, argmax.astype(np.int8)


def maxpool2d_backward_reference(dy: np.ndarray, argmax: np.ndarray, x_shape) -> np.ndarray:
    """Reference of :func:`maxpool2d_backward`: put ``dy`` at each window's
    winner, zero elsewhere.

    >>> maxpool2d_backward_reference(np.ones((1, 1, 1, 1)), np.array([[[[3]]]]), (1, 1, 2, 2))[0, 0]
    array([[0., 0.],
           [0., 1.]])
    """
    n, c, h, w = x_shape
    ho, wo = h // 2, w // 2
    windows = np.zeros((n, c, ho, wo, 4), dtype=dy.dtype)
    np.put_along_axis(windows, argmax.astype(np.intp)[..., None], dy[..., None], axis=-1)
    dx = np.zeros(x_shape, dtype=dy.dtype)
    dx[:, :, : 2 * ho, : 2 * wo] = (
        windows.reshape(n, c, ho, wo, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * ho, 2 * wo)
    )
    return dx
