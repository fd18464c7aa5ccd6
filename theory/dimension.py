"""Substituting a dimension into an expression in ``theory.symbols.d``.

At small integer d the result is simplified to its exact closed form
(for instance 2*sqrt(2)/pi at d = 2).  Above ``EXACT_EVALUATION_MAX_D`` the
gamma functions are left unevaluated: their exact values are rationals with
thousands of digits (gamma(5 * 10^6) has some 3 * 10^7), while ``sympy.N``
evaluates the unevaluated form at once.

Examples
--------
>>> import sympy as sp
>>> from theory import symbols
>>> at_dimension(sp.gamma(symbols.d / 2), 6)
2
>>> big = at_dimension(sp.gamma(symbols.d / 2) / sp.gamma(symbols.d / 2 + 1), 10**7)
>>> float(sp.N(big * 10**7))
2.0
"""

from __future__ import annotations

import sympy as sp

from theory import symbols
from theory.validate import check_dimension

EXACT_EVALUATION_MAX_D = 1000
"""Largest integer d at which expressions are evaluated and simplified exactly."""


def at_dimension(expr: sp.Expr, d, *, minimum: int = 1) -> sp.Expr:
    """``expr`` with ``theory.symbols.d`` replaced by ``d`` (checked: an
    integer >= ``minimum`` or a SymPy expression)."""
    d = check_dimension(d, minimum=minimum)
    if isinstance(d, int) and d > EXACT_EVALUATION_MAX_D:
        with sp.evaluate(False):
            return expr.subs(symbols.d, d)
    value = expr.subs(symbols.d, d)
    if isinstance(d, int):
        return sp.expand(sp.simplify(sp.expand_func(value)))
    return value
