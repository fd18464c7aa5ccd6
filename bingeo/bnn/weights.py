"""Weight quantizers of a binarized layer, with their straight-through backward.

A binarized layer keeps continuous *latent* weights ``w`` (clipped to
[-1, 1] after every update) and uses *effective* weights ``q(w)`` in the
forward pass (Courbariaux et al., BinaryConnect / BinaryNet):

* sign: ``q(w) = sign(w)`` with sign(0) = +1 (also for -0.0);
* ternary: ``q(w) = sign(w) * 1{|w| > threshold}``;
* rotated binary (the generalized binarization transformation of Anderson &
  Berg): ``q_R(w) = R^T sign(R w)`` for each output unit's fan-in vector
  ``w``, with ``R`` a fixed Haar-random rotation of the layer;
* optional XNOR-Net scale ``alpha_u = mean |w_u|`` over each output unit's
  fan-in, applied to the product as XNOR-Net does: ``z_u = alpha_u (a .
  q(w_u))``.  The binary product stays an exact integer (for +-1 inputs);
  max-pooling commutes with a positive scale, and batch norm of the scaled
  product equals batch norm of the unscaled one with epsilon ``eps /
  alpha_u^2`` (:func:`xnor_batchnorm_eps`), which is how the network
  evaluates it: pooling and batch-norm ties of the integer sums are decided
  as exact arithmetic decides them.

The backward pass is straight-through: ``dq/dw`` is taken as the identity
(the hard-tanh derivative 1{|w| <= 1} is always 1 because the latent weights
stay in [-1, 1]).  With the XNOR scale the derivative of ``alpha`` is kept:
with ``g_q`` the gradient on ``q`` and ``dalpha_u`` the gradient on alpha,
``dw = g_q + sign(w) / n * dalpha`` per output unit,
as XNOR-Net does; in terms of the gradient ``g`` on the effective weights
``alpha q`` that is ``alpha * g + sign(w) / n * sum(g * q)``.  Weights are
shaped (K, M) for dense layers (output units are columns) and (F, C, 3, 3)
for conv layers (output units are the F filters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bingeo import quantize
from bingeo.quantize import sign, ternarize

from .layers.activations import sign_forward, ternary_forward

__all__ = ["sign_weights", "ternarize_weights", "haar_rotation", "rotated_columns", "WeightQuantizer",
           "scale_units", "unit_sums", "xnor_batchnorm_eps"]


def _is_layer_array(w: np.ndarray) -> bool:
    """Whether the network's float32 kernels take ``w`` (float32, rank 1 to 5)."""
    return w.dtype == np.float32 and 1 <= w.ndim <= 5


def sign_weights(w: np.ndarray) -> np.ndarray:
    """``sign(w)`` in {-1, +1} with sign(0) = sign(-0.0) = +1, same dtype
    (NaN stays NaN).

    The network's float32 arrays go through its sign kernel
    (:func:`bingeo.bnn.layers.sign_forward`), any other array through
    :func:`bingeo.sign`: the same values.

    Examples
    --------
    >>> sign_weights(np.array([-2.0, -0.0, 0.0, 0.5], np.float32))
    array([-1.,  1.,  1.,  1.], dtype=float32)
    """
    w = np.asarray(w)
    if _is_layer_array(w):
        return sign_forward(np.ascontiguousarray(w))
    return sign(w).astype(w.dtype)


def ternarize_weights(w: np.ndarray, threshold: float) -> np.ndarray:
    """``sign(w) * 1{|w| > threshold}`` in {-1, 0, +1}, same dtype; the
    threshold (>= 0) is rounded to a floating dtype before the comparison.

    As :func:`sign_weights`: the network's ternary kernel for float32 arrays,
    :func:`bingeo.ternarize` for any other.

    Examples
    --------
    >>> ternarize_weights(np.array([-0.7, -0.5, 0.2, 0.5, 0.9], np.float32), 0.5)
    array([-1.,  0.,  0.,  0.,  1.], dtype=float32)
    """
    w = np.asarray(w)
    if _is_layer_array(w):
        return ternary_forward(np.ascontiguousarray(w), threshold)
    threshold = w.dtype.type(threshold) if w.dtype.kind == "f" else threshold
    return ternarize(w, threshold).astype(w.dtype)


def haar_rotation(n: int, seed) -> np.ndarray:
    """A Haar-distributed random orthogonal (n, n) matrix, float64:
    :func:`bingeo.haar_rotation` ``(n, seed)``, the same matrix, under the
    network's name for the dimension.

    A network with ``first_layer="rotated"`` draws its rotation here when it
    is built and keeps it in its state (and model file), so a saved network
    keeps its own rotation.  Until the two were made one, this function drew
    from ``numpy.random.default_rng(seed)`` directly: a network built now
    from a given seed gets another rotation than one built then.

    Parameters
    ----------
    n : int
        dimension, >= 1.
    seed : int or numpy.random.SeedSequence

    Examples
    --------
    >>> r = haar_rotation(5, seed=0)
    >>> bool(np.array_equal(r, quantize.haar_rotation(5, seed=0)))
    True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or int(n) < 1:
        raise ValueError(f"n: expected >= 1, got {n!r}")
    return quantize.haar_rotation(int(n), seed)


def rotated_columns(cols: np.ndarray, rotation: np.ndarray, quantize) -> np.ndarray:
    """``q_R(w) = R^T q(R w)`` for every column ``w`` of ``cols`` (fan_in, units),
    in the dtype of the operands.

    The network's layout of :func:`bingeo.rotated_sign` (which takes rows, in
    float64): a layer's fan-in vectors are the columns of its weights, and the
    engine quantizes them in float32 with its own kernel as ``quantize``; the
    reference step (:mod:`bingeo.bnn.reference_step`) passes its reference
    quantizer.  Both then compute the same two products.

    Examples
    --------
    >>> r = np.array([[0.0, 1.0], [-1.0, 0.0]], np.float32)
    >>> rotated_columns(np.array([[1.0], [0.0]], np.float32), r, sign_weights)
    array([[1.],
           [1.]], dtype=float32)
    """
    return rotation.T @ quantize(rotation @ cols)


def _units_last(w: np.ndarray) -> np.ndarray:
    """View of ``w`` as (fan_in, units): dense (K, M) as is, conv (F, C, 3, 3) as (C*9, F)."""
    return w if w.ndim == 2 else w.reshape(w.shape[0], -1).T


def _from_units_last(a: np.ndarray, shape) -> np.ndarray:
    return np.ascontiguousarray(a if len(shape) == 2 else a.T.reshape(shape))


def _unit_axis_shape(z: np.ndarray) -> tuple:
    """Broadcast shape of a per-unit vector against ``z``: (1, M) or (1, F, 1, 1)."""
    return (1, z.shape[1]) + (1,) * (z.ndim - 2)


def scale_units(z: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``z`` with unit (channel) ``u`` multiplied by ``alpha[u]``, float32.

    ``z`` is (N, M) or (N, F, H, W); one float32 product per entry, so equal
    entries of a unit stay equal.

    Examples
    --------
    >>> scale_units(np.ones((1, 2, 1, 1), np.float32), np.array([0.5, 2.0], np.float32)).ravel()
    array([0.5, 2. ], dtype=float32)
    """
    return np.ascontiguousarray(z * np.asarray(alpha, np.float32).reshape(_unit_axis_shape(z)), dtype=np.float32)


def unit_sums(dz: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """``sum over samples (and positions) of dz * inner`` per unit, float32 (units,).

    The gradient on a per-unit output scale: for ``z_u = alpha_u inner_u``,
    ``dL/dalpha_u = sum dz_u inner_u``.  Summed in float64 so the order of
    the sum does not matter at float32 precision.

    Examples
    --------
    >>> unit_sums(np.ones((2, 3), np.float32), np.arange(6, dtype=np.float32).reshape(2, 3))
    array([3., 5., 7.], dtype=float32)
    """
    axes = (0,) + tuple(range(2, dz.ndim))
    return (np.asarray(dz, np.float64) * np.asarray(inner, np.float64)).sum(axis=axes).astype(np.float32)


def xnor_batchnorm_eps(eps: float, alpha: np.ndarray) -> np.ndarray:
    """Per-unit epsilon ``eps / alpha**2`` (float64) with which batch norm of the
    unscaled product equals batch norm of the scaled one.

    For ``z_u`` scaled by ``alpha_u > 0`` (batch or running statistics of z):
    ``(alpha z - alpha m) / sqrt(alpha^2 v + eps) = (z - m) / sqrt(v + eps / alpha^2)``.
    The right side centres the exact integer sums, so a sum equal to the
    mean gives exactly 0 whatever alpha.  A zero alpha (every latent weight
    of a unit exactly 0) is taken as the smallest normal float32.

    Examples
    --------
    >>> xnor_batchnorm_eps(1e-4, np.array([0.5, 1.0], np.float32))
    array([0.0004, 0.0001])
    """
    a = np.maximum(np.asarray(alpha, np.float64), float(np.finfo(np.float32).tiny))
    return float(eps) / (a * a)


@dataclass
class WeightQuantizer:
    """The quantized weights of one layer, the XNOR scale, and their straight-through backward.

    Attributes
    ----------
    levels : int
        2 (sign) or 3 (ternary with ``threshold``).
    threshold : float
        ternary threshold on the latent weights (levels = 3 only).
    xnor_scale : bool
        a per-unit output scale ``alpha = mean |w|`` (:meth:`scale`).
    rotation : ndarray or None
        (fan_in, fan_in) orthogonal ``R`` for ``q_R(w) = R^T q(R w)``.

    Examples
    --------
    >>> q = WeightQuantizer(levels=2, xnor_scale=True)
    >>> w = np.array([[0.5, -0.2], [-0.1, 0.4]], np.float32)
    >>> q.quantize(w), q.scale(w)
    (array([[ 1., -1.],
           [-1.,  1.]], dtype=float32), array([0.3, 0.3], dtype=float32))
    >>> q.apply(w)
    array([[ 0.3, -0.3],
           [-0.3,  0.3]], dtype=float32)
    """

    levels: int = 2
    threshold: float = 0.0
    xnor_scale: bool = False
    rotation: np.ndarray | None = None

    def _quantize(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float32)
        return sign_weights(v) if self.levels == 2 else ternarize_weights(v, self.threshold)

    def _quantize_cols(self, cols: np.ndarray) -> np.ndarray:
        if self.rotation is None:
            return self._quantize(cols)
        r = self.rotation.astype(np.float32, copy=False)
        return rotated_columns(cols, r, self._quantize).astype(np.float32)

    def quantize(self, w: np.ndarray) -> np.ndarray:
        """``q(w)``: sign or ternary, through the rotation if any; float32, the shape of ``w``.

        These are the weights of the product; the XNOR scale is applied to
        the product's output (:meth:`scale`).
        """
        w = np.asarray(w, np.float32)
        if self.rotation is None:
            return np.ascontiguousarray(self._quantize(w))
        return _from_units_last(self._quantize_cols(_units_last(w)), w.shape)

    def scale(self, w: np.ndarray) -> np.ndarray | None:
        """XNOR-Net's ``alpha_u = mean |w_u|`` per output unit, float32 (units,); None without the scale."""
        if not self.xnor_scale:
            return None
        return np.abs(_units_last(np.asarray(w, np.float32))).mean(axis=0).astype(np.float32)

    def apply(self, w: np.ndarray) -> np.ndarray:
        """The effective weights as one array: ``alpha * q(w)`` (``q(w)`` without the scale).

        The network computes ``alpha_u (a . q(w_u))`` instead, which is the
        same number up to rounding and keeps exact ties; use this for the
        geometry of the weights.
        """
        q = self.quantize(w)
        alpha = self.scale(w)
        if alpha is None:
            return q
        return _from_units_last(_units_last(q) * alpha[None, :], q.shape)

    def latent_gradient(self, w: np.ndarray, g_q: np.ndarray, dalpha: np.ndarray | None = None) -> np.ndarray:
        """Gradient on the latent weights from ``g_q`` (on ``q(w)``) and ``dalpha`` (on the scale).

        Straight through ``q``: ``g_q``; with the XNOR scale, plus
        ``sign(w) / n * dalpha`` per unit (n the fan-in).
        """
        if not self.xnor_scale:
            return np.ascontiguousarray(g_q, dtype=np.float32)
        if dalpha is None:
            raise ValueError("dalpha: the XNOR scale needs the gradient on alpha")
        cols = _units_last(np.asarray(w, np.float32))
        out = _units_last(np.asarray(g_q, np.float32)) + sign_weights(cols) * (
            np.asarray(dalpha, np.float32)[None, :] / np.float32(cols.shape[0]))
        return _from_units_last(out.astype(np.float32), w.shape)

    def backward(self, w: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Gradient on the latent weights from ``g``, the gradient on the effective weights :meth:`apply`.

        ``alpha * g + sign(w) / n * sum(g * q)`` per unit with the XNOR scale, ``g`` without.
        """
        if not self.xnor_scale:
            return np.ascontiguousarray(g, dtype=np.float32)
        alpha = self.scale(w)
        q = _units_last(self.quantize(w))
        gcols = _units_last(np.asarray(g, np.float32))
        g_q = _from_units_last(gcols * alpha[None, :], w.shape)
        return self.latent_gradient(w, g_q, (gcols * q).sum(axis=0))
