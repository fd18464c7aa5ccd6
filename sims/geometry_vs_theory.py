"""The measured network geometry set beside theory.

``bingeo.analysis`` measures; this module adds, row by row, what
:mod:`theory` predicts and by how much the measurement departs from it:

* weight angles: the exact mean and standard deviation of ``cos(w, q(w))``
  for rotation-invariant ``w`` in dimension ``d`` (``theory.mean_cos_value``,
  ``theory.var_cos_value``), the large-d limit ``sqrt(2/pi)``, for ternary
  networks ``theory.ternary_cos_value(tau)`` at the layer's threshold in units
  of its weights' standard deviation, and the large-d cosine for i.i.d.
  coordinates drawn from the layer's *own* weight histogram,
  ``E|w| / sqrt(E w^2)`` (ternary: ``E[|w| 1{|w|>t}] / sqrt(E w^2 P(|w|>t))``);
* dot-product correlations: the isotropic theory (Gaussian inputs with
  ``C = I``, rotation-invariant weights; ``theory.dot_products``) and the
  prediction from the layer's measured input covariance ``C``: the cosine
  in the metric ``C`` (``theory.dot_products.metric_cos_value``) for
  ``corr(A.W^c, A.W^b)``, and the zero-mean Gaussian formulas of
  :mod:`sims.covariance_predictions` for the two with binarized inputs.
"""

from __future__ import annotations

import math

import numpy as np

import theory
from bingeo.analysis import loglog_slope
from theory.dot_products import dot_corr_value, metric_cos_value
from sims.covariance_predictions import gaussian_dot_correlations

__all__ = ["iid_limit_cos", "angle_rows", "spread_fit", "isotropic_correlations", "correlation_rows"]


def iid_limit_cos(latent, *, threshold: float | None = None) -> float:
    """Large-d cosine of ``w`` and ``q(w)`` for i.i.d. coordinates like ``latent``'s.

    Sign: ``E|w| / sqrt(E w^2)``; ternary with threshold ``t``:
    ``E[|w| 1{|w| > t}] / sqrt(E[w^2] P(|w| > t))``, the expectations taken
    over every entry of ``latent``.

    Examples
    --------
    >>> round(iid_limit_cos(np.linspace(-1, 1, 100001)), 4)  # uniform: sqrt(3)/2
    0.866
    """
    w = np.asarray(latent, dtype=np.float64).ravel()
    m2 = float(np.mean(w * w))
    if m2 == 0:
        return math.nan
    if threshold is None:
        return float(np.mean(np.abs(w)) / math.sqrt(m2))
    keep = np.abs(w) > threshold
    p = float(np.mean(keep))
    return float(np.mean(np.abs(w) * keep) / math.sqrt(m2 * p)) if p > 0 else math.nan


def angle_rows(angles: list[dict], *, levels: int = 2, threshold: float = 0.0,
               latent: list | None = None) -> list[dict]:
    """Rows of experiment 1 (and 8) with the theory columns.

    ``angles`` is :func:`bingeo.analysis.weight_angles`'s result;
    ``latent`` (optional) the layers' latent weight arrays for the i.i.d.
    column.  Each row holds ``name``, ``d``, ``units``, ``mean_cos``,
    ``sd_cos``, ``se_mean_cos``, ``mean_angle_deg``, ``theory_mean_cos``,
    ``theory_sd_cos``, ``z`` (``(mean_cos - theory_mean_cos) / se_mean_cos``),
    ``iid_cos`` and the per-unit ``cosines``; for ternary (``levels = 3``) ``tau`` (threshold over the
    layer's weight sd) and the theory is ``ternary_cos_value(tau)``.
    """
    rows = []
    for k, layer in enumerate(angles):
        d = int(layer["d"])
        row = {key: layer[key] for key in ("index", "name", "kind", "d", "units", "mean_cos", "sd_cos",
                                           "se_mean_cos", "mean_angle_deg", "sd_angle_deg")}
        w = None if latent is None else np.asarray(latent[k], dtype=np.float64)
        if levels == 3:
            sd_w = float(np.std(w)) if w is not None else math.nan
            tau = threshold / sd_w if sd_w > 0 else math.nan
            row["tau"] = tau
            row["theory_mean_cos"] = float(theory.ternary_cos_value(tau)) if math.isfinite(tau) else math.nan
            row["theory_sd_cos"] = math.nan
            row["iid_cos"] = iid_limit_cos(w, threshold=threshold) if w is not None else math.nan
        else:
            row["theory_mean_cos"] = float(theory.mean_cos_value(d))
            row["theory_sd_cos"] = math.sqrt(float(theory.var_cos_value(d)))
            row["iid_cos"] = iid_limit_cos(w) if w is not None else math.nan
        row["theory_mean_angle_deg"] = math.degrees(math.acos(row["theory_mean_cos"])) \
            if math.isfinite(row["theory_mean_cos"]) else math.nan
        se = row["se_mean_cos"]
        row["z"] = (row["mean_cos"] - row["theory_mean_cos"]) / se if se and se > 0 else math.nan
        row["cosines"] = layer["cosines"]
        rows.append(row)
    return rows


def spread_fit(rows: list[dict]) -> dict:
    """Log-log fit of the sd of the cosines against ``d`` across layers.

    Returns :func:`bingeo.analysis.loglog_slope` of ``(d, sd_cos)`` with
    ``theory_slope`` = -1/2 (``sd ~ sqrt((1 - 3/pi) / d)``) and the same fit
    of the theoretical sd at the same ``d`` values (``theory_fit_slope``).
    """
    d = [r["d"] for r in rows]
    fit = loglog_slope(d, [r["sd_cos"] for r in rows])
    fit["theory_slope"] = -0.5
    fit["theory_fit_slope"] = loglog_slope(d, [math.sqrt(float(theory.var_cos_value(x))) for x in d])["slope"]
    return fit


def isotropic_correlations(d: int) -> dict:
    """Isotropic theory of the three correlations in dimension ``d``.

    Gaussian inputs ``N(0, I)`` and rotation-invariant weights: ``wc_wb`` is
    ``E cos(w, sign w)`` = ``theory.mean_cos_value(d)``; ``wb_abwb`` is
    ``dot_corr("activations")`` = ``sqrt(2/pi)`` for every sign vector and
    every ``d``; ``wc_abwb`` is their product (``dot_corr("both")`` = ``2/pi``
    in the limit).

    Examples
    --------
    >>> r = isotropic_correlations(10**6)
    >>> round(r["wc_wb"], 4), round(r["wb_abwb"], 4), round(r["wc_abwb"], 4)
    (0.7979, 0.7979, 0.6366)
    """
    wc_wb = float(theory.mean_cos_value(int(d)))
    k = dot_corr_value("activations")
    return {"wc_wb": wc_wb, "wb_abwb": k, "wc_abwb": k * wc_wb}


def _metric_cos(w, q, cov) -> float:
    try:
        return metric_cos_value(w, q, cov)
    except ValueError:  # a unit whose weights see no input variance
        return math.nan


def correlation_rows(layers: list[dict], *, levels: int = 2) -> list[dict]:
    """Rows of experiment 2 (and 8): measured correlations beside predictions.

    ``layers`` is :func:`bingeo.analysis.dot_correlations`'s result.  Per
    layer and kind: ``measured`` (mean over units), ``se``, ``isotropic``
    (:func:`isotropic_correlations`), ``identity`` (the Gaussian prediction
    with ``C = I`` and the layer's own weights), ``predicted`` (with the
    measured ``C``), and the layer's ``isotropy`` measures.  For a ternary
    network only ``wc_wb`` has a prediction (the others assume sign inputs).
    """
    rows = []
    for layer in layers:
        iso = isotropic_correlations(layer["d"])
        pred_c = gaussian_dot_correlations(layer["latent"], layer["quantized"], layer["covariance"])
        pred_c["wc_wb"] = np.array([_metric_cos(w, q, layer["covariance"])
                                    for w, q in zip(layer["latent"], layer["quantized"])])
        pred_i = gaussian_dot_correlations(layer["latent"], layer["quantized"], np.eye(layer["d"]))
        row = {"index": layer["index"], "name": layer["name"], "d": layer["d"], "units": layer["units"],
               "rows": layer["rows"], "isotropy": layer["isotropy"], "saturation": layer["saturation"]}
        for kind, c in layer["correlations"].items():
            has = levels == 2 or kind == "wc_wb"
            row[kind] = {"measured": c["mean"], "se": c["se"], "pooled": c["pooled"],
                         "isotropic": iso[kind] if levels == 2 else math.nan,
                         "identity": float(np.nanmean(pred_i[kind])) if has else math.nan,
                         "predicted": float(np.nanmean(pred_c[kind])) if has else math.nan,
                         "per_unit": c["per_unit"],
                         "predicted_per_unit": pred_c[kind] if has else None}
        rows.append(row)
    return rows
