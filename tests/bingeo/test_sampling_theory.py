"""The samplers against the exact results of :mod:`theory`, at fixed seeds.

Every check is |estimate - exact| <= z * SE with z = ``Z_ISSUE`` (5; one
check fails by chance with probability 5.7e-7), asserted by
``bingeo.testing.assert_mc_agrees``, the SE from theory:

* mean of n cosines: SE = sqrt(Var(cos) / n), Var from theory;
* sample variance s^2 of n cosines: SE = sqrt((mu_4 - s^4) / n), the large-n
  standard error of a sample variance, with the fourth central moment mu_4
  estimated from the same sample (theory gives Var, not mu_4);
* where theory gives only the d -> oo limit (uniform, Laplace, ternary), the
  delta method gives the finite-d mean as limit + b/d + O(1/d^2) and the
  variance as v/d + O(1/d^2); b and v are computed below from the moments of
  (x q(x), x^2, q(x)^2) by numerical integration, and at the d used the
  O(1/d^2) remainder is below 1 % of the SE.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy.stats as ss
from scipy import integrate, stats

import theory
from bingeo import sample_cos, sample_pair_cos
from bingeo.testing import assert_mc_agrees
from tests.tolerances import FALSE_FAILURE_RATE, Z_ISSUE_RATE


def trials_for(d: int) -> int:
    return 20_000 if d <= 1000 else 4_000


def agrees(estimate, exact, se):
    """|estimate - exact| <= Z_ISSUE * se."""
    assert_mc_agrees(estimate, exact, se, false_failure_rate=Z_ISSUE_RATE)


# --------------------------------------------------------------------------
# Rotation-invariant w: exact moments at every d
# --------------------------------------------------------------------------

@pytest.mark.parametrize("d", [2, 3, 5, 10, 31, 100, 1000, 10_000])
def test_sign_mean_and_variance_match_theory(d):
    n = trials_for(d)
    c = sample_cos(d, n, seed=1000 + d)
    var = theory.var_cos_value(d)
    agrees(c.mean(), theory.mean_cos_value(d), math.sqrt(var / n))
    s2 = c.var(ddof=1)
    mu4 = np.mean((c - c.mean()) ** 4)
    agrees(s2, var, math.sqrt((mu4 - s2**2) / n))


def test_d1_cosine_is_exactly_one():
    for dist in ("normal", "uniform", "laplace", "t:1"):
        assert np.all(sample_cos(1, 1000, dist=dist, seed=4) == 1.0)
    assert np.all(sample_cos(1, 100, quantizer="rotated-sign", seed=4) == 1.0)


def test_d2_angle_is_uniform_on_0_to_45_degrees():
    # In the plane the direction of w is uniform, and the angle to the
    # diagonal of its quadrant, sign(w), is uniform on [0, pi/4].  KS test,
    # rejecting at the project's false-failure rate (p < 1e-6).
    angles = np.arccos(sample_cos(2, 20_000, seed=7))
    p = stats.kstest(angles, "uniform", args=(0.0, math.pi / 4)).pvalue
    assert p >= FALSE_FAILURE_RATE, f"KS p-value {p:.2e}"


@pytest.mark.parametrize("d", [7, 60])
def test_rotated_sign_of_normal_has_the_sign_law(d):
    # R w is again N(0, I) for a fixed rotation R, so the law of the cosine
    # is that of sign.
    n = 20_000
    c = sample_cos(d, n, quantizer="rotated-sign", seed=3)
    agrees(c.mean(), theory.mean_cos_value(d), math.sqrt(theory.var_cos_value(d) / n))


def test_equal_scales_anisotropic_normal_has_the_sign_law():
    d, n = 20, 20_000
    c = sample_cos(d, n, dist=np.full(d, 3.5), seed=8)
    agrees(c.mean(), theory.mean_cos_value(d), math.sqrt(theory.var_cos_value(d) / n))


def test_xnor_scale_leaves_the_cosine_unchanged():
    np.testing.assert_array_equal(sample_cos(50, 100, quantizer="xnor", seed=1), sample_cos(50, 100, seed=1))


# --------------------------------------------------------------------------
# Random pairs: mean 0, variance 1/d
# --------------------------------------------------------------------------

@pytest.mark.parametrize("d", [2, 10, 1000])
def test_pair_cosine_mean_and_variance(d):
    # E cos = 0 and E cos^2 = 1/d exactly; with the mean known, the
    # second moment m2 = mean(c^2) estimates the variance, SE sqrt(Var(c^2)/n).
    n = trials_for(d)
    c = sample_pair_cos(d, n, seed=50 + d)
    var = theory.pair_var_cos_value(d)
    agrees(c.mean(), 0.0, math.sqrt(var / n))
    agrees(np.mean(c**2), var, math.sqrt(np.var(c**2) / n))


def test_pair_cosine_in_one_dimension_is_plus_or_minus_one():
    c = sample_pair_cos(1, 1000, seed=0)
    np.testing.assert_allclose(np.abs(c), 1.0, rtol=0, atol=4 * 2.0**-52)


# --------------------------------------------------------------------------
# Other laws: the large-d limit, corrected for the 1/d bias
# --------------------------------------------------------------------------

def _expect(pdf, g, breaks):
    """E g(X) by quadrature, the line split at the quantizer's jumps."""
    edges = [-math.inf, *sorted(breaks), math.inf]
    return sum(integrate.quad(lambda x: g(x) * pdf(x), a, b, limit=200, epsabs=1e-13, epsrel=1e-12)[0]
               for a, b in zip(edges[:-1], edges[1:]))


def delta_method(pdf, q, breaks):
    """(limit, b, v): cos = f(A, B, C) = A / sqrt(B C) of the coordinate means
    of a = x q(x), b = x^2, c = q(x)^2; with mu their means and S their
    covariance, E cos = f(mu) + tr(H S) / (2d) + O(1/d^2) and
    Var cos = grad' S grad / d + O(1/d^2)."""
    terms = [lambda x: x * q(x), lambda x: x * x, lambda x: q(x) ** 2]
    mu = np.array([_expect(pdf, t, breaks) for t in terms])
    s = np.array([[_expect(pdf, lambda x, i=i, j=j: terms[i](x) * terms[j](x), breaks) - mu[i] * mu[j]
                   for j in range(3)] for i in range(3)])
    a, b, c = mu
    f = a / math.sqrt(b * c)
    grad = np.array([1 / a, -0.5 / b, -0.5 / c]) * f
    hess = f * np.array([[0.0, -0.5 / (a * b), -0.5 / (a * c)],
                         [-0.5 / (a * b), 0.75 / b**2, 0.25 / (b * c)],
                         [-0.5 / (a * c), 0.25 / (b * c), 0.75 / c**2]])
    return f, 0.5 * float(np.sum(hess * s)), float(grad @ s @ grad)


def _sign(x):
    return 1.0 if x >= 0 else -1.0


LAWS = {
    # name: (dist, quantizer, density, scalar quantizer, its jumps, sympy X, sympy q)
    "uniform-sign": ("uniform", "sign", lambda x: 0.5 if -1 <= x <= 1 else 0.0, _sign, [-1.0, 0.0, 1.0],
                     ss.Uniform("x", -1, 1), None),
    "laplace-sign": ("laplace", "sign", lambda x: 0.5 * math.exp(-abs(x)), _sign, [0.0],
                     ss.Laplace("x", 0, 1), None),
}


@pytest.mark.parametrize("name", sorted(LAWS))
def test_non_gaussian_sign_approaches_its_own_limit(name):
    dist, quantizer, pdf, q, breaks, x, q_sym = LAWS[name]
    limit, b, v = delta_method(pdf, q, breaks)
    assert math.isclose(limit, theory.limit_cos_value(x, q_sym), rel_tol=1e-9)
    d, n = 1000, 20_000
    c = sample_cos(d, n, dist=dist, quantizer=quantizer, seed=21)
    agrees(c.mean(), limit + b / d, math.sqrt(v / d / n))


@pytest.mark.parametrize("tau", [0.3, theory.TERNARY_TAU_OPT_VALUE, 1.2])
def test_ternary_matches_ternary_cos(tau):
    def tern(x):
        return 0.0 if abs(x) <= tau else _sign(x)

    limit, b, v = delta_method(stats.norm.pdf, tern, [-tau, tau])
    assert math.isclose(limit, theory.ternary_cos_value(tau), rel_tol=1e-9)
    d, n = 1000, 20_000
    c = sample_cos(d, n, quantizer=f"ternary:{tau!r}", seed=33)
    agrees(c.mean(), limit + b / d, math.sqrt(v / d / n))
