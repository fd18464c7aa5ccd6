"""Formatting for the report: numbers with their spread, tests in words.

A conclusion sentence is assembled from a test's outcome
(:func:`bingeo.uncertainty.compare_seeds`): :func:`verdict` picks the words
from the sign of the difference and whether it is resolved, so the same
numbers always give the same sentence and other numbers another.
"""

from __future__ import annotations

import math

__all__ = ["f", "pm", "diff_cell", "verdict", "count_verdicts", "md_table", "layer_list", "span"]


def f(v, spec: str = ".3f") -> str:
    """``v`` formatted, ``-`` for None or a non-finite number.

    >>> f(0.12345), f(float("nan")), f(None)
    ('0.123', '-', '-')
    """
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return format(v, spec)


def pm(spread: dict | None, spec: str = ".3f") -> str:
    """``mean ± sd`` of a seed spread (sd over seeds).

    >>> pm({"mean": 0.8, "sd": 0.01})
    '0.800 ± 0.010'
    """
    if not spread:
        return "-"
    return f"{f(spread.get('mean'), spec)} ± {f(spread.get('sd'), spec)}"


def diff_cell(test: dict | None, spec: str = ".3f") -> str:
    """``diff ± SE`` and a mark: ``*`` when resolved; in powers of ten when the SE
    would print as 0 at ``spec``.

    >>> diff_cell({"diff": 0.05, "se": 0.01, "resolved": True})
    '+0.050 ± 0.010 *'
    >>> diff_cell({"diff": -0.00004, "se": 0.00001, "resolved": True})
    '-4.0e-05 ± 1.0e-05 *'
    """
    if not test:
        return "-"
    se = test["se"]
    if se is not None and math.isfinite(se) and 0 < se < 0.5 * 10.0 ** -int(spec.strip(".f") or 0):
        spec = ".1e"
    sign = "+" if test["diff"] >= 0 else ""
    return f"{sign}{f(test['diff'], spec)} ± {f(se, spec)}" + (" *" if test["resolved"] else "")


def verdict(test: dict | None, more: str, less: str, same: str) -> str:
    """``more`` / ``less`` for a resolved positive / negative difference, ``same`` otherwise.

    >>> verdict({"diff": -0.1, "resolved": True}, "above", "below", "consistent with")
    'below'
    """
    if not test:
        return "untested"
    if not test["resolved"]:
        return same
    return more if test["diff"] > 0 else less


def count_verdicts(tests: list) -> dict:
    """How many tests came out resolved up, resolved down, and not resolved.

    >>> count_verdicts([{"diff": 1, "resolved": True}, {"diff": -1, "resolved": False}, None])
    {'more': 1, 'less': 0, 'same': 1, 'untested': 1}
    """
    out = {"more": 0, "less": 0, "same": 0, "untested": 0}
    for t in tests:
        key = "untested" if not t else "same" if not t["resolved"] else "more" if t["diff"] > 0 else "less"
        out[key] += 1
    return out


def layer_list(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; ``none`` for no names.

    >>> layer_list(["conv1", "dense1", "output"])
    'conv1, dense1 and output'
    """
    names = list(names)
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def span(values, spec: str = ".3f") -> str:
    """``lo to hi`` of the finite values (one value once).

    >>> span([0.3, 0.1, float("nan")])
    '0.100 to 0.300'
    """
    good = [v for v in values if v is not None and math.isfinite(v)]
    if not good:
        return "-"
    lo, hi = min(good), max(good)
    return f(lo, spec) if f(lo, spec) == f(hi, spec) else f"{f(lo, spec)} to {f(hi, spec)}"


def md_table(headers, rows) -> str:
    """A GitHub-flavoured markdown table of already formatted cells."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
