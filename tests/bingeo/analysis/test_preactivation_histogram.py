"""The paper's figure data against numpy's own fit, correlation and histogram."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo import analysis as ba
from bingeo.bnn import ModelConfig, Network


def test_histogram_line_and_r_against_numpy():
    net = Network(ModelConfig(architecture="c4-p-d8", input_shape=(1, 6, 6), num_classes=3, seed=5))
    x = np.random.default_rng(1).uniform(-1, 1, (30, 1, 6, 6))
    hists = ba.preactivation_histograms(net, x, bins=12)
    for h, view in zip(hists, ba.layer_views(net, x)):
        wc = (view.inputs @ view.latent.T).ravel()
        wb = (view.inputs @ view.quantized.T).ravel()
        slope, intercept = np.polyfit(wc, wb, 1)
        assert h["slope"] == pytest.approx(slope, rel=1e-9)
        assert h["intercept"] == pytest.approx(intercept, rel=1e-9, abs=1e-12)
        assert h["r"] == pytest.approx(np.corrcoef(wc, wb)[0, 1], rel=1e-12)
        counts, _, _ = np.histogram2d(wc, wb, bins=12)
        np.testing.assert_array_equal(h["counts"], counts)
        assert h["points"] == wc.size == int(h["counts"].sum())


@pytest.mark.parametrize("bins", [1, 2.5, True])
def test_bad_bins_are_refused(bins):
    net = Network(ModelConfig(architecture="d4", input_shape=(1, 2, 2), num_classes=2))
    with pytest.raises(ValueError, match="bins: expected an integer >= 2"):
        ba.preactivation_histograms(net, np.zeros((4, 1, 2, 2)), bins=bins)
