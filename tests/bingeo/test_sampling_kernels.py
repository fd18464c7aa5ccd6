"""The CPU kernels against the slow references on the same random streams,
reproducibility across thread counts, and the RNG translation against numpy."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from bingeo import sample_cos, sample_pair_cos
from bingeo.sampling import cpu, sfc64
from bingeo.seeding import chunk_generators, chunk_sfc64_states
from bingeo.testing.strategies import dims, iid_laws, quantizers
from tests.bingeo import naive_sampling as naive
from tests.tolerances import sum_rtol


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few trials, so small runs cross several chunk streams."""
    monkeypatch.setattr(cpu, "CHUNK_DRAWS", 24)


@njit
def _fill(words, kind, nu, n):
    s = sfc64.state_tuple(words)
    out = np.empty(n)
    for i in range(n):
        if kind == 0:
            out[i], s = sfc64.standard_normal(s)
        elif kind == 1:
            out[i], s = sfc64.uniform(s, -1.0, 1.0)
        elif kind == 2:
            out[i], s = sfc64.laplace(s, 0.0, 1.0)
        elif kind == 3:
            out[i], s = sfc64.standard_t(s, nu)
        elif kind == 4:
            out[i], s = sfc64.standard_exponential(s)
        elif kind == 5:
            out[i], s = sfc64.standard_gamma(s, nu)
        else:
            out[i], s = sfc64.abs_standard_normal(s)
    return out


@pytest.mark.parametrize("kind, nu, method", [
    (0, 0.0, lambda g, n: g.standard_normal(n)),
    (1, 0.0, lambda g, n: g.uniform(-1.0, 1.0, n)),
    (2, 0.0, lambda g, n: g.laplace(0.0, 1.0, n)),
    (3, 5.0, lambda g, n: g.standard_t(5.0, n)),
    (3, 0.7, lambda g, n: g.standard_t(0.7, n)),
    # a third of the gamma draws round to 0: +-inf where numba raised
    # ZeroDivisionError (sims.angle --dist t:0.01 ended in a traceback)
    (3, 0.003, lambda g, n: g.standard_t(0.003, n)),
    (4, 0.0, lambda g, n: g.standard_exponential(n)),
    (5, 1.0, lambda g, n: g.standard_gamma(1.0, n)),
    (5, 0.3, lambda g, n: g.standard_gamma(0.3, n)),
    (6, 0.0, lambda g, n: np.abs(g.standard_normal(n))),
])
def test_sfc64_translation_is_bit_identical_to_numpy(kind, nu, method):
    # 2e5 draws reach the rare branches of both ziggurats (about 1 in 100)
    # and of the normal's tail (about 1 in 4000).
    n = 200_000
    words = chunk_sfc64_states(11, 1)[0]
    np.testing.assert_array_equal(_fill(words, kind, nu, n), method(chunk_generators(11, 1)[0], n))


def _assert_close(fast, slow, d):
    np.testing.assert_allclose(fast, slow, rtol=sum_rtol(3 * d), atol=sum_rtol(3 * d))


@pytest.mark.parametrize("dist", ["normal", "uniform", "laplace", "t:3", "aniso:50", np.array([1.0, 0.1, 3.0, 0.5, 2.0])])
@pytest.mark.parametrize("quantizer", ["sign", "xnor", "ternary:0.7", "kbit:2", "kbit:3:1.5", "rotated-sign"])
def test_cos_kernels_match_reference(small_chunks, dist, quantizer):
    d, trials = 5, 23
    fast = sample_cos(d, trials, quantizer=quantizer, dist=dist, seed=5)
    slow = naive.sample_cos(d, trials, quantizer=quantizer, dist=dist, seed=5)
    _assert_close(fast, slow, d)


@settings(deadline=None, max_examples=25)
@given(d=dims(max_d=40), trials=st.integers(0, 30), seed=st.integers(0, 2**32), dist=iid_laws(),
       quantizer=quantizers())
def test_cos_kernels_match_reference_on_hypothesis_inputs(d, trials, seed, dist, quantizer):
    # chunks of 24 draws: several chunk streams in most examples
    cpu.CHUNK_DRAWS, saved = 24, cpu.CHUNK_DRAWS
    try:
        fast = sample_cos(d, trials, quantizer=quantizer, dist=dist, seed=seed)
        slow = naive.sample_cos(d, trials, quantizer=quantizer, dist=dist, seed=seed)
    finally:
        cpu.CHUNK_DRAWS = saved
    assert fast.dtype == np.float64 and fast.shape == (trials,)
    _assert_close(fast, slow, d)


@pytest.mark.parametrize("d", [1, 2, 3, 64, 1001])
def test_sign_kernel_matches_reference_across_d(small_chunks, d):
    fast = sample_cos(d, 9, seed=d)
    slow = naive.sample_cos(d, 9, seed=d)
    _assert_close(fast, slow, d)


def test_custom_quantizer_runs_on_the_same_streams(small_chunks):
    fast_sign = sample_cos(6, 13, quantizer="sign", dist="laplace", seed=2)
    custom = sample_cos(6, 13, quantizer=lambda w: np.where(w >= 0, 1.0, -1.0), dist="laplace", seed=2)
    _assert_close(custom, fast_sign, 6)


def test_custom_quantizer_giving_zero_has_an_undefined_cosine():
    assert np.all(np.isnan(sample_cos(4, 3, quantizer=np.zeros_like)))


def test_ternary_all_zero_output_has_an_undefined_cosine(small_chunks):
    # with a huge threshold every coordinate is zeroed: q(w) = 0, the angle
    # is undefined and the cosine NaN (0 would read as 90 degrees)
    c = sample_cos(3, 10, quantizer="ternary:1e6", seed=0)
    assert np.all(np.isnan(c))
    np.testing.assert_array_equal(c, naive.sample_cos(3, 10, quantizer="ternary:1e6", seed=0))
    # ternary:6 at d = 10 zeroes almost every trial: those are NaN, the rest finite
    c = sample_cos(10, 2000, quantizer="ternary:6", seed=1)
    assert np.isnan(c).sum() >= 1990 and np.all(np.isfinite(c) == (c == c))


@pytest.mark.parametrize("quantizer", ["kbit:2:1e308", "kbit:2:1e300", "kbit:2:1e200", "kbit:16:1e308",
                                       "kbit:3:1e-300"])
@pytest.mark.parametrize("dist", ["normal", "laplace", "t:2.0001"])
def test_extreme_kbit_clips_do_not_overflow(small_chunks, quantizer, dist):
    # q = s (floor(x/s) + 1/2) squares to inf (clip 1e200 and up) or to 0
    # (clip 1e-300); the exact reference scales each vector first
    fast = sample_cos(6, 9, quantizer=quantizer, dist=dist, seed=3)
    assert np.all(np.isfinite(fast)) and np.all(fast > 0)
    if dist != "t:2.0001":  # there clip * sd overflows: the reference's levels are inf
        _assert_close(fast, naive.sample_cos(6, 9, quantizer=quantizer, dist=dist, seed=3), 6)
    if "e-300" not in quantizer:
        # a clip far above every |x| puts all of them in the two middle
        # levels: +-s/2, the sign
        _assert_close(fast, sample_cos(6, 9, quantizer="sign", dist=dist, seed=3), 6)


@pytest.mark.parametrize("quantizer", ["sign", "ternary:0.5", "kbit:3", "rotated-sign"])
@pytest.mark.parametrize("ratio", [1e300, 1e-300, 1e150])
def test_huge_anisotropy_does_not_overflow(small_chunks, quantizer, ratio):
    fast = sample_cos(5, 8, quantizer=quantizer, dist=f"aniso:{ratio:g}", seed=2)
    slow = naive.sample_cos(5, 8, quantizer=quantizer, dist=f"aniso:{ratio:g}", seed=2)
    assert np.all(np.isfinite(fast))
    _assert_close(fast, slow, 5)


def test_too_large_a_dimension_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"^d: .*<= 2\^62.*9223372036854775808"):
        sample_cos(2**63, 1)
    with pytest.raises(ValueError, match=r"^d: .*<= 2\^62"):
        sample_pair_cos(2**62 + 1, 0)


@pytest.fixture
def tiny_calls(monkeypatch):
    """Kernel calls of at most 7 draws: every run is cut into many calls,
    long trials into many segments."""
    from bingeo.sampling import calls

    monkeypatch.setattr(calls, "MAX_CALL_DRAWS", 7)


@pytest.mark.parametrize("dist, quantizer", [("normal", "sign"), ("laplace", "sign"), ("t:3", "ternary:0.3"),
                                             ("aniso:9", "kbit:2"), ("uniform", "rotated-sign")])
@pytest.mark.parametrize("d", [3, 40])
def test_cutting_a_run_into_calls_changes_no_bit(monkeypatch, dist, quantizer, d):
    # CHUNK_DRAWS 24: d = 3 takes 8 trials per chunk (batches of chunks),
    # d = 40 one trial per chunk (segments of a trial)
    from bingeo.sampling import calls

    monkeypatch.setattr(cpu, "CHUNK_DRAWS", 24)
    whole = sample_cos(d, 19, quantizer=quantizer, dist=dist, seed=8)
    pair_whole = sample_pair_cos(d, 19, seed=8)
    monkeypatch.setattr(calls, "MAX_CALL_DRAWS", 7)
    np.testing.assert_array_equal(sample_cos(d, 19, quantizer=quantizer, dist=dist, seed=8), whole)
    np.testing.assert_array_equal(sample_pair_cos(d, 19, seed=8), pair_whole)


def test_a_long_trial_returns_to_python_between_segments(monkeypatch):
    # one trial of 10^6 coordinates in calls of at most 2^16 draws: at least
    # 16 calls, each a return to Python (where Ctrl-C is answered)
    from bingeo.sampling import calls

    seen = []
    real = calls._timed
    monkeypatch.setattr(calls, "_timed", lambda budget, draws, call, *a: (seen.append(draws), real(budget, draws, call, *a)))
    monkeypatch.setattr(calls, "MAX_CALL_DRAWS", 1 << 16)
    c = sample_cos(10**6, 1, seed=0)
    assert len(seen) >= 16 and max(seen) <= 1 << 16 and sum(seen) == 10**6
    monkeypatch.setattr(calls, "MAX_CALL_DRAWS", None)
    np.testing.assert_array_equal(c, sample_cos(10**6, 1, seed=0))


@pytest.mark.parametrize("d", [1, 4, 333])
def test_pair_kernel_matches_reference(small_chunks, d):
    _assert_close(sample_pair_cos(d, 11, seed=1), naive.sample_pair_cos(d, 11, seed=1), d)


def test_longer_run_extends_a_shorter_one(small_chunks):
    np.testing.assert_array_equal(sample_cos(7, 30, seed=4)[:11], sample_cos(7, 11, seed=4))
    np.testing.assert_array_equal(sample_pair_cos(7, 30, seed=4)[:11], sample_pair_cos(7, 11, seed=4))


def test_seed_sequence_object_gives_the_same_numbers_each_call():
    ss = np.random.SeedSequence(9)
    np.testing.assert_array_equal(sample_cos(10, 5, seed=ss), sample_cos(10, 5, seed=ss))
    np.testing.assert_array_equal(sample_cos(10, 5, seed=ss), sample_cos(10, 5, seed=9))
    assert not np.array_equal(sample_cos(10, 5, seed=9), sample_cos(10, 5, seed=10))


def test_zero_trials():
    assert sample_cos(5, 0).shape == (0,)
    assert sample_pair_cos(5, 0).shape == (0,)


_THREADS_SCRIPT = """
import hashlib, json, sys
import numpy as np
from bingeo.sampling import cpu
cpu.CHUNK_DRAWS = 64
from bingeo import sample_cos, sample_pair_cos
out = [sample_cos(16, 257, seed=3), sample_cos(16, 101, quantizer="ternary:0.5", dist="t:4", seed=3),
       sample_cos(8, 37, quantizer="rotated-sign", dist="aniso:9", seed=3), sample_pair_cos(16, 99, seed=3)]
print(json.dumps([hashlib.sha256(np.ascontiguousarray(o).tobytes()).hexdigest() for o in out]))
"""


def test_same_seed_same_numbers_whatever_the_thread_count():
    digests = []
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        done = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT], env=env, capture_output=True, text=True,
                              check=True)
        digests.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert digests[0] == digests[1]
