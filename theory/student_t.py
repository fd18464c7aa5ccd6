"""Student t coordinates at any number of degrees of freedom nu > 2.

The results are derived once in the symbol ``theory.symbols.nu`` and then
evaluated at a number.  Integrating the density of ``StudentT("x", nu)``
with a number in place of nu works for small nu, but SymPy expands
(1 + x^2/nu)^(-(nu+1)/2) for an integer nu and, at nu = 10^6, runs out of
memory.  Evaluated at a number, the closed forms in nu hold ratios of gamma
functions of nu/2, differences of log-gammas whose integer parts grow like
nu log nu, so the evaluation carries ``digits_for(nu)`` digits.

The density, for quadrature over the cells of a threshold quantizer, is
SymPy's own with its power (1 + x^2/nu)^(-(nu+1)/2) written as
exp(-(nu+1)/2 log1p(x^2/nu)): at nu = 1e300 the base rounds to 1 at any
usual precision, its logarithm does not.

Examples
--------
>>> round(limit_cos_value(5), 12)
0.735105193896
>>> round(limit_cos_value(1e300), 12) == round(math.sqrt(2 / math.pi), 12)
True
>>> round(second_moment_value(4), 12)
2.0
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Callable

import mpmath
import sympy as sp
import sympy.stats as sps
from sympy.codegen.cfunctions import log1p

from theory import symbols
from theory.numeric import WORKING_DIGITS, loggamma_form
from theory.quantizer_limit import limit_cos, limit_d_var_cos, second_moment

__all__ = ["check_nu", "digits_for", "limit_cos_value", "limit_d_var_value", "second_moment_value",
           "standard_deviation", "density_function"]

_DENSITY_DIGITS = 30
"""Digits of the density's values, as the quadrature of
:mod:`theory.quantized_angle` uses them."""


def check_nu(nu, *, minimum: float = 0.0) -> float:
    """``nu`` as a float if it is a finite real number > ``minimum``, else
    a ValueError naming it.

    >>> check_nu(2, minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: nu must be a finite number > 2, got 2
    """
    if isinstance(nu, bool) or not isinstance(nu, numbers.Real) or not (math.isfinite(nu) and nu > minimum):
        raise ValueError(f"nu must be a finite number > {minimum:g}, got {nu!r}")
    return float(nu)


def digits_for(nu: float) -> int:
    """Working digits that evaluate a closed form in nu to double precision:
    ``WORKING_DIGITS`` (which also covers the mild cancellation in the
    variance's coefficient) plus the digits of the integer part of
    loggamma(nu/2), log10(nu/2 log(nu/2)) < log10(nu) + 3 for any float nu.

    >>> digits_for(5), digits_for(1e300)
    (44, 343)
    """
    return WORKING_DIGITS + max(0, math.ceil(math.log10(nu))) + 3


@functools.cache
def _law():
    return sps.StudentT("x", symbols.nu)


@functools.cache
def _second_moment() -> sp.Expr:
    return second_moment(_law())


@functools.cache
def _compiled(what: str) -> Callable:
    """The closed form ``what`` in nu, lambdified to mpmath (log-gamma form)."""
    T = _law()
    expr = {"second_moment": _second_moment, "limit_cos": lambda: limit_cos(T),
            "limit_d_var": lambda: limit_d_var_cos(T)}[what]()
    return sp.lambdify(symbols.nu, loggamma_form(expr), modules=[{"lgamma": mpmath.loggamma}, "mpmath"])


def _value(what: str, nu: float) -> float:
    fn = _compiled(what)
    with mpmath.workdps(digits_for(nu)):
        return float(fn(mpmath.mpf(nu)))


def standard_deviation(nu) -> sp.Expr:
    """sqrt(E[T^2]) at ``nu``, a number > 2 or a SymPy number (exact for a
    rational nu: thresholds in units of it stay exact).

    >>> standard_deviation(sp.Integer(4))
    sqrt(2)
    """
    if not (isinstance(nu, sp.Basic) and nu.is_number):
        nu = check_nu(nu, minimum=2)
    return sp.sqrt(_second_moment().subs(symbols.nu, nu))


def second_moment_value(nu) -> float:
    """E[T^2] = nu / (nu - 2), nu > 2."""
    return _value("second_moment", check_nu(nu, minimum=2))


def limit_cos_value(nu) -> float:
    """lim_{d->oo} cos angle(w, sign w) for i.i.d. Student t coordinates,
    E|T| / sqrt(E[T^2]), nu > 2 (``theory.limit_cos`` of ``StudentT(nu)``)."""
    return _value("limit_cos", check_nu(nu, minimum=2))


def limit_d_var_value(nu) -> float:
    """lim_{d->oo} d Var(cos angle(w, sign w)) for i.i.d. Student t
    coordinates, nu > 4 (it needs fourth moments).

    >>> round(limit_d_var_value(1e300), 12) == round(1 - 3 / math.pi, 12)
    True
    """
    return _value("limit_d_var", check_nu(nu, minimum=4))


@functools.cache
def _density_parts():
    """(constant in nu, part in x and nu) of SymPy's Student t density, the
    power in x rewritten through log1p."""
    x = sp.Symbol("x", real=True)
    constant, shape = sps.density(_law())(x).as_independent(x, as_Add=False)
    shape = shape.replace(lambda e: e.is_Pow and e.base.is_Add and e.base.has(x),
                          lambda e: sp.exp(e.exp * log1p(sp.expand(e.base - 1))))
    constant_fn = sp.lambdify(symbols.nu, loggamma_form(constant.rewrite(sp.gamma)),
                              modules=[{"lgamma": mpmath.loggamma}, "mpmath"])
    shape_fn = sp.lambdify((x, symbols.nu), shape, modules=[{"log1p": mpmath.log1p}, "mpmath"])
    return constant_fn, shape_fn


def density_function(nu) -> Callable:
    """The Student t density at ``nu`` > 0 as an mpmath function of x, good
    to about 30 digits for any nu (see the module docstring).

    >>> f = density_function(1e300)
    >>> round(float(f(mpmath.mpf(1))), 12) == round(math.exp(-0.5) / math.sqrt(2 * math.pi), 12)
    True
    """
    nu = check_nu(nu)
    constant_fn, shape_fn = _density_parts()
    with mpmath.workdps(digits_for(nu)):
        constant = constant_fn(mpmath.mpf(nu))
    with mpmath.workdps(_DENSITY_DIGITS):
        constant, nu_mp = +constant, mpmath.mpf(nu)
    return lambda x: constant * shape_fn(x, nu_mp)
