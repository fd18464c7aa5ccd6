"""Experiments 4 and 5: the first layer, its remedies, and its inputs.

:func:`first_layer_remedies` takes a trained network's first-layer latent
weights ``W`` and quantizes them three ways: plain ``sign(w)``; the
generalized binarization ``q_R(w) = R^T sign(R w)`` with a fixed Haar-random
rotation ``R`` (the network's own when it was trained rotated); and not at
all (continuous).  For each it reports the angle between ``w`` and ``q(w)``
and ``corr(A.W^c, A.q(W))`` over the real-valued input patches ``A``, with
the operation count of :func:`bingeo.analysis.first_layer_ops`.

:func:`permutation_correlations` feeds the first layer the inputs as they
are, with one fixed permutation of the pixels, and with a fresh permutation
per sample, and reports the correlations beside how close each input
covariance is to a multiple of the identity.

:func:`first_layer_accuracy` trains networks that differ only in their first
layer over several seeds and reports test accuracy.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from bingeo.quantize import haar_rotation, rotated_sign

from .dot_correlations import dot_product_correlations, sign_pm1
from .first_layer_cost import FIRST_LAYER_KINDS, first_layer_ops
from .input_covariance import input_covariance, isotropy_measures
from .layer_views import layer_views
from .permutation import PERMUTATION_MODES, permute_coordinates
from .weight_angles import weight_angle_summary

__all__ = ["rotated_sign_rows", "first_layer_remedies", "permutation_correlations",
           "first_layer_accuracy", "seed_spread"]


def rotated_sign_rows(latent, rotation) -> np.ndarray:
    """``q_R(w) = R^T sign(R w)`` for every unit row ``w`` (sign(0) = +1):
    :func:`bingeo.rotated_sign` on a layer's (units, d) rows, checked against
    the fan-in.

    Examples
    --------
    >>> rotated_sign_rows([[0.3, -2.0]], np.eye(2))
    array([[ 1., -1.]])
    >>> q = rotated_sign_rows([[1.0, 0.0]], np.array([[0.0, 1.0], [-1.0, 0.0]]))
    >>> q
    array([[1., 1.]])
    """
    w = np.asarray(latent, dtype=np.float64)
    r = np.asarray(rotation, dtype=np.float64)
    if r.shape != (w.shape[1], w.shape[1]):
        raise ValueError(f"rotation: expected shape ({w.shape[1]}, {w.shape[1]}) to match the fan-in, got {r.shape}")
    return rotated_sign(w, r)


def first_layer_remedies(net, x, *, seed=0) -> dict:
    """The first layer's angle and correlation under each quantization.

    Returns ``d``, ``units``, ``positions`` (output positions per input) and
    ``variants``: for each of :data:`bingeo.analysis.FIRST_LAYER_KINDS` a
    dict with ``angle`` (:func:`bingeo.analysis.weight_angle_summary`
    without the per-unit values), ``correlation`` (``corr(A.W^c, A.q(W))``:
    ``mean``, ``sd``, ``se``, ``units``, ``pooled``) and ``ops``.  ``seed``
    draws ``R`` unless the network has its own first-layer rotation.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="c8-d8", input_shape=(1, 6, 6), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (20, 1, 6, 6))
    >>> r = first_layer_remedies(net, x)
    >>> r["d"], r["variants"]["continuous"]["correlation"]["mean"]
    (9, 1.0)
    """
    view = layer_views(net, x, layers=[0])[0]
    w = view.latent
    rotation = net.rotations.get(0)
    rotation = haar_rotation(view.d, seed) if rotation is None else np.asarray(rotation, np.float64)
    quantized = {"binary": sign_pm1(w), "rotated": rotated_sign_rows(w, rotation), "continuous": w}
    positions = view.inputs.shape[0] // np.asarray(x).shape[0]
    variants = {}
    for kind in FIRST_LAYER_KINDS:
        angle = weight_angle_summary(w, quantized[kind])
        angle.pop("cosines")
        corr = dot_product_correlations(view.inputs, w, quantized[kind])["wc_wb"]
        corr.pop("per_unit")
        variants[kind] = {"angle": angle, "correlation": corr,
                          "ops": first_layer_ops(kind, d=view.d, units=view.units, positions=positions)}
    return {"d": view.d, "units": view.units, "positions": int(positions), "variants": variants}


def permutation_correlations(net, x, *, seed=0) -> dict:
    """The first layer's correlations with the input coordinates permuted.

    For each mode of :data:`bingeo.analysis.PERMUTATION_MODES` the images
    are permuted (:func:`bingeo.analysis.permute_coordinates`) and the first
    layer's three correlations measured on its input patches, beside
    :func:`bingeo.analysis.isotropy_measures` of the patch covariance and of
    the whole-image covariance.

    Returns ``{mode: {"correlations": {kind: summary}, "patch_isotropy":
    ..., "image_isotropy": ...}}`` (summaries without per-unit values).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d8", input_shape=(1, 3, 3), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (30, 1, 3, 3))
    >>> sorted(permutation_correlations(net, x))
    ['fixed', 'none', 'per_sample']
    """
    x = np.asarray(x)
    out = {}
    for k, mode in enumerate(PERMUTATION_MODES):
        xp = permute_coordinates(x, mode, seed=np.random.SeedSequence(seed, spawn_key=(k,)))
        view = layer_views(net, xp, layers=[0])[0]
        corr = dot_product_correlations(view.inputs, view.latent, view.quantized,
                                        binarized_inputs=view.quantized_inputs)
        summaries = {}
        for kind in ("wc_wb", "wb_abwb", "wc_abwb"):
            summaries[kind] = {k2: v for k2, v in corr[kind].items() if k2 != "per_unit"}
        out[mode] = {"correlations": summaries,
                     "patch_isotropy": isotropy_measures(input_covariance(view.inputs)),
                     "image_isotropy": isotropy_measures(input_covariance(xp.reshape(len(xp), -1)))}
    return out


def seed_spread(values) -> dict:
    """Mean, sample sd (``ddof=1``) and standard error of per-seed numbers.

    Examples
    --------
    >>> s = seed_spread([0.9, 0.8, 1.0])
    >>> round(s["mean"], 6), round(s["sd"], 6), s["seeds"]
    (0.9, 0.1, 3)
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    sd = float(np.std(v, ddof=1)) if n > 1 else math.nan
    return {"mean": float(v.mean()) if n else math.nan, "sd": sd,
            "se": sd / math.sqrt(n) if n > 1 else math.nan, "seeds": int(n), "values": v.tolist()}


def first_layer_accuracy(dataset, config, *, seeds, callback=None) -> dict:
    """Train networks that differ only in the first layer; test accuracy per variant.

    ``config`` is a :class:`bingeo.bnn.TrainConfig` (a binary network); for
    every variant of :data:`bingeo.analysis.FIRST_LAYER_KINDS` and every seed
    in ``seeds`` it is trained with ``first_layer=variant`` and
    ``seed=seed`` (same initialization of the later layers and same data
    order for a given seed).  ``callback(variant, seed, result)`` is called
    after each run.

    Returns ``{variant: seed_spread(test accuracies)}`` with the first
    layer's operation count under ``ops``.
    """
    from bingeo.bnn import plan_layers
    from bingeo.bnn.train import train_model

    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: expected at least one seed")
    first = plan_layers(config.architecture, dataset.image_shape, dataset.num_classes)[0]
    positions = int(np.prod(first.output_shape[1:])) * 4 ** first.pools if first.kind == "conv" else 1
    out = {}
    for variant in FIRST_LAYER_KINDS:
        accs = []
        for s in seeds:
            result = train_model(dataclasses.replace(config, first_layer=variant, seed=s), dataset)
            accs.append(result.test_accuracy)
            if callback is not None:
                callback(variant, s, result)
        out[variant] = {**seed_spread(accs),
                        "ops": first_layer_ops(variant, d=first.fan_in, units=first.units, positions=positions)}
    return out
