"""The two-part model of clipped latent weights, against scipy's truncated
normal and a Monte Carlo sample of the mixture."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import truncnorm

from theory.clipped_weights import (EDGE_HEAVY_M1, EDGE_HEAVY_M2, S_INTERIOR, T_INTERIOR, TRUNCATED_NORMAL_M1,
                                    TRUNCATED_NORMAL_M2, interior_m1, two_part_cos_value)
from tests.tolerances import Z_ONE, sum_rtol


@pytest.mark.parametrize("s", [0.05, 0.3, 1.0, 5.0])
def test_interior_moments_match_scipy_truncnorm(s):
    law = truncnorm(-1 / s, 1 / s, loc=0.0, scale=s)
    m2 = law.moment(2)
    # E|X| of a symmetric law: twice the integral over (0, 1)
    m1 = 2 * law.expect(lambda x: x, lb=0.0, ub=1.0)
    assert float(TRUNCATED_NORMAL_M2.subs(S_INTERIOR, s)) == pytest.approx(m2, rel=1e-9)
    assert float(TRUNCATED_NORMAL_M1.subs(S_INTERIOR, s)) == pytest.approx(m1, rel=1e-8)


def _quadrature_moments(k):
    """E|X| and E X^2 of the density exp(-k x^2) on (-1, 1), by scipy's quadrature."""
    from scipy.integrate import quad

    mass = quad(lambda x: math.exp(-k * x * x), 0, 1)[0]
    return (quad(lambda x: x * math.exp(-k * x * x), 0, 1)[0] / mass,
            quad(lambda x: x * x * math.exp(-k * x * x), 0, 1)[0] / mass)


@pytest.mark.parametrize("t", [0.1, 0.5, 2.0, 20.0])
def test_edge_heavy_moments_match_quadrature(t):
    m1, m2 = _quadrature_moments(-1 / (2 * t * t))
    assert float(EDGE_HEAVY_M1.subs(T_INTERIOR, t)) == pytest.approx(m1, rel=1e-9)
    assert float(EDGE_HEAVY_M2.subs(T_INTERIOR, t)) == pytest.approx(m2, rel=1e-9)


@pytest.mark.parametrize("k", [400.0, 3.0, 0.5, 1e-3, -0.5, -5.0, -200.0])
def test_interior_m1_of_the_maximum_entropy_law(k):
    """Through the Gaussian side, the uniform middle and the edge-heavy side."""
    m1, m2 = _quadrature_moments(k)
    assert float(interior_m1(m2)) == pytest.approx(m1, rel=1e-8)


def test_two_part_cos_against_monte_carlo():
    """The mixture's large-d cosine is E|w| / sqrt(E w^2); the plug-in
    estimate over n coordinates has a delta-method SE."""
    p, s, n = 0.3, 0.4, 2_000_000
    rng = np.random.default_rng(2024)
    interior = truncnorm(-1 / s, 1 / s, loc=0.0, scale=s).rvs(size=n, random_state=rng)
    at_clip = rng.random(n) < p
    w = np.where(at_clip, np.where(rng.random(n) < 0.5, -1.0, 1.0), interior)
    a, b = np.abs(w), w * w
    ma, mb = a.mean(), b.mean()
    estimate = ma / math.sqrt(mb)
    grad = np.array([1 / math.sqrt(mb), -0.5 * ma / mb ** 1.5])
    se = math.sqrt(grad @ np.cov(np.vstack([a, b])) @ grad / n)
    m2_interior = float(TRUNCATED_NORMAL_M2.subs(S_INTERIOR, s))
    exact = float(two_part_cos_value(p, m2_interior, "maxent"))
    assert abs(estimate - exact) <= Z_ONE * se


def test_uniform_interior_and_edges():
    p = 0.25
    expected = (p + (1 - p) / 2) / math.sqrt(p + (1 - p) / 3)          # U(-1, 1): m1 = 1/2, m2 = 1/3
    assert float(two_part_cos_value(p, 0.01, "uniform")) == pytest.approx(expected, rel=1e-15)
    assert float(two_part_cos_value(0.0, 1 / 3)) == pytest.approx(math.sqrt(3) / 2, rel=1e-12)
    assert np.isnan(two_part_cos_value(0.1, 1.2))                      # no law on (-1, 1) has E X^2 > 1
    assert np.isnan(two_part_cos_value(0.1, 1e-12))                    # beyond the scales searched
    assert float(two_part_cos_value(1.0, np.nan)) == 1.0               # every coordinate at the clip
    with pytest.raises(ValueError, match="interior: expected one of maxent, uniform"):
        two_part_cos_value(0.1, 0.1, "laplace")


def test_two_part_cos_takes_arrays():
    p = np.array([0.0, 0.1, 0.5, 1.0])
    m2 = np.array([0.01, 0.1, 0.6, np.nan])
    got = two_part_cos_value(p, m2)
    want = [float(two_part_cos_value(a, b)) for a, b in zip(p, m2)]
    np.testing.assert_allclose(got, want, rtol=1e-14)
