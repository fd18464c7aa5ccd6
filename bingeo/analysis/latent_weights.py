"""The law of a layer's latent weights: clip mass, interior and tails.

Latent weights live in [-1, 1] and are clipped there after every update, so
a trained layer's coordinates are a mixture of a mass at the clip and an
interior law.  Per layer, over all its latent weights:

* ``clip_share``: the share with ``|w| >= 1 - CLIP_TOLERANCE`` (at the clip);
* ``excess_kurtosis``: ``E (w - mean)^4 / Var(w)^2 - 3`` (0 for a Gaussian,
  -1.2 for a uniform law, below for mass piled at the edges);
* ``plugin_cos``: ``E|w| / sqrt(E w^2)``, the large-d cosine of i.i.d.
  coordinates drawn from the layer's own histogram.  Pooled over the layer
  it is the measured per-unit cosine computed on the pooled moments: an
  identity to check the measurement against, not a prediction.

Per unit, the inputs of the two-part model (:mod:`theory.clipped_weights`):
the clip share ``p_u`` and the interior's second moment ``m2_u`` (mean of
``w^2`` over the unit's coordinates below the clip).  The cosine the model
predicts from them is compared, unit by unit, with the measured one.
"""

from __future__ import annotations

import math

import numpy as np

from .layer_views import weight_rows
from .weight_angles import unit_cosines

__all__ = ["CLIP_TOLERANCE", "clip_share", "excess_kurtosis", "plugin_cos", "unit_clip_moments",
           "latent_weight_law", "layer_weight_geometry"]

CLIP_TOLERANCE = 1e-6
"""A latent weight with ``|w| >= 1 - CLIP_TOLERANCE`` counts as at the clip
(float32 rounding of a clipped update leaves it at exactly 1)."""


def clip_share(w) -> float:
    """Share of the entries of ``w`` at the clip, ``|w| >= 1 - CLIP_TOLERANCE``.

    Examples
    --------
    >>> clip_share([1.0, -1.0, 0.5, 0.999])
    0.5
    """
    w = np.asarray(w, dtype=np.float64).ravel()
    return float(np.mean(np.abs(w) >= 1.0 - CLIP_TOLERANCE)) if w.size else math.nan


def excess_kurtosis(w) -> float:
    """``E (w - mean)^4 / Var(w)^2 - 3`` over the entries of ``w`` (population moments).

    Examples
    --------
    >>> round(excess_kurtosis(np.linspace(-1, 1, 200001)), 3)     # uniform
    -1.2
    """
    w = np.asarray(w, dtype=np.float64).ravel()
    c = w - w.mean() if w.size else w
    var = float(np.mean(c * c)) if w.size else math.nan
    if not var > 0:
        return math.nan
    return float(np.mean(c ** 4) / var ** 2 - 3.0)


def plugin_cos(w, *, threshold: float | None = None) -> float:
    """Large-d cosine of ``w`` and ``q(w)`` for i.i.d. coordinates like ``w``'s.

    Sign: ``E|w| / sqrt(E w^2)``; ternary with threshold ``t``:
    ``E[|w| 1{|w| > t}] / sqrt(E[w^2] P(|w| > t))``, over every entry.

    Examples
    --------
    >>> round(plugin_cos(np.linspace(-1, 1, 100001)), 4)  # uniform: sqrt(3)/2
    0.866
    """
    w = np.asarray(w, dtype=np.float64).ravel()
    m2 = float(np.mean(w * w)) if w.size else 0.0
    if m2 == 0:
        return math.nan
    if threshold is None:
        return float(np.mean(np.abs(w)) / math.sqrt(m2))
    keep = np.abs(w) > threshold
    p = float(np.mean(keep))
    return float(np.mean(np.abs(w) * keep) / math.sqrt(m2 * p)) if p > 0 else math.nan


def unit_clip_moments(rows) -> dict:
    """Per unit (row): clip share ``p`` and the interior's ``m1`` = E|w|, ``m2`` = E w^2.

    The interior is the row's coordinates below the clip; a row entirely at
    the clip has NaN interior moments.

    Examples
    --------
    >>> m = unit_clip_moments([[1.0, -0.5, 0.5, -1.0]])
    >>> m["p"].tolist(), m["m1"].tolist(), m["m2"].tolist()
    ([0.5], [0.5], [0.25])
    """
    w = np.asarray(rows, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"rows: expected a (units, d) matrix, got shape {w.shape}")
    at_clip = np.abs(w) >= 1.0 - CLIP_TOLERANCE
    inside = (~at_clip).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        m1 = np.where(at_clip, 0.0, np.abs(w)).sum(axis=1) / inside
        m2 = np.where(at_clip, 0.0, w * w).sum(axis=1) / inside
    return {"p": at_clip.mean(axis=1), "m1": np.where(inside > 0, m1, np.nan),
            "m2": np.where(inside > 0, m2, np.nan)}


def latent_weight_law(w) -> dict:
    """``clip_share``, ``excess_kurtosis`` and ``plugin_cos`` of one layer's latent weights.

    Examples
    --------
    >>> law = latent_weight_law(np.linspace(-1, 1, 100001))
    >>> round(law["clip_share"], 5), round(law["excess_kurtosis"], 2), round(law["plugin_cos"], 3)
    (2e-05, -1.2, 0.866)
    """
    return {"clip_share": clip_share(w), "excess_kurtosis": excess_kurtosis(w), "plugin_cos": plugin_cos(w)}


def layer_weight_geometry(net, *, per_unit: bool = False) -> list[dict]:
    """Per layer: the angle of latent and quantized weights, and the latent law.

    For every weighted layer: ``index``, ``name``, ``d`` (fan-in), ``units``,
    ``mean_cos`` and ``se_cos`` (mean over units of cos(W^c_u, W^b_u) and its
    standard error ``sd / sqrt(units)``), ``sd_cos``, and the fields of
    :func:`latent_weight_law`.  With ``per_unit``, also ``cosines`` and the
    per-unit ``clip_p``, ``interior_m1``, ``interior_m2``
    (:func:`unit_clip_moments`).  Cheap enough to run after every epoch.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d64", input_shape=(1, 8, 8), num_classes=10, init="gaussian"))
    >>> [(r["name"], round(r["mean_cos"], 2), round(r["excess_kurtosis"], 1)) for r in layer_weight_geometry(net)]
    [('dense1', 0.8, -0.1), ('output', 0.8, -0.1)]
    """
    out = []
    for plan in net.layers:
        latent = weight_rows(plan.kind, net.weights[plan.index])
        cos = unit_cosines(latent, weight_rows(plan.kind, net.effective_weights(plan.index, True)))
        good = cos[np.isfinite(cos)]
        sd = float(np.std(good, ddof=1)) if good.size > 1 else math.nan
        row = {"index": plan.index, "name": plan.name, "d": int(latent.shape[1]), "units": int(good.size),
               "mean_cos": float(good.mean()) if good.size else math.nan, "sd_cos": sd,
               "se_cos": sd / math.sqrt(good.size) if good.size > 1 else math.nan,
               **latent_weight_law(latent)}
        if per_unit:
            m = unit_clip_moments(latent)
            row.update(cosines=cos, clip_p=m["p"], interior_m1=m["m1"], interior_m2=m["m2"])
        out.append(row)
    return out
