"""The measured network geometry set beside theory, row by row.

``bingeo.analysis`` measures and :mod:`theory` predicts; this module only
puts the two side by side (no formula lives here):

* weight angles: the exact mean and sd of ``cos(w, q(w))`` for
  rotation-invariant ``w`` in dimension ``d`` (``theory.mean_cos_value``,
  ``theory.var_cos_value``), for ternary networks
  ``theory.ternary_cos_value(tau)`` at the layer's threshold in units of its
  weights' sd; the two-part model of clipped weights
  (``theory.two_part_cos_value``: the maximum-entropy interior with the
  measured second moment, and the uniform interior of the initialization)
  unit by unit, a prediction that can fail; and the plug-in ``E|w| / sqrt(E w^2)`` of
  the layer's own weights (``bingeo.analysis.plugin_cos``), which equals the
  measured cosine on pooled moments: a check, not a prediction;
* dot-product correlations: the isotropic theory (``theory.dot_products``),
  the Gaussian prediction from the measured input covariance ``C``
  (``theory.gaussian_signs.gaussian_dot_correlations``: the metric-``C``
  cosine for ``corr(A.W^c, A.W^b)``, an identity of second moments, and the
  arcsine formulas for the two with binarized inputs), and the second-moment
  prediction from the measured cross-covariance of ``A`` and ``A^b``
  (``theory.gaussian_signs.dot_correlations_from_moments``), all with
  moments from the other half of the samples.
"""

from __future__ import annotations

import math

import numpy as np

import theory
from bingeo.analysis import layer_weight_geometry, loglog_slope, plugin_cos, weight_angles
from theory.clipped_weights import two_part_cos_value
from theory.dot_products import dot_corr_value
from theory.gaussian_signs import dot_correlations_from_moments, gaussian_dot_correlations

__all__ = ["angle_rows", "spread_fit", "isotropic_correlations", "correlation_rows", "TWO_PART_LAWS"]

TWO_PART_LAWS = ("maxent", "uniform")
"""Interior laws of the two-part model shown beside each layer."""


def _paired(measured: np.ndarray, predicted: np.ndarray) -> dict:
    """Mean prediction and the mean (prediction - measured) over units with its SE."""
    keep = np.isfinite(measured) & np.isfinite(predicted)
    diff = predicted[keep] - measured[keep]
    n = int(diff.size)
    return {"mean": float(predicted[keep].mean()) if n else math.nan,
            "diff": float(diff.mean()) if n else math.nan,
            "se_diff": float(diff.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan, "units": n}


def angle_rows(net) -> list[dict]:
    """Rows of experiment 1 (and 8) for network ``net``, with the theory columns.

    Each row holds ``index``, ``name``, ``kind``, ``d``, ``units``,
    ``mean_cos``, ``sd_cos``, ``se_mean_cos``, ``mean_angle_deg``,
    ``sd_angle_deg``, ``cosines`` (per unit); ``clip_share``,
    ``excess_kurtosis`` and ``plugin_cos`` of the latent weights;
    ``theory_mean_cos``, ``theory_sd_cos``, ``theory_mean_angle_deg`` and
    ``z`` (``(mean_cos - theory_mean_cos) / se_mean_cos``); ``two_part``: per
    interior law, the mean predicted cosine and the mean (predicted -
    measured) over units with its SE (sign-quantized layers only, else
    NaN).  For ternary (``levels = 3``) ``tau`` (threshold over the layer's
    weight sd) and theory is ``ternary_cos_value(tau)``.
    """
    cfg = net.config
    ternary = cfg.levels == 3
    rows = []
    for layer, law in zip(weight_angles(net), layer_weight_geometry(net, per_unit=True)):
        d = int(layer["d"])
        row = {key: layer[key] for key in ("index", "name", "kind", "d", "units", "mean_cos", "sd_cos",
                                           "se_mean_cos", "mean_angle_deg", "sd_angle_deg", "cosines")}
        w = np.asarray(net.weights[layer["index"]], dtype=np.float64)
        row.update(clip_share=law["clip_share"], excess_kurtosis=law["excess_kurtosis"])
        if ternary:
            sd_w = float(np.std(w))
            tau = cfg.threshold / sd_w if sd_w > 0 else math.nan
            row["tau"] = tau
            row["theory_mean_cos"] = float(theory.ternary_cos_value(tau)) if math.isfinite(tau) else math.nan
            row["theory_sd_cos"] = math.nan
            row["plugin_cos"] = plugin_cos(w, threshold=cfg.threshold)
        else:
            row["theory_mean_cos"] = float(theory.mean_cos_value(d))
            row["theory_sd_cos"] = math.sqrt(float(theory.var_cos_value(d)))
            row["plugin_cos"] = law["plugin_cos"]
        row["theory_mean_angle_deg"] = math.degrees(math.acos(row["theory_mean_cos"])) \
            if math.isfinite(row["theory_mean_cos"]) else math.nan
        se = row["se_mean_cos"]
        row["z"] = (row["mean_cos"] - row["theory_mean_cos"]) / se if se and se > 0 else math.nan
        sign_layer = not ternary and not (layer["index"] == 0 and cfg.first_layer == "rotated")
        row["two_part"] = {}
        for interior in TWO_PART_LAWS:
            predicted = two_part_cos_value(law["clip_p"], law["interior_m2"], interior) if sign_layer \
                else np.full(len(law["clip_p"]), np.nan)
            row["two_part"][interior] = _paired(np.asarray(law["cosines"], np.float64), predicted)
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


def correlation_rows(layers: list[dict], *, levels: int = 2) -> list[dict]:
    """Rows of experiment 2 (and 8): measured correlations beside predictions.

    ``layers`` is :func:`bingeo.analysis.dot_correlations`'s result.  Per
    layer and kind: ``measured`` (mean over units), ``se``, ``isotropic``
    (:func:`isotropic_correlations`), ``identity`` (the Gaussian prediction
    with ``C = I`` and the layer's own weights), ``predicted`` (Gaussian,
    with the measured ``C``), ``second_moment`` (from the measured ``C``,
    cross-covariance ``K`` and sign covariance ``S``: exact for any law up to
    sampling, since those moments come from the other half of the samples),
    and the layer's ``isotropy`` and ``saturation``.  For a ternary network
    the Gaussian predictions exist only for ``wc_wb`` (the others assume
    sign inputs); the second-moment one for all three.
    """
    rows = []
    for layer in layers:
        w, q, cov = layer["latent"], layer["quantized"], layer["covariance"]
        iso = isotropic_correlations(layer["d"])
        gauss = gaussian_dot_correlations(w, q, cov)
        moments = dot_correlations_from_moments(w, q, cov, layer["cross_covariance"], layer["sign_covariance"])
        ident = gaussian_dot_correlations(w, q, np.eye(layer["d"]))
        row = {"index": layer["index"], "name": layer["name"], "d": layer["d"], "units": layer["units"],
               "rows": layer["rows"], "isotropy": layer["isotropy"], "saturation": layer["saturation"]}
        for kind, c in layer["correlations"].items():
            has = levels == 2 or kind == "wc_wb"
            row[kind] = {"measured": c["mean"], "se": c["se"], "pooled": c["pooled"],
                         "isotropic": iso[kind] if levels == 2 else math.nan,
                         "identity": float(np.nanmean(ident[kind])) if has else math.nan,
                         "predicted": float(np.nanmean(gauss[kind])) if has else math.nan,
                         "second_moment": float(np.nanmean(moments[kind])),
                         "per_unit": c["per_unit"],
                         "predicted_per_unit": gauss[kind] if has else None}
        rows.append(row)
    return rows
