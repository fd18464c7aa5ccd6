"""The SymPy symbols every result is written in, with their assumptions.

``d`` is the dimension (a positive integer), ``t`` a cosine in [-1, 1],
``tau`` a ternary threshold in units of the coordinates' standard deviation,
``nu`` the Student-t degrees of freedom.

Examples
--------
>>> d.is_integer and d.is_positive
True
>>> tau.is_nonnegative
True
"""

from __future__ import annotations

import sympy as sp

d = sp.Symbol("d", integer=True, positive=True)
"""Dimension of the vectors, an integer >= 1."""

t = sp.Symbol("t", real=True)
"""A cosine, the argument of a density on [-1, 1]."""

tau = sp.Symbol("tau", nonnegative=True)
"""Ternary threshold, in units of the coordinates' standard deviation."""

nu = sp.Symbol("nu", positive=True)
"""Degrees of freedom of a Student t distribution."""

sigma = sp.Symbol("sigma", positive=True)
"""A standard deviation (a scale)."""

c = sp.Symbol("c", real=True)
"""The mean of a cosine (the delta method's centre)."""

v = sp.Symbol("v", nonnegative=True)
"""The variance of a cosine."""
