"""Identities of the layers over drawn shapes, through their public
functions only: the backward pass is the adjoint of the forward pass,
<conv(x, w), dy> = <x, dx> = <w, dw> (and the dense analogue); batch norm
forgets the scale and offset of its input, BN(a z + b) = BN(z) for a > 0;
and the binarizing kernels keep sign(0) = +1.

Every bound is derived from the float32 summation lengths (tests/tolerances)."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bingeo.bnn.layers import (batchnorm_forward_train, conv2d_backward, conv2d_forward, conv2d_forward_reference,
                               dense_backward, dense_forward, sign_forward)
from bingeo.bnn.packed import pack_signs, unpack_signs
from bingeo.bnn.weights import sign_weights
from bingeo.testing.strategies import dims, float_arrays, rotation_invariant_vectors
from tests.tolerances import EPS32, sum_rtol, sum_rtol32

TINY32 = float(np.finfo(np.float32).smallest_subnormal)
"""A float32 product that underflows is off by at most this much."""


def inner(a, b):
    """<a, b> in float64 (float32 products are exact in float64)."""
    return float(np.dot(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()))


def side_error(n_terms, total_abs, out, partner, partner_abs_sum):
    """Bound on |<out, partner> - S| when each entry of ``out`` is a float32
    sum of ``n_terms`` products with |terms| adding up to ``total_abs`` over
    all entries weighted by |partner|: float32 rounding sum_rtol32(n) M, one
    subnormal step per product, and the float64 inner product's own rounding."""
    return (sum_rtol32(n_terms) * total_abs + n_terms * TINY32 * partner_abs_sum
            + sum_rtol(out.size) * inner(np.abs(out), np.abs(partner)))


def conv_operands():
    return st.tuples(dims(max_d=3), dims(max_d=4), dims(max_d=6), dims(max_d=6), dims(max_d=4)).flatmap(
        lambda s: st.tuples(float_arrays((s[0], s[1], s[2], s[3]), dtype=np.float32, min_value=-4, max_value=4),
                            float_arrays((s[4], s[1], 3, 3), dtype=np.float32, min_value=-4, max_value=4),
                            float_arrays((s[0], s[4], s[2], s[3]), dtype=np.float32, min_value=-4, max_value=4)))


def dense_operands():
    return st.tuples(dims(max_d=6), dims(max_d=40), dims(max_d=8)).flatmap(
        lambda s: st.tuples(float_arrays((s[0], s[1]), dtype=np.float32, min_value=-4, max_value=4),
                            float_arrays((s[1], s[2]), dtype=np.float32, min_value=-4, max_value=4),
                            float_arrays((s[0], s[2]), dtype=np.float32, min_value=-4, max_value=4)))


@settings(deadline=None, max_examples=30)
@given(conv_operands())
def test_conv2d_backward_is_the_adjoint_of_the_forward_pass(operands):
    # S = sum over (n, f, c, i, j, a, b) of dy x w, read three ways; each way
    # sums the same products, whose absolute values add up to M
    x, w, dy = operands
    n, c, h, wd = x.shape
    f = w.shape[0]
    y = conv2d_forward(x, w)
    dx, dw = conv2d_backward(x, w, dy)
    total = inner(conv2d_forward_reference(np.abs(x).astype(np.float64), np.abs(w).astype(np.float64)),
                  np.abs(dy))
    err_y = side_error(9 * c, total, y, dy, float(np.abs(dy).sum()))
    err_x = side_error(9 * f, total, dx, x, float(np.abs(x).sum()))
    err_w = side_error(n * h * wd, total, dw, w, float(np.abs(w).sum()))
    assert abs(inner(y, dy) - inner(x, dx)) <= err_y + err_x
    assert abs(inner(y, dy) - inner(w, dw)) <= err_y + err_w


@settings(deadline=None, max_examples=30)
@given(dense_operands())
def test_dense_backward_is_the_adjoint_of_the_forward_pass(operands):
    # <x w, dy> = <x, dy w^T> = <w, x^T dy>
    x, w, dy = operands
    n, k = x.shape
    m = w.shape[1]
    y = dense_forward(x, w)
    dx, dw = dense_backward(x, w, dy)
    total = inner(np.abs(x).astype(np.float64) @ np.abs(w).astype(np.float64), np.abs(dy))
    err_y = side_error(k, total, y, dy, float(np.abs(dy).sum()))
    err_x = side_error(m, total, dx, x, float(np.abs(x).sum()))
    err_w = side_error(n, total, dw, w, float(np.abs(w).sum()))
    assert abs(inner(y, dy) - inner(x, dx)) <= err_y + err_x
    assert abs(inner(y, dy) - inner(w, dw)) <= err_y + err_w


EPS_BN = 1e-30
"""batch norm's eps, far below the variances drawn: its effect on y,
|y| eps / (2 var), is still in the bound."""


def _bn_bound(x, y, sigma):
    """Per-entry bound on |kernel(x) - (x - mean) / sigma| for a float32
    input x with exact per-feature sd ``sigma`` (shape (1, F, 1...)): a
    float32 rounding of x - mean and of the output and one of 1/sd
    (2 eps32 max|x| / sigma + 3 eps32 |y|), the float64 mean and variance
    (sum_rtol(count) max|x| / sigma (1 + |y|)), and eps."""
    axes = (0,) + tuple(range(2, x.ndim))
    big = np.abs(x.astype(np.float64)).max(axis=axes, keepdims=True)
    count = x.size // x.shape[1]
    ratio = big / sigma
    return (EPS32 * (2 * ratio + 3 * np.abs(y)) + sum_rtol(count) * ratio * (1 + np.abs(y))
            + np.abs(y) * EPS_BN / (2 * sigma**2))


bn_inputs = st.one_of(
    st.tuples(dims(max_d=8), dims(max_d=5)).flatmap(
        lambda s: rotation_invariant_vectors(s[1], batch_shape=(s[0],), dtype=np.float32)),
    st.tuples(dims(max_d=3), dims(max_d=3), dims(max_d=4), dims(max_d=4)).flatmap(
        lambda s: rotation_invariant_vectors(s[3], batch_shape=(s[0], s[1], s[2]), dtype=np.float32)))


@settings(deadline=None, max_examples=40)
@given(bn_inputs, st.floats(1e-3, 1e3), st.floats(-8.0, 8.0))
def test_batchnorm_forgets_a_positive_scale_and_an_offset(z, a, offset):
    # x = fl32(fl32(a z) + b) is u = a z + b (for which BN is exactly BN(z))
    # up to D = eps32 max(|a z| + |x|) per entry.  Moving every entry of a
    # feature by at most D moves (u - mean) / sd by at most
    # 2 D (1 + |y|) / (sd_u - 2 D); each kernel call adds its own rounding.
    a32 = np.float32(a)
    b32 = np.float32(offset * a * float(np.abs(z).max()))  # an offset in units of the spread
    x = a32 * z + b32
    y_z = batchnorm_forward_train(z, None, EPS_BN)[0].astype(np.float64)
    y_x = batchnorm_forward_train(x, None, EPS_BN)[0].astype(np.float64)
    if z.size == z.shape[1]:
        # each feature seen once: mean = x and var = 0 exactly, so y = 0
        assert np.all(y_z == 0) and np.all(y_x == 0)
        return
    axes = (0,) + tuple(range(2, z.ndim))
    z64 = z.astype(np.float64)
    sd_z = z64.std(axis=axes, keepdims=True)
    exact = (z64 - z64.mean(axis=axes, keepdims=True)) / sd_z
    sd_u = float(a32) * sd_z
    d = EPS32 * (np.abs(a32 * z64) + np.abs(x.astype(np.float64))).max(axis=axes, keepdims=True)
    assume(np.all(sd_u > 4 * d))  # the derivation needs the spread well above the input's rounding
    bound = 2 * d * (1 + np.abs(exact)) / (sd_u - 2 * d) + _bn_bound(z, exact, sd_z) + _bn_bound(x, exact, sd_u)
    assert np.all(np.abs(y_x - y_z) <= bound)


@settings(deadline=None, max_examples=40)
@given(float_arrays(st.tuples(dims(max_d=4), dims(max_d=70)), dtype=np.float32, min_value=-2, max_value=2),
       st.data())
def test_binarizing_kernels_give_plus_one_at_zero(x, data):
    # zeros of both signs planted among the drawn values
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    negative = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    x = np.where(mask, np.where(negative, np.float32(-0.0), np.float32(0.0)), x).astype(np.float32)
    want = np.where(x >= 0, np.float32(1), np.float32(-1))
    assert np.all(want[x == 0] == 1)
    np.testing.assert_array_equal(sign_forward(x), want)
    np.testing.assert_array_equal(sign_weights(x), want)
    np.testing.assert_array_equal(unpack_signs(pack_signs(x), x.shape[1]), want)
