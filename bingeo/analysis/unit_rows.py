"""Weight tensors as one row per output unit.

A dense layer's weight matrix and a convolution's filter bank both hold one
weight vector per output unit (per filter).  The analyses compare those
vectors, so they first lay every weight tensor out as a ``(units, fan_in)``
matrix: row ``u`` is the weight vector of unit ``u``, of dimension
``d = fan_in``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["unit_rows"]


def unit_rows(weights, *, unit_axis: int) -> np.ndarray:
    """Lay a weight tensor out as one float64 row per output unit.

    The axis ``unit_axis`` (which indexes the output units) moves to the
    front and every other axis is flattened into the row, in C order.  For a
    dense layer computing ``x @ W`` with ``W`` of shape ``(d, units)`` pass
    ``unit_axis=1``; for a filter bank of shape ``(units, c, kh, kw)`` pass
    ``unit_axis=0`` (rows of dimension ``d = c * kh * kw``).

    Parameters
    ----------
    weights : array_like, at least 2-D
    unit_axis : int
        the axis of the output units (negative counts from the end).

    Returns
    -------
    numpy.ndarray, shape (units, d), float64

    Examples
    --------
    >>> unit_rows(np.arange(6).reshape(3, 2), unit_axis=1)
    array([[0., 2., 4.],
           [1., 3., 5.]])
    >>> unit_rows(np.zeros((4, 3, 2, 2)), unit_axis=0).shape
    (4, 12)
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"weights: expected an array with at least 2 axes, got shape {w.shape}")
    if not -w.ndim <= unit_axis < w.ndim:
        raise ValueError(f"unit_axis: must lie in [{-w.ndim}, {w.ndim - 1}] for weights of "
                         f"shape {w.shape}, got {unit_axis}")
    w = np.moveaxis(w, unit_axis, 0)
    return np.ascontiguousarray(w.reshape(w.shape[0], -1))
