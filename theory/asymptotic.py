"""Large-d expansions in powers of 1/d of the results that hold gamma
functions of d.

SymPy has no expansion of gamma at infinity, but it has one of log-gamma
(Stirling's series).  A product of powers of d, constants and gamma
functions of d is expanded through its logarithm: log-gammas in x = 1/d,
then the exponential of that series.  The numeric functions use these
expansions where the direct formula would need more digits than it has
(:mod:`theory.numeric`), and they are results of their own.

Examples
--------
>>> from theory import symbols
>>> gamma_product_series(sp.gamma(symbols.d + 1) / sp.gamma(symbols.d), 2)
d
>>> gamma_product_series(sp.gamma(symbols.d / 2) / sp.gamma(symbols.d / 2 + sp.S.Half), 1)
sqrt(2)/sqrt(d) + sqrt(2)/(4*d**(3/2))
"""

from __future__ import annotations

import sympy as sp

from theory import symbols

__all__ = ["gamma_product_series", "series_in_inverse_d", "ASYMPTOTIC_ORDER"]

ASYMPTOTIC_ORDER = 5
"""Terms of the expansions after the leading one: at d >= 10^6 the next
term is below 10^-30 relative."""


def _positive_d():
    return sp.Symbol("d_positive", positive=True)


def series_in_inverse_d(expr: sp.Expr, order: int) -> sp.Expr:
    """The expansion of ``expr`` (in ``theory.symbols.d``, free of gamma
    functions) in powers of 1/d, up to and including d^-order.

    >>> series_in_inverse_d((symbols.d + 1) / symbols.d**2, 3)
    1/d + d**(-2)
    """
    x = sp.Symbol("x", positive=True)
    expanded = sp.series(expr.subs(symbols.d, 1 / x), x, 0, order + 1).removeO()
    return sp.expand(expanded.subs(x, 1 / symbols.d))


def gamma_product_series(expr: sp.Expr, order: int) -> sp.Expr:
    """The expansion of ``expr``, a product of powers of d, positive
    constants and gamma functions of d, relative to its leading power of d,
    to ``order`` further terms in 1/d.

    Raises
    ------
    ValueError
        if ``expr`` is not such a product (its logarithm does not split).
    """
    d = _positive_d()
    log_expr = sp.expand_log(sp.log(expr.subs(symbols.d, d)), force=True)
    log_expr = log_expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                                lambda e: sp.loggamma(e.args[0].args[0]))
    if log_expr.has(sp.gamma):
        raise ValueError(f"expr must be a product of powers and gamma functions of d, got {expr}")
    x = sp.Symbol("x", positive=True)
    log_series = sp.series(log_expr.subs(d, 1 / x), x, 0, order + 1).removeO()
    # the logarithm holds a*log(x); the rest is a power series in x
    log_part = sum((t for t in sp.Add.make_args(sp.expand(log_series)) if t.has(sp.log(x))), sp.S.Zero)
    leading = sp.powsimp(sp.exp(log_part), force=True)
    rest = sp.series(sp.exp(sp.expand(log_series - log_part)), x, 0, order + 1).removeO()
    return sp.expand(sp.powsimp(leading * rest, force=True).subs(x, 1 / symbols.d))
