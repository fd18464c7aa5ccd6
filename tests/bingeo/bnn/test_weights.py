"""Weight quantizers: hand cases, edge rows, rotations, the XNOR-Net backward."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from tests.tolerances import sum_rtol32
from bingeo.bnn.weights import WeightQuantizer, haar_rotation, sign_weights, ternarize_weights
from bingeo.testing.strategies import float_arrays


def test_sign_of_zero_is_plus_one_and_nan_free():
    w = np.array([-0.0, 0.0, -1e-30, 1e-30, -1.0, 1.0], np.float32)
    np.testing.assert_array_equal(sign_weights(w), [1, 1, -1, 1, -1, 1])


def test_ternary_ties_at_the_threshold_give_zero():
    w = np.array([-0.5, 0.5, -0.50001, 0.50001, -0.0, 0.0], np.float32)
    np.testing.assert_array_equal(ternarize_weights(w, 0.5), [0, 0, -1, 1, 0, 0])
    assert not np.signbit(ternarize_weights(w, 0.5)[:2]).any()


@settings(deadline=None, max_examples=50)
@given(float_arrays((7, 3), dtype=np.float32, min_value=-1.0, max_value=1.0))
def test_dense_and_conv_layouts_agree(w):
    """A conv weight (F, C, 3, 3) quantizes like the dense (C*9, F) of its rows."""
    conv = np.ascontiguousarray(np.repeat(w.T[:, :, None], 9, axis=2).reshape(3, 7, 3, 3))
    dense = np.ascontiguousarray(conv.reshape(3, -1).T)
    for q in (WeightQuantizer(), WeightQuantizer(levels=3, threshold=0.3)):
        np.testing.assert_array_equal(q.apply(conv).reshape(3, -1).T, q.apply(dense))
    # the XNOR mean sums 63 terms in another order: sum_rtol32(63) of the mean |w|
    q = WeightQuantizer(xnor_scale=True)
    np.testing.assert_allclose(q.apply(conv).reshape(3, -1).T, q.apply(dense), rtol=sum_rtol32(63), atol=0)


def test_xnor_scale_is_the_mean_absolute_weight_per_unit():
    w = np.array([[0.5, -0.1], [-0.25, 0.3], [0.0, -0.2]], np.float32)
    q = WeightQuantizer(xnor_scale=True).apply(w)
    np.testing.assert_allclose(q, [[0.25, -0.2], [-0.25, 0.2], [0.25, -0.2]], rtol=1e-6)


def test_xnor_backward_keeps_the_derivative_of_alpha():
    """d/dw sum(G * alpha(w) q) with q held fixed = alpha G + sign(w)/n sum(G q)."""
    rng = np.random.default_rng(0)
    w = rng.uniform(-1, 1, (5, 3)).astype(np.float32)
    g = rng.standard_normal((5, 3)).astype(np.float32)
    quant = WeightQuantizer(xnor_scale=True)
    q = sign_weights(w).astype(np.float64)
    h = 1e-6
    expected = np.empty_like(w, dtype=np.float64)
    w64 = w.astype(np.float64)
    for idx in np.ndindex(*w.shape):
        up, down = w64.copy(), w64.copy()
        up[idx] += h
        down[idx] -= h
        f = lambda v: np.sum(g * np.abs(v).mean(axis=0) * q)    # noqa: E731
        expected[idx] = (f(up) - f(down)) / (2 * h)
    alpha = np.abs(w64).mean(axis=0)                            # straight through q: alpha * G
    np.testing.assert_allclose(quant.backward(w, g), expected + alpha * g, rtol=1e-4, atol=1e-6)


def test_plain_backward_is_straight_through():
    w = np.array([[0.2, -0.7]], np.float32)
    g = np.array([[3.0, -2.0]], np.float32)
    np.testing.assert_array_equal(WeightQuantizer().backward(w, g), g)


def test_rotation_is_orthogonal_seeded_and_identity_gives_sign():
    r = haar_rotation(20, seed=5)
    np.testing.assert_allclose(r @ r.T, np.eye(20), atol=1e-12)
    np.testing.assert_array_equal(r, haar_rotation(20, seed=5))
    assert not np.array_equal(r, haar_rotation(20, seed=6))
    w = np.random.default_rng(1).uniform(-1, 1, (4, 2)).astype(np.float32)
    q = WeightQuantizer(rotation=np.eye(4, dtype=np.float32))
    np.testing.assert_array_equal(q.apply(w), sign_weights(w))


def test_rotated_binarization_preserves_the_norm():
    """|R^T sign(R w)| = sqrt(n) for every unit: R is orthogonal."""
    r = haar_rotation(9, seed=0).astype(np.float32)
    w = np.random.default_rng(2).uniform(-1, 1, (6, 1, 3, 3)).astype(np.float32)
    q = WeightQuantizer(rotation=r).apply(w)
    np.testing.assert_allclose(np.linalg.norm(q.reshape(6, 9), axis=1), 3.0, rtol=1e-5)


def test_rotation_rejects_bad_dimension():
    with pytest.raises(ValueError, match="n: expected >= 1"):
        haar_rotation(0, seed=0)
