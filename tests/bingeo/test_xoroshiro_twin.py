"""The CPU twin of the CUDA samplers against the slow reference, its
determinism, its argument checks, and its statistics against theory."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.stats import Laplace, StudentT, Uniform

import theory
from bingeo.sampling import specs
from bingeo.sampling import xoroshiro_cpu as twin
from bingeo.sampling.xoroshiro_layout import LANES
from bingeo.sampling.xoroshiro_params import sampler_params
from tests.bingeo import xoroshiro_reference as ref
from tests.tolerances import Z_ISSUE, sum_rtol

DISTS = ["normal", "uniform", "laplace", "t:5", "t:0.8", "aniso:10"]
QUANTIZERS = ["sign", "xnor", "ternary:0.5", "ternary:0", "kbit:2", "kbit:3:1.5", "rotated-sign"]


def _valid(dist, quantizer):
    return not (dist == "t:0.8" and quantizer.split(":")[0] in ("ternary", "kbit"))


def test_reference_lanes_match_layout():
    assert ref.LANES == LANES


@pytest.mark.parametrize("dist", DISTS)
@pytest.mark.parametrize("quantizer", QUANTIZERS)
def test_twin_matches_reference(dist, quantizer):
    if not _valid(dist, quantizer):
        pytest.skip("threshold quantizer on infinite variance: refused (tested below)")
    d, trials = 37, 3
    got = twin.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=5)
    want = ref.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=5)
    np.testing.assert_allclose(got, want, rtol=sum_rtol(d), atol=0)


@pytest.mark.parametrize("d", [1, 2, 3, 2 * LANES - 1, 2 * LANES, 2 * LANES + 1, 1100])
def test_twin_matches_reference_across_lane_boundaries(d):
    got = twin.sample_cos_xoroshiro(d, 2, quantizer="ternary:0.3", seed=np.random.SeedSequence(9))
    want = ref.sample_cos_xoroshiro(d, 2, quantizer="ternary:0.3", seed=np.random.SeedSequence(9))
    np.testing.assert_allclose(got, want, rtol=sum_rtol(d), atol=0)
    got = twin.sample_pair_cos_xoroshiro(d, 2, seed=4)
    want = ref.sample_pair_cos_xoroshiro(d, 2, seed=4)
    np.testing.assert_allclose(got, want, rtol=sum_rtol(d), atol=sum_rtol(d) / math.sqrt(d))


@settings(deadline=None, max_examples=25)
@given(d=st.integers(1, 300), trials=st.integers(0, 3), seed=st.integers(0, 2**32),
       dist=st.sampled_from(DISTS[:4] + DISTS[5:]),
       quantizer=st.sampled_from(["sign", "ternary:0.5", "kbit:2"]))
def test_twin_matches_reference_hypothesis(d, trials, seed, dist, quantizer):
    got = twin.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=seed)
    want = ref.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=seed)
    assert got.shape == (trials,) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=sum_rtol(d), atol=0)


def test_one_coordinate_gives_cosine_one():
    # |w| / sqrt(w^2): one for every w, up to the rounding of one product and one sqrt
    np.testing.assert_allclose(twin.sample_cos_xoroshiro(1, 4, seed=0), 1.0, rtol=sum_rtol(1), atol=0)
    np.testing.assert_allclose(np.abs(twin.sample_pair_cos_xoroshiro(1, 4, seed=0)), 1.0, rtol=sum_rtol(1), atol=0)


def test_ternary_all_zero_gives_an_undefined_cosine():
    # threshold far above every draw (|z| <= 8.57): q(w) = 0, the angle is undefined
    assert np.isnan(twin.sample_cos_xoroshiro(5, 3, quantizer="ternary:9", seed=1)).all()


@pytest.mark.parametrize("dist, quantizer", [("aniso:1e300", "sign"), ("aniso:1e300", "kbit:3"),
                                             ("normal", "kbit:2:1e308"), ("laplace", "kbit:2:1e-300")])
def test_extreme_scales_and_clips_do_not_overflow(dist, quantizer):
    got = twin.sample_cos_xoroshiro(9, 3, dist=dist, quantizer=quantizer, seed=4)
    assert np.isfinite(got).all()
    # the reference scales each vector by its largest entry first
    w = [ref.trial_vector(ref.key_of(4), t, 9, ref.specs.parse_dist(dist)) for t in range(3)]
    q = [ref.quantized(v, ref.specs.parse_dist(dist), ref.specs.parse_quantizer(quantizer), None) for v in w]
    want = [ref.cosine(v / abs(v).max(), u / abs(u).max()) for v, u in zip(w, q)]
    np.testing.assert_allclose(got, want, rtol=sum_rtol(9), atol=0)


def test_anisotropic_scales_array():
    scales = np.linspace(0.5, 3.0, 11)
    got = twin.sample_cos_xoroshiro(11, 3, dist=scales, quantizer="kbit:2", seed=2)
    want = ref.sample_cos_xoroshiro(11, 3, dist=scales, quantizer="kbit:2", seed=2)
    np.testing.assert_allclose(got, want, rtol=sum_rtol(11), atol=0)


def test_trials_are_a_prefix_and_seeds_differ():
    long = twin.sample_cos_xoroshiro(50, 40, seed=3)
    assert np.array_equal(long[:7], twin.sample_cos_xoroshiro(50, 7, seed=3))
    assert not np.array_equal(long, twin.sample_cos_xoroshiro(50, 40, seed=4))
    assert twin.sample_cos_xoroshiro(50, 0, seed=3).shape == (0,)


def test_same_numbers_whatever_the_threads():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = twin.sample_cos_xoroshiro(300, 64, dist="laplace", quantizer="kbit:2", seed=8)
        pair_one = twin.sample_pair_cos_xoroshiro(300, 64, seed=8)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = twin.sample_cos_xoroshiro(300, 64, dist="laplace", quantizer="kbit:2", seed=8)
        pair_many = twin.sample_pair_cos_xoroshiro(300, 64, seed=8)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, many) and np.array_equal(pair_one, pair_many)


BAD_CALLS = [
    (dict(d=0, trials=1), "d"),
    (dict(d=2.0, trials=1), "d"),
    (dict(d=3, trials=-1), "trials"),
    (dict(d=3, trials=1, dist="cauchy"), "dist"),
    (dict(d=3, trials=1, dist=[1.0, 2.0]), "dist"),
    (dict(d=3, trials=1, quantizer="nope"), "quantizer"),
    (dict(d=3, trials=1, quantizer=np.sign), "quantizer"),
    (dict(d=3, trials=1, quantizer=specs.CustomQuantizer(np.sign)), "quantizer"),
    (dict(d=3, trials=1, dist="t:2", quantizer="ternary:0.5"), "quantizer"),
    (dict(d=specs.ROTATED_SIGN_MAX_D + 1, trials=1, quantizer="rotated-sign"), "d"),
    (dict(d=3, trials=1, seed=-2), "seed"),
]


@pytest.mark.parametrize("kwargs, name", BAD_CALLS)
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        sampler_params(**kwargs)


def test_user_quantizer_error_says_cuda_does_not_support_it():
    with pytest.raises(ValueError, match="user quantizer.*backend='cpu'"):
        twin.sample_cos_xoroshiro(3, 1, quantizer=lambda x: x)


def test_sign_mean_matches_exact_theory():
    """Mean of cos(w, sign w) against theory.mean_cos_value(d), SE from
    theory.var_cos_value(d), |z| <= 5."""
    d, trials = 100, 20000
    c = twin.sample_cos_xoroshiro(d, trials, seed=123)
    se = math.sqrt(theory.var_cos_value(d) / trials)
    assert abs(c.mean() - theory.mean_cos_value(d)) <= Z_ISSUE * se


def test_pair_mean_and_variance_match_exact_theory():
    """cos(u, v) has mean 0 and variance 1/d; (d = 2: cos = cos(theta) with
    theta uniform, so E cos^2 = 1/2 and Var cos^2 = 1/8) checked at d = 2
    and the mean at d = 100, |z| <= 5."""
    trials = 20000
    c = twin.sample_pair_cos_xoroshiro(100, trials, seed=321)
    assert abs(c.mean()) <= Z_ISSUE * math.sqrt(theory.pair_var_cos_value(100) / trials)
    c2 = twin.sample_pair_cos_xoroshiro(2, trials, seed=321)
    assert abs(np.mean(c2 * c2) - 0.5) <= Z_ISSUE * math.sqrt(0.125 / trials)


@pytest.mark.parametrize("dist, X", [
    ("uniform", lambda: Uniform("u", -1, 1)),
    ("laplace", lambda: Laplace("l", 0, 1)),
    ("t:5", lambda: StudentT("t", 5)),
])
def test_sign_mean_matches_large_d_theory_for_other_laws(dist, X):
    """Against theory.limit_cos_value(X), SE from the delta-method variance
    theory.limit_d_var_cos(X), |z| <= 5.  The finite-d bias is O(1/d):
    about 0.01/d, 0.5/d and 1.1/d for uniform, Laplace and t_5 (2 x 10^4
    trials at d = 1000), at most 0.2 SE at this size."""
    d, trials = 10_000, 100
    c = twin.sample_cos_xoroshiro(d, trials, dist=dist, seed=77)
    se = math.sqrt(float(theory.limit_d_var_cos(X())) / d / trials)
    assert abs(c.mean() - theory.limit_cos_value(X())) <= Z_ISSUE * se
