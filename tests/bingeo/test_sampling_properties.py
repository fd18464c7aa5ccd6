"""Properties of the samplers over drawn arguments: the cosine does not
depend on the scale of w (exactly, for any positive scale), a longer run
extends a shorter one (the prefix property), and the scalar quantizers the
kernels compile in keep sign(0) = +1."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from bingeo import sample_cos, sample_pair_cos
from bingeo.quantize_jit import kbit_scalar, kbit_step, sign_scalar, ternary_scalar
from bingeo.sampling import cpu
from bingeo.testing.strategies import dims, float_arrays, iid_laws, quantizers
from tests.tolerances import sum_rtol

seeds = st.integers(0, 2**63)
positive_scales = st.floats(1e-100, 1e100)
relative_scales = dims(max_d=24).flatmap(lambda d: float_arrays(d, min_value=1e-3, max_value=1e3))


class small_chunks:
    """Chunks of 24 draws inside a hypothesis test (no fixture there): runs
    of a few trials cross several chunk streams."""

    def __enter__(self):
        self.saved, cpu.CHUNK_DRAWS = cpu.CHUNK_DRAWS, 24

    def __exit__(self, *exc):
        cpu.CHUNK_DRAWS = self.saved


def assert_same_bits(a, b):
    np.testing.assert_array_equal(a.view(np.uint64), b.view(np.uint64))


@settings(deadline=None, max_examples=25)
@given(dims(max_d=24), quantizers(), positive_scales, seeds)
def test_equal_scales_give_the_same_cosines_for_any_positive_scale(d, q, a, seed):
    # w and a w have the same angle to their quantized versions (thresholds
    # are in units of the coordinates' sd), and the sampler draws a w from
    # the same stream, bit for bit
    assert_same_bits(sample_cos(d, 7, quantizer=q, dist=np.full(d, a), seed=seed),
                     sample_cos(d, 7, quantizer=q, dist=np.full(d, 1.0), seed=seed))


@settings(deadline=None, max_examples=25)
@given(relative_scales, quantizers(), st.integers(-60, 60), seeds)
def test_scaling_unequal_scales_by_a_power_of_two_changes_no_bit(s, q, j, seed):
    d = s.size
    assert_same_bits(sample_cos(d, 7, quantizer=q, dist=2.0**j * s, seed=seed),
                     sample_cos(d, 7, quantizer=q, dist=s, seed=seed))


@settings(deadline=None, max_examples=25)
@given(relative_scales, quantizers(kinds=["sign", "xnor", "rotated-sign"]), positive_scales, seeds)
def test_scaling_unequal_scales_by_any_positive_number_keeps_the_cosines(s, q, a, seed):
    # a s_i rounds, so the coordinates move by an ulp: the cosine, a
    # quotient of sums of d terms, moves by at most sum_rtol(3 d); the signs
    # (and so q) do not change
    d = s.size
    np.testing.assert_allclose(sample_cos(d, 7, quantizer=q, dist=a * s, seed=seed),
                               sample_cos(d, 7, quantizer=q, dist=s, seed=seed), rtol=sum_rtol(3 * d), atol=0)


@settings(deadline=None, max_examples=30)
@given(dims(max_d=30), st.integers(0, 40), st.integers(0, 40), quantizers(), iid_laws(), seeds)
def test_a_longer_run_extends_a_shorter_one(d, m, extra, q, law, seed):
    with small_chunks():
        longer = sample_cos(d, m + extra, quantizer=q, dist=law, seed=seed)
        shorter = sample_cos(d, m, quantizer=q, dist=law, seed=seed)
    assert_same_bits(longer[:m], shorter)


@settings(deadline=None, max_examples=20)
@given(dims(max_d=30), st.integers(0, 40), st.integers(0, 40), seeds)
def test_a_longer_pair_run_extends_a_shorter_one(d, m, extra, seed):
    with small_chunks():
        assert_same_bits(sample_pair_cos(d, m + extra, seed=seed)[:m], sample_pair_cos(d, m, seed=seed))


@njit(cache=True)
def _quantize_in_a_loop(x, threshold, step, top, out):
    # the scalar quantizers compiled into a loop over an array, as the
    # sampler kernels compile them
    for i in range(x.size):
        out[0, i] = sign_scalar(x[i])
        out[1, i] = ternary_scalar(x[i], threshold)
        out[2, i] = kbit_scalar(x[i], step, top)


@settings(deadline=None, max_examples=40)
@given(float_arrays(dims(max_d=20), min_value=-10.0, max_value=10.0), st.data(), st.integers(1, 8))
def test_sign_of_zero_is_plus_one_inside_compiled_loops(x, data, k):
    # zeros of both signs planted among drawn values
    planted = data.draw(st.lists(st.sampled_from([0.0, -0.0]), min_size=x.size, max_size=x.size))
    where = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size)))
    x = np.where(where, np.array(planted), x)
    step = kbit_step(k, 2.5)
    out = np.empty((3, x.size))
    _quantize_in_a_loop(x, 0.5, step, 2.5 - step / 2, out)
    zero = x == 0
    assert np.all(out[0, zero] == 1.0) and np.all(out[0, ~zero] == np.where(x[~zero] > 0, 1.0, -1.0))
    assert np.all(out[1, zero] == 0.0)
    assert np.all(out[2, zero] == step / 2)  # q(0) = +s/2, the level above zero
