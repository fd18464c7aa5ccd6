"""Experiment 6: batch normalization against XNOR-Net's weight scale.

:func:`xnor_scale_invariance` runs a trained network twice on one batch,
without and with the per-unit scale ``alpha_u = mean |w_u|`` on its quantized
weights (batch statistics in batch normalization), and reports per layer the
largest difference of the batch-normalized outputs, and the share of test
predictions that change.  Beside it, the algebra's own check
(:func:`bingeo.analysis.batchnorm_scale_difference`) on the layer's
pre-activations with ``eps = 0`` and with the network's ``eps``.

:func:`xnor_scale_training` trains with and without ``alpha`` (batch
normalization in both) and reports accuracy over seeds and the per-layer
correlations of each trained network.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bingeo.bnn.layers.pool import maxpool2d_forward_reference

from .batchnorm_scale import batchnorm_scale_difference, xnor_alpha
from .binarization_scope import unit_preactivations
from .layer_geometry import dot_correlations
from .layer_views import analysis_forward, weight_rows

__all__ = ["xnor_scale_invariance", "xnor_scale_training"]


def max_pool_2x2(z) -> np.ndarray:
    """2x2 max pooling with stride 2 of ``(N, F, H, W)`` (odd edges dropped):
    the layers' reference (:func:`bingeo.bnn.layers.maxpool2d_forward_reference`)
    without its argmax, in the dtype of ``z``.

    Examples
    --------
    >>> max_pool_2x2(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return maxpool2d_forward_reference(np.asarray(z))[0]


def _with_scale(net, scale: bool):
    from bingeo.bnn import Network

    cfg = dataclasses.replace(net.config, xnor_scale=scale)
    return Network(cfg, state=net.state_dict())


def xnor_scale_invariance(net, x) -> dict:
    """How much XNOR-Net's alpha changes a batch-normalized network.

    Returns ``layers`` (per layer: ``name``, ``d``, ``max_abs_diff_network``,
    the largest ``|BN output with alpha - without|`` in the engine;
    ``max_abs_diff_eps0`` and ``max_abs_diff_eps``, the same from
    :func:`bingeo.analysis.batchnorm_scale_difference` on the layer's pooled
    pre-activations (what batch normalization sees) with ``eps = 0`` and the
    network's ``eps``; ``max_abs_output``; ``max_abs_preactivation`` and
    ``min_sd_preactivation`` of the pooled pre-activations over units), ``prediction_changes`` (share of samples whose
    predicted class differs) and ``eps``.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d16", input_shape=(1, 4, 4), num_classes=3))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (50, 1, 4, 4))
    >>> r = xnor_scale_invariance(net, x)
    >>> r["layers"][0]["max_abs_diff_eps0"] < 1e-12
    True
    """
    plain, scaled = _with_scale(net, False), _with_scale(net, True)
    out0, rec0 = analysis_forward(plain, x)
    out1, rec1 = analysis_forward(scaled, x)
    eps = float(net.config.bn_eps)
    layers = []
    for plan, r0, r1 in zip(net.layers, rec0, rec1):
        z = np.asarray(r0.preactivation, dtype=np.float64)
        for _ in range(plan.pools):  # what batch normalization sees: the pooled pre-activations
            z = max_pool_2x2(z)
        z = unit_preactivations(z)
        alpha = xnor_alpha(weight_rows(plan.kind, net.weights[plan.index]))
        layers.append({"index": plan.index, "name": plan.name, "d": plan.fan_in,
                       "max_abs_diff_network": float(np.max(np.abs(
                           np.asarray(r1.output, np.float64) - np.asarray(r0.output, np.float64)))),
                       "max_abs_diff_eps0": batchnorm_scale_difference(z, alpha, eps=0.0)["max_abs_diff"],
                       "max_abs_diff_eps": batchnorm_scale_difference(z, alpha, eps=eps)["max_abs_diff"],
                       "max_abs_output": float(np.max(np.abs(r0.output))),
                       "max_abs_preactivation": float(np.max(np.abs(z))),
                       "min_sd_preactivation": float(np.min(np.std(z, axis=0)))})
    changed = float(np.mean(np.argmax(out0, axis=1) != np.argmax(out1, axis=1)))
    return {"layers": layers, "prediction_changes": changed, "eps": eps}


def xnor_scale_training(dataset, config, *, seeds, x=None, callback=None) -> dict:
    """Train with and without XNOR-Net's alpha; accuracy and correlations.

    For ``scale`` in (False, True) and each seed, ``config`` (a
    :class:`bingeo.bnn.TrainConfig`) is trained with ``xnor_scale=scale``.
    Returns ``{"without": ..., "with": ...}``, each with ``accuracy``
    (:func:`bingeo.analysis.seed_spread` of the test accuracies) and
    ``correlations``: per layer of the first seed's network, the mean
    correlations of :func:`bingeo.analysis.dot_correlations` on ``x``
    (default: the test images).
    """
    from bingeo.bnn.train import train_model

    from .first_layer import seed_spread

    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: expected at least one seed")
    x = dataset.x_test if x is None else x
    out = {}
    for label, scale in (("without", False), ("with", True)):
        accs, corr = [], None
        for s in seeds:
            result = train_model(dataclasses.replace(config, xnor_scale=scale, seed=s), dataset)
            accs.append(result.test_accuracy)
            if corr is None:
                corr = [{"name": layer["name"], "d": layer["d"],
                         **{k: {"mean": v["mean"], "se": v["se"]} for k, v in layer["correlations"].items()}}
                        for layer in dot_correlations(result.network, x)]
            if callback is not None:
                callback(label, s, result)
        out[label] = {"accuracy": seed_spread(accs), "correlations": corr}
    return out
