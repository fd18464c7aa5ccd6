"""Plain numpy versions of the network's primitives, for the reference step.

Each function follows the layer contract of :mod:`bingeo.bnn.layers` (same
name, same arguments, same results) but is written as short, obvious numpy:
the 3x3 convolution is a matrix product with its nine shifts, max pooling a reshape, and
batch normalization the textbook formulas.  :mod:`bingeo.bnn.reference_step`
composes them into one training step; nothing here is tuned for speed.

Conventions: sign(0) = +1 (also for -0.0); the straight-through estimator
keeps the gradient where |x| <= 1; all arrays are float32.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "dense_forward", "dense_backward", "conv2d_forward", "conv2d_backward",
    "maxpool2d_forward", "maxpool2d_backward", "batchnorm_forward_train",
    "batchnorm_forward_eval", "batchnorm_backward", "sign_forward", "sign_backward",
    "ternary_forward", "ternary_backward", "hardtanh_forward", "hardtanh_backward",
    "squared_hinge_loss", "softmax_cross_entropy",
]

_F32 = np.float32


def dense_forward(x, w):
    """``y = x @ w``: (N, K) x (K, M) -> (N, M).

    >>> dense_forward(np.ones((1, 2), np.float32), np.ones((2, 3), np.float32))
    array([[2., 2., 2.]], dtype=float32)
    """
    return (x @ w).astype(_F32)


def dense_backward(x, w, dy):
    """``dx = dy @ w.T``, ``dw = x.T @ dy``."""
    return (dy @ w.T).astype(_F32), (x.T @ dy).astype(_F32)


def _shifts(x):
    """The nine 3x3 shifts of the zero-padded ``x``, as rows: (N*H*W, C*9),
    column ``c*9 + 3*i + j`` holding ``xpad[n, c, h+i, v+j]``."""
    n, c, h, v = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.stack([xp[:, :, i:i + h, j:j + v] for i in range(3) for j in range(3)], axis=2)
    return cols.transpose(0, 3, 4, 1, 2).reshape(n * h * v, c * 9)


def conv2d_forward(x, w):
    """3x3 "same" cross-correlation: ``y[n,f,h,v] = sum_{c,i,j} xpad[n,c,h+i,v+j] w[f,c,i,j]``.

    >>> x = np.zeros((1, 1, 3, 3), np.float32); x[0, 0, 1, 1] = 1
    >>> w = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    >>> conv2d_forward(x, w)[0, 0]
    array([[8., 7., 6.],
           [5., 4., 3.],
           [2., 1., 0.]], dtype=float32)
    """
    n, c, h, v = x.shape
    f = w.shape[0]
    y = _shifts(x) @ w.reshape(f, c * 9).T
    return np.ascontiguousarray(y.reshape(n, h, v, f).transpose(0, 3, 1, 2), dtype=_F32)


def conv2d_backward(x, w, dy):
    """Gradients of :func:`conv2d_forward`: ``dw = dy^T shifts(x)``, and ``dx`` the
    sum over the nine shifts of ``dy w`` moved back into place."""
    n, c, h, v = x.shape
    f = w.shape[0]
    rows = dy.transpose(0, 2, 3, 1).reshape(n * h * v, f)
    dw = (rows.T @ _shifts(x)).reshape(w.shape).astype(_F32)
    dcols = (rows @ w.reshape(f, c * 9)).reshape(n, h, v, c, 3, 3).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros((n, c, h + 2, v + 2), _F32)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + v] += dcols[:, :, i, j]
    return np.ascontiguousarray(dxp[:, :, 1:-1, 1:-1]), dw


def _windows(x):
    n, c, h, v = x.shape
    h2, v2 = h // 2, v // 2
    t = x[:, :, :2 * h2, :2 * v2].reshape(n, c, h2, 2, v2, 2)
    return t.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h2, v2, 4)


def maxpool2d_forward(x):
    """2x2 max pool, stride 2; argmax is the window index 0..3 (row-major), first max wins.

    >>> y, a = maxpool2d_forward(np.array([[[[1, 3], [3, 2]]]], np.float32))
    >>> float(y[0, 0, 0, 0]), int(a[0, 0, 0, 0])
    (3.0, 1)
    """
    win = _windows(x)
    arg = win.argmax(axis=-1)
    y = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    return np.ascontiguousarray(y), arg.astype(np.int8)


def maxpool2d_backward(dy, argmax, x_shape):
    """Route each gradient to its window's winner; a dropped odd row/column gets 0."""
    n, c, h, v = x_shape
    h2, v2 = h // 2, v // 2
    win = np.zeros((n, c, h2, v2, 4), _F32)
    np.put_along_axis(win, argmax.astype(np.int64)[..., None], dy[..., None], axis=-1)
    dx = np.zeros(x_shape, _F32)
    dx[:, :, :2 * h2, :2 * v2] = win.reshape(n, c, h2, v2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, 2 * h2, 2 * v2)
    return dx


def _bn_axes(x):
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _per_feature(a, ndim):
    return a if ndim == 2 else a[None, :, None, None]


def batchnorm_forward_train(x, beta, eps):
    """``y = (x - mean) / sqrt(var + eps) + beta``, batch mean and biased variance per feature."""
    axes = _bn_axes(x)
    mean = x.mean(axis=axes, dtype=np.float64).astype(_F32)
    centered = x - _per_feature(mean, x.ndim)
    var = (centered.astype(np.float64) ** 2).mean(axis=axes).astype(_F32)
    inv_std = (1.0 / np.sqrt(var.astype(np.float64) + eps)).astype(_F32)
    xhat = centered * _per_feature(inv_std, x.ndim)
    y = xhat if beta is None else xhat + _per_feature(beta, x.ndim)
    return y.astype(_F32), mean, var, (xhat, inv_std, beta is not None)


def batchnorm_forward_eval(x, running_mean, running_var, beta, eps):
    """``y = (x - running_mean) / sqrt(running_var + eps) + beta``."""
    inv_std = (1.0 / np.sqrt(running_var.astype(np.float64) + eps)).astype(_F32)
    y = (x - _per_feature(running_mean, x.ndim)) * _per_feature(inv_std, x.ndim)
    return (y if beta is None else y + _per_feature(beta, x.ndim)).astype(_F32)


def batchnorm_backward(dy, cache):
    """``dx = inv_std * (dy - mean(dy) - xhat * mean(dy * xhat))``, ``dbeta = sum(dy)``."""
    xhat, inv_std, has_beta = cache
    axes = _bn_axes(dy)
    mdy = dy.mean(axis=axes, dtype=np.float64).astype(_F32)
    mdyx = (dy * xhat).mean(axis=axes, dtype=np.float64).astype(_F32)
    dx = _per_feature(inv_std, dy.ndim) * (dy - _per_feature(mdy, dy.ndim) - xhat * _per_feature(mdyx, dy.ndim))
    dbeta = dy.sum(axis=axes, dtype=np.float64).astype(_F32) if has_beta else None
    return dx.astype(_F32), dbeta


def sign_forward(x):
    """sign with sign(0) = sign(-0.0) = +1."""
    return np.where(x >= 0, _F32(1), _F32(-1))


def sign_backward(x, dy):
    """Straight-through estimator: the gradient passes where |x| <= 1."""
    return (dy * (np.abs(x) <= 1)).astype(_F32)


def ternary_forward(x, threshold):
    """``sign(x) * 1{|x| > threshold}``."""
    return (sign_forward(x) * (np.abs(x) > threshold)).astype(_F32)


def ternary_backward(x, dy):
    """Straight-through: the gradient passes where |x| <= 1."""
    return sign_backward(x, dy)


def hardtanh_forward(x):
    """``clip(x, -1, 1)``."""
    return np.clip(x, -1, 1).astype(_F32)


def hardtanh_backward(x, dy):
    """``dy * 1{|x| <= 1}``."""
    return sign_backward(x, dy)


def squared_hinge_loss(out, targets):
    """``mean over all N*M entries of max(0, 1 - t * out)^2`` and its gradient.

    >>> loss, d = squared_hinge_loss(np.zeros((1, 2), np.float32), np.array([[1, -1]], np.float32))
    >>> float(loss), d
    (1.0, array([[-1.,  1.]], dtype=float32))
    """
    margin = np.maximum(0, 1 - targets * out)
    loss = float((margin.astype(np.float64) ** 2).mean())
    dout = (-2.0 * targets * margin / out.size).astype(_F32)
    return loss, dout


def softmax_cross_entropy(out, labels):
    """Mean over N of ``-log softmax(out)[label]`` and its gradient ``(p - onehot) / N``."""
    z = out.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = out.shape[0]
    loss = float(-logp[np.arange(n), labels].mean())
    p = np.exp(logp)
    p[np.arange(n), labels] -= 1.0
    return loss, (p / n).astype(_F32)
