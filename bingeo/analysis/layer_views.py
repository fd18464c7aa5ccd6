"""What each weighted layer of a network sees, laid out for the analyses.

:func:`analysis_forward` runs a :class:`bingeo.bnn.Network` on a batch with
batch normalization in its batch-statistics mode (every run, continuous or
binary, is normalized to its own scale) and leaves the network's stored
state untouched.  :func:`layer_views` turns the recorded forward pass into
one :class:`LayerView` per weighted layer: unit rows of the latent and the
quantized weights, and input rows (patches for a convolution) of

* ``inputs``: the continuous activations ``A`` the binary network computes,
  ``hardtanh(signal)`` of the previous layer's batch-normalized output (the
  image itself for the first layer);
* ``quantized_inputs``: ``A^b``, what a fully binarized layer multiplies,
  ``sign(signal)`` (ternary with ``levels = 3``); for the first layer the
  quantized image, which the network itself does not use unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bingeo.quantize import sign, ternarize

from .patches import conv_patches
from .unit_rows import unit_rows

__all__ = ["LayerView", "analysis_forward", "layer_views", "weight_rows", "input_rows", "quantize_signal"]


@dataclass
class LayerView:
    """One weighted layer, as rows.

    Attributes
    ----------
    index, name, kind : int, str, str
    latent, quantized : ndarray, (units, d)
        unit rows of the latent weights and of the quantized weights (the
        layer's configured quantizer; plain sign or ternary for a layer the
        network keeps continuous).
    inputs, quantized_inputs : ndarray, (rows, d)
        ``A`` and ``A^b`` (see the module docstring); a row per sample for a
        dense layer, per sample and output position for a convolution.
    """

    index: int
    name: str
    kind: str
    latent: np.ndarray
    quantized: np.ndarray
    inputs: np.ndarray
    quantized_inputs: np.ndarray

    @property
    def d(self) -> int:
        """Fan-in: the length of a weight row."""
        return int(self.latent.shape[1])

    @property
    def units(self) -> int:
        return int(self.latent.shape[0])


def analysis_forward(net, x, **switches):
    """``net.forward(x, training=True, record=True, **switches)`` with the
    running statistics restored afterwards: batch statistics, no side effect.

    Returns ``(output, records)``.
    """
    saved = [(m.copy(), v.copy()) for m, v in zip(net.running_mean, net.running_var)]
    try:
        return net.forward(x, training=True, record=True, **switches)
    finally:
        for (m, v), rm, rv in zip(saved, net.running_mean, net.running_var):
            rm[...] = m
            rv[...] = v


def weight_rows(kind: str, w) -> np.ndarray:
    """Unit rows of a layer's weights: conv ``(F, C, 3, 3)``, dense ``(K, M)``.

    Examples
    --------
    >>> weight_rows("dense", np.zeros((5, 3))).shape, weight_rows("conv", np.zeros((4, 2, 3, 3))).shape
    ((3, 5), (4, 18))
    """
    if kind not in ("conv", "dense"):
        raise ValueError(f"kind: expected 'conv' or 'dense', got {kind!r}")
    return unit_rows(w, unit_axis=0 if kind == "conv" else 1)


def input_rows(kind: str, a, *, positions=None) -> np.ndarray:
    """Input rows of a layer: patches of NCHW inputs for a conv (only the
    flat ``positions`` if given), ``(N, K)`` as is for dense.

    Examples
    --------
    >>> input_rows("conv", np.zeros((2, 1, 4, 4))).shape
    (32, 9)
    """
    if kind == "conv":
        return conv_patches(a, positions=positions)
    if kind == "dense":
        a = np.asarray(a, dtype=np.float64)
        return a.reshape(a.shape[0], -1)
    raise ValueError(f"kind: expected 'conv' or 'dense', got {kind!r}")


def quantize_signal(signal, *, levels: int, threshold: float) -> np.ndarray:
    """Binarized activations as the network computes them: sign with
    sign(0) = +1 (``levels = 2``), or ternary ``sign(s) 1{|s| > threshold}``.

    Examples
    --------
    >>> quantize_signal(np.array([-0.7, 0.0, 0.2, 0.9]), levels=3, threshold=0.5)
    array([-1.,  0.,  0.,  1.])
    """
    if levels == 2:
        return sign(signal)
    if levels == 3:
        return ternarize(signal, threshold)
    raise ValueError(f"levels: expected 2 or 3, got {levels}")


MAX_ROWS = 50_000
"""Default cap on the input rows of a convolution's view (memory: rows x d floats)."""


def layer_views(net, x, *, layers=None, max_rows: int = MAX_ROWS, seed=0) -> list[LayerView]:
    """One :class:`LayerView` per weighted layer of ``net`` on the batch ``x``.

    ``layers`` (indices or names) restricts the views to some layers.  A
    convolution with more than ``max_rows`` rows (samples times positions)
    keeps the same ``max_rows // N`` positions (at least one) of every
    sample, drawn from ``seed``.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="c2-d3", input_shape=(1, 4, 4), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (5, 1, 4, 4))
    >>> [(v.name, v.latent.shape, v.inputs.shape) for v in layer_views(net, x)]
    [('conv1', (2, 9), (80, 9)), ('dense1', (3, 32), (5, 32)), ('output', (2, 3), (5, 3))]
    """
    wanted = None if layers is None else {net.layer_index(k) for k in layers}
    _, records = analysis_forward(net, x)
    _, first = analysis_forward(net, x, binarize_inputs={0: True})
    views = []
    for rec in records:
        if wanted is not None and rec.index not in wanted:
            continue
        if rec.index == 0:
            a = np.asarray(rec.input_signal, dtype=np.float64)
            ab = first[0].input
        else:
            a = np.clip(np.asarray(rec.input_signal, dtype=np.float64), -1.0, 1.0)  # hardtanh
            ab = rec.input if rec.binarized_input else quantize_signal(
                rec.input_signal, levels=net.config.levels, threshold=net.config.threshold)
        positions = None
        if rec.kind == "conv":
            n, _, h, w = rec.input.shape
            if n * h * w > max_rows:
                keep = max(1, int(max_rows) // n)
                rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(rec.index,)))
                positions = np.sort(rng.choice(h * w, size=keep, replace=False))
        views.append(LayerView(
            rec.index, rec.name, rec.kind,
            latent=weight_rows(rec.kind, rec.weights_latent),
            quantized=weight_rows(rec.kind, net.effective_weights(rec.index, True)),
            inputs=input_rows(rec.kind, a.reshape(rec.input.shape), positions=positions),
            quantized_inputs=input_rows(rec.kind, np.asarray(ab).reshape(rec.input.shape),
                                        positions=positions)))
    return views
