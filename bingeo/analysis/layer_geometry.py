"""Experiments 1, 2 and 8: weight angles and dot-product correlations per layer.

:func:`weight_angles` measures, for every weighted layer, the angle between
each unit's latent weights ``W^c`` and its quantized weights ``W^b`` (sign,
rotated sign or ternary, whatever the network uses).  :func:`dot_correlations`
measures the three correlations of :data:`bingeo.analysis.CORRELATION_KINDS`
on a batch, with ``A`` the layer's inputs as the binary network computes them
(see :mod:`bingeo.analysis.layer_views`), and the input covariance ``C`` from
which a prediction can be made.  A ternary network (``levels = 3``) goes
through the same two functions: experiment 8.

To keep the prediction honest, ``C`` is estimated on one half of the samples
(``fit``) and the correlations are measured on the other half (``measure``):
a cosine in the metric of the measuring half's own covariance would equal
the measured correlation identically.
"""

from __future__ import annotations

import numpy as np

from .dot_correlations import dot_product_correlations
from .input_covariance import cross_covariance, input_covariance, isotropy_measures
from .layer_views import layer_views, weight_rows
from .weight_angles import weight_angle_summary

__all__ = ["weight_angles", "dot_correlations", "split_samples"]


def weight_angles(net) -> list[dict]:
    """Per layer: the angles between latent and quantized unit weights.

    Returns one dict per weighted layer with ``index``, ``name``, ``kind``
    and the fields of :func:`bingeo.analysis.weight_angle_summary` (``d``,
    ``units``, ``mean_cos``, ``sd_cos``, ``se_mean_cos``, ``mean_angle_deg``,
    ``sd_angle_deg``, ``cosines``).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d64", input_shape=(1, 8, 8), num_classes=10))
    >>> [(r["name"], r["d"], round(r["mean_cos"], 2)) for r in weight_angles(net)]
    [('dense1', 64, 0.87), ('output', 64, 0.87)]
    """
    out = []
    for plan in net.layers:
        latent = weight_rows(plan.kind, net.weights[plan.index])
        quantized = weight_rows(plan.kind, net.effective_weights(plan.index, True))
        out.append({"index": plan.index, "name": plan.name, "kind": plan.kind,
                    **weight_angle_summary(latent, quantized)})
    return out


def split_samples(n: int, *, seed) -> tuple[np.ndarray, np.ndarray]:
    """A seeded split of ``range(n)`` into two halves ``(fit, measure)``.

    Examples
    --------
    >>> fit, measure = split_samples(5, seed=0)
    >>> sorted(np.concatenate([fit, measure]).tolist()), len(fit)
    ([0, 1, 2, 3, 4], 2)
    """
    if n < 4:
        raise ValueError(f"n: need at least 4 samples to split in two halves of >= 2, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2:])


def _sample_rows(view_rows: np.ndarray, n_samples: int, samples: np.ndarray) -> np.ndarray:
    per = view_rows.shape[0] // n_samples
    idx = (samples[:, None] * per + np.arange(per)[None, :]).ravel()
    return view_rows[idx]


def dot_correlations(net, x, *, seed=0, layers=None) -> list[dict]:
    """Per layer: the three dot-product correlations and the input covariance.

    The samples of ``x`` are split in two halves (:func:`split_samples`):
    the correlations come from the ``measure`` half, the second moments of
    the continuous inputs ``A`` and their binarization ``A^b`` from the ``fit`` half.

    Returns one dict per layer with ``index``, ``name``, ``kind``, ``d``,
    ``units``, ``rows`` (input rows measured), ``correlations`` (a dict by
    kind of ``mean``, ``sd``, ``se``, ``units``, ``pooled``, ``per_unit``, see
    :func:`bingeo.analysis.dot_product_correlations`), ``covariance`` (``C``,
    ``(d, d)``), ``cross_covariance`` (``K``, ``K_ij = Cov(A_i, A^b_j)``),
    ``sign_covariance`` (``S``, the covariance of ``A^b``), ``isotropy`` (:func:`bingeo.analysis.isotropy_measures` of
    ``C``), ``saturation`` (the share of entries of ``A`` with ``|A| >= 1``,
    where hard-tanh clips and ``A = A^b`` for a sign network), and the unit
    rows ``latent`` and ``quantized``.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d32", input_shape=(1, 4, 4), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (40, 1, 4, 4))
    >>> r = dot_correlations(net, x)
    >>> [(layer["name"], layer["rows"]) for layer in r]
    [('dense1', 20), ('output', 20)]
    """
    x = np.asarray(x)
    n = x.shape[0]
    fit, measure = split_samples(n, seed=seed)
    out = []
    for view in layer_views(net, x, layers=layers):
        a_measure = _sample_rows(view.inputs, n, measure)
        ab_measure = _sample_rows(view.quantized_inputs, n, measure)
        a_fit = _sample_rows(view.inputs, n, fit)
        ab_fit = _sample_rows(view.quantized_inputs, n, fit)
        cov = input_covariance(a_fit)
        corr = dot_product_correlations(a_measure, view.latent, view.quantized, binarized_inputs=ab_measure)
        out.append({"index": view.index, "name": view.name, "kind": view.kind, "d": view.d,
                    "units": view.units, "rows": int(a_measure.shape[0]),
                    "correlations": {k: corr[k] for k in corr if k not in ("n", "d")},
                    "covariance": cov, "cross_covariance": cross_covariance(a_fit, ab_fit),
                    "sign_covariance": input_covariance(ab_fit), "isotropy": isotropy_measures(cov),
                    "saturation": float(np.mean(np.abs(a_measure) >= 1.0)),
                    "latent": view.latent, "quantized": view.quantized})
    return out
