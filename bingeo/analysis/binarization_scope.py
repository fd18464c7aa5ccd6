"""Experiment 3: binarize one layer, or the whole network?

Per layer ``l``, the binary network's pre-activation ``A^b . W^b`` (every
layer binary) is compared with two continuous counterparts:

* ``one_layer``: only layer ``l`` runs continuous (latent weights, input
  ``hardtanh`` of the binary network's signal): ``A . W^c`` with ``A`` as
  the binary network computes it.  The error is that of one layer alone.
* ``all_layers``: the whole network runs continuous from the input onward
  (latent weights and hard-tanh activations everywhere), so that the
  differences of earlier layers compound into layer ``l``'s input.

Each comparison is the Pearson correlation over samples (and output
positions, for a convolution) per unit, before pooling and batch
normalization; a layer reports the mean over units and its standard error.
"""

from __future__ import annotations

import numpy as np

from .dot_correlations import column_correlations, summarize_unit_correlations
from .layer_views import analysis_forward

__all__ = ["SCOPES", "unit_preactivations", "one_layer_vs_all_layers"]

SCOPES = ("one_layer", "all_layers")


def unit_preactivations(pre) -> np.ndarray:
    """Pre-activations as ``(rows, units)``: ``(N, F, H, W)`` to ``(N*H*W, F)``.

    Examples
    --------
    >>> unit_preactivations(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[0., 4.],
           [1., 5.],
           [2., 6.],
           [3., 7.]])
    """
    p = np.asarray(pre, dtype=np.float64)
    if p.ndim == 4:
        return p.transpose(0, 2, 3, 1).reshape(-1, p.shape[1])
    if p.ndim == 2:
        return p
    raise ValueError(f"pre: expected (N, M) or (N, F, H, W), got shape {p.shape}")


def one_layer_vs_all_layers(net, x) -> list[dict]:
    """Per layer: corr(continuous, binary) pre-activations, one layer or all.

    Returns one dict per layer with ``index``, ``name``, ``kind``, ``d``
    and, for each scope in :data:`SCOPES`, a dict with ``mean``, ``sd``,
    ``se`` (over units), ``units``, ``pooled`` and ``per_unit``.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d64-d64", input_shape=(1, 4, 4), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (200, 1, 4, 4))
    >>> r = one_layer_vs_all_layers(net, x)
    >>> r[0]["one_layer"]["mean"] == r[0]["all_layers"]["mean"]  # the first layer sees the image either way
    True
    """
    _, binary = analysis_forward(net, x)
    _, continuous = analysis_forward(net, x, continuous=True)
    out = []
    for plan in net.layers:
        i = plan.index
        _, alone = analysis_forward(net, x, binarize_weights={i: False}, binarize_inputs={i: False})
        target = unit_preactivations(binary[i].preactivation)
        row = {"index": i, "name": plan.name, "kind": plan.kind, "d": plan.fan_in}
        for scope, rec in (("one_layer", alone[i]), ("all_layers", continuous[i])):
            mine = unit_preactivations(rec.preactivation)
            row[scope] = summarize_unit_correlations(column_correlations(mine, target),
                                                     column_correlations(mine.ravel(), target.ravel())[0])
        out.append(row)
    return out
