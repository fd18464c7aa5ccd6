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
@given(d=st.integers(1, 40), trials=st.integers(0, 30), seed=st.integers(0, 2**32),
       dist=st.sampled_from(["normal", "uniform", "laplace", "t:2.5", "aniso:7"]),
       quantizer=st.sampled_from(["sign", "ternary:0.3", "ternary:0", "kbit:1", "kbit:4:1", "rotated-sign"]))
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


def test_custom_quantizer_giving_zero_has_cosine_zero():
    assert np.all(sample_cos(4, 3, quantizer=np.zeros_like) == 0.0)


def test_ternary_all_zero_output_has_cosine_zero(small_chunks):
    # with a huge threshold every coordinate is zeroed: q(w) = 0, cos := 0
    c = sample_cos(3, 10, quantizer="ternary:1e6", seed=0)
    assert np.all(c == 0.0)
    np.testing.assert_array_equal(c, naive.sample_cos(3, 10, quantizer="ternary:1e6", seed=0))


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
