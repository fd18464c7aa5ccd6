"""Experiment 7: are a BNN's latent weights those of a continuous network?

A binary network and its continuous twin (latent weights used as they are,
hard-tanh activations) are trained from the same initialization and on the
same data order (same ``seed``).  Per layer, the cosine between
corresponding unit rows of the binary network's latent weights ``W^lat`` and
the continuous network's weights ``W^cont`` is set beside the cosine of two
unrelated random vectors of the same dimension ``d`` (mean 0, standard
deviation ``1/sqrt(d)``).  Since both start from the same ``W^0``, the
cosine of each final network to ``W^0`` is reported too: a high weight
cosine may only mean that neither moved far.  (The cosine of the two
updates ``W - W^0`` is not a fair measure: the shared ``-W^0`` in both makes
it positive even for unrelated final weights.)
"""

from __future__ import annotations

import dataclasses

from .layer_views import weight_rows
from .weight_angles import unit_cosines, weight_angle_summary

__all__ = ["paired_layer_cosines", "latent_vs_continuous"]


def _summary(latent, other):
    s = weight_angle_summary(latent, other)
    return {k: s[k] for k in ("mean_cos", "sd_cos", "se_mean_cos", "units")}


def paired_layer_cosines(binary_net, continuous_net, initial_net=None) -> list[dict]:
    """Per layer: cosines between corresponding unit rows of two networks.

    Returns per layer ``name``, ``d``, ``weights`` (summary of ``cos(W^lat_u,
    W^cont_u)``: ``mean_cos``, ``sd_cos``, ``se_mean_cos``, ``units``) and,
    given ``initial_net``, ``moved`` (mean cosine of each final network to
    its initialization, ``binary`` and ``continuous``).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> cfg = ModelConfig(architecture="d16", input_shape=(1, 4, 4), num_classes=3)
    >>> r = paired_layer_cosines(Network(cfg), Network(cfg))
    >>> [(layer["name"], layer["weights"]["mean_cos"]) for layer in r]
    [('dense1', 1.0), ('output', 1.0)]
    """
    out = []
    for plan in binary_net.layers:
        i = plan.index
        lat = weight_rows(plan.kind, binary_net.weights[i])
        cont = weight_rows(plan.kind, continuous_net.weights[i])
        row = {"index": i, "name": plan.name, "d": int(lat.shape[1]), "weights": _summary(lat, cont)}
        if initial_net is not None:
            init = weight_rows(plan.kind, initial_net.weights[i])
            row["moved"] = {"binary": float(unit_cosines(lat, init).mean()),
                            "continuous": float(unit_cosines(cont, init).mean())}
        out.append(row)
    return out


def latent_vs_continuous(dataset, config, *, seed=0) -> dict:
    """Train a BNN and its continuous twin from one initialization; compare.

    ``config`` is a :class:`bingeo.bnn.TrainConfig`; it is trained with
    ``binary=True`` and ``binary=False`` at ``seed``.  Returns ``layers``
    (:func:`paired_layer_cosines` with the shared initialization) and the
    two test accuracies.
    """
    from bingeo.bnn import Network
    from bingeo.bnn.train import train_model

    results = {}
    for label, binary in (("binary", True), ("continuous", False)):
        results[label] = train_model(dataclasses.replace(config, binary=binary, seed=seed), dataset)
    init_cfg = dataclasses.replace(config, binary=True, seed=seed).model_config(
        dataset.image_shape, dataset.num_classes)
    layers = paired_layer_cosines(results["binary"].network, results["continuous"].network, Network(init_cfg))
    return {"layers": layers, "seed": int(seed),
            "test_accuracy": {k: float(r.test_accuracy) for k, r in results.items()}}
