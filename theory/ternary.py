"""Ternary quantization t(x) = sign(x) 1{|x| > tau sigma} of Gaussian coordinates.

For X ~ N(0, sigma^2) (take sigma = 1: the cosine is scale-invariant once the
threshold scales with sigma), :func:`theory.quantizer_limit.limit_cos` gives

    cos(tau) = E[X t(X)] / sqrt(E[X^2] E[t(X)^2])
             = sqrt(2/pi) exp(-tau^2/2) / sqrt(erfc(tau / sqrt(2))),

the large-d cosine between w and t(w), and the fraction of zeros is
P(|X| <= tau) = erf(tau / sqrt(2)).  tau = 0 is the binary case.  The
threshold that maximises the cosine solves d log cos / d tau = 0, found with
mpmath at 50 digits from the derived expression.

Examples
--------
>>> ternary_cos(0)
sqrt(2)/sqrt(pi)
>>> ternary_zero_fraction(0)
0
>>> round(float(TERNARY_TAU_OPT), 6)
0.612003
"""

from __future__ import annotations

import mpmath
import sympy as sp
from sympy.stats import Normal

from theory import symbols
from theory.expectation import expect
from theory.quantizer_limit import limit_cos
from theory.validate import check_threshold

_X = Normal("X", 0, 1)
_OPT_DIGITS = 50


def ternary_quantizer(threshold):
    """q(x) = sign(x) if |x| > threshold else 0, as a callable on SymPy expressions.

    Examples
    --------
    >>> import sympy as sp
    >>> ternary_quantizer(1)(sp.Rational(1, 2)), ternary_quantizer(1)(-2)
    (0, -1)
    """
    return lambda x: sp.Piecewise((sp.sign(x), sp.Abs(x) > threshold), (0, True))


def _erfc_form(expr: sp.Expr) -> sp.Expr:
    """Write 1 - erf(z) as erfc(z): the same function, accurate in the tail."""
    z = sp.Wild("z")
    return expr.replace(1 - sp.erf(z), sp.erfc(z))


TERNARY_COS: sp.Expr = _erfc_form(limit_cos(_X, ternary_quantizer(symbols.tau)))
"""Large-d cosine between Gaussian w and its ternarization, in ``theory.symbols.tau``."""

TERNARY_ZERO_FRACTION: sp.Expr = expect(
    _X, lambda x: sp.Piecewise((1, sp.Abs(x) <= symbols.tau), (0, True))
)
"""Fraction of zeros P(|X| <= tau) = erf(tau / sqrt(2))."""

TERNARY_STATIONARITY: sp.Expr = sp.simplify(sp.diff(sp.log(TERNARY_COS), symbols.tau))
"""d log cos(tau) / d tau; zero at the optimal threshold."""


def _solve_tau_opt() -> sp.Float:
    f = sp.lambdify(symbols.tau, TERNARY_STATIONARITY, modules="mpmath")
    with mpmath.workdps(_OPT_DIGITS):
        root = mpmath.findroot(f, mpmath.mpf("0.6"))
        return sp.Float(root, _OPT_DIGITS - 10)


TERNARY_TAU_OPT: sp.Float = _solve_tau_opt()
"""The threshold (in units of sigma) that maximises the cosine, 40 digits."""

TERNARY_COS_OPT: sp.Float = TERNARY_COS.subs(symbols.tau, TERNARY_TAU_OPT).evalf(40)
"""The largest ternary cosine, at tau = TERNARY_TAU_OPT."""

TERNARY_ANGLE_OPT: sp.Float = sp.acos(TERNARY_COS_OPT).evalf(40)
"""The smallest ternary angle, in radians."""


def ternary_cos(tau) -> sp.Expr:
    """sqrt(2/pi) exp(-tau^2/2) / sqrt(erfc(tau/sqrt(2))), tau >= 0.

    Examples
    --------
    >>> ternary_cos(symbols.tau)
    sqrt(2)*exp(-tau**2/2)/(sqrt(pi)*sqrt(erfc(sqrt(2)*tau/2)))
    """
    return TERNARY_COS.subs(symbols.tau, check_threshold(tau))


def ternary_zero_fraction(tau) -> sp.Expr:
    """Fraction of zeros erf(tau / sqrt(2)) produced by the threshold tau >= 0.

    Examples
    --------
    >>> ternary_zero_fraction(symbols.tau)
    erf(sqrt(2)*tau/2)
    """
    return TERNARY_ZERO_FRACTION.subs(symbols.tau, check_threshold(tau))
