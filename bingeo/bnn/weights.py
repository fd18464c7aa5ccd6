"""Weight quantizers of a binarized layer, with their straight-through backward.

A binarized layer keeps continuous *latent* weights ``w`` (clipped to
[-1, 1] after every update) and uses *effective* weights ``q(w)`` in the
forward pass (Courbariaux et al., BinaryConnect / BinaryNet):

* sign: ``q(w) = sign(w)`` with sign(0) = +1 (also for -0.0);
* ternary: ``q(w) = sign(w) * 1{|w| > threshold}``;
* rotated binary (the generalized binarization transformation of Anderson &
  Berg): ``q_R(w) = R^T sign(R w)`` for each output unit's fan-in vector
  ``w``, with ``R`` a fixed Haar-random rotation of the layer;
* optional XNOR-Net scale: ``q(w) * alpha`` with ``alpha = mean |w|`` over
  each output unit's fan-in.

The backward pass is straight-through: ``dq/dw`` is taken as the identity
(the hard-tanh derivative 1{|w| <= 1} is always 1 because the latent weights
stay in [-1, 1]).  With the XNOR scale the derivative of ``alpha`` is kept:
``dw = alpha * g + sign(w) / n * sum(g * q)`` per output unit, as XNOR-Net
does.  Weights are shaped (K, M) for dense layers (output units are columns)
and (F, C, 3, 3) for conv layers (output units are the F filters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layers.activations import sign_forward, ternary_forward

__all__ = ["sign_weights", "ternarize_weights", "haar_rotation", "WeightQuantizer"]


def sign_weights(w: np.ndarray) -> np.ndarray:
    """``sign(w)`` in {-1, +1} with sign(0) = sign(-0.0) = +1, same dtype.

    Examples
    --------
    >>> sign_weights(np.array([-2.0, -0.0, 0.0, 0.5], np.float32))
    array([-1.,  1.,  1.,  1.], dtype=float32)
    """
    w = np.asarray(w)
    return np.where(w >= 0, w.dtype.type(1), w.dtype.type(-1))


def ternarize_weights(w: np.ndarray, threshold: float) -> np.ndarray:
    """``sign(w) * 1{|w| > threshold}`` in {-1, 0, +1}, same dtype.

    Examples
    --------
    >>> ternarize_weights(np.array([-0.7, -0.5, 0.2, 0.5, 0.9], np.float32), 0.5)
    array([-1.,  0.,  0.,  0.,  1.], dtype=float32)
    """
    w = np.asarray(w)
    return np.where(np.abs(w) > threshold, sign_weights(w), 0).astype(w.dtype)


def haar_rotation(n: int, seed) -> np.ndarray:
    """A Haar-distributed random orthogonal (n, n) matrix, float64.

    Drawn as the Q of a QR decomposition of a standard Gaussian matrix with
    the signs of R's diagonal moved into Q (Mezzadri 2007), which makes Q
    exactly Haar distributed on O(n).

    Parameters
    ----------
    n : int
        dimension, >= 1.
    seed : int or numpy.random.SeedSequence

    Examples
    --------
    >>> r = haar_rotation(5, seed=0)
    >>> bool(np.allclose(r @ r.T, np.eye(5)))
    True
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n: expected >= 1, got {n}")
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    d = np.sign(np.diag(r))
    d[d == 0] = 1.0
    return q * d[None, :]


def _units_last(w: np.ndarray) -> np.ndarray:
    """View of ``w`` as (fan_in, units): dense (K, M) as is, conv (F, C, 3, 3) as (C*9, F)."""
    return w if w.ndim == 2 else w.reshape(w.shape[0], -1).T


def _from_units_last(a: np.ndarray, shape) -> np.ndarray:
    return np.ascontiguousarray(a if len(shape) == 2 else a.T.reshape(shape))


@dataclass
class WeightQuantizer:
    """The effective weights of one layer, and their straight-through backward.

    Attributes
    ----------
    levels : int
        2 (sign) or 3 (ternary with ``threshold``).
    threshold : float
        ternary threshold on the latent weights (levels = 3 only).
    xnor_scale : bool
        multiply by ``alpha = mean |w|`` per output unit.
    rotation : ndarray or None
        (fan_in, fan_in) orthogonal ``R`` for ``q_R(w) = R^T q(R w)``.

    Examples
    --------
    >>> q = WeightQuantizer(levels=2, xnor_scale=True)
    >>> q.apply(np.array([[0.5, -0.2], [-0.1, 0.4]], np.float32))
    array([[ 0.3, -0.3],
           [-0.3,  0.3]], dtype=float32)
    """

    levels: int = 2
    threshold: float = 0.0
    xnor_scale: bool = False
    rotation: np.ndarray | None = None

    def _quantize(self, v: np.ndarray) -> np.ndarray:
        # the numba sign / ternary of the layers: same values as sign_weights /
        # ternarize_weights on float32 (sign(0) = sign(-0.0) = +1), without numpy's temporaries
        v = np.ascontiguousarray(v, dtype=np.float32)
        return sign_forward(v) if self.levels == 2 else ternary_forward(v, self.threshold)

    def apply(self, w: np.ndarray) -> np.ndarray:
        """Effective float32 weights ``q(w)`` (times ``alpha`` with the XNOR scale)."""
        if self.rotation is None and not self.xnor_scale:
            return np.ascontiguousarray(self._quantize(np.asarray(w, np.float32)))
        cols = _units_last(np.asarray(w, np.float32))
        if self.rotation is not None:
            r = self.rotation.astype(np.float32, copy=False)
            q = r.T @ self._quantize(r @ cols)
        else:
            q = self._quantize(cols)
        if self.xnor_scale:
            q = q * np.abs(cols).mean(axis=0, keepdims=True)
        return _from_units_last(q.astype(np.float32), w.shape)

    def backward(self, w: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Gradient on the latent weights from ``g``, the gradient on the effective ones."""
        if not self.xnor_scale:
            return np.ascontiguousarray(g, dtype=np.float32)
        cols = _units_last(np.asarray(w, np.float32))
        gcols = _units_last(np.asarray(g, np.float32))
        if self.rotation is not None:
            r = self.rotation.astype(np.float32, copy=False)
            q = r.T @ self._quantize(r @ cols)
        else:
            q = self._quantize(cols)
        alpha = np.abs(cols).mean(axis=0, keepdims=True)
        dalpha = (gcols * q).sum(axis=0, keepdims=True)
        out = alpha * gcols + sign_weights(cols) * dalpha / cols.shape[0]
        return _from_units_last(out.astype(np.float32), w.shape)
