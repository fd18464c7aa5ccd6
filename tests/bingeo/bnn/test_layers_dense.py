"""Dense layer: kernels against the numpy reference (for each kernel the
values select: float, +-1 inputs, +-1 weights, both), gradients against
float64 central differences, binary exactness, and the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.bnn.layers.dense import (
    dense_backward,
    dense_backward_reference,
    dense_forward,
    dense_forward_reference,
)
from tests.bingeo.bnn.test_layers_support import (
    assert_sums_close32,
    check_directional_derivatives,
    float32_arrays,
    random_float32,
)


def _check_against_reference(x, w, dy):
    k, m, n = x.shape[1], w.shape[1], x.shape[0]
    ax, aw, ady = (np.abs(a.astype(np.float64)) for a in (x, w, dy))
    assert_sums_close32(dense_forward(x, w), dense_forward_reference(x, w), ax @ aw, k)
    dx, dw = dense_backward(x, w, dy)
    dx_ref, dw_ref = dense_backward_reference(x, w, dy)
    assert dx.dtype == np.float32 and dw.dtype == np.float32
    assert_sums_close32(dx, dx_ref, ady @ aw.T, m)
    assert_sums_close32(dw, dw_ref, ax.T @ ady, n)


def test_hand_written_case():
    x = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 4.0]], np.float32)
    w = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 3.0]], np.float32)
    np.testing.assert_array_equal(dense_forward(x, w), [[5.0, -4.0], [0.5, 11.5]])
    dy = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    dx, dw = dense_backward(x, w, dy)
    np.testing.assert_array_equal(dx, [[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])
    np.testing.assert_array_equal(dw, [[1.0, 0.5], [2.0, 0.0], [-1.0, 4.0]])


def test_random_and_edge_rows_match_reference():
    rng = np.random.default_rng(1)
    x = random_float32(rng, (9, 70))
    x[0] = 0.0  # an all-zero row
    x[1] = -0.0  # negative zeros
    x[2, ::2] = 0.0
    w = random_float32(rng, (70, 13))
    w[:, 3] = 0.0  # an all-zero column
    dy = random_float32(rng, (9, 13))
    dy[4] = 0.0
    _check_against_reference(x, w, dy)
    y = dense_forward(x, w)
    assert np.all(y[0] == 0.0) and np.all(y[:, 3] == 0.0)


@settings(deadline=None, max_examples=40)
@given(
    st.tuples(st.integers(1, 6), st.integers(1, 24), st.integers(1, 7)).flatmap(
        lambda s: st.tuples(
            float32_arrays((s[0], s[1])),
            float32_arrays((s[1], s[2])),
            float32_arrays((s[0], s[2])),
        )
    )
)
def test_hypothesis_shapes_match_reference(arrays):
    _check_against_reference(*arrays)


def test_binary_inputs_and_weights_are_exact():
    # +-1 products summed in float32 are integers of size <= K < 2**24: exact.
    rng = np.random.default_rng(2)
    x = np.where(rng.random((16, 5000)) < 0.5, -1.0, 1.0).astype(np.float32)
    w = np.where(rng.random((5000, 9)) < 0.5, -1.0, 1.0).astype(np.float32)
    exact = x.astype(np.int64) @ w.astype(np.int64)
    np.testing.assert_array_equal(dense_forward(x, w), exact.astype(np.float32))


def _plus_minus_one(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


@pytest.mark.parametrize("n, k, m", [(9, 70, 13), (1, 1, 1), (5, 6, 300), (33, 4, 2)])
def test_plus_minus_one_operands_match_reference(n, k, m):
    # each kernel the values select (+-1 inputs, +-1 weights, both) against
    # the reference, within the same summation bounds
    rng = np.random.default_rng(n * 100 + k + m)
    x, w, dy = random_float32(rng, (n, k)), random_float32(rng, (k, m)), random_float32(rng, (n, m))
    sx, sw = _plus_minus_one(rng, (n, k)), _plus_minus_one(rng, (k, m))
    for a, b in ((sx, w), (x, sw), (sx, sw)):
        _check_against_reference(a, b, dy)


@settings(deadline=None, max_examples=30)
@given(
    st.tuples(st.integers(1, 6), st.integers(1, 24), st.integers(1, 7)).flatmap(
        lambda s: st.tuples(
            hnp.arrays(np.float32, (s[0], s[1]), elements=st.sampled_from([-1.0, 1.0])),
            float32_arrays((s[1], s[2])),
            float32_arrays((s[0], s[2])),
        )
    )
)
def test_hypothesis_plus_minus_one_inputs_match_reference(arrays):
    x, w, dy = arrays
    _check_against_reference(x, w, dy)
    _check_against_reference(x, np.where(w >= 0, 1.0, -1.0).astype(np.float32), dy)


def test_backward_matches_central_differences():
    # L(x, w) = sum(r * x w) is linear in x and in w separately, so the central
    # difference has no truncation error: only rounding (fd_atol, curvature 0).
    rng = np.random.default_rng(3)
    x, w, r = rng.standard_normal((5, 8)), rng.standard_normal((8, 4)), rng.standard_normal((5, 4))

    def loss(x, w):
        return float(np.sum(r * dense_forward_reference(x, w)))

    dx, dw = dense_backward_reference(x, w, r)
    magnitude = float(np.sum(np.abs(r) * (np.abs(x) @ np.abs(w))))
    check_directional_derivatives(
        loss, [x, w], [dx, dw], n_terms=x.size * w.shape[1], magnitude=magnitude
    )


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: dense_forward(np.zeros((2, 3)), np.zeros((3, 2), np.float32)), TypeError, "x"),
        (lambda: dense_forward(np.zeros((2, 3), np.float32), [[1.0]]), TypeError, "w"),
        (lambda: dense_forward(np.zeros((2, 3, 1), np.float32), np.zeros((3, 2), np.float32)), ValueError, "x"),
        (lambda: dense_forward(np.zeros((2, 3), np.float32), np.zeros((4, 2), np.float32)), ValueError, "w"),
        (lambda: dense_forward(np.zeros((2, 3), np.float32).T, np.zeros((2, 2), np.float32)), ValueError, "x"),
        (lambda: dense_forward(np.zeros((0, 3), np.float32), np.zeros((3, 2), np.float32)), ValueError, "x"),
        (lambda: dense_backward(np.zeros((2, 3), np.float32), np.zeros((3, 2), np.float32), np.zeros((2, 3), np.float32)), ValueError, "dy"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()


def test_weight_gradient_alone_is_the_same():
    # input_grad=False (a network's first layer) skips dx and changes no bit of dw
    rng = np.random.default_rng(13)
    x, dy = random_float32(rng, (5, 7)), random_float32(rng, (5, 3))
    for w in (random_float32(rng, (7, 3)), _plus_minus_one(rng, (7, 3))):
        dx, dw = dense_backward(x, w, dy, input_grad=False)
        assert dx is None
        np.testing.assert_array_equal(dw, dense_backward(x, w, dy)[1])
