"""The exported network: a float first layer, then bit-packed layers.

``PackedNetwork.forward(x)`` computes, for a batch of images,

1. the first layer's sums exactly as the float engine computes them (the
   same primitives on the same effective weights: binary, rotated or
   continuous as trained), its pools, then its batch norm and sign folded
   into one float32 threshold per unit, and the signs packed;
2. every later hidden layer as XNOR-popcount sums (:mod:`.conv`,
   :mod:`.dense`), max pooling on the integer sums and one integer
   threshold per unit (:mod:`.thresholds`), packed again;
3. the output layer's integer sums, converted to float32 (exact) and put
   through the engine's own float32 batch norm.

Each step gives bit for bit what the float engine's evaluation mode gives
(the sums are exact integers there too), so the scores equal
``Network.forward(x)`` and the predictions ``Network.predict(x)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import primitives
from ..config import ModelConfig
from .bits import pack_signs, pack_signs_channels_last
from .conv import binary_conv3x3_signs
from .dense import binary_dense_signs, binary_dense_sums

__all__ = ["PackedNetwork", "FloatLayer", "BinaryLayer", "SUMS_SAFE_BELOW"]

SUMS_SAFE_BELOW = float(np.finfo(np.float32).max) / 2
"""The first layer's float thresholds decide finite sums; ``max|x| sum|w|``
below half of float32's largest value keeps every partial sum, rounding
included, finite."""

@dataclass(frozen=True)
class FloatLayer:
    """The first layer, computed in float32 on the image as the engine does.

    Attributes
    ----------
    name, kind : str
        ``conv1`` / ``"conv"``, or a dense first layer.
    weights : ndarray, float32
        the effective weights the engine uses, (F, C, 3, 3) or (K, M).
    pools : int
    running_mean, running_var, beta : ndarray, float32, (units,)
    thresholds : ndarray, float32, (units,), or None
        batch norm and sign folded (:func:`.thresholds.float_sign_thresholds`)
        for a hidden first layer; None when it is the output layer.
    """

    name: str
    kind: str
    weights: np.ndarray
    pools: int
    running_mean: np.ndarray
    running_var: np.ndarray
    beta: np.ndarray
    thresholds: np.ndarray | None = None

    @property
    def fan_in(self) -> int:
        """Inputs per unit: C*9 for conv, K for dense."""
        return self.weights[0].size if self.kind == "conv" else self.weights.shape[0]

    @property
    def weight_bound(self) -> float:
        """``max over units of sum |w|``: no sum exceeds ``max|x|`` times this."""
        w = self.weights.reshape(self.weights.shape[0], -1) if self.kind == "conv" else self.weights.T
        return float(np.abs(w.astype(np.float64)).sum(axis=1).max())


@dataclass(frozen=True)
class BinaryLayer:
    """A later layer on packed +-1 activations.

    Attributes
    ----------
    name, kind : str
    words : ndarray, uint64
        packed weights: (3, 3, C', F) for conv, (K', M) for dense (:mod:`.bits`).
    fan_in : int
        true inputs per unit (C*9 for conv, K for dense).
    pools : int
    thresholds : ndarray, int32, (units,), or None
        the folded batch norm and sign (hidden layers); None for the output.
    running_mean, running_var, beta : ndarray, float32, (units,)
        the batch norm the output layer applies to its sums (kept for every
        layer, so the file holds the network whole).
    """

    name: str
    kind: str
    words: np.ndarray
    fan_in: int
    pools: int
    thresholds: np.ndarray | None
    running_mean: np.ndarray
    running_var: np.ndarray
    beta: np.ndarray

    @property
    def channels(self) -> int:
        """Input channels of a conv layer (fan_in / 9)."""
        return self.fan_in // 9


class PackedNetwork:
    """A binary network ready for bit-packed inference; made by
    :meth:`bingeo.bnn.Network.export_packed`.

    Parameters
    ----------
    config : ModelConfig
        the exported network's configuration.
    first : FloatLayer
    layers : list of BinaryLayer
        the later layers, the output layer last (empty when the first layer
        is the output layer).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="c4-p-d8", input_shape=(1, 4, 4), num_classes=3))
    >>> packed = net.export_packed()
    >>> x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(2, 1, 4, 4)
    >>> bool(np.array_equal(packed.forward(x), net.forward(x)))
    True
    >>> [layer.name for layer in packed.layers], packed.first.name
    (['dense1', 'output'], 'conv1')
    """

    def __init__(self, config: ModelConfig, first: FloatLayer, layers: list[BinaryLayer]):
        self.config = config
        self.first = first
        self.layers = list(layers)
        self._eps = np.float32(config.bn_eps)   # as the engine passes it to batch norm

    # ------------------------------------------------------------------
    # Inference
    # ------------------------------------------------------------------

    def _check_input(self, x) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        shape = tuple(self.config.input_shape)
        if x.ndim != 4 or x.shape[1:] != shape or x.shape[0] < 1:
            raise ValueError(f"x: expected shape (N, {', '.join(map(str, shape))}) with N >= 1, got {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("x: expected finite pixel values (packed inference has no NaN or inf)")
        return x

    def _first_sums(self, x):
        """The first layer's sums after its pools, float32, by the engine's primitives."""
        layer = self.first
        if layer.kind == "conv":
            z = primitives.conv2d_forward(x, layer.weights)
        else:
            z = primitives.dense_forward(x.reshape(x.shape[0], -1), layer.weights)
        for _ in range(layer.pools):
            z, _ = primitives.maxpool2d_forward(z)
        return z

    def _first_layer(self, x):
        """The first layer's batch-normalized output, as in ``Network.forward``
        (the scores when it is the output layer)."""
        layer = self.first
        return primitives.batchnorm_forward_eval(self._first_sums(x), layer.running_mean, layer.running_var,
                                                 layer.beta, self._eps)

    def _first_signs(self, x):
        """The first layer's packed activations: the engine's sums, pooled,
        against the float thresholds."""
        layer = self.first
        peak = max(float(x.max()), -float(x.min()))
        if peak * layer.weight_bound >= SUMS_SAFE_BELOW:
            raise ValueError(f"x: pixel values up to {peak:g} could overflow the first layer's float32 sums "
                             f"(expected max |x| * {layer.weight_bound:g} < {SUMS_SAFE_BELOW:g})")
        z = self._first_sums(x)
        return pack_signs_channels_last(z, layer.thresholds) if z.ndim == 4 else pack_signs(z, layer.thresholds)

    def forward(self, x) -> np.ndarray:
        """Output scores (N, num_classes), float32, equal bit for bit to
        ``Network.forward(x)`` in evaluation mode.

        Parameters
        ----------
        x : array_like, (N, C, H, W)
            images (converted to float32), finite.
        """
        x = self._check_input(x)
        if not self.layers:
            return self._first_layer(x)
        a = self._first_signs(x)
        for layer in self.layers[:-1]:
            if layer.kind == "conv":
                a = binary_conv3x3_signs(a, layer.words, layer.channels, layer.thresholds, pools=layer.pools)
            else:
                a = binary_dense_signs(a.reshape(a.shape[0], -1), layer.words, layer.fan_in, layer.thresholds)
        out = self.layers[-1]
        z = binary_dense_sums(a.reshape(a.shape[0], -1), out.words, out.fan_in).astype(np.float32)
        return primitives.batchnorm_forward_eval(z, out.running_mean, out.running_var, out.beta, self._eps)

    scores = forward

    def predict(self, x, *, batch_size: int = 512) -> np.ndarray:
        """Class predictions (argmax of the scores) by batches of ``batch_size``,
        the batches of ``Network.predict``."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size: expected an integer >= 1, got {batch_size!r}")
        x = self._check_input(x)
        labels = [np.argmax(self.forward(x[s:s + batch_size]), axis=1) for s in range(0, len(x), batch_size)]
        return np.concatenate(labels).astype(np.int64)

    # ------------------------------------------------------------------
    # Memory
    # ------------------------------------------------------------------

    @property
    def weight_nbytes(self) -> int:
        """Bytes of the weights as stored: the first layer's float32 weights
        plus every packed word."""
        return self.first.weights.nbytes + sum(layer.words.nbytes for layer in self.layers)

    @property
    def float_weight_nbytes(self) -> int:
        """Bytes of the same weights in float32, as the float engine holds them."""
        first = self.first.weights.size
        return 4 * (first + sum(layer.fan_in * layer.running_mean.size for layer in self.layers))

    @property
    def other_nbytes(self) -> int:
        """Bytes of everything else inference reads: thresholds and batch-norm vectors."""
        vectors = [self.first.running_mean, self.first.running_var, self.first.beta]
        for layer in self.layers:
            vectors += [layer.thresholds] if layer.thresholds is not None else \
                [layer.running_mean, layer.running_var, layer.beta]
        return sum(v.nbytes for v in vectors)
