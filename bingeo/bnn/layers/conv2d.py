"""3x3 convolution, stride 1, zero "same" padding, no bias, NCHW.

Like PyTorch's ``conv2d`` it is a cross-correlation:

    y[n, f, i, j] = sum_{c, a, b} w[f, c, a, b] x[n, c, i + a - 1, j + b - 1]

with x = 0 outside the image.  The backward pass is two more sums of the
same shape: the input gradient is the convolution of ``dy`` with the
flipped, transposed kernels ``w[f, c, 2 - a, 2 - b]`` taken as (C, F, 3, 3),
and the weight gradient ``dw[f, c, a, b] = sum_{n,i,j} dy[n, f, i, j]
x[n, c, i + a - 1, j + b - 1]``.

Each sum goes to the kernel that fits its operands, all numba, on all cores:

* inputs and weights in {-1, +1} (the forward pass of every binary layer
  after the first): the bit-packed XNOR-popcount sums of
  :func:`bingeo.bnn.packed.binary_conv3x3_sums`, exact integers;
* weights in {-1, +1} (a binarized layer): :mod:`.conv2d_signed`, table
  lookups four channels at a time, no multiplications; used for the forward
  pass of the first layer and the input gradient;
* inputs in {-1, +1} (every binary layer after the first):
  :mod:`.conv2d_signed_grad` for the weight gradient, four pixels at a time;
* anything else (images, continuous layers, scaled or rotated weights):
  :mod:`.conv2d_float`.

Every kernel sums each output in one fixed order, without fused
multiply-adds or reassociation, and splits only whole sums among threads,
so a result is the same bits for every thread count and on every x86-64
CPU.  The kernel is chosen from the values (an exact check for +-1), never
from the machine.  With +-1 inputs and weights the forward sums are
integers below 2**24, exact in any order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .checks import require_float32, require_nonempty, require_shape
from .conv2d_float import float_conv2d, float_conv2d_weight_grad
from .conv2d_layout import images_per_block
from .conv2d_signed import signed_conv2d
from .conv2d_signed_grad import signed_conv2d_weight_grad
from .signed_sums import is_plus_minus_one

__all__ = [
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_forward_reference",
    "conv2d_backward_reference",
    "images_per_chunk",
    "flipped_kernels",
]


@njit(cache=True)
def images_per_chunk(channels, height, width):
    """Most images the forward kernels lay side by side in one block (one
    ``prange`` iteration): :func:`~.conv2d_layout.images_per_block`; it
    depends on the image size only (``channels`` is accepted and unused).

    Examples
    --------
    >>> images_per_chunk(32, 8, 8), images_per_chunk(512, 32, 32)
    (12, 1)
    """
    return images_per_block(height, width)


def flipped_kernels(w: np.ndarray) -> np.ndarray:
    """``wt[c, f, a, b] = w[f, c, 2 - a, 2 - b]``: the kernels whose
    convolution with ``dy`` is the input gradient, C-contiguous.

    >>> w = np.arange(18, dtype=np.float32).reshape(1, 2, 3, 3)
    >>> flipped_kernels(w)[1, 0, 0, 0] == w[0, 1, 2, 2]
    np.True_
    """
    return np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))


def _packed_conv2d(x, w):
    """The integer sums of +-1 ``x`` and ``w`` by XNOR-popcount, as float32
    (exact: |y| <= 9 C < 2**24)."""
    # imported here: bingeo.bnn.packed builds on these layers, so a module
    # level import would be circular
    from ..packed.bits import pack_conv_weights, pack_signs_channels_last
    from ..packed.conv import binary_conv3x3_sums

    return binary_conv3x3_sums(pack_signs_channels_last(x), pack_conv_weights(w), x.shape[1], np.float32)


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
    if not is_plus_minus_one(w):
        return float_conv2d(x, w)
    if is_plus_minus_one(x):
        return _packed_conv2d(x, w)
    return signed_conv2d(x, w)


def conv2d_backward(x: np.ndarray, w: np.ndarray, dy: np.ndarray, *, input_grad: bool = True):
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
    input_grad : bool
        False skips ``dx`` (returned as None): a network's first layer
        needs only ``dw``.

    Returns
    -------
    dx : ndarray, float32, shape (N, C, H, W), or None
    dw : ndarray, float32, shape (F, C, 3, 3)

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2), np.float32)
    >>> w = np.ones((1, 1, 3, 3), np.float32)
    >>> conv2d_backward(x, w, np.ones((1, 1, 2, 2), np.float32), input_grad=False)[0] is None
    True
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
    dx = None
    if input_grad:
        wt = flipped_kernels(w)
        dx = signed_conv2d(dy, wt) if is_plus_minus_one(w) else float_conv2d(dy, wt)
    dw = signed_conv2d_weight_grad(x, dy) if is_plus_minus_one(x) else float_conv2d_weight_grad(x, dy)
    return dx, dw


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
