"""Cosines and angles between vectors, and between a vector and its
quantized version, batched over rows.

Angles are in radians.  A zero vector has no direction: its cosine with any
vector is defined as 0 (angle pi/2), matching w.0 = 0.  Rounding can push a
cosine past +-1 by an ulp; results are clipped to [-1, 1].  NaN and inf give
NaN.  Each row is divided by its largest absolute entry before the sums, so
neither huge nor tiny entries overflow or underflow.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["cosine", "angle", "quantization_cosine", "quantization_angle"]


def cosine(a, b) -> np.ndarray:
    """cos angle(a, b) = a.b / (|a| |b|) along the last axis.

    Parameters
    ----------
    a, b : array_like, shapes broadcasting to (..., d)

    Returns
    -------
    numpy.ndarray or float
        shape (...); 0 where a or b is the zero vector.

    Examples
    --------
    >>> cosine([1.0, 0.0], [1.0, 1.0])
    0.7071067811865475
    >>> cosine([[1.0, 2.0], [0.0, 0.0]], [[2.0, 4.0], [1.0, 1.0]])
    array([1., 0.])
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("a, b: need vectors (at least 1-D arrays), got a scalar")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a, b: last axes must have the same length, got {a.shape[-1]} and {b.shape[-1]}")
    a, b = np.broadcast_arrays(a, b)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        a = a / _row_scale(a)
        b = b / _row_scale(b)
        ab = np.sum(a * b, axis=-1)
        denom = np.sqrt(np.sum(a * a, axis=-1) * np.sum(b * b, axis=-1))
        c = np.where(denom > 0, ab / np.where(denom > 0, denom, 1.0), np.where(np.isnan(denom), np.nan, 0.0))
    c = np.clip(c, -1.0, 1.0)
    return float(c) if c.ndim == 0 else c


def _row_scale(x: np.ndarray) -> np.ndarray:
    """Largest |entry| of each row (1 for a zero row), kept as a last axis."""
    m = np.max(np.abs(x), axis=-1, keepdims=True)
    return np.where(m > 0, m, 1.0)


def angle(a, b) -> np.ndarray:
    """angle(a, b) = arccos(cos angle(a, b)) in radians, in [0, pi].

    Examples
    --------
    >>> round(float(np.degrees(angle([1.0, 0.0], [1.0, 1.0]))), 6)
    45.0
    """
    return np.arccos(cosine(a, b))


def quantization_cosine(w, quantizer: Callable) -> np.ndarray:
    """cos angle(w, q(w)) for each row of ``w``.

    Parameters
    ----------
    w : array_like, shape (d,) or (n, d)
    quantizer : callable
        maps an array of the shape of ``w`` to one of the same shape,
        row by row (e.g. :func:`bingeo.quantize.sign`).

    Examples
    --------
    >>> from bingeo.quantize import sign
    >>> round(quantization_cosine([3.0, -4.0], sign), 6)
    0.989949
    """
    w = np.asarray(w, dtype=np.float64)
    q = np.asarray(quantizer(w), dtype=np.float64)
    if q.shape != w.shape:
        raise ValueError(f"quantizer: returned shape {q.shape} for an input of shape {w.shape}")
    return cosine(w, q)


def quantization_angle(w, quantizer: Callable) -> np.ndarray:
    """angle(w, q(w)) in radians for each row of ``w``.

    Examples
    --------
    >>> from bingeo.quantize import sign
    >>> round(float(np.degrees(quantization_angle([1.0, 0.0], sign))), 6)
    45.0
    """
    return np.arccos(quantization_cosine(w, quantizer))
