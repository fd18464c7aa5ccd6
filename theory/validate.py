"""Argument checks shared by the symbolic and the numeric API.

Each check raises a ``ValueError`` (or ``TypeError``) whose message names the
argument and the accepted range.

Examples
--------
>>> check_dimension(3)
3
>>> check_dimension(0)
Traceback (most recent call last):
...
ValueError: d must be an integer >= 1, got 0
"""

from __future__ import annotations

import numbers

import sympy as sp


def check_dimension(d, *, name: str = "d", minimum: int = 1):
    """Return ``d`` as a SymPy-ready value: a Python int >= ``minimum``, or
    a SymPy expression left symbolic.

    Raises
    ------
    ValueError
        if ``d`` is a number that is not an integer >= ``minimum``.
    TypeError
        if ``d`` is neither a number nor a SymPy expression.

    Examples
    --------
    >>> check_dimension(sp.Integer(5))
    5
    >>> check_dimension(2.5)
    Traceback (most recent call last):
    ...
    ValueError: d must be an integer >= 1, got 2.5
    """
    if isinstance(d, sp.Basic) and not d.is_number:
        return d
    if isinstance(d, bool) or not isinstance(d, (numbers.Number, sp.Basic)):
        raise TypeError(f"{name} must be an integer >= {minimum} or a SymPy symbol, got {d!r}")
    value = sp.sympify(d)
    if not value.is_integer or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {d}")
    return int(value)


def check_threshold(tau, *, name: str = "tau"):
    """Return a ternary threshold ``tau >= 0`` (a number or a SymPy symbol).

    Examples
    --------
    >>> check_threshold(0.5)
    0.5
    >>> check_threshold(-1)
    Traceback (most recent call last):
    ...
    ValueError: tau must be a real number >= 0, got -1
    """
    if isinstance(tau, sp.Basic) and not tau.is_number:
        return tau
    if isinstance(tau, bool) or not isinstance(tau, (numbers.Real, sp.Basic)):
        raise TypeError(f"{name} must be a real number >= 0 or a SymPy symbol, got {tau!r}")
    value = sp.sympify(tau)
    if not value.is_real or value.is_negative or value.is_infinite:
        raise ValueError(f"{name} must be a real number >= 0, got {tau}")
    return tau
