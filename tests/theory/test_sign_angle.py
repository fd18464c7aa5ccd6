"""E[cos], E[cos^2], Var[cos] of angle(w, sign w) against quadrature, brute-force
Monte Carlo, mpmath and SymPy limits."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from scipy import integrate
from sympy.stats import E, Normal

import theory
from bingeo.testing.strategies import dims, float_arrays
from theory import symbols
from theory.sign_angle import MEAN_COS
from tests.theory.montecarlo import sign_cosines
from tests.tolerances import sum_rtol, z_bound

MC_DIMS = (3, 17, 400)
MC_SAMPLES = 40_000
Z_MC = z_bound(2 * len(MC_DIMS))  # a mean and a mean square per dimension


def _abs_normal_moments(kmax):
    X = Normal("X", 0, 1)
    return [E(sp.Abs(X) ** k) for k in range(kmax + 1)]


def _mean_fourth_cos(d):
    """E[cos^4] = E||w||_1^4 / (d^2 E||w||_2^4) by expanding (sum |w_i|)^4 over
    index patterns (the radius is independent of the direction); E||w||_2^4 = d (d + 2)."""
    m = _abs_normal_moments(4)
    l1_4 = (
        d * m[4]
        + 4 * d * (d - 1) * m[3] * m[1]
        + 3 * d * (d - 1) * m[2] ** 2
        + 6 * d * (d - 1) * (d - 2) * m[2] * m[1] ** 2
        + d * (d - 1) * (d - 2) * (d - 3) * m[1] ** 4
    )
    return float(sp.N(l1_4 / (d**2 * d * (d + 2))))


def test_small_d_closed_forms():
    assert theory.mean_cos(1) == 1
    assert theory.var_cos(1) == 0
    assert theory.mean_cos(2) == 2 * sp.sqrt(2) / sp.pi
    assert theory.mean_cos(3) == sp.sqrt(3) / 2


def test_d2_against_quadrature_over_the_circle():
    c = lambda phi: (abs(math.cos(phi)) + abs(math.sin(phi))) / math.sqrt(2)
    mean = integrate.quad(c, 0, 2 * math.pi, limit=200)[0] / (2 * math.pi)
    mean_sq = integrate.quad(lambda p: c(p) ** 2, 0, 2 * math.pi, limit=200)[0] / (2 * math.pi)
    assert mean == pytest.approx(float(theory.mean_cos(2)), rel=1e-10)
    assert mean_sq - mean**2 == pytest.approx(float(theory.var_cos(2)), rel=1e-8)


def test_d3_against_quadrature_over_the_sphere():
    def c(theta, phi):
        x = (math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta))
        return sum(abs(v) for v in x) / math.sqrt(3)

    # one octant by symmetry; area element sin(theta), octant area pi/2
    mean = integrate.dblquad(lambda th, ph: c(th, ph) * math.sin(th), 0, math.pi / 2, 0, math.pi / 2)[0] / (math.pi / 2)
    mean_sq = integrate.dblquad(lambda th, ph: c(th, ph) ** 2 * math.sin(th), 0, math.pi / 2, 0, math.pi / 2)[0] / (math.pi / 2)
    assert mean == pytest.approx(float(theory.mean_cos(3)), rel=1e-9)
    assert mean_sq == pytest.approx(float(theory.mean_sq_cos(3)), rel=1e-9)


@pytest.mark.parametrize("d", MC_DIMS)
def test_moments_against_monte_carlo(d):
    rng = np.random.default_rng(20260 + d)
    cos = sign_cosines(rng, d, MC_SAMPLES)
    mean, var = theory.mean_cos_value(d), theory.var_cos_value(d)
    se_mean = math.sqrt(var / MC_SAMPLES)
    assert abs(cos.mean() - mean) <= Z_MC * se_mean
    mean_sq = float(theory.mean_sq_cos(d))
    se_sq = math.sqrt((_mean_fourth_cos(d) - mean_sq**2) / MC_SAMPLES)
    assert abs((cos**2).mean() - mean_sq) <= Z_MC * se_sq


def test_fourth_moment_helper_is_exact_at_d1():
    assert _mean_fourth_cos(1) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("d", [1, 2, 5, 64, 1000, 123_457, 10**6, 10**7])
def test_values_against_mpmath_gamma(d):
    with mpmath.workdps(60):
        ratio = mpmath.gamma(mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d + 1) / 2)
        mean = mpmath.sqrt(d / mpmath.pi) * ratio
        var = (1 + 2 * (d - 1) / mpmath.pi) / d - mean**2
    assert theory.mean_cos_value(d) == pytest.approx(float(mean), rel=4e-16, abs=0)
    assert theory.var_cos_value(d) == pytest.approx(float(var), rel=1e-14, abs=1e-300)


def test_values_accept_integer_arrays_and_stay_finite():
    d = np.array([[1, 10], [10**6, 10**7]], dtype=np.int64)
    mean, var = theory.mean_cos_value(d), theory.var_cos_value(d)
    assert mean.shape == var.shape == (2, 2) and mean.dtype == np.float64
    assert np.isfinite(mean).all() and np.isfinite(var).all()
    assert mean[1, 1] == theory.mean_cos_value(10**7)
    assert theory.pair_var_cos_value(d).tolist() == [[1.0, 0.1], [1e-6, 1e-7]]


def test_mean_limit_by_sympy_limit():
    """The exact mean tends to the law-of-large-numbers limit.  (The variance's
    1/d coefficient, from the delta method, is checked against the exact
    finite-d variance by the property test below: sympy.limit takes long there.)"""
    assert sp.simplify(sp.limit(MEAN_COS, symbols.d, sp.oo) - theory.LIMIT_COS) == 0


def test_limit_constants():
    assert theory.LIMIT_COS_VALUE == pytest.approx(math.sqrt(2 / math.pi), rel=1e-15)
    assert theory.LIMIT_ANGLE_DEG == pytest.approx(math.degrees(math.acos(math.sqrt(2 / math.pi))), rel=1e-14)
    assert theory.VAR_COS_LEADING == 1 - 3 / sp.pi
    spread_deg = math.degrees(math.sqrt((1 - 3 / math.pi) / (1 - 2 / math.pi)))
    assert theory.ANGLE_SD_LEADING_DEG == pytest.approx(spread_deg, rel=1e-14)


def test_angle_spread_against_monte_carlo():
    """sqrt(d) SD[angle] -> ANGLE_SD_LEADING; at d = 2000 the sample SD of the
    angle over n draws has SE about SD / sqrt(2 n) (near-Gaussian angle).  The
    finite-d bias is O(1/d) relative, about a tenth of that SE here."""
    d, n = 2000, 20_000
    angle = np.degrees(np.arccos(sign_cosines(np.random.default_rng(7), d, n)))
    sd = angle.std(ddof=1) * math.sqrt(d)
    se = theory.ANGLE_SD_LEADING_DEG / math.sqrt(2 * n)
    assert abs(sd - theory.ANGLE_SD_LEADING_DEG) <= z_bound(1) * se


@settings(deadline=None, max_examples=60)
@given(dims(max_d=10**6))
def test_mean_cos_decreases_strictly_towards_the_limit(d):
    m0, m1 = theory.mean_cos_value(np.array([d, d + 1]))
    assert m0 > m1 > theory.LIMIT_COS_VALUE


@settings(deadline=None, max_examples=60)
@given(dims(max_d=10**6))
def test_d_var_cos_increases_towards_its_limit(d):
    v0, v1 = theory.var_cos_value(np.array([d, d + 1]))
    lim = theory.VAR_COS_LEADING_VALUE
    assert d * v0 < (d + 1) * v1 < lim
    # the gap closes like 1/d (its coefficient is about 0.08)
    assert (lim - d * v0) * d < 0.1


@settings(deadline=None, max_examples=200)
@given(float_arrays(dims(max_d=64), min_value=-1e6, max_value=1e6))
def test_cos_between_one_over_sqrt_d_and_one(w):
    peak = np.abs(w).max()
    if peak == 0:
        return
    w = w / peak  # the cosine is scale-free; this keeps w_i^2 out of the subnormal range
    norm = np.linalg.norm(w)
    d = w.size
    cos = np.abs(w).sum() / (math.sqrt(d) * norm)
    tol = sum_rtol(d)
    assert 1 / math.sqrt(d) * (1 - tol) <= cos <= 1 + tol


@pytest.mark.parametrize("d", [1001, 10**7])
def test_symbolic_at_large_d_stays_unevaluated_and_matches_the_floats(d):
    assert float(sp.N(theory.mean_cos(d), 30)) == pytest.approx(theory.mean_cos_value(d), rel=1e-15)
    assert float(sp.N(theory.var_cos(d), 40)) == pytest.approx(theory.var_cos_value(d), rel=1e-13)
    assert float(sp.N(theory.pair_var_cos(d))) == theory.pair_var_cos_value(d)


def test_asymptotic_series_meets_the_direct_formula():
    # on both sides of the switch from the direct formula to the series in 1/d
    from theory import numeric

    for d in (numeric.ASYMPTOTIC_MIN_D, numeric.ASYMPTOTIC_MIN_D + 1, 10 * numeric.ASYMPTOTIC_MIN_D):
        assert math.isclose(numeric._mean_direct(d), numeric._mean_series(d), rel_tol=1e-15)
        assert math.isclose(numeric._var_direct(d), numeric._var_series(d), rel_tol=1e-12)


def test_asymptotic_series_leading_terms():
    x = sp.Symbol("x", positive=True)
    mean = sp.expand(theory.MEAN_COS_ASYMPTOTIC.subs(theory.symbols.d, 1 / x))
    var = sp.expand(theory.VAR_COS_ASYMPTOTIC.subs(theory.symbols.d, 1 / x))
    # sqrt(2/pi) (1 + 1/(4d) + ...), and (1 - 3/pi)/d + ...
    assert sp.simplify(mean.coeff(x, 0) - theory.LIMIT_COS) == 0
    assert sp.simplify(mean.coeff(x, 1) - theory.LIMIT_COS / 4) == 0
    assert var.coeff(x, 0) == 0 and sp.simplify(var.coeff(x, 1) - theory.VAR_COS_LEADING) == 0
