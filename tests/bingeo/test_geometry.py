"""Geometry: batched cosines and angles against a slow reference, and the
properties every cosine must have."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.geometry import angle, cosine, quantization_angle, quantization_cosine
from bingeo.quantize import haar_rotation, sign
from bingeo.testing.strategies import dims, float_arrays, rotation_invariant_vectors
from tests.bingeo import naive_sampling as naive
from tests.tolerances import EPS64, sum_rtol


def row_pairs(max_d, bound):
    """Two (3, d) arrays with entries in [-bound, bound], d drawn up to max_d."""
    one = lambda d: float_arrays((3, d), min_value=-bound, max_value=bound)  # noqa: E731
    return dims(max_d=max_d).flatmap(lambda d: st.tuples(one(d), one(d)))


rows = row_pairs(6, 1e300)
nonzero_vectors = float_arrays(dims(max_d=30), min_value=-1e6, max_value=1e6).filter(lambda v: np.sum(v * v) > 1e-200)


def test_hand_cases():
    assert cosine([1.0, 0.0], [0.0, 2.0]) == 0.0
    assert cosine([1.0, 1.0], [-3.0, -3.0]) == -1.0
    assert math.isclose(math.degrees(angle([1.0, 0.0], [1.0, 1.0])), 45.0)
    np.testing.assert_array_equal(cosine(np.zeros((2, 3)), np.ones((2, 3))), [0.0, 0.0])
    assert math.isnan(cosine([np.nan, 1.0], [1.0, 1.0]))
    assert math.isclose(quantization_cosine([3.0, -4.0], sign), 7.0 / (5.0 * math.sqrt(2.0)))
    assert math.isclose(quantization_angle([2.0, 0.0], sign), math.pi / 4)


@settings(deadline=None, max_examples=60)
@given(rows)
def test_cosine_matches_reference(ab):
    a, b = ab
    d = a.shape[1]
    np.testing.assert_allclose(cosine(a, b), naive.cosine(a, b), rtol=sum_rtol(3 * d), atol=sum_rtol(3 * d))


@settings(deadline=None, max_examples=60)
@given(nonzero_vectors, st.floats(1e-3, 1e3), st.randoms(use_true_random=False))
def test_cosine_invariant_to_positive_scaling_and_permutation(w, scale, rnd):
    q = sign(w)
    base = quantization_cosine(w, sign)
    perm = list(range(w.size))
    rnd.shuffle(perm)
    tol = sum_rtol(3 * w.size)
    assert math.isclose(quantization_cosine(scale * w, sign), base, rel_tol=tol)
    assert math.isclose(cosine(w[perm], q[perm]), base, rel_tol=tol)
    assert math.isclose(cosine(scale * w, q), base, rel_tol=tol)


@settings(deadline=None, max_examples=60)
@given(nonzero_vectors)
def test_sign_cosine_lies_in_its_range(w):
    # |w|_2 <= |w|_1 <= sqrt(d) |w|_2  =>  cos(w, sign w) in [1/sqrt(d), 1]
    c = quantization_cosine(w, sign)
    tol = sum_rtol(3 * w.size)
    assert 1.0 / math.sqrt(w.size) * (1 - tol) <= c <= 1.0


# entries below 1e-290 set to 0: their products with R would be subnormal
# and round by more than eps relative
normal_row_pairs = row_pairs(12, 1e6).map(lambda ab: tuple(np.where(np.abs(x) < 1e-290, 0.0, x) for x in ab))


@settings(deadline=None, max_examples=60)
@given(st.one_of(normal_row_pairs, dims(max_d=12).flatmap(lambda d: st.tuples(
    rotation_invariant_vectors(d, batch_shape=(3,)), rotation_invariant_vectors(d, batch_shape=(3,))))),
    st.integers(0, 2**32 - 1))
def test_cosine_is_invariant_under_a_haar_rotation(ab, seed):
    # cos(R a, R b) = cos(a, b) for orthogonal R.  In floating point, R a is
    # off by at most d eps |R| |a| per entry, so by rho |a| in norm with
    # rho = d eps sqrt(d) + delta, delta = 4 d^2 eps >= |R^T R - I|
    # (Householder QR is orthogonal to O(d^2 eps)).  A perturbation of
    # rho |a| moves the unit vector a/|a| by at most 2 rho, so the cosine
    # moves by at most 4 rho; each cosine also rounds by sum_rtol(3 d).
    a, b = ab
    d = a.shape[1]
    r = haar_rotation(d, seed=seed)
    rho = d * EPS64 * math.sqrt(d) + sum_rtol(d * d)
    tol = 4 * rho + 2 * sum_rtol(3 * d)
    np.testing.assert_allclose(cosine(a @ r.T, b @ r.T), cosine(a, b), rtol=0, atol=tol)


def test_angle_is_in_radians_and_in_range():
    a = np.random.default_rng(0).standard_normal((50, 4))
    b = np.random.default_rng(1).standard_normal((50, 4))
    t = angle(a, b)
    assert np.all((0 <= t) & (t <= math.pi))
    np.testing.assert_allclose(np.cos(t), cosine(a, b), atol=1e-15)


@pytest.mark.parametrize("call, name", [
    (lambda: cosine([1.0, 2.0], [1.0, 2.0, 3.0]), "a, b"),
    (lambda: cosine(1.0, 2.0), "a, b"),
    (lambda: quantization_cosine([1.0, 2.0], lambda w: w[:1]), "quantizer"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        call()
