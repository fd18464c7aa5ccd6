"""The latent weights' law and its dynamics, against slow obvious versions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import kurtosis

from bingeo import analysis as ba
from bingeo.bnn import ModelConfig, Network, TrainConfig
from bingeo.bnn.train import train_model
from bingeo.data import load_dataset


def _unit_moments_by_loop(rows):
    p, m1, m2 = [], [], []
    for row in rows:
        inside = [v for v in row if abs(v) < 1.0 - ba.CLIP_TOLERANCE]
        p.append((len(row) - len(inside)) / len(row))
        m1.append(sum(abs(v) for v in inside) / len(inside) if inside else math.nan)
        m2.append(sum(v * v for v in inside) / len(inside) if inside else math.nan)
    return np.array(p), np.array(m1), np.array(m2)


def test_unit_clip_moments_against_a_loop():
    rng = np.random.default_rng(3)
    rows = np.clip(rng.normal(0, 0.8, (7, 30)), -1, 1)
    rows[2] = 1.0                                                   # a unit entirely at the clip
    rows[3, :5] = 1.0 - 1e-7                                        # within the tolerance: at the clip
    m = ba.unit_clip_moments(rows)
    p, m1, m2 = _unit_moments_by_loop(rows)
    np.testing.assert_allclose(m["p"], p, rtol=0, atol=0)
    np.testing.assert_allclose(m["m1"], m1, rtol=1e-13)
    np.testing.assert_allclose(m["m2"], m2, rtol=1e-13)
    assert np.isnan(m["m1"][2]) and m["p"][2] == 1.0


def test_law_statistics_against_scipy_and_definitions():
    rng = np.random.default_rng(4)
    w = np.clip(rng.laplace(0, 0.4, 5000), -1, 1)
    assert ba.excess_kurtosis(w) == pytest.approx(kurtosis(w, fisher=True, bias=True), rel=1e-10)
    assert ba.clip_share(w) == np.mean(np.abs(w) >= 1 - 1e-6)
    assert ba.plugin_cos(w) == pytest.approx(np.mean(np.abs(w)) / math.sqrt(np.mean(w * w)), rel=1e-13)
    assert math.isnan(ba.excess_kurtosis(np.zeros(4))) and math.isnan(ba.plugin_cos(np.zeros(4)))


def test_layer_weight_geometry_agrees_with_weight_angles():
    net = Network(ModelConfig(architecture="c4-p-d8", input_shape=(1, 6, 6), num_classes=3, seed=2))
    geometry = ba.layer_weight_geometry(net, per_unit=True)
    angles = ba.weight_angles(net)
    for g, a in zip(geometry, angles):
        assert (g["name"], g["d"], g["units"]) == (a["name"], a["d"], a["units"])
        assert g["mean_cos"] == pytest.approx(a["mean_cos"], rel=1e-14)
        assert g["se_cos"] == pytest.approx(a["se_mean_cos"], rel=1e-12)
        np.testing.assert_array_equal(g["cosines"], a["cosines"])
        assert len(g["clip_p"]) == g["units"]


def test_weight_dynamics_records_every_epoch_of_the_same_run():
    ds = load_dataset("digits")
    cfg = TrainConfig(architecture="d16", epochs=3, seed=1, init="glorot-normal")
    r = ba.weight_dynamics(cfg, ds)
    assert [e["epoch"] for e in r["epochs"]] == [0, 1, 2, 3]
    fresh = ba.layer_weight_geometry(Network(cfg.model_config(ds.image_shape, ds.num_classes)))
    trained = train_model(cfg, ds)
    last = ba.layer_weight_geometry(trained.network)
    for snapshot, reference in ((r["epochs"][0]["layers"], fresh), (r["epochs"][-1]["layers"], last)):
        for got, want in zip(snapshot, reference):
            for key in ba.DYNAMICS_FIELDS:
                assert got[key] == want[key], key
    assert r["test_accuracy"] == trained.test_accuracy
    # from a Gaussian initialization nothing sits at the clip at epoch 0
    assert all(layer["clip_share"] == 0.0 for layer in r["epochs"][0]["layers"])
