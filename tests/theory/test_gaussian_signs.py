"""Covariance-based predictions against a direct Monte Carlo with Gaussian inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bingeo.analysis import column_correlations, sign_pm1
from theory.gaussian_signs import (gaussian_dot_correlations, metric_cosines, sign_covariance,
                                         sign_cross_covariance)
from tests.tolerances import z_bound

N_SAMPLES = 40_000
BATCHES = 40


def _setup(seed):
    rng = np.random.default_rng(seed)
    d, units = 12, 3
    m = rng.standard_normal((d, d))
    cov = m @ m.T / d + 0.3 * np.ones((d, d))  # strongly correlated, positive definite
    w = rng.standard_normal((units, d))
    return rng, cov, w, sign_pm1(w)


def test_metric_cosine_is_the_gaussian_correlation():
    # (a.w, a.b) is bivariate normal: the SE of Pearson's r is (1 - r^2) / sqrt(n)
    rng, cov, w, b = _setup(0)
    a = rng.multivariate_normal(np.zeros(len(cov)), cov, size=N_SAMPLES)
    measured = column_correlations(a @ w.T, a @ b.T)
    predicted = metric_cosines(w, b, cov)
    se = (1 - predicted**2) / math.sqrt(N_SAMPLES)
    assert np.all(np.abs(measured - predicted) <= z_bound(len(w)) * se)


def test_sign_predictions_match_monte_carlo():
    # the pairs involving sign(a) are not bivariate normal: the SE comes from
    # the spread of the correlation over independent batches
    rng, cov, w, b = _setup(1)
    a = rng.multivariate_normal(np.zeros(len(cov)), cov, size=N_SAMPLES)
    s = sign_pm1(a)
    pred = gaussian_dot_correlations(w, b, cov)
    pairs = {"wc_wb": (a @ w.T, a @ b.T), "wb_abwb": (a @ b.T, s @ b.T), "wc_abwb": (a @ w.T, s @ b.T)}
    z = z_bound(3 * len(w))
    for kind, (x, y) in pairs.items():
        per_batch = np.array([column_correlations(xb, yb) for xb, yb in
                              zip(np.split(x, BATCHES), np.split(y, BATCHES))])
        mean = per_batch.mean(axis=0)
        se = per_batch.std(axis=0, ddof=1) / math.sqrt(BATCHES)
        # the batch means carry a small-sample bias of order (1 - r^2) r / (2 n_batch)
        bias = np.abs((1 - mean**2) * mean) / (2 * (N_SAMPLES // BATCHES))
        assert np.all(np.abs(mean - pred[kind]) <= z * se + bias), kind


def test_sign_moment_matrices_against_sampling():
    rng, cov, _, _ = _setup(2)
    a = rng.multivariate_normal(np.zeros(len(cov)), cov, size=N_SAMPLES)
    s = sign_pm1(a)
    k_hat = a.T @ s / N_SAMPLES
    s_hat = s.T @ s / N_SAMPLES
    z = z_bound(2 * cov.size)
    # SE of a mean of products bounded by sqrt(E[x^2 y^2] / n) estimated from the sample
    se_k = np.sqrt((a**2).T @ (s**2) / N_SAMPLES / N_SAMPLES)
    se_s = np.sqrt(1.0 / N_SAMPLES)
    assert np.all(np.abs(k_hat - sign_cross_covariance(cov)) <= z * se_k)
    assert np.all(np.abs(s_hat - sign_covariance(cov)) <= z * se_s)


def test_isotropic_limits():
    rng = np.random.default_rng(3)
    d = 2000
    w = rng.standard_normal((40, d))
    p = gaussian_dot_correlations(w, sign_pm1(w), np.eye(d))
    # with C = I: wb_abwb is exactly sqrt(2/pi) for every unit, and
    # wc_abwb = sqrt(2/pi) * cos(w, sign w)
    np.testing.assert_allclose(p["wb_abwb"], math.sqrt(2 / math.pi), rtol=1e-12)
    np.testing.assert_allclose(p["wc_abwb"], math.sqrt(2 / math.pi) * p["wc_wb"], rtol=1e-12)


@pytest.mark.parametrize("call, name", [
    (lambda: metric_cosines(np.zeros(3), np.zeros(3), np.eye(3)), "latent"),
    (lambda: metric_cosines(np.zeros((2, 3)), np.zeros((2, 4)), np.eye(3)), "quantized"),
    (lambda: gaussian_dot_correlations(np.zeros((2, 3)), np.zeros((2, 3)), np.eye(4)), "cov"),
])
def test_invalid_calls_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_moments_formula_is_exact_for_any_law():
    """Non-Gaussian, partly saturated inputs: with the sample's own C, K and S
    the formulas give the sample correlations exactly (up to rounding), while
    the Gaussian formulas from C alone do not."""
    from theory.gaussian_signs import dot_correlations_from_moments

    rng = np.random.default_rng(8)
    n, d = 5000, 10
    a = np.clip(rng.laplace(0.1, 0.8, (n, d)) + 0.5 * rng.standard_normal((n, 1)), -1, 1)
    w = rng.standard_normal((4, d))
    b = sign_pm1(w)
    s = sign_pm1(a)
    ac, sc = a - a.mean(axis=0), s - s.mean(axis=0)
    cov, cross, scov = ac.T @ ac / (n - 1), ac.T @ sc / (n - 1), sc.T @ sc / (n - 1)
    predicted = dot_correlations_from_moments(w, b, cov, cross, scov)
    measured = {"wc_wb": column_correlations(a @ w.T, a @ b.T), "wb_abwb": column_correlations(a @ b.T, s @ b.T),
                "wc_abwb": column_correlations(a @ w.T, s @ b.T)}
    for kind in measured:
        np.testing.assert_allclose(predicted[kind], measured[kind], rtol=1e-10, err_msg=kind)
    gaussian = gaussian_dot_correlations(w, b, cov)
    assert np.max(np.abs(gaussian["wb_abwb"] - measured["wb_abwb"])) > 0.01
