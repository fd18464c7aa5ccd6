"""The xoroshiro128+ generator and its transforms, on the CPU (plain numba).

Against the published algorithms (a pure-Python reference on Python ints,
and known outputs), edge uniforms, and the moments of large draws.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from scipy import stats

from bingeo.sampling import xoroshiro as xr
from bingeo.sampling import xoroshiro_layout as layout
from bingeo.testing.strategies import float_elements
from tests.bingeo import xoroshiro_reference as ref
from tests.tolerances import z_bound

U64 = st.integers(min_value=0, max_value=(1 << 64) - 1)


# --------------------------------------------------------------------------
# Integer streams
# --------------------------------------------------------------------------

def test_splitmix64_known_outputs():
    # First outputs of splitmix64.c seeded with 0.
    expected = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    got = [int(xr.splitmix64_output(np.uint64(0), np.uint64(n))) for n in range(3)]
    assert got == expected
    assert [ref.splitmix64_output(0, n) for n in range(3)] == expected


def test_xoroshiro_hand_computed_step():
    # s = (1, 2): output 3; s1 ^= s0 -> 3; s0 = rotl(1, 24) ^ 3 ^ (3 << 16); s1 = rotl(3, 37).
    x, s0, s1 = xr.xoroshiro128p_next(np.uint64(1), np.uint64(2))
    assert (int(x), int(s0), int(s1)) == (3, (1 << 24) ^ 3 ^ (3 << 16), 3 << 37)


@settings(deadline=None, max_examples=50)
@given(s0=U64, s1=U64)
def test_xoroshiro_matches_reference(s0, s1):
    gen = ref.Xoroshiro128Plus(s0, s1)
    a, b = np.uint64(s0), np.uint64(s1)
    for _ in range(8):
        x, a, b = xr.xoroshiro128p_next(a, b)
        a, b = np.uint64(a), np.uint64(b)  # numba returns uint64 as a Python int
        assert int(x) == gen.next()
    assert (int(a), int(b)) == (gen.s0, gen.s1)


@settings(deadline=None, max_examples=50)
@given(key=U64, n=st.integers(min_value=0, max_value=(1 << 62)))
def test_stream_state_matches_reference(key, n):
    s0, s1 = xr.stream_state(np.uint64(key), np.uint64(n))
    gen = ref.stream(key, n)
    assert (int(s0), int(s1)) == (gen.s0, gen.s1)
    assert (int(s0), int(s1)) != (0, 0)


def test_stream_key_is_the_seed_sequence_state():
    ss = np.random.SeedSequence(12345)
    assert int(layout.stream_key(12345)) == int(ss.generate_state(1, np.uint64)[0])
    assert int(layout.stream_key(ss)) == int(layout.stream_key(12345))
    assert ss.n_children_spawned == 0


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", None])
def test_stream_key_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        layout.stream_key(seed)


# --------------------------------------------------------------------------
# Uniforms and the normal transform
# --------------------------------------------------------------------------

@settings(deadline=None, max_examples=100)
@given(x=U64)
def test_uniform_is_exact_and_open(x):
    u = xr.uniform_open01(np.uint64(x))
    assert u == ((x >> 12) + 0.5) * 2.0 ** -52  # exact in float64
    assert 0.0 < u < 1.0


def test_uniform_extremes():
    assert xr.uniform_open01(np.uint64(0)) == xr.UNIFORM_MIN == 2.0 ** -53
    assert xr.uniform_open01(np.uint64((1 << 64) - 1)) == xr.UNIFORM_MAX == 1.0 - 2.0 ** -53
    assert xr.uniform_open01(np.uint64(1 << 63)) == 0.5 + 2.0 ** -53


EXTREME_UNIFORMS = [xr.UNIFORM_MIN, 2.0 ** -52 * 1.5, 0.25, 0.5 - 2.0 ** -53, 0.5 + 2.0 ** -53, xr.UNIFORM_MAX]


@pytest.mark.parametrize("u1", EXTREME_UNIFORMS)
@pytest.mark.parametrize("u2", EXTREME_UNIFORMS)
def test_normal_finite_at_extreme_uniforms(u1, u2):
    z0, z1 = xr.normal_from_uniforms(u1, u2)
    bound = math.sqrt(-2.0 * math.log(xr.UNIFORM_MIN))  # ~ 8.57
    assert math.isfinite(z0) and math.isfinite(z1)
    assert math.hypot(z0, z1) <= bound * (1 + 1e-15)


def test_normal_radius_at_smallest_uniform():
    z0, z1 = xr.normal_from_uniforms(xr.UNIFORM_MIN, xr.UNIFORM_MIN)
    assert math.hypot(z0, z1) == pytest.approx(math.sqrt(106 * math.log(2)), rel=1e-14)


@pytest.mark.parametrize("u", EXTREME_UNIFORMS)
def test_laplace_finite_and_symmetric(u):
    x = xr.laplace_from_uniform(u)
    assert math.isfinite(x)
    assert xr.laplace_from_uniform(1.0 - u) == -x  # 1 - u is exact for these uniforms


@pytest.mark.parametrize("nu", [0.5, 1.0, 3.0, 30.0, 1e6])
@pytest.mark.parametrize("u1", [xr.UNIFORM_MIN, 0.5, xr.UNIFORM_MAX])
def test_student_t_finite_at_extreme_uniforms(nu, u1):
    assert math.isfinite(xr.student_t_from_uniforms(u1, 0.125, nu))


@njit(cache=True)
def _normals(key, n):
    out = np.empty(n)
    s0, s1 = xr.stream_state(key, 0)
    for i in range(0, n, 2):
        z0, z1, s0, s1 = xr.normal_pair(s0, s1)
        out[i] = z0
        out[i + 1] = z1
    return out


@njit(cache=True)
def _transformed(key, n, kind, nu):
    out = np.empty(n)
    s0, s1 = xr.stream_state(key, 1)
    for i in range(n):
        x1, s0, s1 = xr.xoroshiro128p_next(s0, s1)
        u1 = xr.uniform_open01(x1)
        if kind == 0:
            out[i] = u1
        elif kind == 1:
            out[i] = xr.laplace_from_uniform(u1)
        else:
            x2, s0, s1 = xr.xoroshiro128p_next(s0, s1)
            out[i] = xr.student_t_from_uniforms(u1, xr.uniform_open01(x2), nu)
    return out


N_LARGE = 1 << 21


def test_normal_moments_match_standard_normal():
    """Raw moments of 2^21 normals: E z^k is 0, 1, 0, 3 with variances
    (E z^2k - (E z^k)^2) / n = 1, 2, 15, 96 over n; plus E z0 z1 = 0 (var
    1/n) for the two outputs of one Box-Muller pair."""
    z = _normals(np.uint64(layout.stream_key(2024)), N_LARGE)
    n = z.size
    zb = z_bound(5)
    for k, mean, var in [(1, 0.0, 1.0), (2, 1.0, 2.0), (3, 0.0, 15.0), (4, 3.0, 96.0)]:
        est = float(np.mean(z ** k))
        assert abs(est - mean) <= zb * math.sqrt(var / n), (k, est)
    pair = float(np.mean(z[0::2] * z[1::2]))
    assert abs(pair) <= zb * math.sqrt(1.0 / (n // 2))


def test_uniform_and_laplace_moments():
    key = np.uint64(layout.stream_key(7))
    n = N_LARGE
    zb = z_bound(4)
    u = _transformed(key, n, 0, 0.0)
    assert abs(u.mean() - 0.5) <= zb * math.sqrt(1 / 12 / n)
    assert abs(np.mean(u * u) - 1 / 3) <= zb * math.sqrt((1 / 5 - 1 / 9) / n)
    x = _transformed(key, n, 1, 0.0)
    # Standard Laplace: E|x| = 1 (var 1), E x^2 = 2 (var E x^4 - 4 = 20).
    assert abs(np.mean(np.abs(x)) - 1.0) <= zb * math.sqrt(1.0 / n)
    assert abs(np.mean(x * x) - 2.0) <= zb * math.sqrt(20.0 / n)


@pytest.mark.parametrize("nu", [0.7, 3.0, 12.5])
def test_student_t_quantiles(nu):
    """P(T <= t_p) = p at five quantiles of scipy's t_nu: each a binomial
    proportion with SE sqrt(p (1 - p) / n)."""
    n = 1 << 19
    x = _transformed(np.uint64(layout.stream_key(11)), n, 2, nu)
    probs = [0.01, 0.2, 0.5, 0.8, 0.99]
    zb = z_bound(len(probs) * 3)
    for p in probs:
        frac = float(np.mean(x <= stats.t.ppf(p, nu)))
        assert abs(frac - p) <= zb * math.sqrt(p * (1 - p) / n), (nu, p, frac)


# --------------------------------------------------------------------------
# Per-coordinate helpers of the layout
# --------------------------------------------------------------------------

FLOATS = float_elements(np.float64, min_value=-1e6, max_value=1e6)


def _quantize_reference(w, code, p1, p2, scale):
    from bingeo import quantize

    if code == layout.QUANT_SIGN:
        return float(quantize.sign(w))
    if code == layout.QUANT_TERNARY:
        return float(quantize.ternarize(w, p1 * scale))
    # p1 = step, p2 = the top level in steps; q is in steps, times scale
    step = p1 * scale
    return scale * float(quantize.kbit_quantize(w, 2, clip=(p2 + 0.5) * step)) / step


@pytest.mark.parametrize("w", [0.0, -0.0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 1e-300, -1e-300, 3.0, -3.0])
@pytest.mark.parametrize("code", [layout.QUANT_SIGN, layout.QUANT_TERNARY, layout.QUANT_KBIT])
def test_quantize_scalar_edge_rows(w, code):
    # ternary threshold 0.5 (ties at +-0.5 give 0); 2-bit step 0.5 on [-1, 1]
    # (ties at the level boundaries 0, +-0.5), top level 1.5 steps
    p1, p2 = (0.5, 0.0) if code == layout.QUANT_TERNARY else (0.5, 1.5)
    assert layout.quantize_scalar(w, code, p1, p2, 1.0) == _quantize_reference(w, code, p1, p2, 1.0)


@settings(deadline=None, max_examples=100)
@given(w=FLOATS, scale=st.integers(-6, 6).map(lambda k: 2.0 ** k),
       code=st.sampled_from([layout.QUANT_SIGN, layout.QUANT_TERNARY, layout.QUANT_KBIT]))
def test_quantize_scalar_matches_numpy_quantizers(w, scale, code):
    # power-of-two scales: both sides compute the same step and threshold exactly
    p1, p2 = (0.7, 0.0) if code == layout.QUANT_TERNARY else (0.5, 1.5)
    got = layout.quantize_scalar(w, code, p1, p2, scale)
    assert got == _quantize_reference(w, code, p1, p2, scale)


def test_cos_from_sums_edges():
    assert math.isnan(layout.cos_from_sums(0.0, 0.0, 5.0))  # a zero vector: undefined
    assert math.isnan(layout.cos_from_sums(1.0, 4.0, 0.0))
    assert layout.cos_from_sums(2.0 + 1e-15, 2.0, 2.0) == 1.0  # rounding past 1 is clipped
    assert layout.cos_from_sums(-3.0, 9.0, 1.0) == -1.0
    assert layout.cos_from_sums(1.0, 4.0, 1.0) == 0.5


@pytest.mark.parametrize("code, outputs", [(layout.DIST_NORMAL, 2), (layout.DIST_UNIFORM, 2),
                                           (layout.DIST_LAPLACE, 2), (layout.DIST_T, 4)])
def test_draw_pair_consumes_the_documented_outputs(code, outputs):
    s0, s1 = xr.stream_state(np.uint64(3), np.uint64(5))
    _, _, a, b = layout.draw_pair(code, 4.0, s0, s1)
    gen = ref.stream(3, 5)
    for _ in range(outputs):
        gen.next()
    assert (int(a), int(b)) == (gen.s0, gen.s1)
