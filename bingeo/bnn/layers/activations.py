"""Elementwise activations: sign and ternary quantizers with the
straight-through gradient, and the hard tanh.

Conventions (see the design notes): sign(0) = +1, also for -0.0, so binarized
tensors have no zeros; ternary t(x) = sign(x) if |x| > threshold else 0.  NaN
stays NaN in every forward pass (a diverged network shows), and gets a zero
gradient.  The per-element sign and ternary are the package's one scalar
implementation, :func:`bingeo.quantize_jit.sign_scalar` and
:func:`bingeo.quantize_jit.ternary_scalar`; the references are
:func:`bingeo.quantize.sign` and :func:`bingeo.quantize.ternarize` in the
array's dtype.

Each kernel is an elementwise loop over the flattened array, cut into
chunks of :data:`CHUNK` elements that the threads share (``prange``); an
element's result depends on that element alone, so the thread count changes
no bit.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from bingeo.quantize import sign, ternarize
from bingeo.quantize_jit import sign_scalar, ternary_scalar

from .checks import require_float32, require_shape

__all__ = [
    "sign_forward",
    "sign_backward",
    "ternary_forward",
    "ternary_backward",
    "hardtanh_forward",
    "hardtanh_backward",
    "sign_forward_reference",
    "sign_backward_reference",
    "ternary_forward_reference",
    "ternary_backward_reference",
    "hardtanh_forward_reference",
    "hardtanh_backward_reference",
]

_ANY_RANK = (1, 2, 3, 4, 5)


CHUNK = 1 << 14
"""Elements per ``prange`` iteration of the elementwise kernels (64 KiB of
float32): big enough that a chunk outweighs handing it to a thread.  Each
chunk goes to a serial loop over its own slices, which LLVM vectorizes (an
index range inside the ``prange`` body did not, and ran four times slower)."""


@njit(cache=True)
def _sign_loop(x, y):
    for i in range(x.shape[0]):
        y[i] = sign_scalar(x[i])


@njit(cache=True)
def _ternary_loop(x, threshold, y):
    for i in range(x.shape[0]):
        y[i] = ternary_scalar(x[i], threshold)


@njit(cache=True)
def _hardtanh_loop(x, y):
    for i in range(x.shape[0]):
        v = x[i]
        if v > 1.0:
            y[i] = 1.0
        elif v < -1.0:
            y[i] = -1.0
        else:  # inside [-1, 1], or NaN
            y[i] = v


@njit(cache=True)
def _straight_through_loop(x, dy, dx):
    for i in range(x.shape[0]):
        # Straight-through estimator: the gradient passes unchanged where
        # |x| <= 1 (both ends included) and is zero elsewhere and at NaN.
        dx[i] = dy[i] if abs(x[i]) <= 1.0 else 0.0


@njit(cache=True, parallel=True)
def _sign_kernel(x, y):
    n = x.shape[0]
    for k in prange((n + CHUNK - 1) // CHUNK):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        _sign_loop(x[lo:hi], y[lo:hi])


@njit(cache=True, parallel=True)
def _ternary_kernel(x, threshold, y):
    n = x.shape[0]
    for k in prange((n + CHUNK - 1) // CHUNK):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        _ternary_loop(x[lo:hi], threshold, y[lo:hi])


@njit(cache=True, parallel=True)
def _hardtanh_kernel(x, y):
    n = x.shape[0]
    for k in prange((n + CHUNK - 1) // CHUNK):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        _hardtanh_loop(x[lo:hi], y[lo:hi])


@njit(cache=True, parallel=True)
def _straight_through_kernel(x, dy, dx):
    n = x.shape[0]
    for k in prange((n + CHUNK - 1) // CHUNK):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        _straight_through_loop(x[lo:hi], dy[lo:hi], dx[lo:hi])


def _straight_through(x, dy):
    require_float32("x", x, _ANY_RANK)
    require_float32("dy", dy, _ANY_RANK)
    require_shape("dy", dy, x.shape, "the shape of x")
    dx = np.empty_like(x)
    _straight_through_kernel(
        x.reshape(-1), dy.reshape(-1), dx.reshape(-1)
    )
    return dx


def sign_forward(x: np.ndarray) -> np.ndarray:
    """Binarize: ``y = +1 if x >= 0 else -1`` (sign(0) = +1, also for -0.0;
    NaN stays NaN).

    Parameters
    ----------
    x : ndarray, float32, any shape (rank 1 to 5)

    Returns
    -------
    y : ndarray, float32, same shape, values in {-1, +1}

    Examples
    --------
    >>> sign_forward(np.array([-2.0, -0.0, 0.0, 0.5], np.float32))
    array([-1.,  1.,  1.,  1.], dtype=float32)
    """
    require_float32("x", x, _ANY_RANK)
    y = np.empty_like(x)
    _sign_kernel(x.reshape(-1), y.reshape(-1))
    return y


def sign_backward(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Straight-through gradient of :func:`sign_forward`:
    ``dx = dy * 1{|x| <= 1}`` (the gradient of hard tanh, both ends included;
    zero where ``|x| > 1`` even if ``dy`` is inf or NaN).

    Examples
    --------
    >>> x = np.array([-1.5, -1.0, 0.0, 1.0, 1.0001], np.float32)
    >>> sign_backward(x, np.full(5, 2.0, np.float32))
    array([0., 2., 2., 2., 0.], dtype=float32)
    """
    return _straight_through(x, dy)


def ternary_forward(x: np.ndarray, threshold: float) -> np.ndarray:
    """Ternarize: ``y = sign(x) * 1{|x| > threshold}``, values in {-1, 0, +1};
    ``|x| == threshold`` gives 0.

    Parameters
    ----------
    x : ndarray, float32, any shape (rank 1 to 5)
    threshold : float
        Finite, >= 0, in the units of ``x``; rounded to float32 before the
        comparison.  ``threshold = 0`` gives 0 only at x = +-0.0.

    Examples
    --------
    >>> ternary_forward(np.array([-1.0, -0.5, 0.2, 0.5, 0.7], np.float32), 0.5)
    array([-1.,  0.,  0.,  0.,  1.], dtype=float32)
    """
    require_float32("x", x, _ANY_RANK)
    threshold = float(threshold)
    if not (math.isfinite(threshold) and threshold >= 0.0):
        raise ValueError(f"threshold must be finite and >= 0, got {threshold}")
    y = np.empty_like(x)
    _ternary_kernel(
        x.reshape(-1), np.float32(threshold), y.reshape(-1)
    )
    return y


def ternary_backward(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Straight-through gradient of :func:`ternary_forward`:
    ``dx = dy * 1{|x| <= 1}``, the same rule as :func:`sign_backward`.

    Examples
    --------
    >>> ternary_backward(np.array([0.3, -2.0], np.float32), np.ones(2, np.float32))
    array([1., 0.], dtype=float32)
    """
    return _straight_through(x, dy)


def hardtanh_forward(x: np.ndarray) -> np.ndarray:
    """Hard tanh: ``y = clip(x, -1, 1)`` (NaN stays NaN).

    Examples
    --------
    >>> hardtanh_forward(np.array([-3.0, -0.25, 2.0], np.float32))
    array([-1.  , -0.25,  1.  ], dtype=float32)
    """
    require_float32("x", x, _ANY_RANK)
    y = np.empty_like(x)
    _hardtanh_kernel(x.reshape(-1), y.reshape(-1))
    return y


def hardtanh_backward(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Gradient of :func:`hardtanh_forward`: ``dx = dy * 1{|x| <= 1}``.  At
    ``|x| = 1`` hard tanh has no derivative; the gradient is passed there,
    matching the straight-through rule.

    Examples
    --------
    >>> hardtanh_backward(np.array([1.0, 1.5], np.float32), np.ones(2, np.float32))
    array([1., 0.], dtype=float32)
    """
    return _straight_through(x, dy)


# --- plain numpy references --------------------------------------------------


def sign_forward_reference(x: np.ndarray) -> np.ndarray:
    """Reference of :func:`sign_forward`: :func:`bingeo.quantize.sign` in the
    dtype of ``x``.

    >>> sign_forward_reference(np.array([-0.0, -3.0]))
    array([ 1., -1.])
    """
    return sign(x).astype(x.dtype)


def _straight_through_reference(x, dy):
    return np.where(np.abs(x) <= 1, dy, 0).astype(dy.dtype)


def sign_backward_reference(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Reference of :func:`sign_backward`: ``where(|x| <= 1, dy, 0)``.

    >>> sign_backward_reference(np.array([1.0, -1.01]), np.array([3.0, 3.0]))
    array([3., 0.])
    """
    return _straight_through_reference(x, dy)


def ternary_forward_reference(x: np.ndarray, threshold: float) -> np.ndarray:
    """Reference of :func:`ternary_forward`: :func:`bingeo.quantize.ternarize`
    in the dtype of ``x``, with the threshold rounded to that dtype first (as
    the kernel compares).

    >>> ternary_forward_reference(np.array([0.5, 0.6, -0.6]), 0.5)
    array([ 0.,  1., -1.])
    """
    return ternarize(x, x.dtype.type(threshold)).astype(x.dtype)


def ternary_backward_reference(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Reference of :func:`ternary_backward`: ``where(|x| <= 1, dy, 0)``.

    >>> ternary_backward_reference(np.array([0.0]), np.array([2.0]))
    array([2.])
    """
    return _straight_through_reference(x, dy)


def hardtanh_forward_reference(x: np.ndarray) -> np.ndarray:
    """Reference of :func:`hardtanh_forward`: ``np.clip(x, -1, 1)``.

    >>> hardtanh_forward_reference(np.array([-2.0, 0.5]))
    array([-1. ,  0.5])
    """
    return np.clip(x, -1, 1)


def hardtanh_backward_reference(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Reference of :func:`hardtanh_backward`: ``where(|x| <= 1, dy, 0)``.

    >>> hardtanh_backward_reference(np.array([2.0]), np.array([2.0]))
    array([0.])
    """
    return _straight_through_reference(x, dy)
