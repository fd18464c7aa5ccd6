"""Student t coordinates at any nu > 2 (theory.student_t): the closed forms
in a symbolic nu, evaluated at a number, against SymPy's integrals at that
number (small nu), mpmath's gamma functions and the normal law (large nu);
the density against scipy and the normal density; angle_theory at
nu = 10^6, where integrating with a numeric nu ran out of memory."""

from __future__ import annotations

import math
import resource
import subprocess
import sys

import mpmath
import pytest
import sympy as sp
from scipy import integrate, stats
from sympy.stats import StudentT

import theory
from theory import student_t
from theory.quantizer_limit import limit_cos, limit_d_var_cos
from tests.tolerances import EPS64

NORMAL_D_VAR = 1 - 3 / math.pi
"""lim d Var(cos) for normal coordinates with sign (theory.VAR_COS_LEADING)."""


@pytest.mark.parametrize("nu", [5, 7.3])
def test_closed_forms_in_nu_equal_the_integrals_at_a_number(nu):
    # both sides are 30-digit values rounded to a double: at most an ulp apart
    T = StudentT("T", sp.nsimplify(nu))
    assert math.isclose(student_t.limit_cos_value(nu), float(sp.N(limit_cos(T), 30)), rel_tol=EPS64)
    assert math.isclose(student_t.limit_d_var_value(nu), float(sp.N(limit_d_var_cos(T), 30)), rel_tol=EPS64)


@pytest.mark.parametrize("nu", [2.5, 1e6, 1e20, 1e300, sys.float_info.max])
def test_limit_cos_equals_the_gamma_ratio_at_any_nu(nu):
    # E|T| / sqrt(E T^2) = sqrt(nu - 2) Gamma((nu - 1)/2) / (sqrt(pi) Gamma(nu/2)),
    # with mpmath's gamma at digits enough for arguments near 1e308
    with mpmath.workdps(400):
        n = mpmath.mpf(nu)
        expected = float(mpmath.sqrt(n - 2) * mpmath.gammaprod([(n - 1) / 2], [n / 2]) / mpmath.sqrt(mpmath.pi))
    assert math.isclose(student_t.limit_cos_value(nu), expected, rel_tol=2 * EPS64)


@pytest.mark.parametrize("nu", [1e20, 1e300])
def test_large_nu_gives_the_normal_values(nu):
    # Student t tends to N(0, 1) with corrections of order 1/nu, below an
    # ulp here
    assert math.isclose(student_t.limit_cos_value(nu), theory.LIMIT_COS_VALUE, rel_tol=2 * EPS64)
    assert math.isclose(student_t.limit_d_var_value(nu), NORMAL_D_VAR, rel_tol=4 * EPS64)


@pytest.mark.parametrize("nu", [4.5, 1e6, 1e20, 1e300])
def test_the_working_digits_suffice(nu):
    # three times the digits change no bit of the double
    for what in ("limit_cos", "limit_d_var"):
        fn = student_t._compiled(what)
        values = []
        for digits in (student_t.digits_for(nu), 3 * student_t.digits_for(nu)):
            with mpmath.workdps(digits):
                values.append(float(fn(mpmath.mpf(nu))))
        assert values[0] == values[1], what


@pytest.mark.parametrize("nu", [5.0, 1e6, 1e300])
def test_density_integrates_to_one_with_the_right_variance(nu):
    f = student_t.density_function(nu)
    with mpmath.workdps(30):
        mass = mpmath.quad(f, [-mpmath.inf, -10, 0, 10, mpmath.inf])
        second = mpmath.quad(lambda x: x * x * f(x), [-mpmath.inf, -10, 0, 10, mpmath.inf])
    assert math.isclose(float(mass), 1.0, rel_tol=4 * EPS64)
    assert math.isclose(float(second), student_t.second_moment_value(nu), rel_tol=4 * EPS64)


@pytest.mark.parametrize("nu, x", [(5.0, 0.0), (5.0, 1.5), (5.0, 40.0), (1e6, 2.0)])
def test_density_matches_scipy(nu, x):
    # scipy evaluates the t density from log-gamma in doubles: some 1e-13 relative
    assert math.isclose(float(student_t.density_function(nu)(mpmath.mpf(x))), stats.t.pdf(x, nu), rel_tol=1e-12)


def test_density_at_a_huge_nu_is_the_normal_density():
    f = student_t.density_function(1e300)
    for x in (0.0, 1.0, 3.0):
        assert math.isclose(float(f(mpmath.mpf(x))), stats.norm.pdf(x), rel_tol=4 * EPS64)


def test_threshold_quantizers_at_a_huge_nu_are_those_of_the_normal_law():
    for quantizer, keywords in [("ternary", {"tau": 0.5}), ("kbit", {"k": 3})]:
        t_law = theory.angle_theory("t", quantizer, nu=1e300, **keywords)
        normal = theory.angle_theory("normal", quantizer, **keywords)
        assert math.isclose(t_law.limit_cos, normal.limit_cos, rel_tol=4 * EPS64), quantizer


def _limit_memory():
    # 3 GiB of address space: the failing integration asked for more and the
    # kernel killed the process (or, under this limit, MemoryError)
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


_AT_A_MILLION = """
import theory
ternary = theory.angle_theory("t", "ternary", nu=1e6, tau=0.5)
sign = theory.angle_theory("t", "sign", nu=1e6)
print(repr(ternary.limit_cos), repr(ternary.limit_d_var()), repr(sign.limit_cos), repr(sign.limit_d_var()))
"""


def test_angle_theory_at_nu_a_million_against_scipy():
    done = subprocess.run([sys.executable, "-c", _AT_A_MILLION], capture_output=True, text=True, timeout=600,
                          preexec_fn=_limit_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    ternary, ternary_d_var, sign, sign_d_var = map(float, done.stdout.split())
    nu, tau = 1e6, 0.5
    law = stats.t(nu)
    edge = tau * math.sqrt(nu / (nu - 2))
    # E[X t(X)] = 2 int_edge^oo x f(x) dx, E[X^2] = nu/(nu-2), E[t(X)^2] = 2 P(X > edge)
    m_xq, err = integrate.quad(lambda x: x * law.pdf(x), edge, math.inf, epsabs=0, epsrel=1e-13)
    expected = 2 * m_xq / math.sqrt(nu / (nu - 2) * 2 * law.sf(edge))
    # quad's error estimate, plus scipy's t density and survival function in
    # doubles from log-gammas (some 1e-13 relative)
    assert abs(ternary / expected - 1) <= err / m_xq + 1e-12
    assert math.isclose(sign, student_t.limit_cos_value(nu), rel_tol=0)
    assert math.isclose(sign_d_var, student_t.limit_d_var_value(nu), rel_tol=0)
    assert ternary_d_var > 0
