"""Float versions of the results, compiled from the SymPy expressions.

Every function here is ``sympy.lambdify`` of an expression derived elsewhere
in :mod:`theory` (never a second, hand-typed formula).  Gamma functions are
rewritten as exp(loggamma(a) - loggamma(b)) and evaluated with mpmath at
``WORKING_DIGITS`` significant digits, so nothing overflows and the
cancellation in Var = E[cos^2] - E[cos]^2 (about 1/d relative) costs nothing
visible in the float result up to d = 10^7 and beyond.  Inputs are an integer
or an array of integers (``d``), or a float or an array of floats (``tau``);
results are a float or a float64 array of the same shape.

Examples
--------
>>> round(mean_cos_value(1), 12), round(LIMIT_COS_VALUE, 12)
(1.0, 0.797884560803)
>>> mean_cos_value(np.array([1, 10_000_000])).round(9).tolist()
[1.0, 0.797884581]
>>> round(10_000_000 * var_cos_value(10_000_000), 8)
0.04507033
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

import mpmath
import numpy as np
import sympy as sp

from theory import symbols
from theory.pair_angle import PAIR_VAR_COS
from theory.quantizer_limit import limit_cos_value
from theory.sign_angle import (
    ANGLE_SD_LEADING,
    LIMIT_ANGLE,
    LIMIT_COS,
    MEAN_COS,
    MEAN_COS_ASYMPTOTIC,
    VAR_COS,
    VAR_COS_ASYMPTOTIC,
    VAR_COS_LEADING,
)
from theory.ternary import TERNARY_ANGLE_OPT, TERNARY_COS, TERNARY_COS_OPT, TERNARY_TAU_OPT

__all__ = [
    "WORKING_DIGITS",
    "ASYMPTOTIC_MIN_D",
    "loggamma_form",
    "compile_expression",
    "mean_cos_value",
    "var_cos_value",
    "pair_var_cos_value",
    "ternary_cos_value",
    "TERNARY_COS_ZERO_TAU",
    "limit_cos_value",
    "LIMIT_COS_VALUE",
    "LIMIT_ANGLE_VALUE",
    "LIMIT_ANGLE_DEG",
    "VAR_COS_LEADING_VALUE",
    "ANGLE_SD_LEADING_DEG",
    "TERNARY_TAU_OPT_VALUE",
    "TERNARY_COS_OPT_VALUE",
    "TERNARY_ANGLE_OPT_DEG",
]

WORKING_DIGITS = 40
"""Significant digits of the mpmath evaluation (loggamma(d/2) near d = 10^7
is about 7e7, so 8 digits go to its integer part; 1/d cancellation in the
variance costs 7 more; 40 leaves 25)."""


ASYMPTOTIC_MIN_D = 10**6
"""Above this d the gamma ratios are evaluated from their series in 1/d
(``MEAN_COS_ASYMPTOTIC``, ``VAR_COS_ASYMPTOTIC``, truncated at d^-5, so
accurate to 10^-30 relative there): the direct log-gamma form spends digits
on the integer part of loggamma(d/2) (about d log d) and, at d = 2^63 or
1e300, would need hundreds."""


_LOGGAMMA = sp.Function("lgamma")
"""An inert log-gamma (SymPy would fold exp(loggamma(z)) back into gamma(z));
lambdify maps it to ``mpmath.loggamma``."""


def loggamma_form(expr: sp.Expr) -> sp.Expr:
    """Rewrite every gamma(z) as exp(lgamma(z)) and merge the exponentials,
    so a ratio of gamma functions becomes exp(lgamma(a) - lgamma(b)).

    Examples
    --------
    >>> loggamma_form(sp.gamma(symbols.d) / sp.gamma(symbols.d + 1))
    exp(lgamma(d) - lgamma(d + 1))
    """
    rewritten = expr.replace(sp.gamma, lambda z: sp.exp(_LOGGAMMA(z)))
    return sp.powsimp(rewritten, combine="exp")


def compile_expression(expr: sp.Expr, variable: sp.Symbol) -> Callable:
    """lambdify ``expr`` (after :func:`loggamma_form`) in ``variable`` to an
    mpmath function returning a Python float, evaluated at ``WORKING_DIGITS``.

    Examples
    --------
    >>> f = compile_expression(sp.gamma(symbols.d + 1), symbols.d)
    >>> f(4)
    24.0
    """
    fn = sp.lambdify(variable, loggamma_form(expr), modules=[{"lgamma": mpmath.loggamma}, "mpmath"])

    def evaluate(value) -> float:
        with mpmath.workdps(WORKING_DIGITS):
            return float(fn(mpmath.mpf(value)))

    return evaluate


def _integer_dims(d, name: str = "d") -> tuple[list[int], tuple, bool]:
    """Validate an integer or array of integers >= 1 (any size: Python ints,
    numpy integers, or floats holding integers such as 1e300); return (the
    values as Python ints, their shape, is_scalar)."""
    if isinstance(d, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer >= 1 or an array of them, got {d!r}")
    arr = np.asarray(d, dtype=object) if isinstance(d, int) else np.asarray(d)
    if arr.dtype != object and not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be an integer >= 1 or an array of them, got {d!r}")
    values = []
    for v in arr.ravel().tolist():
        if isinstance(v, bool) or not isinstance(v, (numbers.Integral, float)):
            raise TypeError(f"{name} must be an integer >= 1 or an array of them, got {v!r}")
        if isinstance(v, float) and not (math.isfinite(v) and v == math.floor(v)):
            raise ValueError(f"{name} must be an integer >= 1, got {v}")
        if v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v}")
        values.append(int(v))
    return values, arr.shape, arr.ndim == 0


def _thresholds(tau, name: str = "tau") -> tuple[np.ndarray, bool]:
    if isinstance(tau, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number >= 0 or an array of them, got {tau!r}")
    arr = np.asarray(tau)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a real number >= 0 or an array of them, got {tau!r}")
    arr = arr.astype(np.float64)
    bad = ~(arr >= 0) | ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be a finite real number >= 0, got {arr[bad].flat[0]}")
    return arr, arr.ndim == 0


def _apply(fn: Callable, values: list, shape: tuple, scalar: bool):
    out = np.array([fn(v) for v in values], dtype=np.float64).reshape(shape)
    return float(out) if scalar else out


def _by_size(direct: Callable, series: Callable) -> Callable:
    """``direct`` up to ``ASYMPTOTIC_MIN_D``, ``series`` above."""
    return lambda d: direct(d) if d <= ASYMPTOTIC_MIN_D else series(d)


_mean_direct = compile_expression(MEAN_COS, symbols.d)
_var_direct = compile_expression(VAR_COS, symbols.d)
_mean_series = compile_expression(MEAN_COS_ASYMPTOTIC, symbols.d)
_var_series = compile_expression(VAR_COS_ASYMPTOTIC, symbols.d)
_MEAN_COS_FN = _by_size(_mean_direct, _mean_series)
_VAR_COS_FN = _by_size(_var_direct, _var_series)
_PAIR_VAR_COS_FN = compile_expression(PAIR_VAR_COS, symbols.d)
_TERNARY_COS_FN = compile_expression(TERNARY_COS, symbols.tau)

TERNARY_COS_ZERO_TAU = 64.0
"""Thresholds above this one are evaluated at it: the ternary cosine falls
for every tau beyond ``TERNARY_TAU_OPT`` and is already 0.0 in double
precision here (about 1e-445), while mpmath's erfc overflows near tau =
1e155."""


def mean_cos_value(d):
    """E[cos angle(w, sign w)] = sqrt(d/pi) Gamma(d/2) / Gamma((d+1)/2) as floats.

    Parameters
    ----------
    d : int or array of int, >= 1
        any size (``2**63``, ``1e300``): above ``ASYMPTOTIC_MIN_D`` the
        series in 1/d answers.

    Examples
    --------
    >>> round(mean_cos_value(2), 15) == round(2 * math.sqrt(2) / math.pi, 15)
    True
    """
    return _apply(_MEAN_COS_FN, *_integer_dims(d))


def var_cos_value(d):
    """Var[cos angle(w, sign w)] = (1 + 2(d-1)/pi)/d - mean_cos(d)^2 as floats.

    Examples
    --------
    >>> var_cos_value(1)
    0.0
    >>> var_cos_value([10, 100]).round(6).tolist()
    [0.003753, 0.000443]
    """
    return _apply(_VAR_COS_FN, *_integer_dims(d))


def pair_var_cos_value(d):
    """Var[cos angle(u, v)] = 1/d for independent rotation-invariant u, v, as floats.

    Examples
    --------
    >>> pair_var_cos_value(4)
    0.25
    """
    return _apply(_PAIR_VAR_COS_FN, *_integer_dims(d))


def ternary_cos_value(tau):
    """sqrt(2/pi) exp(-tau^2/2) / sqrt(erfc(tau/sqrt(2))) as floats, tau >= 0.

    Examples
    --------
    >>> round(ternary_cos_value(0.0), 12)
    0.797884560803
    >>> ternary_cos_value([0.0, TERNARY_TAU_OPT_VALUE]).round(6).tolist()
    [0.797885, 0.899903]
    >>> ternary_cos_value([40.0, 1e300]).tolist()
    [1.082287819434814e-173, 0.0]
    """
    arr, scalar = _thresholds(tau)
    arr = np.minimum(arr, TERNARY_COS_ZERO_TAU)
    return _apply(_TERNARY_COS_FN, arr.ravel().tolist(), arr.shape, scalar)


def _float(expr: sp.Expr) -> float:
    return float(sp.N(expr, WORKING_DIGITS))


LIMIT_COS_VALUE: float = _float(LIMIT_COS)
"""sqrt(2/pi) as a float (about 0.7979)."""

LIMIT_ANGLE_VALUE: float = _float(LIMIT_ANGLE)
"""arccos(sqrt(2/pi)) in radians (about 0.6470)."""

LIMIT_ANGLE_DEG: float = _float(LIMIT_ANGLE * 180 / sp.pi)
"""arccos(sqrt(2/pi)) in degrees (about 37.07)."""

VAR_COS_LEADING_VALUE: float = _float(VAR_COS_LEADING)
"""lim d Var[cos angle(w, sign w)] = 1 - 3/pi (about 0.04507)."""

ANGLE_SD_LEADING_DEG: float = _float(ANGLE_SD_LEADING * 180 / sp.pi)
"""lim sqrt(d) SD[angle(w, sign w)] in degrees (about 20.2)."""

TERNARY_TAU_OPT_VALUE: float = _float(TERNARY_TAU_OPT)
"""The cosine-maximising ternary threshold (about 0.6120) in units of sigma."""

TERNARY_COS_OPT_VALUE: float = _float(TERNARY_COS_OPT)
"""The largest ternary cosine (about 0.8999)."""

TERNARY_ANGLE_OPT_DEG: float = _float(TERNARY_ANGLE_OPT * 180 / sp.pi)
"""The smallest ternary angle in degrees (about 25.85)."""
