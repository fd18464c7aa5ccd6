"""From a trained float :class:`~bingeo.bnn.Network` to a :class:`.PackedNetwork`.

Packed once, at export: the first layer keeps the effective float32
weights the engine uses (``net.effective_weights(0)``), every later layer's
sign weights are packed (:mod:`.bits`) and its batch norm and sign become
integer thresholds (:mod:`.thresholds`); the output layer keeps its batch
norm.  Supported: binary networks (``binary=True``, ``levels=2``) with any
first layer (binary, rotated, continuous) and without the XNOR scale.
"""

from __future__ import annotations

import numpy as np

from .bits import pack_conv_weights, pack_dense_weights
from .network import BinaryLayer, FloatLayer, PackedNetwork
from .thresholds import float_sign_thresholds, sign_thresholds

__all__ = ["export_packed", "float_first_layer", "SUPPORTED"]

SUPPORTED = ("binary networks (binary=True, levels=2) without the XNOR scale (xnor_scale=False), "
             "with a binary, rotated or continuous first layer")
"""What :func:`export_packed` accepts, in words (quoted by its errors)."""


def _refusal(config) -> str | None:
    if not config.binary:
        return "the network is a continuous twin (binary=False)"
    if config.levels != 2:
        return f"the network is ternary (levels={config.levels})"
    if config.xnor_scale:
        return "the network scales its weights (xnor_scale=True)"
    return None


def _bn(net, i):
    return (net.running_mean[i].copy(), net.running_var[i].copy(), net.betas[i].copy())


def float_first_layer(plan, weights, running_mean, running_var, beta, eps) -> FloatLayer:
    """The :class:`.FloatLayer` of ``plan`` (a :class:`~bingeo.bnn.LayerPlan`)
    with these effective weights and batch norm; a hidden layer gets its
    float thresholds."""
    thresholds = None
    if plan.activation:
        try:
            thresholds = float_sign_thresholds(running_mean, running_var, beta, eps)
        except ValueError as exc:
            raise ValueError(f"net: layer {plan.name}: {exc}") from None
    return FloatLayer(plan.name, plan.kind, np.ascontiguousarray(weights, dtype=np.float32).copy(), plan.pools,
                      running_mean, running_var, beta, thresholds)


def export_packed(net) -> PackedNetwork:
    """The bit-packed twin of ``net``, with the same evaluation-mode scores.

    Parameters
    ----------
    net : bingeo.bnn.Network
        a binary network (see :data:`SUPPORTED`); its current weights and
        running statistics are copied, later training does not change the export.

    Returns
    -------
    PackedNetwork

    Raises
    ------
    ValueError
        naming what is supported, for a continuous twin, a ternary or an
        XNOR-scaled network, or batch-norm statistics no threshold can
        reproduce (NaN).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> export_packed(Network(ModelConfig(architecture="d8", input_shape=(1, 2, 2), levels=3)))
    Traceback (most recent call last):
    ...
    ValueError: net: the network is ternary (levels=3); packed inference supports binary networks (binary=True, levels=2) without the XNOR scale (xnor_scale=False), with a binary, rotated or continuous first layer
    """
    reason = _refusal(net.config)
    if reason is not None:
        raise ValueError(f"net: {reason}; packed inference supports {SUPPORTED}")
    eps = np.float32(net.config.bn_eps)
    plans = net.layers
    first = float_first_layer(plans[0], net.effective_weights(0), *_bn(net, 0), eps)
    layers = []
    for plan in plans[1:]:
        w = net.effective_weights(plan.index)
        if plan.kind == "conv":
            words = pack_conv_weights(w)
        else:
            previous = plans[plan.index - 1]
            words = pack_dense_weights(w, previous.output_shape if previous.kind == "conv" else None)
        mean, var, beta = _bn(net, plan.index)
        try:
            thresholds = sign_thresholds(mean, var, beta, eps, plan.fan_in) if plan.activation else None
        except ValueError as exc:
            raise ValueError(f"net: layer {plan.name}: {exc}") from None
        layers.append(BinaryLayer(plan.name, plan.kind, words, plan.fan_in, plan.pools, thresholds,
                                  mean, var, beta))
    return PackedNetwork(net.config, first, layers)
