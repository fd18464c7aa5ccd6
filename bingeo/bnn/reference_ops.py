"""The network's primitives in plain numpy, in float32, for the reference step.

Each function follows the layer contract of :mod:`bingeo.bnn.layers` (same
name, same arguments, same results) and is built from the layers' own slow
references (the ``*_reference`` functions beside each kernel): pooling, batch
normalization, the activations and the losses are those references,
evaluated in float64 where they sum and rounded once to float32.  The two
products are the exception: the dense layer is ``x @ w`` and the 3x3
convolution the product of :func:`bingeo.bnn.layers.patches.conv_patches`
with the filters, both in float32 through BLAS, so that the reference step
(:mod:`bingeo.bnn.reference_step`) runs at numpy's speed for the benchmark
(the layers' product references loop without BLAS).

Conventions: sign(0) = +1 (also for -0.0); the straight-through estimator
keeps the gradient where |x| <= 1; all arrays are float32.
"""

from __future__ import annotations

import numpy as np

from .layers.activations import (hardtanh_forward_reference, sign_backward_reference, sign_forward_reference,
                                 ternary_forward_reference)
from .layers.batchnorm import (batchnorm_backward_reference, batchnorm_forward_eval_reference,
                               batchnorm_forward_train_reference)
from .layers.losses import softmax_cross_entropy_reference, squared_hinge_loss_reference
from .layers.patches import conv_patches
from .layers.pool import maxpool2d_backward_reference, maxpool2d_forward_reference

__all__ = [
    "dense_forward", "dense_backward", "conv2d_forward", "conv2d_backward",
    "maxpool2d_forward", "maxpool2d_backward", "batchnorm_forward_train",
    "batchnorm_forward_eval", "batchnorm_backward", "sign_forward", "sign_backward",
    "ternary_forward", "ternary_backward", "hardtanh_forward", "hardtanh_backward",
    "squared_hinge_loss", "softmax_cross_entropy",
]

_F32 = np.float32
_F64 = np.float64


def _f64(a):
    return None if a is None else np.asarray(a, _F64)


def _f32(a):
    return None if a is None else np.ascontiguousarray(a, _F32)


def dense_forward(x, w):
    """``y = x @ w``: (N, K) x (K, M) -> (N, M).

    >>> dense_forward(np.ones((1, 2), np.float32), np.ones((2, 3), np.float32))
    array([[2., 2., 2.]], dtype=float32)
    """
    return (x @ w).astype(_F32)


def dense_backward(x, w, dy):
    """``dx = dy @ w.T``, ``dw = x.T @ dy``."""
    return (dy @ w.T).astype(_F32), (x.T @ dy).astype(_F32)


def conv2d_forward(x, w):
    """3x3 "same" cross-correlation: ``y[n,f,h,v] = sum_{c,i,j} xpad[n,c,h+i,v+j] w[f,c,i,j]``,
    the patch matrix times the filters.

    >>> x = np.zeros((1, 1, 3, 3), np.float32); x[0, 0, 1, 1] = 1
    >>> w = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    >>> conv2d_forward(x, w)[0, 0]
    array([[8., 7., 6.],
           [5., 4., 3.],
           [2., 1., 0.]], dtype=float32)
    """
    n, c, h, v = x.shape
    f = w.shape[0]
    y = conv_patches(x) @ w.reshape(f, c * 9).T
    return np.ascontiguousarray(y.reshape(n, h, v, f).transpose(0, 3, 1, 2), dtype=_F32)


def conv2d_backward(x, w, dy):
    """Gradients of :func:`conv2d_forward`: ``dw = dy^T patches(x)``, and ``dx`` the
    sum over the nine shifts of ``dy w`` moved back into place."""
    n, c, h, v = x.shape
    f = w.shape[0]
    rows = dy.transpose(0, 2, 3, 1).reshape(n * h * v, f)
    dw = (rows.T @ conv_patches(x)).reshape(w.shape).astype(_F32)
    dcols = (rows @ w.reshape(f, c * 9)).reshape(n, h, v, c, 3, 3).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros((n, c, h + 2, v + 2), _F32)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + v] += dcols[:, :, i, j]
    return np.ascontiguousarray(dxp[:, :, 1:-1, 1:-1]), dw


def maxpool2d_forward(x):
    """2x2 max pool, stride 2; argmax is the window index 0..3 (row-major), first max wins.

    >>> y, a = maxpool2d_forward(np.array([[[[1, 3], [3, 2]]]], np.float32))
    >>> float(y[0, 0, 0, 0]), int(a[0, 0, 0, 0])
    (3.0, 1)
    """
    y, argmax = maxpool2d_forward_reference(x)
    return _f32(y), argmax


def maxpool2d_backward(dy, argmax, x_shape):
    """Route each gradient to its window's winner; a dropped odd row/column gets 0."""
    return _f32(maxpool2d_backward_reference(dy, argmax, x_shape))


def batchnorm_forward_train(x, beta, eps):
    """``y = (x - mean) / sqrt(var + eps) + beta``, batch mean and biased variance per feature,
    in float64; the cache keeps the float64 normalized input for the backward pass."""
    y, mean, var, cache = batchnorm_forward_train_reference(_f64(x), _f64(beta), eps)
    return _f32(y), _f32(mean), _f32(var), cache


def batchnorm_forward_eval(x, running_mean, running_var, beta, eps):
    """``y = (x - running_mean) / sqrt(running_var + eps) + beta``, in float64."""
    return _f32(batchnorm_forward_eval_reference(_f64(x), _f64(running_mean), _f64(running_var), _f64(beta), eps))


def batchnorm_backward(dy, cache):
    """``dx = inv_std * (dy - mean(dy) - xhat * mean(dy * xhat))``, ``dbeta = sum(dy)``, in float64."""
    dx, dbeta = batchnorm_backward_reference(_f64(dy), cache)
    return _f32(dx), _f32(dbeta)


def sign_forward(x):
    """sign with sign(0) = sign(-0.0) = +1."""
    return sign_forward_reference(_f32(x))


def sign_backward(x, dy):
    """Straight-through estimator: the gradient passes where |x| <= 1."""
    return sign_backward_reference(_f32(x), _f32(dy))


def ternary_forward(x, threshold):
    """``sign(x) * 1{|x| > threshold}``."""
    return ternary_forward_reference(_f32(x), threshold)


def ternary_backward(x, dy):
    """Straight-through: the gradient passes where |x| <= 1."""
    return sign_backward(x, dy)


def hardtanh_forward(x):
    """``clip(x, -1, 1)``."""
    return hardtanh_forward_reference(_f32(x))


def hardtanh_backward(x, dy):
    """``dy * 1{|x| <= 1}``."""
    return sign_backward(x, dy)


def squared_hinge_loss(out, targets):
    """``mean over all N*M entries of max(0, 1 - t * out)^2`` and its gradient, in float64.

    >>> loss, d = squared_hinge_loss(np.zeros((1, 2), np.float32), np.array([[1, -1]], np.float32))
    >>> float(loss), d
    (1.0, array([[-1.,  1.]], dtype=float32))
    """
    loss, dout = squared_hinge_loss_reference(_f64(out), _f64(targets))
    return loss, _f32(dout)


def softmax_cross_entropy(out, labels):
    """Mean over N of ``-log softmax(out)[label]`` and its gradient ``(p - onehot) / N``, in float64."""
    loss, dout = softmax_cross_entropy_reference(_f64(out), labels)
    return loss, _f32(dout)
