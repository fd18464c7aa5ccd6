"""Ternary quantization: cosine and zero fraction against quadrature, the
optimal threshold against an independent high-precision solve."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize, stats

import theory
from theory import symbols
from theory.ternary import TERNARY_STATIONARITY
from tests.tolerances import z_bound


def _quad_ternary_cos(tau):
    # the integrand is below 1e-300 beyond tau + 40
    xq = 2 * integrate.quad(lambda x: x * stats.norm.pdf(x), tau, tau + 40, epsabs=0, epsrel=1e-13, limit=200)[0]
    qq = 2 * stats.norm.sf(tau)
    return xq / math.sqrt(qq)


@pytest.mark.parametrize("tau", [0.0, 0.1, 0.5, 0.612, 1.0, 2.5, 6.0])
def test_cos_and_zero_fraction_against_quadrature(tau):
    assert theory.ternary_cos_value(tau) == pytest.approx(_quad_ternary_cos(tau), rel=1e-9)
    assert float(theory.ternary_zero_fraction(tau)) == pytest.approx(1 - 2 * stats.norm.sf(tau), rel=1e-12, abs=1e-15)


def test_zero_threshold_is_binarization():
    assert theory.ternary_cos(0) == theory.LIMIT_COS
    assert theory.ternary_zero_fraction(0) == 0


def test_tau_opt_to_many_digits():
    """Independent route: with E[X t] = 2 phi(tau) and E[t^2] = erfc(tau / sqrt 2),
    d/dtau [phi^2 / erfc] = 0 reads tau erfc(tau / sqrt 2) = phi(tau); solved at 60 digits."""
    with mpmath.workdps(60):
        root = mpmath.findroot(
            lambda s: s * mpmath.erfc(s / mpmath.sqrt(2)) - mpmath.npdf(s),
            mpmath.mpf("0.6"),
        )
        assert abs(mpmath.mpf(str(theory.TERNARY_TAU_OPT)) - root) < mpmath.mpf("1e-35")
    assert float(theory.TERNARY_TAU_OPT) == pytest.approx(0.61200318096248, abs=1e-14)


def test_tau_opt_maximises_the_quadrature_cosine():
    res = optimize.minimize_scalar(lambda s: -_quad_ternary_cos(s), bounds=(0.3, 1.0), method="bounded", options={"xatol": 1e-9})
    assert res.x == pytest.approx(float(theory.TERNARY_TAU_OPT), abs=1e-6)
    assert -res.fun == pytest.approx(float(theory.TERNARY_COS_OPT), rel=1e-12)
    assert theory.TERNARY_ANGLE_OPT_DEG == pytest.approx(math.degrees(math.acos(-res.fun)), rel=1e-10)


def test_stationarity_vanishes_at_the_optimum_and_changes_sign():
    g = sp.lambdify(symbols.tau, TERNARY_STATIONARITY, modules="mpmath")
    with mpmath.workdps(50):
        tau = mpmath.mpf(str(theory.TERNARY_TAU_OPT))
        assert abs(g(tau)) < mpmath.mpf("1e-35")
        assert g(tau - mpmath.mpf("1e-12")) > 0 > g(tau + mpmath.mpf("1e-12"))


def _delta_var_quadrature(tau):
    """lim d Var(cos) for ternary at tau by the delta method, moments by quadrature."""
    def m(g):
        return 2 * integrate.quad(lambda x: g(x) * stats.norm.pdf(x), 0, 40, points=[tau], epsrel=1e-13, limit=200)[0]
    t = lambda x: 1.0 if x > tau else 0.0
    f = [lambda x: x * t(x), lambda x: x * x, lambda x: t(x)]  # x t(x), x^2, t(x)^2 = t(x) on x > 0
    mean = [m(g) for g in f]
    cov = [[m(lambda x, g=g, h=h: g(x) * h(x)) - mi * mj for h, mj in zip(f, mean)] for g, mi in zip(f, mean)]
    a, b, c = mean
    grad = [1 / math.sqrt(b * c), -a / (2 * b**1.5 * math.sqrt(c)), -a / (2 * math.sqrt(b) * c**1.5)]
    return sum(grad[i] * cov[i][j] * grad[j] for i in range(3) for j in range(3))


def test_ternary_against_monte_carlo():
    """Gaussian vectors at d = 20000 and their ternarization at tau_opt: the
    mean cosine (SE from the delta-method variance, by quadrature), the
    sample variance of the cosine (SE about var sqrt(2/n)), and the fraction of
    zeros (binomial SE).  Finite-d biases are O(1/d), far below these SEs."""
    d, n = 20_000, 200
    tau = theory.TERNARY_TAU_OPT_VALUE
    rng = np.random.default_rng(5)
    cos, zeros = np.empty(n), 0
    for i in range(0, n, 50):
        w = rng.standard_normal((50, d))
        t = np.where(np.abs(w) > tau, np.sign(w), 0.0)
        cos[i : i + 50] = (w * t).sum(1) / (np.linalg.norm(w, axis=1) * np.linalg.norm(t, axis=1))
        zeros += int((t == 0).sum())
    var = _delta_var_quadrature(tau) / d
    z = z_bound(3)
    assert abs(cos.mean() - theory.TERNARY_COS_OPT_VALUE) <= z * math.sqrt(var / n)
    assert abs(cos.var(ddof=1) - var) <= z * var * math.sqrt(2 / n)
    p = float(theory.ternary_zero_fraction(theory.TERNARY_TAU_OPT))
    assert abs(zeros / (n * d) - p) <= z * math.sqrt(p * (1 - p) / (n * d))


def test_values_accept_arrays():
    out = theory.ternary_cos_value(np.array([0.0, 1.0, 3.0]))
    assert out.shape == (3,) and out[0] == pytest.approx(theory.LIMIT_COS_VALUE, rel=1e-15)


def test_huge_thresholds_give_zero_not_an_overflow():
    # mpmath's erfc overflowed near tau = 1e155 (OverflowError from
    # `--quantizer ternary:1e300`); the cosine falls beyond TAU_OPT and is
    # already 0.0 in doubles at the cap, where it is evaluated for any larger tau
    cap = theory.numeric.TERNARY_COS_ZERO_TAU
    direct = theory.numeric._TERNARY_COS_FN
    assert direct(cap) == 0.0 < direct(cap / 2)
    grid = np.linspace(theory.TERNARY_TAU_OPT_VALUE, cap, 200)
    with mpmath.workdps(30):
        exact = [mpmath.sqrt(2 / mpmath.pi) * mpmath.exp(-mpmath.mpf(t) ** 2 / 2)
                 / mpmath.sqrt(mpmath.erfc(mpmath.mpf(t) / mpmath.sqrt(2))) for t in grid]
    assert all(a > b for a, b in zip(exact, exact[1:]))  # decreasing up to the cap
    huge = [cap, 1e155, 1e300, np.finfo(np.float64).max]
    assert theory.ternary_cos_value(huge).tolist() == [0.0] * 4
    assert theory.angle_theory("normal", "ternary", tau=1e300).limit_cos == 0.0
