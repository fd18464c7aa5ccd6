"""Losses: float32-input kernels against the float64 references (the kernels
accumulate in float64, so the loss differs by float64 rounding only and the
gradient by one float32 rounding), the stated normalizations, edge rows,
gradients against central differences, and the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.bnn.layers.losses import (
    softmax_cross_entropy,
    softmax_cross_entropy_reference,
    squared_hinge_loss,
    squared_hinge_loss_reference,
)
from tests.bingeo.bnn.test_layers_support import check_directional_derivatives, float32_arrays
from tests.tolerances import EPS32, sum_rtol

F32 = np.float32


def _check_hinge(out, targets):
    loss, dout = squared_hinge_loss(out, targets)
    loss_ref, dout_ref = squared_hinge_loss_reference(out.astype(np.float64), targets.astype(np.float64))
    assert isinstance(loss, float) and dout.dtype == np.float32
    margin_sq = np.maximum(0.0, 1.0 - targets.astype(np.float64) * out) ** 2
    assert abs(loss - loss_ref) <= sum_rtol(out.size, 16) * float(np.mean(margin_sq))
    assert np.all(np.abs(dout - dout_ref) <= EPS32 * np.abs(dout_ref))


def _check_softmax(out, labels):
    loss, dout = softmax_cross_entropy(out, labels)
    loss_ref, dout_ref = softmax_cross_entropy_reference(out.astype(np.float64), labels)
    assert isinstance(loss, float) and dout.dtype == np.float32
    n, m = out.shape
    size = 1.0 + 2.0 * float(np.max(np.abs(out)))  # |o - max| + log z, per term
    assert abs(loss - loss_ref) <= sum_rtol(n * m, 16) * size
    assert np.all(np.abs(dout - dout_ref) <= EPS32 * np.abs(dout_ref) + sum_rtol(m, 16) * size / n)


def test_squared_hinge_normalization_is_mean_over_all_entries():
    out = np.array([[0.0, 0.5, -3.0], [2.0, -1.0, 1.0]], F32)
    targets = np.array([[1, 1, -1], [1, -1, -1]], F32)
    # margins: 1, 0.5, 0 | 0, 0, 2  -> squares 1, 0.25, 0, 0, 0, 4 -> mean / 6
    loss, dout = squared_hinge_loss(out, targets)
    assert loss == pytest.approx(5.25 / 6, rel=sum_rtol(6))
    # dout = -2 t margin / 6
    np.testing.assert_allclose(dout, np.array([[-2, -1, 0], [0, 0, 4]]) / 6, rtol=EPS32)
    _check_hinge(out, targets)


def test_squared_hinge_at_the_margin_has_zero_gradient():
    targets = np.array([[1, -1], [-1, 1]], F32)
    loss, dout = squared_hinge_loss(targets.copy(), targets)  # t * out == 1 exactly
    assert loss == 0.0 and np.all(dout == 0.0)


def test_softmax_cross_entropy_values_and_stability():
    out = np.array([[0.0, 0.0], [1e4, -1e4], [-50.0, 50.0]], F32)
    labels = np.array([1, 0, 0])
    loss, dout = softmax_cross_entropy(out, labels)
    # log 2, 0 (certain and right), 100 (certain and wrong); mean over rows
    assert loss == pytest.approx((np.log(2) + 0 + 100) / 3, rel=sum_rtol(6, 16))
    np.testing.assert_allclose(dout[0], [0.5 / 3, -0.5 / 3], rtol=EPS32)
    assert np.all(np.isfinite(dout))
    np.testing.assert_allclose(dout.sum(axis=1), 0.0, atol=EPS32)
    _check_softmax(out, labels)
    for dtype in (np.int32, np.uint8, np.int64):
        assert softmax_cross_entropy(out, labels.astype(dtype))[0] == loss


@settings(deadline=None, max_examples=40)
@given(
    st.tuples(st.integers(1, 6), st.integers(1, 6)).flatmap(
        lambda s: st.tuples(
            float32_arrays(s, -8.0, 8.0),
            st.lists(st.sampled_from([-1.0, 1.0]), min_size=s[0] * s[1], max_size=s[0] * s[1]),
            st.lists(st.integers(0, s[1] - 1), min_size=s[0], max_size=s[0]),
        )
    )
)
def test_hypothesis_matches_references(case):
    out, signs, labels = case
    _check_hinge(out, np.array(signs, F32).reshape(out.shape))
    _check_softmax(out, np.array(labels))


def test_squared_hinge_gradient_matches_central_differences():
    # Away from the kink (|1 - t o| > 1e-3, a hundred steps) the loss is a
    # quadratic along any direction: third derivative 0, rounding only.
    rng = np.random.default_rng(12)
    out = rng.uniform(-2, 2, (6, 5))
    targets = np.where(rng.random((6, 5)) < 0.5, -1.0, 1.0)
    assert np.min(np.abs(1 - targets * out)) > 1e-3
    loss, dout = squared_hinge_loss_reference(out, targets)
    check_directional_derivatives(
        lambda o: squared_hinge_loss_reference(o, targets)[0], [out], [dout],
        n_terms=out.size, magnitude=float(np.sum((1 + np.abs(out)) ** 2)),
    )


def test_softmax_cross_entropy_gradient_matches_central_differences():
    # The third derivative of logsumexp along v is the third central moment
    # of v under the softmax, at most (max v - min v)**3 <= (2 * 6)**3 for the
    # standard normal directions used (|v| < 6); the mean over rows keeps
    # that bound for the loss.
    rng = np.random.default_rng(13)
    out = 3 * rng.standard_normal((5, 7))
    labels = rng.integers(0, 7, 5)
    loss, dout = softmax_cross_entropy_reference(out, labels)
    check_directional_derivatives(
        lambda o: softmax_cross_entropy_reference(o, labels)[0], [out], [dout],
        n_terms=out.size, magnitude=float(np.sum(np.abs(out))) + out.size, curvature=12.0**3,
    )


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: squared_hinge_loss(np.zeros((2, 3)), np.ones((2, 3), F32)), TypeError, "out"),
        (lambda: squared_hinge_loss(np.zeros((2, 3), F32), np.ones((2, 2), F32)), ValueError, "targets"),
        (lambda: squared_hinge_loss(np.zeros((2, 3), F32), np.zeros((2, 3), F32)), ValueError, "targets"),
        (lambda: squared_hinge_loss(np.zeros((0, 3), F32), np.zeros((0, 3), F32)), ValueError, "out"),
        (lambda: softmax_cross_entropy(np.zeros((2, 3), F32), np.array([0.0, 1.0])), TypeError, "labels"),
        (lambda: softmax_cross_entropy(np.zeros((2, 3), F32), np.array([0, 1, 2])), ValueError, "labels"),
        (lambda: softmax_cross_entropy(np.zeros((2, 3), F32), np.array([0, 3])), ValueError, "labels"),
        (lambda: softmax_cross_entropy(np.zeros((2, 3), F32), np.array([-1, 0])), ValueError, "labels"),
        (lambda: softmax_cross_entropy(np.zeros(3, F32), np.array([0])), ValueError, "out"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()
