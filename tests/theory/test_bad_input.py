"""One table of invalid calls: each raises, and the message names the argument."""

import math

import mpmath

import numpy as np
import pytest
import sympy as sp
from sympy.stats import Cauchy, Normal, StudentT

import theory

INVALID = [
    (theory.mean_cos, (0,), ValueError, "d must be an integer >= 1"),
    (theory.mean_cos, (-3,), ValueError, "d must be an integer >= 1"),
    (theory.var_cos, (2.5,), ValueError, "d must be an integer >= 1"),
    (theory.var_cos, ("ten",), TypeError, "d must be"),
    (theory.mean_cos, (True,), TypeError, "d must be"),
    (theory.pair_var_cos, (0,), ValueError, "d must be an integer >= 1"),
    (theory.pair_cos_density, (1,), ValueError, "d must be an integer >= 2"),
    (theory.mean_cos_value, (0,), ValueError, "d must be an integer >= 1"),
    (theory.mean_cos_value, (np.array([5, 0]),), ValueError, "d must be an integer >= 1"),
    (theory.var_cos_value, (2.5,), ValueError, "d must be an integer >= 1"),
    (theory.var_cos_value, (np.array([1.0, math.nan]),), ValueError, "d must be an integer >= 1"),
    (theory.pair_var_cos_value, (-1,), ValueError, "d must be an integer >= 1"),
    (theory.pair_var_cos_value, ("5",), TypeError, "d must be"),
    (theory.mean_cos_value, (np.bool_(True),), TypeError, "d must be"),
    (theory.ternary_cos, (-0.1,), ValueError, "tau must be a real number >= 0"),
    (theory.ternary_zero_fraction, (-1,), ValueError, "tau must be a real number >= 0"),
    (theory.ternary_cos_value, (-1e-9,), ValueError, "tau must be a finite real number >= 0"),
    (theory.ternary_cos_value, (math.nan,), ValueError, "tau must be a finite real number >= 0"),
    (theory.ternary_cos_value, (np.array([0.5, math.inf]),), ValueError, "tau must be a finite real number >= 0"),
    (theory.limit_cos, (Cauchy("C", 0, 1),), ValueError, "X must have a finite second moment"),
    (theory.limit_cos, (StudentT("T", 2),), ValueError, "X must have a finite second moment"),
    (theory.limit_cos_value, (StudentT("T", 1),), ValueError, "X must have a finite second moment"),
    (theory.limit_cos, (Normal("X", 0, 1), 3), TypeError, "q must be a callable"),
    (theory.limit_cos, (Normal("X", 0, 1), lambda x: 0), ValueError, "q: q(X) = 0"),
    (theory.limit_cos_value, (StudentT("T", theory.symbols.nu),), ValueError, "X: the limit depends on free parameters"),
    (theory.dot_corr, ("bias",), ValueError, "key must be one of 'weights', 'activations', 'both'"),
    (theory.dot_corr_value, ("",), ValueError, "key must be one of"),
    (theory.anisotropic_cos_value, ([],), ValueError, "eigenvalues must be a non-empty"),
    (theory.anisotropic_cos_value, ([1.0, -1.0],), ValueError, "eigenvalues must be finite, >= 0"),
    (theory.anisotropic_cos_value, ([0.0, 0.0],), ValueError, "eigenvalues must be finite, >= 0 and not all zero"),
    (theory.anisotropic_cos, ([],), ValueError, "eigenvalues must be a non-empty"),
    (theory.metric_cos_value, ([0.0, 0.0], [1.0, 1.0]), ValueError, "w, q: w' C w and q' C q must be > 0"),
    (theory.metric_cos_value, ([1.0, 2.0], [1.0]), ValueError, "w and q must be 1-D arrays of the same length"),
    (theory.metric_cos_value, ([1.0, 2.0], [1.0, 1.0], np.eye(3)), ValueError, "C must be a 2 x 2 matrix"),
    (theory.metric_cos_value, ([1.0, math.inf], [1.0, 1.0]), ValueError, "w, q: entries must be finite"),
    (theory.metric_cos, (sp.Matrix([1, 2]), sp.Matrix([1])), ValueError, "w and q must be column vectors"),
]


@pytest.mark.parametrize("fn, args, exc, message", INVALID, ids=[f"{f.__name__}-{i}" for i, (f, *_ ) in enumerate(INVALID)])
def test_invalid_call_raises_naming_the_argument(fn, args, exc, message):
    with pytest.raises(exc) as info:
        fn(*args)
    assert message in str(info.value)


def test_edge_values_that_are_valid():
    assert theory.ternary_cos_value(0.0) == theory.ternary_cos_value(-0.0)
    assert theory.mean_cos_value(np.int32(1)) == 1.0
    assert theory.var_cos_value(3.0) == theory.var_cos_value(3)
    assert theory.mean_cos(sp.Integer(2)) == theory.mean_cos(2)


@pytest.mark.parametrize("d", [10**30, 2**63, 2**64 + 1, 10**300, 1e300, np.float64(1e18), 10**1000],
                         ids=["1e30", "2^63", "2^64+1", "10^300", "1e300 float", "1e18 numpy", "10^1000"])
def test_numeric_functions_answer_for_any_dimension(d):
    # the direct gamma ratio overflows int64 or mpmath's working precision
    # there; the asymptotic series in 1/d answers
    mean, var, pair = theory.mean_cos_value(d), theory.var_cos_value(d), theory.pair_var_cos_value(d)
    assert math.isclose(mean, theory.LIMIT_COS_VALUE, rel_tol=1e-15)
    inv_d = float(mpmath.mpf(1) / mpmath.mpf(d))
    assert math.isclose(pair, inv_d, rel_tol=1e-15) or (inv_d == 0.0 and pair == 0.0)
    if inv_d > 0:
        assert math.isclose(var / inv_d, theory.VAR_COS_LEADING_VALUE, rel_tol=1e-12)
    else:
        assert var == 0.0


@pytest.mark.parametrize("spec", ["normal", 3, None])
def test_limit_cos_value_says_what_it_accepts(spec):
    with pytest.raises(TypeError, match=r"^X must be a sympy.stats random variable.*got"):
        theory.limit_cos_value(spec)
    with pytest.raises(TypeError, match=r"^X must be a sympy.stats random variable"):
        theory.limit_cos(spec)
