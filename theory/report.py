"""The registry as records (for JSON) and as a plain-text table.

Examples
--------
>>> from theory.registry import get_result
>>> rec = to_record(get_result("LimitAngle"))
>>> rec["name"], rec["expression"], round(rec["degrees"], 3), rec["is_angle"]
('LimitAngle', 'acos(sqrt(2)/sqrt(pi))', 37.071, True)
"""

from __future__ import annotations

from typing import Iterable

import sympy as sp

from theory.latex import format_value
from theory.registry import RESULTS, Result


def to_record(result: Result) -> dict:
    """A JSON-ready dict: name, description, expression, latex, variables,
    value (float or None), is_angle, degrees (float or None).

    Examples
    --------
    >>> from theory.registry import get_result
    >>> to_record(get_result("PairVarCos"))["variables"]
    ['d']
    """
    return {
        "name": result.name,
        "description": result.description,
        "expression": sp.sstr(result.expr),
        "latex": result.latex,
        "variables": result.variables,
        "value": result.value,
        "is_angle": result.is_angle,
        "degrees": result.degrees,
    }


def records(results: Iterable[Result] = RESULTS) -> list[dict]:
    """:func:`to_record` of every result.

    Examples
    --------
    >>> records()[0]["name"]
    'LimitCos'
    """
    return [to_record(r) for r in results]


def render_table(results: Iterable[Result] = RESULTS, digits: int = 6) -> str:
    """A fixed-width table: name, closed form, value, degrees ('-' where none).

    Examples
    --------
    >>> from theory.registry import get_result
    >>> print(render_table([get_result("LimitCos"), get_result("LimitAngle")], digits=4))
    name        closed form             value   degrees
    ----------  ----------------------  ------  -------
    LimitCos    sqrt(2)/sqrt(pi)        0.7979  -
    LimitAngle  acos(sqrt(2)/sqrt(pi))  0.647   37.07
    """
    header = ("name", "closed form", "value", "degrees")
    rows = []
    for r in results:
        value = "-" if r.value is None else format_value(r.value, digits)
        degrees = "-" if r.degrees is None else format_value(r.degrees, digits)
        rows.append((r.name, sp.sstr(r.expr), value, degrees))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, tuple("-" * w for w in widths), *rows]]
    return "\n".join(lines)
