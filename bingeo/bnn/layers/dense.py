"""Fully connected layer without bias: ``y = x w``.

Each of the three products (``x w``, ``dy w^T`` and ``x^T dy``) goes to the
kernel its operands allow, all of them on every core with a fixed summation
order (the same bits for every thread count and on every x86-64 CPU):

* +-1 inputs and weights (the forward pass of a binary layer after the
  first): the bit-packed XNOR-popcount sums of
  :func:`bingeo.bnn.packed.binary_dense_sums`, exact integers;
* one +-1 factor: :func:`.matmul_signed.signed_matmul`, table lookups four
  terms at a time (``dy w^T`` as ``(w dy^T)^T`` when w is +-1, ``x^T dy``
  when x is);
* otherwise :func:`.matmul.matmul_rows`, each output one sequential sum.

Binary layers keep float32 arithmetic: with ``x`` and ``w`` in {-1, +1} every
partial sum is an integer of magnitude at most ``K``, and float32 holds every
integer up to ``2**24`` exactly, so ``dense_forward`` is exact for fan-in
``K < 2**24``; no bit packing is needed.
"""

from __future__ import annotations

import numpy as np

from .checks import require_float32, require_nonempty, require_shape
from .matmul import matmul_rows
from .matmul_signed import signed_matmul
from .signed_sums import is_plus_minus_one

__all__ = [
    "dense_forward",
    "dense_backward",
    "dense_forward_reference",
    "dense_backward_reference",
]


def _packed_dense(x, w):
    """``x w`` for +-1 ``x`` and ``w`` by XNOR-popcount, as float32 (exact
    for K < 2**24)."""
    # imported here: bingeo.bnn.packed builds on these layers (a module level
    # import would be circular)
    from ..packed.bits import pack_dense_weights, pack_signs
    from ..packed.dense import binary_dense_sums

    return binary_dense_sums(pack_signs(x), pack_dense_weights(w), x.shape[1]).astype(np.float32)


def _check_dense(x, w):
    require_float32("x", x, 2)
    require_float32("w", w, 2)
    require_nonempty("x", x)
    require_nonempty("w", w)
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"w must have shape (K, M) with K = x.shape[1] = {x.shape[1]}, got {w.shape}"
        )


def dense_forward(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Forward pass of a dense layer: :math:`y_{nm} = \sum_k x_{nk} w_{km}`.

    Parameters
    ----------
    x : ndarray, float32, shape (N, K)
        Inputs, one row per example (any units; ``y`` carries units of x*w).
    w : ndarray, float32, shape (K, M)
        Weights.  With ``x`` and ``w`` in {-1, +1} the result is exact for
        ``K < 2**24`` (integers are exact in float32 up to ``2**24``).

    Returns
    -------
    y : ndarray, float32, shape (N, M)

    Examples
    --------
    >>> x = np.array([[1, -1, 1]], np.float32)
    >>> w = np.array([[1, 1], [1, -1], [-1, -1]], np.float32)
    >>> dense_forward(x, w)
    array([[-1.,  1.]], dtype=float32)
    """
    _check_dense(x, w)
    signed_w = is_plus_minus_one(w)
    if is_plus_minus_one(x):
        return _packed_dense(x, w) if signed_w else signed_matmul(x, w)
    if signed_w:
        return np.ascontiguousarray(signed_matmul(np.ascontiguousarray(w.T), np.ascontiguousarray(x.T)).T)
    return matmul_rows(x, w)


def dense_backward(x: np.ndarray, w: np.ndarray, dy: np.ndarray, *, input_grad: bool = True):
    r"""Backward pass of a dense layer.

    With :math:`L` the loss and ``dy`` = :math:`\partial L / \partial y`:
    :math:`dx = dy\, w^T` and :math:`dw = x^T dy`.

    Parameters
    ----------
    x : ndarray, float32, shape (N, K)
        The forward pass's inputs.
    w : ndarray, float32, shape (K, M)
        The forward pass's weights.
    dy : ndarray, float32, shape (N, M)
        Gradient of the loss with respect to ``y``.
    input_grad : bool
        False skips ``dx`` (returned as None): a network's first layer
        needs only ``dw``.

    Returns
    -------
    dx : ndarray, float32, shape (N, K), or None
    dw : ndarray, float32, shape (K, M)

    Examples
    --------
    >>> x = np.array([[1, 2]], np.float32)
    >>> w = np.array([[1, 0, -1], [0, 1, 1]], np.float32)
    >>> dx, dw = dense_backward(x, w, np.array([[1, 1, 1]], np.float32))
    >>> dx
    array([[0., 2.]], dtype=float32)
    >>> dw
    array([[1., 1., 1.],
           [2., 2., 2.]], dtype=float32)
    """
    _check_dense(x, w)
    require_float32("dy", dy, 2)
    require_shape("dy", dy, (x.shape[0], w.shape[1]), "(N, M) of the layer's output")
    dx = None
    if input_grad and is_plus_minus_one(w):
        dx = np.ascontiguousarray(signed_matmul(w, np.ascontiguousarray(dy.T)).T)
    elif input_grad:
        dx = matmul_rows(dy, np.ascontiguousarray(w.T))
    xt = np.ascontiguousarray(x.T)
    dw = signed_matmul(xt, dy) if is_plus_minus_one(x) else matmul_rows(xt, dy)
    return dx, dw


def dense_forward_reference(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Slow reference of :func:`dense_forward`: one row at a time, each output
    the plain sum of its K products (numpy's own summation, no BLAS).  Works
    in the dtype of its inputs (float64 for gradient checks).

    Examples
    --------
    >>> dense_forward_reference(np.ones((1, 3)), np.ones((3, 2)))
    array([[3., 3.]])
    """
    y = np.empty((x.shape[0], w.shape[1]), dtype=np.result_type(x, w))
    for n in range(x.shape[0]):
        y[n] = (x[n][:, None] * w).sum(axis=0)
    return y


def dense_backward_reference(x: np.ndarray, w: np.ndarray, dy: np.ndarray):
    """Slow reference of :func:`dense_backward`: ``dx[n, k] = sum_m dy[n, m]
    w[k, m]`` and ``dw[k, m] = sum_n x[n, k] dy[n, m]``, as plain sums.

    Examples
    --------
    >>> dx, dw = dense_backward_reference(np.ones((1, 2)), np.ones((2, 3)), np.ones((1, 3)))
    >>> dx, dw.shape
    (array([[3., 3.]]), (2, 3))
    """
    dx = np.empty(x.shape, dtype=np.result_type(x, w, dy))
    for n in range(x.shape[0]):
        dx[n] = (dy[n][None, :] * w).sum(axis=1)
    dw = np.empty(w.shape, dtype=dx.dtype)
    for k in range(w.shape[0]):
        dw[k] = (x[:, k][:, None] * dy).sum(axis=0)
    return dx, dw
