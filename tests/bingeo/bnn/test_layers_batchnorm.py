"""Batch normalization: float32 kernels against the float64 reference, with
and without beta, dense and convolutional layouts, edge rows (constant
features, a batch of one, -0.0, a large common offset), gradients against
float64 central differences, and the argument checks.

The kernels accumulate in float64 and round once to float32, so they are
compared with the reference run in float64 on the same (float32-valued)
inputs: the bound is one float32 rounding of the result (``EPS32`` relative,
plus ``TINY32`` where the result falls among the subnormals) plus the float64
accumulation error ``sum_rtol(count, 16)`` times the size of the terms.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.bnn.layers.batchnorm import (
    BatchNormCache,
    batchnorm_backward,
    batchnorm_backward_reference,
    batchnorm_forward_eval,
    batchnorm_forward_eval_reference,
    batchnorm_forward_train,
    batchnorm_forward_train_reference,
)
from tests.bingeo.bnn.test_layers_support import TINY32, check_directional_derivatives, float32_arrays
from tests.tolerances import EPS32, sum_rtol

EPS = 1e-5


def _per_feature(v, x):
    return np.asarray(v, np.float64).reshape((1, -1) + (1,) * (x.ndim - 2))


def _axes(x):
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _assert_within(actual, expected, bound, what):
    """|actual - expected| <= bound + TINY32 (the float32 rounding of the
    result may land on the subnormal grid)."""
    actual = np.asarray(actual, np.float64)
    err = np.abs(actual - expected)
    bound = bound + TINY32
    assert np.all(err <= bound), f"{what}: max excess {np.max(err - bound)}"


def _check_against_reference(x, beta, dy):
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    beta64 = None if beta is None else beta.astype(np.float64)
    count = x.size // x.shape[1]
    acc = sum_rtol(count, 16)  # float64 accumulation over one feature

    y, mean, var, cache = batchnorm_forward_train(x, beta, EPS)
    y_ref, mean_ref, var_ref, cache_ref = batchnorm_forward_train_reference(x64, beta64, EPS)
    assert y.dtype == mean.dtype == var.dtype == np.float32
    big = np.max(np.abs(x64), axis=_axes(x))  # largest |x| per feature
    inv = cache_ref.inv_std
    _assert_within(mean, mean_ref, EPS32 * np.abs(mean_ref) + acc * big, "mean")
    _assert_within(var, var_ref, EPS32 * np.abs(var_ref) + acc * big**2, "var")
    scale = _per_feature(big * inv, x)  # |x - mean| * inv_std <= 2 * scale
    shift = 0.0 if beta is None else np.abs(_per_feature(beta64, x))
    term = acc * (2 * scale * (1 + 2 * scale) + shift)
    _assert_within(y, y_ref, EPS32 * np.abs(y_ref) + term, "y")
    _assert_within(cache.xhat, cache_ref.xhat, EPS32 * np.abs(cache_ref.xhat) + term, "xhat")

    # Backward from the float32 cache against the exact float64 one: xhat and
    # inv_std carry one float32 rounding each, dx one more.
    dx, dbeta = batchnorm_backward(dy, cache)
    dx_ref, dbeta_ref = batchnorm_backward_reference(dy64, cache_ref)
    axes = _axes(x)
    xhat = cache_ref.xhat
    mean_dy = np.abs(dy64.mean(axis=axes, keepdims=True))
    mean_dy_xhat = np.abs(dy64 * xhat).mean(axis=axes, keepdims=True)
    size = _per_feature(inv, x) * (np.abs(dy64) + mean_dy + 2 * np.abs(xhat) * mean_dy_xhat)
    _assert_within(dx, dx_ref, EPS32 * np.abs(dx_ref) + (EPS32 + acc) * size, "dx")
    if beta is None:
        assert dbeta is None and dbeta_ref is None
    else:
        sum_abs = np.abs(dy64).sum(axis=axes)
        _assert_within(dbeta, dbeta_ref, EPS32 * np.abs(dbeta_ref) + acc * sum_abs, "dbeta")


def test_hand_written_case():
    x = np.array([[1.0, -2.0], [3.0, -2.0], [5.0, -2.0]], np.float32)
    y, mean, var, cache = batchnorm_forward_train(x, np.array([0.5, 1.0], np.float32), EPS)
    np.testing.assert_array_equal(mean, [3.0, -2.0])
    np.testing.assert_allclose(var, [8.0 / 3.0, 0.0], rtol=EPS32)
    k = 1.0 / np.sqrt(8.0 / 3.0 + EPS)
    np.testing.assert_allclose(y[:, 0], [0.5 - 2 * k, 0.5, 0.5 + 2 * k], rtol=2 * EPS32)
    # a constant feature normalizes to 0 and outputs beta exactly
    np.testing.assert_array_equal(y[:, 1], [1.0, 1.0, 1.0])
    dx, dbeta = batchnorm_backward(np.ones((3, 2), np.float32), cache)
    np.testing.assert_array_equal(dbeta, [3.0, 3.0])
    np.testing.assert_allclose(dx, 0.0, atol=4 * EPS32)


@pytest.mark.parametrize("with_beta", [False, True])
@pytest.mark.parametrize("shape", [(16, 7), (5, 3, 4, 6)])
def test_random_and_edge_rows_match_reference(shape, with_beta):
    rng = np.random.default_rng(9)
    x = rng.standard_normal(shape).astype(np.float32)
    x[:, 0] = 2.5  # constant feature: variance 0
    x[0, 1] = -0.0
    x[:, 2] = 1e4 + x[:, 2]  # a large offset (float32 sums would lose digits)
    beta = rng.standard_normal(shape[1]).astype(np.float32) if with_beta else None
    dy = rng.standard_normal(shape).astype(np.float32)
    dy[1] = 0.0
    _check_against_reference(x, beta, dy)


def test_batch_of_one_and_all_zero():
    x = np.zeros((1, 3, 2, 2), np.float32)
    x[0, 1] = [[1.0, 2.0], [3.0, 4.0]]
    y, mean, var, cache = batchnorm_forward_train(x, None, EPS)
    assert np.all(y[0, 0] == 0.0) and var[0] == 0.0
    _check_against_reference(x, None, np.ones_like(x))
    dense = np.full((1, 4), 3.0, np.float32)  # N = 1: every feature is constant
    y, mean, var, cache = batchnorm_forward_train(dense, np.ones(4, np.float32), EPS)
    np.testing.assert_array_equal(y, np.ones((1, 4)))
    np.testing.assert_array_equal(var, np.zeros(4))


@settings(deadline=None, max_examples=30)
@given(
    st.one_of(
        st.tuples(st.integers(1, 6), st.integers(1, 5)),
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)),
    ).flatmap(
        lambda s: st.tuples(
            float32_arrays(s),
            st.none() | float32_arrays((s[1],)),
            float32_arrays(s),
        )
    )
)
def test_hypothesis_shapes_match_reference(arrays):
    _check_against_reference(*arrays)


@pytest.mark.parametrize("with_beta", [False, True])
@pytest.mark.parametrize("shape", [(9, 4), (3, 2, 3, 3)])
def test_eval_matches_reference(shape, with_beta):
    rng = np.random.default_rng(10)
    x = rng.standard_normal(shape).astype(np.float32)
    rm = rng.standard_normal(shape[1]).astype(np.float32)
    rv = rng.uniform(0, 2, shape[1]).astype(np.float32)
    rv[0] = 0.0
    beta = rng.standard_normal(shape[1]).astype(np.float32) if with_beta else None
    y = batchnorm_forward_eval(x, rm, rv, beta, EPS)
    y_ref = batchnorm_forward_eval_reference(
        x.astype(np.float64), rm.astype(np.float64), rv.astype(np.float64),
        None if beta is None else beta.astype(np.float64), EPS,
    )
    # float64 arithmetic, one float32 rounding of the result
    _assert_within(y, y_ref, EPS32 * np.abs(y_ref) + sum_rtol(4) * (np.abs(y_ref) + 1), "y")


@pytest.mark.parametrize("with_beta", [False, True])
@pytest.mark.parametrize("shape", [(6, 3), (3, 2, 3, 2)])
def test_backward_matches_central_differences(shape, with_beta):
    # L(x, beta) = sum(r * y).  Along a direction v with centred part u and
    # q = mean(u**2) per feature, y_i = (x_i - m + t u_i) / s(t), and the
    # third derivative obeys |L'''| <= sum |r| (30 |xhat| + 12 |u| / sqrt(q))
    # q**1.5 / s**3 (Cauchy-Schwarz on the variance's slope).  The directions
    # are standard normal, so q < 4 and |u| / sqrt(q) < 6 here; that gives the
    # curvature below.  L is linear in beta: no truncation there.
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape)
    beta = rng.standard_normal(shape[1]) if with_beta else None
    r = rng.standard_normal(shape)
    y, _, _, cache = batchnorm_forward_train_reference(x, beta, EPS)
    dx, dbeta = batchnorm_backward_reference(r, cache)

    def loss(x, beta=None):
        return float(np.sum(r * batchnorm_forward_train_reference(x, beta, EPS)[0]))

    inv = float(np.max(cache.inv_std))
    curvature = float(np.sum(np.abs(r) * (30 * np.abs(cache.xhat) + 72))) * 8 * inv**3
    count = x.size // x.shape[1]
    magnitude = float(np.sum(np.abs(r) * (np.abs(y) + 1))) * (1 + np.max(np.abs(x)) * inv) * count
    args, grads = ([x, beta], [dx, dbeta]) if with_beta else ([x], [dx])
    check_directional_derivatives(
        loss, args, grads, n_terms=x.size, magnitude=magnitude, curvature=curvature
    )


F32 = np.float32


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: batchnorm_forward_train(np.zeros((2, 3)), None), TypeError, "x"),
        (lambda: batchnorm_forward_train(np.zeros((2, 3, 4), F32), None), ValueError, "x"),
        (lambda: batchnorm_forward_train(np.zeros((0, 3), F32), None), ValueError, "x"),
        (lambda: batchnorm_forward_train(np.zeros((2, 3), F32), np.zeros(4, F32)), ValueError, "beta"),
        (lambda: batchnorm_forward_train(np.zeros((2, 3), F32), None, 0.0), ValueError, "eps"),
        (lambda: batchnorm_forward_train(np.zeros((2, 3), F32), None, np.inf), ValueError, "eps"),
        (lambda: batchnorm_forward_eval(np.zeros((2, 3), F32), np.zeros(3), np.zeros(3, F32), None), TypeError, "running_mean"),
        (lambda: batchnorm_forward_eval(np.zeros((2, 3), F32), np.zeros(3, F32), np.zeros(2, F32), None), ValueError, "running_var"),
        (lambda: batchnorm_backward(np.zeros((2, 3), F32), (1, 2, 3)), TypeError, "cache"),
        (lambda: batchnorm_backward(np.zeros((2, 4), F32),
                                    BatchNormCache(np.zeros((2, 3), F32), np.ones(3, F32), False)), ValueError, "dy"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()
