"""Quantizers: numpy versions against slow references and their numba
scalar twins, on hand-written cases, edge values and hypothesis inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.quantize import haar_rotation, kbit_quantize, rotated_sign, sign, ternarize, xnor_sign
from bingeo.quantize_jit import kbit_scalar, kbit_step, sign_scalar, ternary_scalar
from bingeo.testing.strategies import dims, float_arrays
from tests.bingeo import naive_sampling as naive

EDGES = np.array([-np.inf, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, np.inf, np.nan, 5e-324, -5e-324])
any_floats = float_arrays(dims(max_d=40), allow_nan=True, allow_infinity=True)
finite_floats = float_arrays(dims(max_d=40), min_value=-1e6, max_value=1e6)


def jit_map(fn, x, *args):
    return np.array([fn(v, *args) for v in x], dtype=np.float64)


# --------------------------------------------------------------------------
# sign
# --------------------------------------------------------------------------

def test_sign_hand_cases():
    got = sign([-3.0, -0.0, 0.0, 2.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(got, [-1, 1, 1, 1, 1, -1, np.nan])


def test_sign_edges_match_reference_and_jit():
    np.testing.assert_array_equal(sign(EDGES), naive.sign(EDGES))
    np.testing.assert_array_equal(jit_map(sign_scalar, EDGES), naive.sign(EDGES))


@settings(deadline=None, max_examples=60)
@given(any_floats)
def test_sign_matches_reference_and_jit(x):
    expected = naive.sign(x)
    np.testing.assert_array_equal(sign(x), expected)
    np.testing.assert_array_equal(jit_map(sign_scalar, x), expected)


@settings(deadline=None, max_examples=60)
@given(float_arrays(dims(max_d=40), allow_infinity=True))
def test_sign_has_no_zeros(x):
    s = sign(x)
    assert np.all(np.abs(s) == 1.0)


# --------------------------------------------------------------------------
# ternary
# --------------------------------------------------------------------------

def test_ternary_hand_cases_and_ties():
    got = ternarize([-1.0, -0.5, -0.0, 0.2, 0.5, 0.7, np.nan], 0.5)
    np.testing.assert_array_equal(got, [-1, 0, 0, 0, 0, 1, np.nan])
    assert ternary_scalar(0.5, 0.5) == 0.0 and ternary_scalar(-0.5, 0.5) == 0.0


def test_ternary_zero_threshold_is_sign_except_at_zero():
    x = np.array([-2.0, -0.0, 0.0, 3.0])
    np.testing.assert_array_equal(ternarize(x, 0.0), [-1, 0, 0, 1])


@settings(deadline=None, max_examples=60)
@given(any_floats, st.floats(0.0, 10.0))
def test_ternary_matches_reference_and_jit(x, thr):
    expected = naive.ternarize(x, thr)
    np.testing.assert_array_equal(ternarize(x, thr), expected)
    np.testing.assert_array_equal(jit_map(ternary_scalar, x, thr), expected)


@settings(deadline=None, max_examples=60)
@given(finite_floats, st.floats(0.0, 10.0))
def test_ternary_values_and_threshold(x, thr):
    t = ternarize(x, thr)
    assert set(np.unique(t)).issubset({-1.0, 0.0, 1.0})
    big = np.abs(x) > thr
    np.testing.assert_array_equal(t[big], np.where(x[big] > 0, 1.0, -1.0))
    assert np.all(t[~big] == 0.0)


# --------------------------------------------------------------------------
# k-bit
# --------------------------------------------------------------------------

def test_kbit_hand_cases():
    np.testing.assert_array_equal(kbit_quantize([-2.0, -0.5, -0.3, -0.0, 0.0, 0.49, 0.5, 0.6, np.inf], 2),
                                  [-0.75, -0.25, -0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75])
    assert np.isnan(kbit_quantize([np.nan], 3)[0])


def test_kbit_one_bit_is_scaled_sign():
    x = np.array([-3.0, -1e-300, -0.0, 0.0, 2.0])
    np.testing.assert_array_equal(kbit_quantize(x, 1, clip=2.0), sign(x))


def test_kbit_subnormal_negatives_stay_below_zero():
    # with step 4 (k = 1, clip 4), x / step underflows to -0.0 for the
    # smallest subnormals; they still lie in the cell below 0
    x = np.array([-5e-324, 5e-324, -1e-320, -0.0])
    want = np.array([-2.0, 2.0, -2.0, 2.0])
    np.testing.assert_array_equal(naive.kbit_quantize(x, 1, 4.0), want)
    np.testing.assert_array_equal(kbit_quantize(x, 1, clip=4.0), want)
    s = kbit_step(1, 4.0)
    np.testing.assert_array_equal(jit_map(kbit_scalar, x, s, 4.0 - s / 2), want)


@settings(deadline=None, max_examples=60)
@given(any_floats, st.integers(1, 8), st.sampled_from([0.25, 1.0, 4.0]))
def test_kbit_matches_reference_and_jit(x, k, clip):
    # power-of-two clips keep the cell edges exact in float64
    expected = naive.kbit_quantize(x, k, clip)
    np.testing.assert_array_equal(kbit_quantize(x, k, clip=clip), expected)
    s = kbit_step(k, clip)
    np.testing.assert_array_equal(jit_map(kbit_scalar, x, s, clip - s / 2), expected)


@settings(deadline=None, max_examples=40)
@given(finite_floats, st.integers(1, 6))
def test_kbit_has_two_to_k_levels(x, k):
    q = kbit_quantize(x, k)
    step = 2.0 / 2**k
    levels = (np.arange(2**k) * 2 + 1 - 2**k) * step / 2
    assert np.all(np.isin(q, levels))


# --------------------------------------------------------------------------
# XNOR-Net scale, Haar rotation, q_R
# --------------------------------------------------------------------------

def test_xnor_scale_is_mean_abs_per_row():
    w = np.array([[1.0, -3.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(xnor_sign(w), [[2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("d", [1, 2, 7, 64])
def test_haar_rotation_is_orthogonal_and_reproducible(d):
    r = haar_rotation(d, seed=3)
    np.testing.assert_allclose(r @ r.T, np.eye(d), atol=50 * d * 2.0**-52)
    np.testing.assert_array_equal(r, haar_rotation(d, seed=3))
    np.testing.assert_array_equal(r, naive.haar_rotation(d, 3))
    if d > 1:
        assert not np.array_equal(r, haar_rotation(d, seed=4))


def test_haar_rotation_first_column_is_uniform_on_the_sphere():
    # Haar R: R e_1 is uniform on S^{d-1}, so R[0, 0] has mean 0 and
    # variance 1/d exactly.  SE of the mean over n seeds: sqrt(1/(d n)).
    # Without the sign fix, QR's convention biases the diagonal.
    from tests.tolerances import Z_ONE

    d, n = 3, 4000
    x = np.array([haar_rotation(d, seed=s)[0, 0] for s in range(n)])
    assert abs(x.mean()) <= Z_ONE * math.sqrt(1.0 / (d * n))


@settings(deadline=None, max_examples=40)
@given(float_arrays(st.tuples(dims(max_d=5), dims(max_d=12)), min_value=-1e6, max_value=1e6))
def test_rotated_sign_with_identity_is_sign(x):
    np.testing.assert_array_equal(rotated_sign(x, np.eye(x.shape[1])), sign(x))


def test_rotated_sign_matches_formula():
    r = haar_rotation(5, seed=0)
    w = np.random.default_rng(0).standard_normal((3, 5))
    expected = np.array([r.T @ naive.sign(r @ row) for row in w])
    np.testing.assert_allclose(rotated_sign(w, r), expected, rtol=0, atol=20 * 5 * 2.0**-52)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: ternarize([1.0], -0.1), "threshold"),
    (lambda: ternarize([1.0], np.nan), "threshold"),
    (lambda: kbit_quantize([1.0], 0), "k"),
    (lambda: kbit_quantize([1.0], 17), "k"),
    (lambda: kbit_quantize([1.0], 2.0), "k"),
    (lambda: kbit_quantize([1.0], 2, clip=0.0), "clip"),
    (lambda: kbit_quantize([1.0], 2, clip=np.inf), "clip"),
    (lambda: haar_rotation(0), "d"),
    (lambda: haar_rotation(3, seed=-1), "seed"),
    (lambda: rotated_sign([1.0, 2.0], np.eye(3)), "rotation"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        call()
