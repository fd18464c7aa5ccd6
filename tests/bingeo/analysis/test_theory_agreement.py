"""Measured network geometry against theory on synthetic inputs.

Isotropic inputs (synthetic, rho = 0) and Gaussian weights: the first
layer's correlations agree with theory within their standard errors.
Strongly correlated inputs (rho = 0.9) and first-layer weights shaped like
the inputs (w ~ N(0, C), as filters matched to the data are): the angle to
sign(w) departs from the isotropic theory, and the rotated binarization
q_R(w) = R^T sign(R w) brings it back, exactly in law (R w is uniform on its
sphere for Haar R).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import theory
from bingeo import analysis as ba
from bingeo.bnn import ModelConfig, Network, haar_rotation
from tests.tolerances import z_bound

D = 64
UNITS = 64


def _synthetic(rho, n_test=4000):
    from bingeo.data import load_dataset, make_gaussian_mixture

    data = load_dataset("synthetic", rho=rho, n_train=10, n_test=n_test, seed=2)
    return data, make_gaussian_mixture(0, rho=rho, seed=2)


def _gaussian_first_layer(weights):
    net = Network(ModelConfig(architecture=f"d{UNITS}", input_shape=(1, 8, 8), num_classes=10))
    net.weights[0][...] = weights.T.astype(np.float32)
    return net


def test_isotropic_inputs_match_theory():
    data, mix = _synthetic(0.0)
    w = np.random.default_rng(7).standard_normal((UNITS, D))
    layer = ba.dot_correlations(_gaussian_first_layer(w), data.x_test, seed=0)[0]
    iso = {"wc_wb": theory.mean_cos_value(D),
           "wb_abwb": theory.LIMIT_COS_VALUE,
           "wc_abwb": theory.LIMIT_COS_VALUE * theory.mean_cos_value(D)}
    _, measure = ba.split_samples(len(data.x_test), seed=0)
    a = data.x_test[measure].reshape(len(measure), -1).astype(np.float64)
    b = np.where(w >= 0, 1.0, -1.0)
    s = np.where(a >= 0, 1.0, -1.0)
    pairs = {"wc_wb": (a @ w.T, a @ b.T), "wb_abwb": (a @ b.T, s @ b.T), "wc_abwb": (a @ w.T, s @ b.T)}
    z = z_bound(3)
    for kind, exact in iso.items():
        got = layer["correlations"][kind]["mean"]
        # SE: the units' weights are independent draws (theory's sd of the
        # cosine over units; wb_abwb is sqrt(2/pi) for every sign vector, and
        # wc_abwb scales the cosine by sqrt(2/pi)), plus the sampling error of
        # the correlations over the rows, counted in full as if shared by all
        # units (the largest per-unit delta-method SE)
        weight_sd = {"wc_wb": 1.0, "wb_abwb": 0.0, "wc_abwb": theory.LIMIT_COS_VALUE}[kind]
        x, y = pairs[kind]
        sampling = max(pearson_se(x[:, u], y[:, u]) for u in range(UNITS))
        se = math.hypot(weight_sd * math.sqrt(theory.var_cos_value(D) / UNITS), sampling)
        assert abs(got - exact) <= z * se, (kind, got, exact, se)


def pearson_se(x, y) -> float:
    """Large-sample SE of Pearson's r for any distribution (delta method):
    Var r = [r^2/4 (m40 + m04 + 2 m22) - r (m31 + m13) + m22] / n with m_ij the
    moments E[x^i y^j] of the standardized variables."""
    x = (x - x.mean()) / x.std()
    y = (y - y.mean()) / y.std()
    r = float(np.mean(x * y))
    m = lambda i, j: float(np.mean(x**i * y**j))  # noqa: E731
    var = (r * r / 4 * (m(4, 0) + m(0, 4) + 2 * m(2, 2)) - r * (m(3, 1) + m(1, 3)) + m(2, 2)) / len(x)
    return math.sqrt(var)


def test_metric_cosine_with_the_exact_covariance_matches_the_network():
    from theory.dot_products import metric_cos_value

    data, mix = _synthetic(0.9)
    w = np.random.default_rng(8).standard_normal((UNITS, D))
    layer = ba.dot_correlations(_gaussian_first_layer(w), data.x_test, seed=0)[0]
    b = np.where(w >= 0, 1.0, -1.0)
    pred = np.array([metric_cos_value(wu, bu, mix.covariance) for wu, bu in zip(w, b)])
    got = layer["correlations"]["wc_wb"]["per_unit"]
    _, measure = ba.split_samples(len(data.x_test), seed=0)
    a = data.x_test[measure].reshape(len(measure), -1).astype(np.float64)
    se = np.array([pearson_se(a @ wu, a @ bu) for wu, bu in zip(w, b)])
    assert np.all(np.abs(got - pred) <= z_bound(UNITS) * se)
    # and the inputs are far from isotropic: the spread over units is several
    # times theory's sd for isotropic inputs
    assert layer["correlations"]["wc_wb"]["sd"] > 3 * math.sqrt(theory.var_cos_value(D))


def test_correlated_first_layer_departs_and_rotation_restores_the_angle():
    data, mix = _synthetic(0.9, n_test=200)
    chol = np.linalg.cholesky(mix.covariance + 1e-12 * np.eye(D))
    rng = np.random.default_rng(9)
    w = rng.standard_normal((UNITS, D)) @ chol.T  # filters shaped like the data: w ~ N(0, C)
    net = _gaussian_first_layer(w)
    r = ba.first_layer_remedies(net, data.x_test, seed=4)
    plain = r["variants"]["binary"]["angle"]
    exact = theory.mean_cos_value(D)
    # departs: units are independent draws, so the sample SE is valid
    assert abs(plain["mean_cos"] - exact) > z_bound(1) * plain["se_mean_cos"]
    # restored: for Haar R, R w is uniform on its sphere, so cos(w, q_R(w))
    # has exactly theory's law; independent rotations give independent draws
    k = 400
    cos = np.array([ba.unit_cosines(w[[i % UNITS]], ba.rotated_sign_rows(w[[i % UNITS]], haar_rotation(D, 100 + i)))[0]
                    for i in range(k)])
    assert abs(cos.mean() - exact) <= z_bound(1) * math.sqrt(theory.var_cos_value(D) / k)
