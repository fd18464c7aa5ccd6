"""3x3 convolution: kernels against the numpy reference (hand-written, random
over several batch chunks, hypothesis shapes, edge rows), for each kernel the
values select (float, +-1 weights, +-1 inputs, both), PyTorch's
cross-correlation convention, gradients against float64 central differences,
and the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.bnn.layers.conv2d import (
    conv2d_backward,
    conv2d_backward_reference,
    conv2d_forward,
    conv2d_forward_reference,
    images_per_chunk,
)
from tests.bingeo.bnn.test_layers_support import (
    assert_sums_close32,
    check_directional_derivatives,
    float32_arrays,
    random_float32,
)


def _check_against_reference(x, w, dy):
    """Each output is a float32 sum whose terms' absolute values add up to the
    same convolution of |x|, |w|, |dy| (computed in float64)."""
    n, c, h, wd = x.shape
    f = w.shape[0]
    ax, aw, ady = (np.abs(a.astype(np.float64)) for a in (x, w, dy))
    abs_dx, abs_dw = conv2d_backward_reference(ax, aw, ady)
    assert_sums_close32(
        conv2d_forward(x, w), conv2d_forward_reference(x, w), conv2d_forward_reference(ax, aw), 9 * c
    )
    dx, dw = conv2d_backward(x, w, dy)
    dx_ref, dw_ref = conv2d_backward_reference(x, w, dy)
    assert dx.dtype == np.float32 and dw.dtype == np.float32
    assert_sums_close32(dx, dx_ref, abs_dx, 9 * f)
    assert_sums_close32(dw, dw_ref, abs_dw, n * h * wd)


def _plus_minus_one(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


def plus_minus_one_arrays(shape):
    """Hypothesis strategy: float32 arrays of -1.0 and +1.0."""
    return hnp.arrays(np.float32, shape, elements=st.sampled_from([-1.0, 1.0]))


def test_hand_written_case():
    x = np.arange(12, dtype=np.float32).reshape(1, 1, 3, 4)
    w = np.zeros((2, 1, 3, 3), np.float32)
    w[0, 0, 1, 1] = 1.0  # identity
    w[1, 0, 0, 0] = 2.0  # 2 * upper-left neighbour x[i - 1, j - 1]
    y = conv2d_forward(x, w)
    np.testing.assert_array_equal(y[0, 0], x[0, 0])
    np.testing.assert_array_equal(
        y[0, 1], [[0, 0, 0, 0], [0, 0, 2, 4], [0, 8, 10, 12]]
    )
    dx, dw = conv2d_backward(x, w, np.ones((1, 2, 3, 4), np.float32))
    # dx[i, j] = 1 (identity) + 2 where (i + 1, j + 1) is inside the image
    np.testing.assert_array_equal(dx[0, 0], [[3, 3, 3, 1], [3, 3, 3, 1], [1, 1, 1, 1]])
    # dw[f, 0, a, b] = sum of x over the pixels (i + a - 1, j + b - 1) that exist
    total = x.sum()
    assert dw[0, 0, 1, 1] == total and dw[1, 0, 1, 1] == total
    assert dw[0, 0, 0, 0] == x[0, 0, :2, :3].sum()
    assert dw[0, 0, 2, 2] == x[0, 0, 1:, 1:].sum()


def test_matches_pytorch_cross_correlation_convention():
    # torch.nn.functional.conv2d(x, w, padding=1) for x = arange(16) as 4x4
    # and w = arange(9) as 3x3 (values computed with PyTorch once).
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    w = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    expected = np.array(
        [[73, 121, 154, 103], [171, 258, 294, 186], [279, 402, 438, 270], [139, 187, 202, 113]],
        np.float32,
    )
    np.testing.assert_array_equal(conv2d_forward(x, w)[0, 0], expected)


def test_random_over_several_chunks_and_edge_rows():
    rng = np.random.default_rng(6)
    c, h, wd = 16, 8, 7
    n = 2 * images_per_chunk(c, h, wd) + 3  # three chunks, the last one short
    x = random_float32(rng, (n, c, h, wd))
    x[0] = 0.0
    x[1] = -0.0
    x[2, :, 3, :] = 0.0
    w = random_float32(rng, (5, c, 3, 3))
    w[2] = 0.0
    dy = random_float32(rng, (n, 5, h, wd))
    dy[3] = 0.0
    _check_against_reference(x, w, dy)
    y = conv2d_forward(x, w)
    assert np.all(y[0] == 0) and np.all(y[:, 2] == 0)


@pytest.mark.parametrize(
    "n, c, f, h, wd",
    [
        (5, 7, 6, 5, 6),     # channels not a multiple of four, a short last pixel group
        (3, 4, 9, 1, 1),     # a single pixel: every neighbour is padding
        (2, 2, 3, 3, 70),    # rows longer than one 64-bit word of signs
        (25, 3, 4, 4, 4),    # more images than one block holds
    ],
)
def test_plus_minus_one_weights_and_inputs_match_reference(n, c, f, h, wd):
    # the table-lookup kernels (+-1 weights: forward and input gradient;
    # +-1 inputs: weight gradient) against the reference, within the same
    # summation bounds: a sum of exact +-v terms in another fixed order
    rng = np.random.default_rng(n * 1000 + c * 100 + wd)
    w = _plus_minus_one(rng, (f, c, 3, 3))
    dy = random_float32(rng, (n, f, h, wd))
    _check_against_reference(random_float32(rng, (n, c, h, wd)), w, dy)
    x = _plus_minus_one(rng, (n, c, h, wd))
    _check_against_reference(x, w, dy)
    _check_against_reference(x, random_float32(rng, (f, c, 3, 3)), dy)


def test_plus_minus_one_sums_are_exact_integers():
    # +-1 inputs and weights: every partial sum is an integer below 2**24
    rng = np.random.default_rng(11)
    x = _plus_minus_one(rng, (3, 37, 6, 5))
    w = _plus_minus_one(rng, (5, 37, 3, 3))
    exact = conv2d_forward_reference(x.astype(np.int64), w.astype(np.int64))
    np.testing.assert_array_equal(conv2d_forward(x, w), exact.astype(np.float32))
    dx, dw = conv2d_backward(x, w, np.ones((3, 5, 6, 5), np.float32))
    dx_exact, dw_exact = conv2d_backward_reference(x.astype(np.int64), w.astype(np.int64),
                                                   np.ones((3, 5, 6, 5), np.int64))
    np.testing.assert_array_equal(dx, dx_exact.astype(np.float32))
    np.testing.assert_array_equal(dw, dw_exact.astype(np.float32))


def conv_operands(values, max_channels, max_width):
    """Hypothesis strategy: (x, w, dy) of matching small shapes, x and w
    drawn by ``values(shape)``, dy any float32."""
    shapes = st.tuples(st.integers(1, 3), st.integers(1, max_channels), st.integers(1, 6),
                       st.integers(1, max_width), st.integers(1, 3))
    return shapes.flatmap(lambda s: st.tuples(values((s[0], s[1], s[2], s[3])), values((s[4], s[1], 3, 3)),
                                              float32_arrays((s[0], s[4], s[2], s[3]))))


@settings(deadline=None, max_examples=30)
@given(conv_operands(plus_minus_one_arrays, 6, 9))
def test_hypothesis_plus_minus_one_shapes_match_reference(arrays):
    _check_against_reference(*arrays)


@settings(deadline=None, max_examples=30)
@given(conv_operands(float32_arrays, 3, 6))
def test_hypothesis_shapes_match_reference(arrays):
    _check_against_reference(*arrays)


def test_backward_matches_central_differences():
    # L = sum(r * conv(x, w)) is linear in x and in w separately: the central
    # difference has rounding error only (fd_atol with curvature 0).
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 5, 4))
    w = rng.standard_normal((4, 3, 3, 3))
    r = rng.standard_normal((2, 4, 5, 4))

    def loss(x, w):
        return float(np.sum(r * conv2d_forward_reference(x, w)))

    dx, dw = conv2d_backward_reference(x, w, r)
    magnitude = float(np.sum(np.abs(r) * conv2d_forward_reference(np.abs(x), np.abs(w))))
    check_directional_derivatives(
        loss, [x, w], [dx, dw], n_terms=r.size * 27, magnitude=magnitude
    )


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: conv2d_forward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 3, 3), np.float32)), TypeError, "x"),
        (lambda: conv2d_forward(np.zeros((1, 3, 3), np.float32), np.zeros((1, 1, 3, 3), np.float32)), ValueError, "x"),
        (lambda: conv2d_forward(np.zeros((1, 2, 3, 3), np.float32), np.zeros((1, 1, 3, 3), np.float32)), ValueError, "w"),
        (lambda: conv2d_forward(np.zeros((1, 1, 3, 3), np.float32), np.zeros((1, 1, 5, 5), np.float32)), ValueError, "w"),
        (lambda: conv2d_forward(np.zeros((1, 1, 0, 3), np.float32), np.zeros((1, 1, 3, 3), np.float32)), ValueError, "x"),
        (lambda: conv2d_backward(np.zeros((1, 1, 3, 3), np.float32), np.zeros((2, 1, 3, 3), np.float32),
                                 np.zeros((1, 1, 3, 3), np.float32)), ValueError, "dy"),
    ],
)
def test_bad_arguments_are_named(call, exc, name):
    with pytest.raises(exc, match=rf"^{name} "):
        call()


def test_weight_gradient_alone_is_the_same():
    # input_grad=False (a network's first layer) skips dx and changes no bit of dw
    rng = np.random.default_rng(12)
    x = random_float32(rng, (3, 2, 5, 6))
    for w in (random_float32(rng, (4, 2, 3, 3)), _plus_minus_one(rng, (4, 2, 3, 3))):
        dy = random_float32(rng, (3, 4, 5, 6))
        dx, dw = conv2d_backward(x, w, dy, input_grad=False)
        assert dx is None
        np.testing.assert_array_equal(dw, conv2d_backward(x, w, dy)[1])


@pytest.mark.parametrize("shape", [(3, 5, 3, 3), (2, 9, 5, 7), (1, 16, 4, 4), (2, 3, 1, 1), (1, 8, 8, 8)])
def test_filters_last_is_the_transpose_for_any_tiling(shape):
    from bingeo.bnn.layers.conv2d_layout import filters_last, filters_last_batch

    dy = np.random.default_rng(len(shape)).standard_normal(shape).astype(np.float32)
    expected = dy.reshape(shape[0], shape[1], -1).transpose(0, 2, 1)
    assert np.array_equal(filters_last_batch(dy), expected)
    one = np.empty(expected.shape[1:], np.float32)
    filters_last(dy, shape[0] - 1, one)
    assert np.array_equal(one, expected[-1])
