"""The paper's figure: A.W^b against A.W^c, pooled over units, positions and samples.

Anderson & Berg (2018, figure 3) show, per layer, the joint histogram of the
pre-activation with binarized weights ``A.W^b`` against the one with the
continuous weights ``A.W^c``: the points hug a line when binarization
preserves dot products.  :func:`preactivation_histograms` computes, per
layer, that 2-D histogram over every (sample, position, unit), the
least-squares line of ``A.W^b`` on ``A.W^c`` and the pooled Pearson
correlation ``r``; the figure itself is drawn by the report.
"""

from __future__ import annotations

import math

import numpy as np

from .layer_views import layer_views

__all__ = ["preactivation_histograms"]


def preactivation_histograms(net, x, *, bins: int = 80, seed=0) -> list[dict]:
    """Per layer: the 2-D histogram of (A.W^c, A.W^b) with its regression line and r.

    Parameters
    ----------
    net : bingeo.bnn.Network
    x : ndarray, (N, C, H, W)
        the images whose layer inputs ``A`` are taken (as in
        :func:`bingeo.analysis.layer_views`, positions subsampled for large
        convolutions by ``seed``).
    bins : int
        bins per axis, over each axis' [min, max].

    Returns
    -------
    list of dict
        ``name``, ``d``, ``units``, ``points`` (rows times units), ``counts``
        (bins x bins ints, first axis A.W^c), ``x_edges``, ``y_edges``,
        ``slope`` and ``intercept`` (least squares of A.W^b on A.W^c) and
        ``r`` (pooled Pearson correlation).

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig, Network
    >>> net = Network(ModelConfig(architecture="d32", input_shape=(1, 4, 4), num_classes=2))
    >>> x = np.random.default_rng(0).uniform(-1, 1, (50, 1, 4, 4))
    >>> h = preactivation_histograms(net, x, bins=10)
    >>> h[0]["counts"].shape, int(h[0]["counts"].sum()) == h[0]["points"], h[0]["r"] > 0.5
    ((10, 10), True, True)
    """
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
        raise ValueError(f"bins: expected an integer >= 2, got {bins!r}")
    out = []
    for view in layer_views(net, x, seed=seed):
        wc = (view.inputs @ view.latent.T).ravel()
        wb = (view.inputs @ view.quantized.T).ravel()
        counts, x_edges, y_edges = np.histogram2d(wc, wb, bins=bins)
        xc, yc = wc - wc.mean(), wb - wb.mean()
        sxx, syy, sxy = float(xc @ xc), float(yc @ yc), float(xc @ yc)
        slope = sxy / sxx if sxx > 0 else math.nan
        out.append({"name": view.name, "d": view.d, "units": int(view.latent.shape[0]), "points": int(wc.size),
                    "counts": counts.astype(np.int64), "x_edges": x_edges, "y_edges": y_edges,
                    "slope": slope, "intercept": float(wb.mean() - slope * wc.mean()) if sxx > 0 else math.nan,
                    "r": sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan})
    return out
