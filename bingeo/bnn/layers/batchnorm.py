"""Batch normalization without a learned scale (the sign that follows ignores
it), with an optional learned shift ``beta``.

Features are along axis 1: x is (N, F) after a dense layer or (N, C, H, W)
after a convolution, where a channel's statistics run over N, H and W.  In
training

    y = (x - mean) / sqrt(var + eps) + beta,

with the batch mean and the biased batch variance (divisor N, or N*H*W).  The
kernels accumulate the statistics in float64 and round once to float32.  The
sums may be reassociated by the compiler (``fastmath={'reassoc',
'contract'}``, which vectorizes them about threefold); the order is fixed when
the kernel is compiled, so results do not change from call to call, and NaN
and inf keep their meaning.  The features are shared among the threads
(``prange``), each feature computed whole by one serial function, so the
thread count changes no bit.

Running statistics are the network's business:
``running = momentum * running + (1 - momentum) * batch``, with the unbiased
variance ``var * count / (count - 1)`` (count = N or N*H*W) for the running
variance; :func:`batchnorm_forward_eval` then uses them in place of the batch
statistics.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Optional

import numpy as np
from numba import njit, prange

from .checks import require_float32, require_nonempty, require_shape

__all__ = [
    "BatchNormCache",
    "batchnorm_forward_train",
    "batchnorm_forward_eval",
    "batchnorm_backward",
    "batchnorm_forward_train_reference",
    "batchnorm_forward_eval_reference",
    "batchnorm_backward_reference",
]


class BatchNormCache(NamedTuple):
    """What :func:`batchnorm_backward` needs from the training forward pass."""

    xhat: np.ndarray
    """The normalized input ``(x - mean) / sqrt(var + eps)``, shape of x."""
    inv_std: np.ndarray
    """``1 / sqrt(var + eps)`` per feature, shape (F,)."""
    has_beta: bool
    """Whether the forward pass added a learned shift (then dbeta is returned)."""


@njit(cache=True, fastmath={'reassoc', 'contract'})
def _train_feature(x3, f, shift, eps, y3, xhat3):
    """Feature f of (N, F, P) ``x3``: writes xhat and y, returns (mean, var,
    inv_std) in float64."""
    batch, _, plane = x3.shape
    count = batch * plane
    total = 0.0
    for n in range(batch):
        row = x3[n, f]
        s = 0.0
        for p in range(plane):
            s += row[p]
        total += s
    m = total / count
    squares = 0.0
    for n in range(batch):
        row = x3[n, f]
        s = 0.0
        for p in range(plane):
            d = row[p] - m
            s += d * d
        squares += s
    var = squares / count
    k = 1.0 / np.sqrt(var + eps)
    for n in range(batch):
        row, hat, out = x3[n, f], xhat3[n, f], y3[n, f]
        for p in range(plane):
            h = (row[p] - m) * k
            hat[p] = h
            out[p] = h + shift
    return m, var, k


@njit(cache=True, parallel=True)
def _batchnorm_train_kernel(x3, beta, has_beta, eps, y3, xhat3, mean, var, inv_std):
    """x3, y3, xhat3: (N, F, P) views; statistics over axes 0 and 2."""
    # one call per prange iteration: loops written in a prange body itself do not vectorize
    for f in prange(x3.shape[1]):
        m, v, k = _train_feature(x3, f, beta[f] if has_beta else 0.0, eps[f], y3, xhat3)
        mean[f] = m
        var[f] = v
        inv_std[f] = k


@njit(cache=True)
def _eval_image(x2, running_mean, running_var, beta, has_beta, eps, y2):
    """One sample's (F, P) values."""
    for f in range(x2.shape[0]):
        m = np.float64(running_mean[f])
        k = 1.0 / math.sqrt(np.float64(running_var[f]) + eps[f])
        shift = beta[f] if has_beta else 0.0
        row, out = x2[f], y2[f]
        for p in range(row.shape[0]):
            out[p] = (row[p] - m) * k + shift


@njit(cache=True, parallel=True)
def _batchnorm_eval_kernel(x3, running_mean, running_var, beta, has_beta, eps, y3):
    for n in prange(x3.shape[0]):
        _eval_image(x3[n], running_mean, running_var, beta, has_beta, eps, y3[n])


@njit(cache=True, fastmath={'reassoc', 'contract'})
def _backward_feature(dy3, xhat3, f, k, dx3):
    """Feature f: writes dx, returns sum(dy) in float64."""
    batch, _, plane = dy3.shape
    count = batch * plane
    sum_dy = 0.0
    sum_dy_xhat = 0.0
    for n in range(batch):
        g, hat = dy3[n, f], xhat3[n, f]
        s = 0.0
        t = 0.0
        for p in range(plane):
            gp = np.float64(g[p])
            s += gp
            t += gp * hat[p]
        sum_dy += s
        sum_dy_xhat += t
    a = sum_dy / count
    b = sum_dy_xhat / count
    for n in range(batch):
        g, hat, out = dy3[n, f], xhat3[n, f], dx3[n, f]
        for p in range(plane):
            out[p] = k * (g[p] - a - hat[p] * b)
    return sum_dy


@njit(cache=True, parallel=True)
def _batchnorm_backward_kernel(dy3, xhat3, inv_std, dx3, dbeta):
    """dx = inv_std * (dy - mean(dy) - xhat * mean(dy * xhat)); dbeta = sum(dy)."""
    for f in prange(dy3.shape[1]):
        dbeta[f] = _backward_feature(dy3, xhat3, f, np.float64(inv_std[f]), dx3)


def _as3(a):
    """(N, F, P) view of a C-contiguous (N, F) or (N, C, H, W) array."""
    return a.reshape(a.shape[0], a.shape[1], -1)


def _check_eps(eps, features):
    """``eps`` as a (F,) float64 array: one number for every feature, or one per feature."""
    arr = np.asarray(eps, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(features, float(arr))
    elif arr.shape != (features,):
        raise ValueError(f"eps: expected a number or an array of shape ({features},), got shape {arr.shape}")
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0.0)):
        raise ValueError(f"eps must be finite and > 0, got {eps}")
    return np.ascontiguousarray(arr)


def _check_features(name, a, features):
    require_float32(name, a, 1)
    require_shape(name, a, (features,), "(F,) with F = x.shape[1]")


def batchnorm_forward_train(x: np.ndarray, beta: Optional[np.ndarray], eps: float = 1e-5):
    """Training-mode batch normalization with batch statistics.

    ``y = (x - mean) / sqrt(var + eps) + beta``, per feature (axis 1), with
    the batch mean and the biased batch variance over N (and H, W).

    Parameters
    ----------
    x : ndarray, float32, shape (N, F) or (N, C, H, W)
    beta : ndarray, float32, shape (F,), or None
        Learned shift; None for no shift.
    eps : float or ndarray of shape (F,)
        Added to the variance, > 0 (in units of x squared); one per feature
        if an array.  A per-unit input scale alpha > 0 is the same as
        ``eps / alpha**2``: BN(alpha x; eps) = BN(x; eps / alpha^2) exactly
        in real arithmetic, which keeps exact ties of x exact.

    Returns
    -------
    y : ndarray, float32, shape of x
    mean, var : ndarray, float32, shape (F,)
        Batch mean and biased batch variance (divisor N or N*H*W).
    cache : BatchNormCache
        For :func:`batchnorm_backward`.

    Examples
    --------
    >>> x = np.array([[1.0, 10.0], [3.0, 10.0]], np.float32)
    >>> y, mean, var, cache = batchnorm_forward_train(x, None, eps=1e-12)
    >>> y
    array([[-1.,  0.],
           [ 1.,  0.]], dtype=float32)
    >>> mean, var
    (array([ 2., 10.], dtype=float32), array([1., 0.], dtype=float32))
    """
    require_float32("x", x, (2, 4))
    require_nonempty("x", x)
    features = x.shape[1]
    if beta is not None:
        _check_features("beta", beta, features)
    eps = _check_eps(eps, features)
    y = np.empty_like(x)
    xhat = np.empty_like(x)
    mean = np.empty(features, np.float32)
    var = np.empty(features, np.float32)
    inv_std = np.empty(features, np.float32)
    _batchnorm_train_kernel(
        _as3(x), beta if beta is not None else mean, beta is not None, eps,
        _as3(y), _as3(xhat), mean, var, inv_std,
    )
    return y, mean, var, BatchNormCache(xhat, inv_std, beta is not None)


def batchnorm_forward_eval(
    x: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    beta: Optional[np.ndarray],
    eps: float = 1e-5,
) -> np.ndarray:
    """Inference-mode batch normalization with running statistics:
    ``y = (x - running_mean) / sqrt(running_var + eps) + beta`` per feature.

    Parameters
    ----------
    x : ndarray, float32, shape (N, F) or (N, C, H, W)
    running_mean, running_var : ndarray, float32, shape (F,)
    beta : ndarray, float32, shape (F,), or None
    eps : float or ndarray of shape (F,), > 0

    Examples
    --------
    >>> x = np.array([[2.0], [6.0]], np.float32)
    >>> batchnorm_forward_eval(x, np.array([4.0], np.float32), np.array([4.0], np.float32),
    ...                        np.array([0.5], np.float32), eps=1e-12)
    array([[-0.5],
           [ 1.5]], dtype=float32)
    """
    require_float32("x", x, (2, 4))
    require_nonempty("x", x)
    features = x.shape[1]
    _check_features("running_mean", running_mean, features)
    _check_features("running_var", running_var, features)
    if beta is not None:
        _check_features("beta", beta, features)
    eps = _check_eps(eps, features)
    y = np.empty_like(x)
    _batchnorm_eval_kernel(
        _as3(x), running_mean, running_var, beta if beta is not None else running_mean,
        beta is not None, eps, _as3(y),
    )
    return y


def batchnorm_backward(dy: np.ndarray, cache: BatchNormCache):
    r"""Gradient of :func:`batchnorm_forward_train` (batch statistics
    differentiated too).

    With :math:`\hat x = (x - \mu)\,s`, :math:`s = 1/\sqrt{\sigma^2 +
    \epsilon}` and means over the batch (and H, W) per feature:
    :math:`dx = s\,(dy - \overline{dy} - \hat x\, \overline{dy\, \hat x})`,
    :math:`d\beta = \sum dy`.

    Returns
    -------
    dx : ndarray, float32, shape of dy
    dbeta : ndarray, float32, shape (F,), or None when the forward pass had
        no beta.

    Examples
    --------
    >>> x = np.array([[1.0], [3.0]], np.float32)
    >>> y, _, _, cache = batchnorm_forward_train(x, np.zeros(1, np.float32), eps=1e-12)
    >>> dx, dbeta = batchnorm_backward(np.array([[1.0], [1.0]], np.float32), cache)
    >>> dx, dbeta   # a shift of every input changes nothing
    (array([[0.],
           [0.]], dtype=float32), array([2.], dtype=float32))
    """
    if not isinstance(cache, BatchNormCache):
        raise TypeError("cache must be the BatchNormCache from batchnorm_forward_train")
    require_float32("dy", dy, (2, 4))
    require_shape("dy", dy, cache.xhat.shape, "the shape of the forward input")
    dx = np.empty_like(dy)
    dbeta = np.empty(dy.shape[1], np.float32)
    _batchnorm_backward_kernel(_as3(dy), _as3(cache.xhat), cache.inv_std, _as3(dx), dbeta)
    return dx, (dbeta if cache.has_beta else None)


# --- plain numpy references --------------------------------------------------


def _axes(x):
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _per_feature(v, x):
    """Broadcast a (F,) vector against x."""
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def batchnorm_forward_train_reference(x, beta, eps=1e-5):
    """Reference of :func:`batchnorm_forward_train` with ``np.mean`` and
    ``np.var`` over the batch axes, in the dtype of x (float64 for gradient
    checks).

    >>> y, mean, var, cache = batchnorm_forward_train_reference(np.array([[0.0], [2.0]]), None, 1e-12)
    >>> y.ravel(), mean, var
    (array([-1.,  1.]), array([1.]), array([1.]))
    """
    axes = _axes(x)
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - _per_feature(mean, x)) * _per_feature(inv_std, x)
    y = xhat + _per_feature(beta, x) if beta is not None else xhat.copy()
    return y, mean, var, BatchNormCache(xhat, inv_std, beta is not None)


def batchnorm_forward_eval_reference(x, running_mean, running_var, beta, eps=1e-5):
    """Reference of :func:`batchnorm_forward_eval` (``eps`` a number or one per feature).

    >>> batchnorm_forward_eval_reference(np.array([[3.0]]), np.array([1.0]), np.array([4.0]), None, 1e-12)
    array([[1.]])
    """
    eps = np.asarray(eps)
    eps = _per_feature(eps, x) if eps.ndim else eps  # one eps per feature, or one for all
    y = (x - _per_feature(running_mean, x)) / np.sqrt(_per_feature(running_var, x) + eps)
    return y + _per_feature(beta, x) if beta is not None else y


def batchnorm_backward_reference(dy, cache):
    """Reference of :func:`batchnorm_backward`, the formula with ``np.mean``.

    >>> _, _, _, c = batchnorm_forward_train_reference(np.array([[0.0], [2.0]]), None, 1e-12)
    >>> dx, dbeta = batchnorm_backward_reference(np.array([[1.0], [1.0]]), c)
    >>> dx.ravel(), dbeta
    (array([0., 0.]), None)
    """
    axes = _axes(dy)
    xhat = cache.xhat
    mean_dy = dy.mean(axis=axes, keepdims=True)
    mean_dy_xhat = (dy * xhat).mean(axis=axes, keepdims=True)
    dx = _per_feature(cache.inv_std, dy) * (dy - mean_dy - xhat * mean_dy_xhat)
    dbeta = dy.sum(axis=axes) if cache.has_beta else None
    return dx.astype(dy.dtype), dbeta
