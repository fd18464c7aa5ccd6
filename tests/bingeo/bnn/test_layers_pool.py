"""2x2 max pooling: kernels against the numpy reference (exact: no
arithmetic, only selection), ties, NaN, odd sizes, the gradient against
float64 central differences away from ties, and the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.bnn.layers.pool import (
    maxpool2d_backward,
    maxpool2d_backward_reference,
    maxpool2d_forward,
    maxpool2d_forward_reference,
)
from tests.bingeo.bnn.test_layers_support import check_directional_derivatives


def _check_against_reference(x, dy_seed=0):
    y, argmax = maxpool2d_forward(x)
    y_ref, argmax_ref = maxpool2d_forward_reference(x)
    assert y.dtype == np.float32 and argmax.dtype == np.int8
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(argmax, argmax_ref)
    dy = np.random.default_rng(dy_seed).standard_normal(y.shape).astype(np.float32)
    np.testing.assert_array_equal(
        maxpool2d_backward(dy, argmax, x.shape), maxpool2d_backward_reference(dy, argmax, x.shape)
    )


def test_ties_go_to_the_first_maximum():
    x = np.array(
        [[[[2, 2, 0, 5, -0.0, 0.0],
           [2, 2, 5, 5, 0.0, -0.0]]]],
        np.float32,
    )
    y, argmax = maxpool2d_forward(x)
    np.testing.assert_array_equal(y[0, 0], [[2, 5, 0]])
    np.testing.assert_array_equal(argmax[0, 0], [[0, 1, 0]])
    assert np.signbit(y[0, 0, 0, 2])  # -0.0 came first and ties with +0.0
    _check_against_reference(x)


def test_nan_wins_and_infinities_compare():
    x = np.array(
        [[[[1, np.nan, -np.inf, -np.inf, np.nan, np.nan],
           [np.inf, 2, -np.inf, -np.inf, 3, np.nan]]]],
        np.float32,
    )
    y, argmax = maxpool2d_forward(x)
    assert np.isnan(y[0, 0, 0, 0]) and argmax[0, 0, 0, 0] == 1
    assert y[0, 0, 0, 1] == -np.inf and argmax[0, 0, 0, 1] == 0
    assert np.isnan(y[0, 0, 0, 2]) and argmax[0, 0, 0, 2] == 0
    _check_against_reference(x)


def test_odd_sizes_drop_the_last_row_and_column():
    x = np.arange(2 * 3 * 5 * 7, dtype=np.float32).reshape(2, 3, 5, 7)
    y, argmax = maxpool2d_forward(x)
    assert y.shape == (2, 3, 2, 3)
    assert np.all(argmax == 3)  # increasing values: the lower-right one wins
    dx = maxpool2d_backward(np.ones(y.shape, np.float32), argmax, x.shape)
    assert dx.shape == x.shape
    assert np.all(dx[:, :, 4, :] == 0) and np.all(dx[:, :, :, 6] == 0)
    assert dx.sum() == y.size
    _check_against_reference(x)


@settings(deadline=None, max_examples=40)
@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(2, 7), st.integers(2, 7)),
        # few distinct values, so windows are full of ties
        elements=st.sampled_from([-1.0, -0.0, 0.0, 1.0, 2.0]),
    ),
    st.integers(0, 2**16),
)
def test_hypothesis_ties_match_reference(x, seed):
    _check_against_reference(x, seed)


def test_backward_matches_central_differences_away_from_ties():
    # Normal draws: the smallest gap inside a window is asserted to exceed
    # 1e-3, a hundred steps, so the winners do not change between x +- h v and
    # sum(r * maxpool(x)) is linear there: rounding error only (curvature 0).
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 6, 5))
    windows = np.sort(x[:, :, :6, :4].reshape(2, 3, 3, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4), axis=1)
    assert np.min(np.diff(windows, axis=1)) > 1e-3
    y, argmax = maxpool2d_forward_reference(x)
    r = rng.standard_normal(y.shape)
    check_directional_derivatives(
        lambda x: float(np.sum(r * maxpool2d_forward_reference(x)[0])),
        [x],
        [maxpool2d_backward_reference(r, argmax, x.shape)],
        n_terms=r.size,
        magnitude=float(np.sum(np.abs(r * y))),
    )


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: maxpool2d_forward(np.zeros((1, 1, 2, 2))), TypeError, "x"),
        (lambda: maxpool2d_forward(np.zeros((1, 2, 2), np.float32)), ValueError, "x"),
        (lambda: maxpool2d_forward(np.zeros((1, 1, 1, 4), np.float32)), ValueError, "x"),
        (lambda: maxpool2d_backward(np.zeros((1, 1, 1, 1)), np.zeros((1, 1, 1, 1), np.int8), (1, 1, 2, 2)), TypeError, "dy"),
        (lambda: maxpool2d_backward(np.zeros((1, 1, 1, 1), np.float32), np.zeros((1, 1, 1, 1), np.int8), (1, 1, 4, 2)), ValueError, "x_shape"),
        (lambda: maxpool2d_backward(np.zeros((1, 1, 1, 1), np.float32), np.zeros((1, 1, 1, 1), np.int8), 7), TypeError, "x_shape"),
        (lambda: maxpool2d_backward(np.zeros((1, 1, 1, 1), np.float32), np.zeros((1, 1, 1, 1), np.int64), (1, 1, 2, 2)), ValueError, "argmax"),
        (lambda: maxpool2d_backward(np.zeros((1, 1, 1, 1), np.float32), np.full((1, 1, 1, 1), 4, np.int8), (1, 1, 2, 2)), ValueError, "argmax"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()
