"""Training dynamics of the latent weights: their angle and law, epoch by epoch.

How far latent weights move, and whether they pile up at the clip, depends
on the recipe (:mod:`bingeo.bnn.recipes`).  :func:`weight_dynamics` trains
one network and records, at initialization and after every epoch, each
layer's mean cos(W^c, W^b) with its standard error over units, the share of
latent weights at the clip and their excess kurtosis
(:func:`bingeo.analysis.layer_weight_geometry`).
"""

from __future__ import annotations

__all__ = ["DYNAMICS_FIELDS", "weight_dynamics"]

DYNAMICS_FIELDS = ("mean_cos", "se_cos", "clip_share", "excess_kurtosis")
"""What is recorded per layer and epoch (besides ``name``, ``d`` and ``units``)."""


def _snapshot(net) -> list[dict]:
    from .latent_weights import layer_weight_geometry

    return [{"name": r["name"], "d": r["d"], "units": r["units"], **{k: r[k] for k in DYNAMICS_FIELDS}}
            for r in layer_weight_geometry(net)]


def weight_dynamics(config, dataset) -> dict:
    """Train ``config`` on ``dataset``, recording the weights' geometry every epoch.

    Parameters
    ----------
    config : bingeo.bnn.TrainConfig
    dataset : bingeo.data.Dataset

    Returns
    -------
    dict
        ``epochs``: a list, epoch 0 (the initialization) first, of
        ``{"epoch", "test_accuracy", "layers"}`` with ``layers`` one dict per
        weighted layer (``name``, ``d``, ``units`` and :data:`DYNAMICS_FIELDS`);
        ``test_accuracy`` and ``train_accuracy`` of the trained network.

    Examples
    --------
    >>> from bingeo.bnn import TrainConfig
    >>> from bingeo.data import load_dataset
    >>> r = weight_dynamics(TrainConfig(architecture="d32", epochs=2, init="glorot-uniform"), load_dataset("digits"))
    >>> [e["epoch"] for e in r["epochs"]], round(r["epochs"][0]["layers"][0]["clip_share"], 3)
    ([0, 1, 2], 0.0)
    """
    from bingeo.bnn import Network
    from bingeo.bnn.train import train_model

    initial = Network(config.model_config(dataset.image_shape, dataset.num_classes))
    result = train_model(config, dataset, measure=_snapshot)
    epochs = [{"epoch": 0, "test_accuracy": float("nan"), "layers": _snapshot(initial)}]
    epochs += [{"epoch": h["epoch"], "test_accuracy": h["test_accuracy"], "layers": h["measure"]}
               for h in result.history]
    return {"epochs": epochs, "test_accuracy": float(result.test_accuracy),
            "train_accuracy": float(result.train_accuracy)}
