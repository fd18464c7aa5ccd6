"""Each experiment of bingeo.analysis on a tiny trained network, checked
against an independent computation (the engine's own forward pass, numpy's
corrcoef, the definitions)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bingeo import analysis as ba
from bingeo.bnn import ModelConfig, Network
from tests.tolerances import sum_rtol, z_bound

EPS32 = 2.0 ** -23


def _rows(pre):
    return ba.unit_preactivations(pre)


def test_layer_views_reproduce_the_engine(tiny_trained):
    # patches of the network's own (quantized) inputs times the unit rows of
    # its effective weights give the engine's pre-activations
    net, x = tiny_trained
    _, records = ba.analysis_forward(net, x)
    for rec in records:
        rows = ba.input_rows(rec.kind, rec.input) @ ba.weight_rows(rec.kind, rec.weights_effective).T
        want = _rows(rec.preactivation)
        d = rows.shape[1]
        bound = 4 * d * EPS32 * (np.abs(ba.input_rows(rec.kind, rec.input))
                                 @ np.abs(ba.weight_rows(rec.kind, rec.weights_effective)).T)
        assert np.all(np.abs(rows - want) <= bound + 1e-30), rec.name


def test_views_leave_the_network_state_untouched(tiny_trained):
    net, x = tiny_trained
    before = {k: v.copy() for k, v in net.state_dict().items()}
    ba.layer_views(net, x)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_dot_correlations_against_corrcoef_of_engine_preactivations(tiny_trained):
    net, x = tiny_trained
    layers = ba.dot_correlations(net, x, seed=3)
    _, measure = ba.split_samples(len(x), seed=3)
    _, binary = ba.analysis_forward(net, x)
    for layer in layers[1:]:
        i = layer["index"]
        _, alone = ba.analysis_forward(net, x, binarize_weights={i: False}, binarize_inputs={i: False})
        a = alone[i].preactivation[measure]   # A . W^c, input from the binary network
        b = binary[i].preactivation[measure]  # A^b . W^b
        a, b = _rows(a), _rows(b)
        want = [np.corrcoef(a[:, u], b[:, u])[0, 1] for u in range(a.shape[1])
                if np.ptp(a[:, u]) > 0 and np.ptp(b[:, u]) > 0]
        # float32 engine against float64 analysis: a correlation moves by
        # about the relative rounding of its inputs, bounded by d * eps32
        np.testing.assert_allclose(layer["correlations"]["wc_abwb"]["per_unit"], want,
                                   atol=8 * layer["d"] * EPS32)


def test_metric_prediction_against_gaussian_monte_carlo(tiny_trained):
    # the prediction from a layer's measured C: for a ~ N(0, C) the pair
    # (a.w, a.b) is bivariate normal, SE of Pearson's r = (1 - r^2) / sqrt(n)
    from theory.dot_products import metric_cos_value

    net, x = tiny_trained
    layer = ba.dot_correlations(net, x)[1]
    cov = layer["covariance"] + 1e-9 * np.eye(layer["d"])
    n = 20_000
    a = np.random.default_rng(0).multivariate_normal(np.zeros(layer["d"]), cov, size=n, method="eigh")
    units = range(4)
    for u in units:
        w, q = layer["latent"][u], layer["quantized"][u]
        r = metric_cos_value(w, q, cov)
        got = np.corrcoef(a @ w, a @ q)[0, 1]
        assert abs(got - r) <= z_bound(len(units)) * (1 - r * r) / math.sqrt(n)


def test_scope_first_layer_is_the_same_either_way(tiny_trained):
    net, x = tiny_trained
    rows = ba.one_layer_vs_all_layers(net, x)
    assert rows[0]["one_layer"]["mean"] == rows[0]["all_layers"]["mean"]
    _, cont = ba.analysis_forward(net, x, continuous=True)
    _, binary = ba.analysis_forward(net, x)
    a, b = _rows(cont[-1].preactivation), _rows(binary[-1].preactivation)
    want = np.mean([np.corrcoef(a[:, u], b[:, u])[0, 1] for u in range(a.shape[1])])
    assert rows[-1]["all_layers"]["mean"] == pytest.approx(want, rel=1e-10)


def test_rotated_variant_is_the_engines_rotated_quantizer(digits_small):
    cfg = ModelConfig(architecture="c4-p-d16", input_shape=(1, 8, 8), num_classes=10, first_layer="rotated")
    net = Network(cfg)
    latent = ba.weight_rows("conv", net.weights[0])
    mine = ba.rotated_sign_rows(latent, net.rotations[0])
    engine = ba.weight_rows("conv", net.effective_weights(0, True))
    np.testing.assert_allclose(mine, engine, atol=16 * EPS32)
    r = ba.first_layer_remedies(net, digits_small.x_test[:20])
    cos = ba.unit_cosines(latent, mine)
    assert r["variants"]["rotated"]["angle"]["mean_cos"] == pytest.approx(cos.mean(), rel=1e-12)
    assert r["variants"]["continuous"]["correlation"]["mean"] == pytest.approx(1.0, abs=1e-12)
    assert r["variants"]["rotated"]["ops"]["float_mults"] == 64 * 81


def test_fixed_permutation_patches_match_the_definition(tiny_trained):
    net, x = tiny_trained
    seed = np.random.SeedSequence(5, spawn_key=(1,))  # the stream permutation_correlations uses for "fixed"
    perm = np.random.default_rng(seed).permutation(64)
    xp = x.reshape(len(x), -1)[:, perm].reshape(x.shape)
    want = ba.isotropy_measures(ba.input_covariance(ba.conv_patches(xp)))
    got = ba.permutation_correlations(net, x, seed=5)["fixed"]["patch_isotropy"]
    assert got["relative_distance"] == pytest.approx(want["relative_distance"], rel=1e-12)


def test_xnor_scale_cancels_exactly_without_eps(tiny_trained):
    net, x = tiny_trained
    r = ba.xnor_scale_invariance(net, x)
    for layer in r["layers"]:
        # float64 batch norm of two scalings of the same numbers: rounding only
        assert layer["max_abs_diff_eps0"] <= sum_rtol(len(x) * 64, 16) * layer["max_abs_output"]
    # the engine's first layer in float32 with the network's eps: the eps term
    # (float64, on the same pooled pre-activations) plus, for each of the two
    # runs, the float32 rounding of a d-term dot product of terms at most
    # alpha in size ((d^2/2 + d) eps32 alpha, relative to alpha sd) and of the
    # normalization's own arithmetic (3 eps32 (|y| + |z| / sd))
    first = r["layers"][0]
    d, sd = first["d"], first["min_sd_preactivation"]
    per_run = (d * d / 2 + d) * EPS32 / sd + 3 * EPS32 * (first["max_abs_output"] + first["max_abs_preactivation"] / sd)
    assert first["max_abs_diff_network"] <= first["max_abs_diff_eps"] + 2 * per_run


def test_paired_cosines_against_direct_computation(digits_small):
    from bingeo.bnn import TrainConfig

    cfg = TrainConfig(architecture="d8", epochs=1, batch_size=64, lr_start=3e-2, lr_end=3e-2)
    r = ba.latent_vs_continuous(digits_small, cfg, seed=1)
    from bingeo.bnn.train import train_model

    b = train_model(dataclasses.replace(cfg, seed=1), digits_small).network
    c = train_model(dataclasses.replace(cfg, seed=1, binary=False), digits_small).network
    w1, w2 = b.weights[0].T, c.weights[0].T
    cos = [w1[u] @ w2[u] / (np.linalg.norm(w1[u]) * np.linalg.norm(w2[u])) for u in range(8)]
    assert r["layers"][0]["weights"]["mean_cos"] == pytest.approx(np.mean(cos), rel=1e-6)


def test_first_layer_accuracy_trains_every_variant(digits_small):
    from bingeo.bnn import TrainConfig

    seen = []
    cfg = TrainConfig(architecture="d8", epochs=1, batch_size=64)
    r = ba.first_layer_accuracy(digits_small, cfg, seeds=[0], callback=lambda v, s, res: seen.append(v))
    assert seen == list(ba.FIRST_LAYER_KINDS)
    assert all(0 <= r[k]["mean"] <= 1 and r[k]["seeds"] == 1 for k in r)
    assert r["continuous"]["ops"]["float_mults"] == 64 * 8


def test_invalid_network_arguments():
    with pytest.raises(ValueError, match="^n:"):
        ba.split_samples(3, seed=0)
    with pytest.raises(ValueError, match="^rotation:"):
        ba.rotated_sign_rows(np.zeros((2, 3)), np.eye(2))
    with pytest.raises(ValueError, match="^seeds:"):
        ba.first_layer_accuracy(None, None, seeds=[])
    with pytest.raises(ValueError, match="^kind:"):
        ba.weight_rows("pool", np.zeros((2, 2)))


@pytest.mark.parametrize("levels", [2, 3])
def test_quantize_signal_matches_the_engine(levels):
    from bingeo.bnn import primitives as P
    from bingeo.analysis.layer_views import quantize_signal

    s = np.array([[-1.5, -0.5, -0.0, 0.0, 0.5, 0.49999997, 0.50000006, 2.0, -0.5000001]], np.float32)
    engine = P.sign_forward(s) if levels == 2 else P.ternary_forward(s, np.float32(0.5))
    np.testing.assert_array_equal(quantize_signal(s, levels=levels, threshold=np.float32(0.5)), engine)


def test_max_rows_keeps_the_same_positions_of_every_sample(tiny_trained):
    net, _ = tiny_trained
    x = np.random.default_rng(0).uniform(-1, 1, (10, 1, 8, 8))  # every patch distinct
    full = ba.layer_views(net, x, layers=[0])[0]
    part = ba.layer_views(net, x, layers=[0], max_rows=100)[0]
    assert part.inputs.shape == (10 * 10, full.d)
    f = full.inputs.reshape(10, 64, full.d)
    p = part.inputs.reshape(10, 10, full.d)
    # find the kept positions from the first sample rows, then check all samples
    idx = [int(np.flatnonzero(np.all(f[0] == row, axis=1))[0]) for row in p[0]]
    np.testing.assert_array_equal(p, f[:, idx])
    np.testing.assert_array_equal(part.quantized_inputs.reshape(10, 10, -1),
                                  full.quantized_inputs.reshape(10, 64, -1)[:, idx])
