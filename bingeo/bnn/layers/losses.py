"""Losses on the network's output scores, each returning the loss and its
gradient with respect to the scores.

- :func:`squared_hinge_loss` (BinaryNet's loss) with targets in {-1, +1}:
  ``loss = mean over all N*M entries of max(0, 1 - t * out)**2``.  This is the
  normalization of the reference BinaryNet code (the mean over every entry,
  not the sum over classes averaged over examples; the two differ by the
  factor M).
- :func:`softmax_cross_entropy` with integer labels:
  ``loss = mean over N of (logsumexp(out[n]) - out[n, label[n]])``.

Both accumulate in float64 and return the loss as a Python float and the
gradient as float32.  The softmax uses :mod:`.portable_math`'s exp and log,
built from +, -, *, / only, so that its bits do not depend on the CPU's C
library.  Serial loops: the scores are a few thousand numbers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .checks import require_float32, require_nonempty, require_shape
from .portable_math import exp_portable, log_portable

__all__ = [
    "squared_hinge_loss",
    "softmax_cross_entropy",
    "squared_hinge_loss_reference",
    "softmax_cross_entropy_reference",
]


@njit(cache=True)
def _squared_hinge_kernel(out, targets, dout):
    batch, classes = out.shape
    scale = 1.0 / (batch * classes)
    total = 0.0
    for n in range(batch):
        for m in range(classes):
            t = np.float64(targets[n, m])
            margin = 1.0 - t * out[n, m]
            if margin > 0.0:
                total += margin * margin
                dout[n, m] = -2.0 * t * margin * scale
            else:
                dout[n, m] = 0.0
    return total * scale


@njit(cache=True)
def _softmax_cross_entropy_kernel(out, labels, dout):
    batch, classes = out.shape
    total = 0.0
    for n in range(batch):
        row = out[n]
        top = np.float64(row[0])
        for m in range(1, classes):
            top = max(top, np.float64(row[m]))
        z = 0.0
        for m in range(classes):
            z += exp_portable(row[m] - top)
        log_z = top + log_portable(z)
        label = labels[n]
        total += log_z - row[label]
        for m in range(classes):
            p = exp_portable(row[m] - log_z)
            dout[n, m] = (p - (1.0 if m == label else 0.0)) / batch
    return total / batch


def squared_hinge_loss(out: np.ndarray, targets: np.ndarray):
    r"""Squared hinge loss, mean over all entries.

    :math:`L = \frac{1}{NM} \sum_{n,m} \max(0, 1 - t_{nm} o_{nm})^2`, and
    :math:`\partial L / \partial o_{nm} = -2 t_{nm} \max(0, 1 - t_{nm}
    o_{nm}) / (NM)`.

    Parameters
    ----------
    out : ndarray, float32, shape (N, M)
        Output scores.
    targets : ndarray, float32, shape (N, M), values in {-1, +1}
        +1 for the true class, -1 for the others.

    Returns
    -------
    loss : float
    dout : ndarray, float32, shape (N, M)

    Examples
    --------
    >>> out = np.array([[0.5, -2.0]], np.float32)
    >>> loss, dout = squared_hinge_loss(out, np.array([[1, -1]], np.float32))
    >>> loss          # (0.5**2 + 0) / 2
    0.125
    >>> dout
    array([[-0.5,  0. ]], dtype=float32)
    """
    require_float32("out", out, 2)
    require_nonempty("out", out)
    require_float32("targets", targets, 2)
    require_shape("targets", targets, out.shape, "the shape of out")
    if not np.all(np.abs(targets) == 1.0):
        raise ValueError("targets must hold only -1.0 and +1.0")
    dout = np.empty_like(out)
    loss = _squared_hinge_kernel(out, targets, dout)
    return float(loss), dout


def softmax_cross_entropy(out: np.ndarray, labels: np.ndarray):
    r"""Softmax cross-entropy, mean over the batch.

    :math:`L = \frac1N \sum_n (\log \sum_m e^{o_{nm}} - o_{n, y_n})` and
    :math:`\partial L / \partial o_{nm} = (\mathrm{softmax}(o_n)_m -
    1\{m = y_n\}) / N`; computed with the row maximum subtracted (stable for
    large scores).

    Parameters
    ----------
    out : ndarray, float32, shape (N, M)
        Output scores (logits).
    labels : ndarray of int, shape (N,), values in 0..M-1

    Returns
    -------
    loss : float (nats)
    dout : ndarray, float32, shape (N, M)

    Examples
    --------
    >>> loss, dout = softmax_cross_entropy(np.zeros((1, 4), np.float32), np.array([2]))
    >>> round(loss, 6) == round(float(np.log(4)), 6)
    True
    >>> dout
    array([[ 0.25,  0.25, -0.75,  0.25]], dtype=float32)
    """
    require_float32("out", out, 2)
    require_nonempty("out", out)
    if not isinstance(labels, np.ndarray) or labels.dtype.kind not in "iu":
        raise TypeError("labels must be an integer numpy array")
    require_shape("labels", labels, (out.shape[0],), "(N,) with N = out.shape[0]")
    if labels.min() < 0 or labels.max() >= out.shape[1]:
        raise ValueError(f"labels must lie in 0..{out.shape[1] - 1} (M = out.shape[1])")
    dout = np.empty_like(out)
    loss = _softmax_cross_entropy_kernel(out, labels.astype(np.int64), dout)
    return float(loss), dout


# --- plain numpy references --------------------------------------------------


def squared_hinge_loss_reference(out, targets):
    """Reference of :func:`squared_hinge_loss`, in the dtype of ``out``.

    >>> squared_hinge_loss_reference(np.array([[0.0]]), np.array([[1.0]]))
    (1.0, array([[-2.]]))
    """
    margin = np.maximum(0.0, 1.0 - targets * out)
    return float(np.mean(margin**2)), (-2.0 * targets * margin / out.size).astype(out.dtype)


def softmax_cross_entropy_reference(out, labels):
    """Reference of :func:`softmax_cross_entropy`, in the dtype of ``out``.

    >>> loss, dout = softmax_cross_entropy_reference(np.array([[0.0, 0.0]]), np.array([1]))
    >>> round(loss, 12) == round(float(np.log(2)), 12), dout
    (True, array([[ 0.5, -0.5]]))
    """
    n = out.shape[0]
    shifted = out - out.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(n)
    loss = float(np.mean(log_z - shifted[rows, labels]))
    dout = np.exp(shifted - log_z[:, None])
    dout[rows, labels] -= 1.0
    return loss, (dout / n).astype(out.dtype)
