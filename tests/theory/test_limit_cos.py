"""limit_cos(X, q) against scipy quadrature of the three moments, its scale
invariance, and the delta-method variance against Monte Carlo."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from sympy.stats import Laplace, Normal, StudentT, Uniform

import theory
from theory import symbols
from theory.quantizer_limit import LIMIT_COS_FORMULA, limit_d_var_cos
from tests.tolerances import z_bound


def _quad_limit_cos(pdf, q, lo=-np.inf, hi=np.inf):
    """E[X q(X)] / sqrt(E[X^2] E[q(X)^2]) by quadrature on each half-line."""
    def moment(g):
        parts = [integrate.quad(lambda x: g(x) * pdf(x), a, b, limit=200)[0] for a, b in ((lo, 0), (0, hi)) if a < b]
        return sum(parts)
    return moment(lambda x: x * q(x)) / math.sqrt(moment(lambda x: x * x) * moment(lambda x: q(x) ** 2))


@pytest.mark.parametrize(
    "X, pdf, lo, hi",
    [
        (Normal("X", 0, 1), stats.norm.pdf, -np.inf, np.inf),
        (Uniform("U", -1, 1), stats.uniform(-1, 2).pdf, -1, 1),
        (Laplace("L", 0, 1), stats.laplace.pdf, -np.inf, np.inf),
        (StudentT("T", 5), stats.t(5).pdf, -np.inf, np.inf),
    ],
    ids=["normal", "uniform", "laplace", "student5"],
)
def test_sign_limit_against_quadrature(X, pdf, lo, hi):
    assert theory.limit_cos_value(X) == pytest.approx(_quad_limit_cos(pdf, np.sign, lo, hi), rel=1e-9)


@pytest.mark.parametrize("nu", [3, 4.5, 10, 40])
def test_student_t_symbolic_in_nu(nu):
    expr = theory.limit_cos(StudentT("T", symbols.nu))
    assert expr.free_symbols == {symbols.nu}
    value = float(expr.subs(symbols.nu, nu))
    assert value == pytest.approx(_quad_limit_cos(stats.t(nu).pdf, np.sign), rel=1e-8)


def test_student_t_tends_to_the_gaussian_limit():
    """The gap to sqrt(2/pi) closes like 1/nu (from below); evaluated at 40 digits."""
    expr = theory.limit_cos(StudentT("T", symbols.nu))
    f = sp.lambdify(symbols.nu, expr, modules="mpmath")
    with mpmath.workdps(40):
        for nu in (10, 100, 10**4, 10**6, 10**8):
            gap = mpmath.mpf(str(sp.N(theory.LIMIT_COS, 40))) - f(mpmath.mpf(nu))
            assert 0 < gap < mpmath.mpf(1) / nu


def test_closed_forms_pinned():
    assert theory.limit_cos(Uniform("U", -1, 1)) == sp.sqrt(3) / 2
    assert theory.limit_cos(Laplace("L", 0, 1)) == sp.sqrt(2) / 2
    assert theory.limit_cos(Normal("X", 0, 1)) == theory.LIMIT_COS


def test_a_non_sign_quantizer():
    """q(x) = x^3 (odd, homogeneous): E[X^4] / sqrt(E[X^2] E[X^6]) = 3 / sqrt(15)."""
    q = lambda x: x**3
    assert theory.limit_cos(Normal("X", 0, 1), q) == sp.sqrt(15) / 5
    assert theory.limit_cos_value(Normal("X", 0, 1), q) == pytest.approx(_quad_limit_cos(stats.norm.pdf, lambda x: x**3), rel=1e-10)


@settings(deadline=None, max_examples=5)
@given(st.fractions(min_value=sp.Rational(1, 50), max_value=50).map(sp.Rational))
def test_invariant_to_scaling_x(scale):
    for make, unit in (
        (lambda s: Normal("X", 0, s), theory.LIMIT_COS),
        (lambda s: Uniform("U", -s, s), sp.sqrt(3) / 2),
        (lambda s: Laplace("L", 0, s), sp.sqrt(2) / 2),
    ):
        assert sp.simplify(theory.limit_cos(make(scale)) - unit) == 0


def test_symbolic_scale_drops_out():
    assert theory.limit_cos(Normal("X", 0, symbols.sigma)) == theory.LIMIT_COS


def test_general_formula_is_the_ratio_of_expectations():
    assert sp.latex(LIMIT_COS_FORMULA) == (
        r"\frac{\operatorname{E}\left[q{\left(X \right)} X\right]}"
        r"{\sqrt{\operatorname{E}\left[q^{2}{\left(X \right)}\right] \operatorname{E}\left[X^{2}\right]}}"
    )


def test_delta_method_variance_against_monte_carlo_uniform():
    """d Var(cos(w, sign w)) for uniform coordinates: the sample variance of
    cos over n vectors at d = 4000, SE of a variance about var sqrt(2/n)
    (near-Gaussian cos); the finite-d bias is O(1/d) relative, negligible."""
    d, n = 4000, 4000
    rng = np.random.default_rng(11)
    cos = np.empty(n)
    for i in range(0, n, 500):
        w = rng.uniform(-1, 1, size=(500, d))
        cos[i : i + 500] = np.abs(w).sum(1) / (math.sqrt(d) * np.linalg.norm(w, axis=1))
    expected = float(limit_d_var_cos(Uniform("U", -1, 1))) / d
    assert abs(cos.var(ddof=1) - expected) <= z_bound(1) * expected * math.sqrt(2 / n)
