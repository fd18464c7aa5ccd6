"""The law of cos angle(u, v) for independent u, v: normalization and moments
by quadrature, and brute-force Monte Carlo."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

import theory
from theory import symbols
from tests.theory.montecarlo import pair_cosines
from tests.tolerances import z_bound

DIMS = (2, 3, 7, 50)


def _density(d):
    return sp.lambdify(symbols.t, theory.pair_cos_density(d), modules="math")


@pytest.mark.parametrize("d", DIMS)
def test_density_normalized_with_mean_zero_and_variance_one_over_d(d):
    f = _density(d)
    opts = dict(limit=200, points=None)
    total = integrate.quad(f, -1, 1, **opts)[0]
    mean = integrate.quad(lambda t: t * f(t), -1, 1, **opts)[0]
    second = integrate.quad(lambda t: t * t * f(t), -1, 1, **opts)[0]
    assert total == pytest.approx(1.0, rel=1e-8)
    assert mean == pytest.approx(0.0, abs=1e-10)
    assert second == pytest.approx(float(theory.pair_var_cos(d)), rel=1e-8)
    assert theory.pair_mean_cos(d) == 0


def test_closed_forms():
    assert theory.pair_cos_density(2) == 1 / (sp.pi * sp.sqrt(1 - symbols.t**2))
    assert theory.pair_cos_density(3) == sp.Rational(1, 2)
    assert theory.pair_var_cos(symbols.d) == 1 / symbols.d
    assert theory.pair_var_cos(1) == 1


MC_N = 100_000
Z = z_bound(2 * len(DIMS))


@pytest.mark.parametrize("d", DIMS)
def test_moments_against_monte_carlo(d):
    """Mean (SE sqrt(1/(d n))) and mean square (SE from E[t^4] by quadrature)."""
    cos = pair_cosines(np.random.default_rng(300 + d), d, MC_N)
    var = theory.pair_var_cos_value(d)
    assert abs(cos.mean()) <= Z * math.sqrt(var / MC_N)
    f = _density(d)
    fourth = integrate.quad(lambda t: t**4 * f(t), -1, 1, limit=200)[0]
    assert abs((cos**2).mean() - var) <= Z * math.sqrt((fourth - var**2) / MC_N)


def test_density_against_monte_carlo_histogram():
    """P(cos in bin) by quadrature of the density vs the bin frequency; a
    binomial SE per bin, z split over the bins."""
    d, n, edges = 5, MC_N, np.linspace(-1, 1, 11)
    cos = pair_cosines(np.random.default_rng(99), d, n)
    counts = np.histogram(cos, bins=edges)[0]
    f = _density(d)
    z = z_bound(len(edges) - 1)
    for k in range(len(edges) - 1):
        p = integrate.quad(f, edges[k], edges[k + 1])[0]
        assert abs(counts[k] / n - p) <= z * math.sqrt(p * (1 - p) / n)
