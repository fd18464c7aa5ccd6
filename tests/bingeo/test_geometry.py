"""Geometry: batched cosines and angles against a slow reference, and the
properties every cosine must have."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bingeo.geometry import angle, cosine, quantization_angle, quantization_cosine
from bingeo.quantize import sign
from tests.bingeo import naive_sampling as naive
from tests.tolerances import sum_rtol

finite = st.floats(-1e300, 1e300, allow_nan=False)
rows = st.integers(1, 6).flatmap(
    lambda d: st.tuples(arrays(np.float64, (3, d), elements=finite), arrays(np.float64, (3, d), elements=finite)))
nonzero_vectors = arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e6, 1e6, allow_nan=False)).filter(
    lambda v: np.sum(v * v) > 1e-200)


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
