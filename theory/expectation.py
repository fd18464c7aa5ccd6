"""Expectations of functions of one continuous sympy.stats random variable.

``expect(X, g)`` computes E[g(X)] = integral of g(x) f_X(x) dx, split at 0 into
the negative and the positive half-line, each integrated with a variable that
carries its sign.  On each half ``sign(x)`` and ``|x|`` simplify, so scalar
quantizers written with ``sign``, ``Abs`` and ``Piecewise`` integrate in closed
form.  Results valid only under a parameter condition (for instance
Student-t moments, nu > 2) come back as that closed form; the condition is
kept by :func:`expect_with_condition`.

Examples
--------
>>> import sympy as sp
>>> from sympy.stats import Normal, Uniform
>>> expect(Normal("X", 0, 1), sp.Abs)
sqrt(2)/sqrt(pi)
>>> expect(Uniform("U", -1, 1), lambda x: x**2)
1/3
"""

from __future__ import annotations

import functools
from typing import Callable

import sympy as sp
from sympy.stats import density, pspace

_X_POS = sp.Symbol("x", positive=True)
_X_NEG = sp.Symbol("x", negative=True)


def _support(X):
    domain = pspace(X).domain.set
    if not isinstance(domain, sp.Interval):
        raise ValueError(f"X must be a continuous random variable on an interval, got support {domain}")
    return domain.inf, domain.sup


@functools.lru_cache(maxsize=512)
def _half_integral(integrand, x, lo, hi):
    """Integral of ``integrand`` over [lo, hi], cached: limit_cos and
    limit_d_var_cos ask for the same moments again."""
    if lo >= hi:
        return sp.S.Zero
    return sp.integrate(integrand, (x, lo, hi), conds="piecewise")


def _split_condition(expr):
    """Split ``Piecewise((value, cond), (Integral(...), True))`` into the
    closed form and its condition of validity."""
    if isinstance(expr, sp.Piecewise):
        closed = [(e, c) for e, c in expr.args if not e.has(sp.Integral)]
        if len(closed) == 1:
            return closed[0][0], closed[0][1]
    return expr, sp.true


def expect_with_condition(X, g: Callable) -> tuple[sp.Expr, sp.Basic]:
    """E[g(X)] and the condition on X's parameters under which it holds.

    Returns
    -------
    (value, condition)
        ``value`` simplified, ``sp.oo`` when the integral diverges;
        ``condition`` is ``sp.true`` or a relation such as ``nu > 2``.

    Raises
    ------
    NotImplementedError
        if SymPy cannot find a closed form.

    Examples
    --------
    >>> from sympy.stats import StudentT
    >>> from theory.symbols import nu
    >>> expect_with_condition(StudentT("T", nu), lambda x: x**2)
    (nu/(nu - 2), nu > 2)
    """
    f = density(X)
    lo, hi = _support(X)
    total = sp.S.Zero
    condition = sp.true
    for x, a, b in ((_X_NEG, lo, sp.Min(hi, 0)), (_X_POS, sp.Max(lo, 0), hi)):
        part = _half_integral(g(x) * f(x), x, a, b)
        part, cond = _split_condition(part)
        total += part
        condition = sp.And(condition, cond)
    if total.has(sp.Integral):
        raise NotImplementedError(f"no closed form found for E[g(X)] with X = {X} ({pspace(X).distribution})")
    if total.has(sp.oo) or total.has(-sp.oo):
        return sp.oo, condition
    return sp.simplify(sp.gammasimp(total)), sp.simplify(condition)


def expect(X, g: Callable) -> sp.Expr:
    """E[g(X)] in closed form (``sp.oo`` when it diverges).

    The formula computed is the integral of g(x) f_X(x) over X's support; the
    unit is that of g.  See :func:`expect_with_condition` for the condition
    under which a parametric result holds.

    Examples
    --------
    >>> import sympy as sp
    >>> from sympy.stats import Laplace
    >>> expect(Laplace("L", 0, 1), lambda x: x**2)
    2
    """
    return expect_with_condition(X, g)[0]
