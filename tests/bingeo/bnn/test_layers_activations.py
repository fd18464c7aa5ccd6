"""Sign, ternary and hard tanh: kernels against the numpy references (exact,
elementwise), the sign and straight-through conventions at their edges, the
hard tanh gradient against central differences, and the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.bnn.layers import activations as act
from bingeo.testing.strategies import float_arrays
from tests.bingeo.bnn.test_layers_support import check_directional_derivatives

EDGES = np.array(
    [0.0, -0.0, 1.0, -1.0, np.nextafter(np.float32(1), np.float32(2)),
     -np.nextafter(np.float32(1), np.float32(2)), np.nextafter(np.float32(1), np.float32(0)),
     0.5, -0.5, 1e-45, -1e-45, 3.0, -3.0, np.inf, -np.inf, np.nan],
    np.float32,
)
"""+-0.0, exactly +-1, one ulp either side of 1, the ternary threshold 0.5,
subnormals, infinities and NaN."""

STRAIGHT_THROUGH = [act.sign_backward, act.ternary_backward, act.hardtanh_backward]


def _same(a, b):
    """Exact equality, NaN equal to NaN, dtype and shape checked."""
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


def test_sign_convention():
    y = act.sign_forward(EDGES)
    # sign(0) = +1 for +0.0 and -0.0; no zeros in the output.
    assert y[0] == 1.0 and y[1] == 1.0
    assert np.isnan(y[-1])
    assert set(np.unique(y[:-1])) == {-1.0, 1.0}
    _same(y, act.sign_forward_reference(EDGES))


def test_ternary_at_threshold_gives_zero():
    y = act.ternary_forward(EDGES, 0.5)
    expected = np.array([0, 0, 1, -1, 1, -1, 1, 0, 0, 0, 0, 1, -1, 1, -1, np.nan], np.float32)
    _same(y, expected)
    _same(y, act.ternary_forward_reference(EDGES, 0.5))
    # threshold 0: zero only at +-0.0
    y0 = act.ternary_forward(EDGES, 0.0)
    assert y0[0] == 0 and y0[1] == 0 and y0[9] == 1 and y0[10] == -1


def test_hardtanh_forward_edges():
    y = act.hardtanh_forward(EDGES)
    _same(y, act.hardtanh_forward_reference(EDGES))
    assert np.signbit(y[1])  # -0.0 passes through unchanged


@pytest.mark.parametrize("backward", STRAIGHT_THROUGH)
def test_straight_through_rule_is_inclusive_at_one(backward):
    dy = np.arange(1, EDGES.size + 1, dtype=np.float32)
    dx = backward(EDGES, dy)
    inside = np.array([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], bool)
    _same(dx, np.where(inside, dy, 0).astype(np.float32))
    # zero where |x| > 1 even when dy is not finite
    dx_nan = backward(EDGES, np.full_like(EDGES, np.nan))
    assert np.all(dx_nan[~inside] == 0) and np.all(np.isnan(dx_nan[inside]))


@settings(deadline=None, max_examples=60)
@given(
    float_arrays(hnp.array_shapes(min_dims=1, max_dims=4, max_side=5), dtype=np.float32, allow_nan=True,
                 allow_infinity=True),
    st.floats(0.0, 3.0, width=32),
)
def test_hypothesis_arrays_match_references(x, threshold):
    dy = np.linspace(-2, 2, x.size, dtype=np.float32).reshape(x.shape)
    _same(act.sign_forward(x), act.sign_forward_reference(x))
    _same(act.ternary_forward(x, threshold), act.ternary_forward_reference(x, threshold))
    _same(act.hardtanh_forward(x), act.hardtanh_forward_reference(x))
    for fast, ref in [
        (act.sign_backward, act.sign_backward_reference),
        (act.ternary_backward, act.ternary_backward_reference),
        (act.hardtanh_backward, act.hardtanh_backward_reference),
    ]:
        _same(fast(x, dy), ref(x, dy))


def test_large_arrays_match_references():
    rng = np.random.default_rng(4)
    x = (2 * rng.standard_normal((3, 1 << 16))).astype(np.float32)
    x[0, :16] = EDGES
    dy = rng.standard_normal(x.shape).astype(np.float32)
    _same(act.sign_forward(x), act.sign_forward_reference(x))
    _same(act.ternary_forward(x, 0.7), act.ternary_forward_reference(x, 0.7))
    _same(act.hardtanh_forward(x), act.hardtanh_forward_reference(x))
    _same(act.sign_backward(x, dy), act.sign_backward_reference(x, dy))


def test_hardtanh_backward_matches_central_differences():
    # Away from the kinks at +-1 (|x| stays >= 0.01 from them, far beyond the
    # step 1e-5) hard tanh is linear piecewise: no truncation error.
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 2, 200)
    x = x[np.abs(np.abs(x) - 1) > 0.01]
    r = rng.standard_normal(x.shape)
    grad = act.hardtanh_backward_reference(x, r)
    check_directional_derivatives(
        lambda x: float(np.sum(r * act.hardtanh_forward_reference(x))),
        [x], [grad], n_terms=x.size, magnitude=float(np.sum(np.abs(r))),  # |hardtanh| <= 1
    )


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: act.sign_forward(np.zeros(3)), TypeError, "x"),
        (lambda: act.sign_forward(np.zeros((2, 2), np.float32)[:, 0]), ValueError, "x"),
        (lambda: act.ternary_forward(np.zeros(3, np.float32), -0.1), ValueError, "threshold"),
        (lambda: act.ternary_forward(np.zeros(3, np.float32), np.nan), ValueError, "threshold"),
        (lambda: act.sign_backward(np.zeros(3, np.float32), np.zeros(4, np.float32)), ValueError, "dy"),
        (lambda: act.hardtanh_backward(np.zeros(3, np.float32), np.zeros(3, np.int32)), TypeError, "dy"),
        (lambda: act.hardtanh_forward(np.float32(1.0)), TypeError, "x"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()
