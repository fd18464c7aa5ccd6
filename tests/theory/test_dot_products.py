"""Dot-product correlations: the metric cosine against sampled activations,
and the three large-d correlations against per-coordinate Monte Carlo."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings

import theory
from bingeo.testing.strategies import float_arrays
from tests.theory.montecarlo import sign_cosines
from tests.tolerances import z_bound

Z = z_bound(5)  # the Monte Carlo checks of this file


def test_metric_cos_symbolic_equals_numeric():
    rng = np.random.default_rng(1)
    for _ in range(5):
        w = rng.integers(-5, 6, size=4)
        q = np.where(w >= 0, 1, -1)
        m = rng.integers(-3, 4, size=(4, 4))
        C = m @ m.T + np.eye(4, dtype=int)
        exact = theory.metric_cos(sp.Matrix(w), sp.Matrix(q), sp.Matrix(C))
        if not np.any(w):
            continue
        assert float(exact) == pytest.approx(theory.metric_cos_value(w, q, C), rel=1e-13)


def test_metric_cos_is_the_correlation_over_activations():
    """Sample a ~ N(0, C), d = 6: E[(a.w)(a.q)] / sqrt(w'Cw q'Cq) estimates the
    correlation; for a bivariate normal pair with correlation rho the product
    of the standardized pair has variance 1 + rho^2 (Isserlis)."""
    rng = np.random.default_rng(2)
    d, n = 6, 200_000
    m = rng.standard_normal((d, d))
    C = m @ m.T + 0.5 * np.eye(d)
    w = rng.standard_normal(d)
    q = np.where(w >= 0, 1.0, -1.0)
    a = rng.multivariate_normal(np.zeros(d), C, size=n)
    rho = theory.metric_cos_value(w, q, C)
    est = np.mean((a @ w) * (a @ q)) / math.sqrt((w @ C @ w) * (q @ C @ q))
    assert abs(est - rho) <= Z * math.sqrt((1 + rho**2) / n)


def test_isotropic_metric_is_the_plain_cosine():
    w, q = np.array([3.0, -1.0, 0.5]), np.array([1.0, -1.0, 1.0])
    plain = w @ q / (np.linalg.norm(w) * np.linalg.norm(q))
    assert theory.metric_cos_value(w, q, 2.5 * np.eye(3)) == pytest.approx(plain, rel=1e-15)
    assert theory.metric_cos_value(w, q) == pytest.approx(plain, rel=1e-15)


def test_closed_forms():
    assert theory.dot_corr("weights") == theory.LIMIT_COS
    assert theory.dot_corr("activations") == sp.sqrt(2) / sp.sqrt(sp.pi)
    assert theory.dot_corr("both") == 2 / sp.pi
    assert theory.dot_corr("both") == sp.simplify(theory.dot_corr("weights") * theory.dot_corr("activations"))


def test_activations_against_monte_carlo():
    """Per coordinate, b_i = +-1: the product (a b)(sign(a) b) = |a|, so the
    correlation is E|a| (both variances 1), SE sqrt((1 - 2/pi) / n)."""
    n = 1_000_000
    a = np.random.default_rng(3).standard_normal(n)
    b = np.where(np.random.default_rng(4).standard_normal(n) >= 0, 1.0, -1.0)
    est = np.mean((a * b) * (np.where(a >= 0, 1.0, -1.0) * b))
    assert abs(est - theory.dot_corr_value("activations")) <= Z * math.sqrt((1 - 2 / math.pi) / n)


def test_both_against_monte_carlo():
    """Over a and w jointly the coordinates are i.i.d., so the correlation of
    the sums is the per-coordinate one: E|a||w| (unit variances), SE
    sqrt((1 - 4/pi^2) / n).  For fixed w at large d it concentrates there too."""
    n = 1_000_000
    rng = np.random.default_rng(5)
    a, w = rng.standard_normal(n), rng.standard_normal(n)
    est = np.mean((a * w) * (np.where(a >= 0, 1.0, -1.0) * np.where(w >= 0, 1.0, -1.0)))
    assert abs(est - theory.dot_corr_value("both")) <= Z * math.sqrt((1 - 4 / math.pi**2) / n)


def test_both_for_a_fixed_large_w():
    """For fixed w, corr over a of (a.w, sign(a).sign w) = E|A| cos(w, sign w):
    sample n activations for one w at d = 4000 and estimate E[XY] / sqrt(d ||w||^2)
    (means 0, variances ||w||^2 and d); the exact target for this w is
    sqrt(2/pi) cos(w, sign w), and its mean over w is sqrt(2/pi) mean_cos(d)."""
    d, n = 4000, 4000
    rng = np.random.default_rng(6)
    w = rng.standard_normal(d)
    sw = np.where(w >= 0, 1.0, -1.0)
    prods = np.empty(n)
    for i in range(0, n, 500):
        a = rng.standard_normal((500, d))
        prods[i : i + 500] = (a @ w) * (np.where(a >= 0, 1.0, -1.0) @ sw)
    est = prods.mean() / math.sqrt(d * (w @ w))
    target = theory.dot_corr_value("activations") * theory.metric_cos_value(w, sw)
    # the pair is nearly bivariate normal at this d: Var of the product ~ 1 + rho^2
    assert abs(est - target) <= Z * math.sqrt((1 + target**2) / n)


def test_weights_is_the_large_d_sign_cosine():
    """corr over a of (a.w, a.sign w) = cos(w, sign w); at d = 10^5 one draw of
    w lies within z sqrt(var_cos(d)) of mean_cos(d), which is within 1e-5 of
    the limit."""
    d = 100_000
    w = np.random.default_rng(7).standard_normal(d)
    cos = theory.metric_cos_value(w, np.where(w >= 0, 1.0, -1.0))
    assert abs(cos - theory.mean_cos_value(d)) <= Z * math.sqrt(theory.var_cos_value(d))
    assert abs(theory.mean_cos_value(d) - theory.dot_corr_value("weights")) < 1e-5


@settings(deadline=None, max_examples=100)
@given(float_arrays(5, min_value=-1e3, max_value=1e3))
def test_metric_cos_is_a_cosine(w):
    if not np.any(w):
        return
    q = np.where(w >= 0, 1.0, -1.0)
    c = theory.metric_cos_value(w, q)
    assert 1 / math.sqrt(5) - 1e-12 <= c <= 1 + 1e-12
