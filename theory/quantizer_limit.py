"""The large-d cosine between a random vector and its quantization.

For w in R^d with i.i.d. coordinates distributed as X and a scalar quantizer
q applied coordinate-wise, the law of large numbers gives

    cos angle(w, q(w)) = (sum w_i q(w_i)) / sqrt(sum w_i^2 * sum q(w_i)^2)
                       -> E[X q(X)] / sqrt(E[X^2] E[q(X)^2])   (d -> infinity),

and the delta method gives the 1/d coefficient of its variance,
d Var(cos) -> g' S g, where S is the covariance of (X q(X), X^2, q(X)^2) and
g the gradient of a / sqrt(b c) at the means.  Both are dimensionless.

The default quantizer is ``sign`` (sign(0) = +1 by the package convention; a
single point carries no mass for a continuous X).

Examples
--------
>>> from sympy.stats import Normal, Uniform
>>> limit_cos(Normal("X", 0, 1))
sqrt(2)/sqrt(pi)
>>> limit_cos(Uniform("U", -1, 1))
sqrt(3)/2
>>> limit_d_var_cos(Normal("X", 0, 1))
1 - 3/pi
"""

from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy.stats import Expectation
from sympy.stats.rv import RandomSymbol

from theory.expectation import expect_with_condition


def sign_quantizer(x):
    """The binarizer q(x) = sign(x), as a SymPy expression in ``x``.

    Examples
    --------
    >>> import sympy as sp
    >>> sign_quantizer(sp.Symbol("x", positive=True))
    1
    """
    return sp.sign(x)


def _moment(X, g, what: str):
    value, condition = expect_with_condition(X, g)
    if condition == sp.false:
        raise ValueError(f"X: {what} does not exist for {X.pspace.distribution}")
    return value


def second_moment(X):
    """E[X^2], refused when infinite (the cosine's limit needs it).

    >>> from sympy.stats import StudentT
    >>> second_moment(StudentT("T", 5))
    5/3
    """
    m2 = _moment(X, lambda x: x**2, "E[X^2]")
    if m2 == sp.oo or m2.has(sp.zoo, sp.nan):
        raise ValueError(
            f"X must have a finite second moment E[X^2]; {X.pspace.distribution} has E[X^2] = oo"
        )
    return m2


def check_variable(X):
    """``X`` if it is a sympy.stats random variable; else a TypeError saying
    what is accepted."""
    if not isinstance(X, RandomSymbol):
        raise TypeError(f"X must be a sympy.stats random variable, such as sympy.stats.Normal('X', 0, 1), "
                        f"Uniform, Laplace or StudentT; got {X!r}")
    return X


def _check_quantizer(q):
    if q is None:
        return sign_quantizer
    if not callable(q):
        raise TypeError(f"q must be a callable on SymPy expressions (a scalar quantizer), got {q!r}")
    return q


def _moments(X, q):
    check_variable(X)
    m_xx = second_moment(X)
    m_xq = _moment(X, lambda x: x * q(x), "E[X q(X)]")
    m_qq = _moment(X, lambda x: q(x) ** 2, "E[q(X)^2]")
    if m_qq == sp.oo:
        raise ValueError("q: E[q(X)^2] is infinite; the quantizer must have a finite second moment under X")
    if m_qq == 0:
        raise ValueError("q: q(X) = 0 almost surely; the cosine is undefined")
    return m_xq, m_xx, m_qq


def limit_moments(X, q: Callable | None = None):
    """(E[X q(X)], E[X^2], E[q(X)^2]) in closed form, checked: finite, and
    q(X) not zero almost surely."""
    return _moments(X, _check_quantizer(q))


def limit_cos_formula(X, q: Callable | None = None) -> sp.Expr:
    """The unevaluated limit E[X q(X)] / sqrt(E[X^2] E[q(X)^2]).

    Examples
    --------
    >>> LIMIT_COS_FORMULA
    Expectation(q(X)*X)/sqrt(Expectation(q(X)**2)*Expectation(X**2))
    """
    q = _check_quantizer(q)
    return Expectation(X * q(X)) / sp.sqrt(Expectation(X**2) * Expectation(q(X) ** 2))


_GENERIC_X = RandomSymbol(sp.Symbol("X", real=True))

LIMIT_COS_FORMULA: sp.Expr = limit_cos_formula(_GENERIC_X, sp.Function("q"))
"""The general large-d limit, for a generic coordinate X and quantizer q."""


def limit_cos(X, q: Callable | None = None) -> sp.Expr:
    """lim_{d->oo} cos angle(w, q(w)) = E[X q(X)] / sqrt(E[X^2] E[q(X)^2]).

    Evaluates :func:`limit_cos_formula` with X's law: each expectation is an
    integral against X's density (:mod:`theory.expectation`).

    Parameters
    ----------
    X : sympy.stats random variable
        The law of each coordinate of w; it needs a finite second moment.
    q : callable, optional
        Scalar quantizer acting on a SymPy expression (``sign`` by default;
        ``Piecewise`` expressions work).

    Returns
    -------
    sympy.Expr
        The limiting cosine (dimensionless), simplified; a closed form that
        holds where X's moments exist (for example nu > 2 for Student t).

    Raises
    ------
    ValueError
        if E[X^2] is infinite (Cauchy, Student t with nu <= 2) or q(X) = 0.

    Examples
    --------
    >>> from sympy.stats import Laplace
    >>> limit_cos(Laplace("L", 0, 1))
    sqrt(2)/2
    """
    q = _check_quantizer(q)
    evaluated = limit_cos_from_moments(*_moments(X, q))
    if evaluated.has(Expectation):
        raise NotImplementedError(f"could not evaluate every expectation in {LIMIT_COS_FORMULA}")
    # force=True: sqrt(1/(nu - 2)) -> 1/sqrt(nu - 2), valid where the moments exist.
    ratio = sp.powdenest(sp.gammasimp(evaluated), force=True)
    return sp.simplify(ratio)


def d_var_from_moments(moment: Callable, q: Callable, means) -> sp.Expr:
    """grad f' S grad f for f(A, B, C) = A / sqrt(B C) at ``means`` = (E[X q],
    E[X^2], E[q^2]), with the covariance S of (X q(X), X^2, q(X)^2) from
    ``moment(g, what)`` = E[g(X)] (exact integrals, or numbers).

    The one implementation of the delta method behind
    :func:`limit_d_var_cos`; :mod:`theory.quantized_angle` calls it with
    moments by quadrature where the integrals have no quick closed form.
    """
    m_xq, m_xx, m_qq = means
    a, b, c = sp.symbols("a b c", positive=True)
    f = a / sp.sqrt(b * c)
    grad = sp.Matrix([sp.diff(f, v) for v in (a, b, c)]).subs({a: m_xq, b: m_xx, c: m_qq})
    terms = [lambda x: x * q(x), lambda x: x**2, lambda x: q(x) ** 2]
    cov = sp.zeros(3, 3)
    for i in range(3):
        for j in range(i, 3):
            second = moment(lambda x, i=i, j=j: terms[i](x) * terms[j](x), "a fourth moment")
            if second == sp.oo:
                raise ValueError("X must have a finite fourth moment for the variance of the cosine")
            cov[i, j] = cov[j, i] = second - means[i] * means[j]
    return (grad.T * cov * grad)[0, 0]


def limit_d_var_cos(X, q: Callable | None = None) -> sp.Expr:
    """lim_{d->oo} d * Var(cos angle(w, q(w))), by the delta method.

    With A, B, C the coordinate means of x q(x), x^2 and q(x)^2 and S their
    3 x 3 covariance, the cosine is f(A, B, C) = A / sqrt(B C) of the sample
    means and d Var(cos) -> grad f' S grad f.  Needs fourth moments of X.

    Examples
    --------
    >>> from sympy.stats import Uniform
    >>> limit_d_var_cos(Uniform("U", -1, 1))
    1/40
    """
    q = _check_quantizer(q)
    means = _moments(X, q)
    simplified = sp.simplify(d_var_from_moments(lambda g, what: _moment(X, g, what), q, means))
    expanded = sp.expand(simplified)
    return expanded if sp.count_ops(expanded) <= sp.count_ops(simplified) else simplified


def limit_cos_from_moments(m_xq, m_xx, m_qq) -> sp.Expr:
    """:data:`LIMIT_COS_FORMULA` with its three expectations replaced by
    values (exact or numbers).

    >>> limit_cos_from_moments(1, 4, 1)
    1/2
    """
    X, q = _GENERIC_X, sp.Function("q")
    values = {Expectation(X * q(X)): m_xq, Expectation(X**2): m_xx, Expectation(q(X) ** 2): m_qq}
    return LIMIT_COS_FORMULA.xreplace(values)


def limit_cos_value(X, q: Callable | None = None) -> float:
    """:func:`limit_cos` as a float; X must have numeric parameters.

    Examples
    --------
    >>> from sympy.stats import Normal
    >>> round(limit_cos_value(Normal("X", 0, 3)), 12)
    0.797884560803
    """
    expr = limit_cos(X, q)
    if expr.free_symbols:
        raise ValueError(f"X: the limit depends on free parameters {sorted(map(str, expr.free_symbols))}; give them numbers")
    return float(expr.evalf(30))
