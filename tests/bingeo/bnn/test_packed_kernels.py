"""Bit-packed kernels: packing against np.packbits, XNOR-popcount sums against
plain integer products (hand-written cases, borders, fan-ins that are not
multiples of 64), pooling and thresholds against the unfused reference, the
folded thresholds against the engine's batch norm (ties included), and the
argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.bnn.layers.batchnorm import batchnorm_forward_eval
from bingeo.bnn.layers.pool import maxpool2d_forward_reference
from bingeo.bnn.packed import (
    binary_conv3x3_signs,
    binary_conv3x3_sums,
    binary_conv3x3_sums_reference,
    binary_dense_signs,
    binary_dense_sums,
    binary_dense_sums_reference,
    float_sign_thresholds,
    pack_conv_weights,
    pack_dense_weights,
    pack_signs,
    pack_signs_channels_last,
    pack_signs_reference,
    sign_thresholds,
    unpack_signs,
)

FAN_INS = [1, 5, 63, 64, 65, 128, 130]
"""Word boundaries: one bit, under, at and over one and two words."""


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, np.float32(-1), np.float32(1))


def _pooled_signs_reference(z, pools, thresholds):
    """z (N, F, H, W) integers -> pools by the engine's numpy reference ->
    z >= T -> packed channels last."""
    z = z.astype(np.float64)
    for _ in range(pools):
        z, _ = maxpool2d_forward_reference(z)
    bits = np.where(z >= thresholds[None, :, None, None], 1.0, -1.0).astype(np.float32)
    n, f, h, w = bits.shape
    return pack_signs_reference(bits.transpose(0, 2, 3, 1).reshape(-1, f)).reshape(n, h, w, -1)


# --- packing ------------------------------------------------------------------


@pytest.mark.parametrize("k", FAN_INS)
def test_pack_signs_matches_packbits_and_unpacks(k):
    rng = np.random.default_rng(k)
    v = rng.normal(size=(4, k)).astype(np.float32)
    v[0, 0] = -0.0                       # sign(-0.0) = +1
    got = pack_signs(v)
    np.testing.assert_array_equal(got, pack_signs_reference(v))
    assert got.shape == (4, (k + 63) // 64)
    np.testing.assert_array_equal(unpack_signs(got, k), np.where(v >= 0, 1, -1))
    assert unpack_signs(got, k)[0, 0] == 1
    if k % 64:
        assert (got[:, -1] >> np.uint64(k % 64) == 0).all(), "padding bits must be 0"


def test_pack_channels_last_is_the_transposed_rows():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(2, 70, 3, 5)).astype(np.float32)
    want = pack_signs_reference(v.transpose(0, 2, 3, 1).reshape(-1, 70)).reshape(2, 3, 5, 2)
    np.testing.assert_array_equal(pack_signs_channels_last(v), want)


def test_packing_against_thresholds_is_packing_the_differences():
    """v >= t per unit, ties included (t drawn from v itself)."""
    rng = np.random.default_rng(2)
    v = rng.normal(size=(3, 70, 2, 2)).astype(np.float32)
    t = v[0, :, 0, 0].copy()
    diff = np.where(v >= t[None, :, None, None], 1.0, -1.0).astype(np.float32)
    np.testing.assert_array_equal(pack_signs_channels_last(v, t), pack_signs_channels_last(diff))
    rows = v.reshape(3, -1)[:, :70]
    np.testing.assert_array_equal(pack_signs(np.ascontiguousarray(rows), t),
                                  pack_signs_reference(np.where(rows >= t, 1.0, -1.0)))


# --- dense --------------------------------------------------------------------


def test_dense_by_hand():
    a = np.array([[1, 1, 1, 1], [-1, 1, -1, 1]], np.float32)
    w = np.array([[1, -1], [1, -1], [1, 1], [-1, 1]], np.float32)
    # row 0: 1+1+1-1 = 2, -1-1+1+1 = 0; row 1: -1+1-1-1 = -2, 1-1-1+1 = 0
    got = binary_dense_sums(pack_signs(a), pack_dense_weights(w), 4)
    np.testing.assert_array_equal(got, [[2, 0], [-2, 0]])
    np.testing.assert_array_equal(binary_dense_signs(pack_signs(a), pack_dense_weights(w), 4, [2, 0]),
                                  [[0b11], [0b10]])


@pytest.mark.parametrize("k", FAN_INS)
@pytest.mark.parametrize("m", [1, 7, 70])
def test_dense_sums_equal_the_integer_product(k, m):
    rng = np.random.default_rng(100 * k + m)
    a, w = _signs(rng, (5, k)), _signs(rng, (k, m))
    got = binary_dense_sums(pack_signs(a), pack_dense_weights(w), k)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, binary_dense_sums_reference(a, w))
    thresholds = rng.integers(-k, k + 2, m)
    want = pack_signs_reference(np.where(binary_dense_sums_reference(a, w) >= thresholds, 1.0, -1.0))
    np.testing.assert_array_equal(binary_dense_signs(pack_signs(a), pack_dense_weights(w), k, thresholds), want)


@pytest.mark.parametrize("c", [1, 3, 64, 65])
def test_dense_after_a_feature_map_follows_the_engines_flattening(c):
    rng = np.random.default_rng(c)
    a, w = _signs(rng, (3, c, 2, 3)), _signs(rng, (c * 6, 9))
    x = pack_signs_channels_last(a).reshape(3, -1)
    got = binary_dense_sums(x, pack_dense_weights(w, (c, 2, 3)), c * 6)
    np.testing.assert_array_equal(got, binary_dense_sums_reference(a.reshape(3, -1), w))


# --- conv ---------------------------------------------------------------------


def test_conv_borders_count_only_the_valid_neighbours():
    """All +1: each output is 9 C inside, 6 C on an edge, 4 C in a corner
    (and 2 C, 3 C on one-pixel-wide maps): the padding counts 0, not -1."""
    for c, h, w in [(1, 4, 5), (65, 3, 3), (2, 1, 4), (3, 1, 1)]:
        z = binary_conv3x3_sums(pack_signs_channels_last(np.ones((1, c, h, w), np.float32)),
                                pack_conv_weights(np.ones((1, c, 3, 3), np.float32)), c)[0, 0]
        valid_rows = np.array([min(i + 1, h - 1) - max(i - 1, 0) + 1 for i in range(h)])
        valid_cols = np.array([min(j + 1, w - 1) - max(j - 1, 0) + 1 for j in range(w)])
        np.testing.assert_array_equal(z, c * valid_rows[:, None] * valid_cols[None, :])
    corner = binary_conv3x3_sums(pack_signs_channels_last(np.ones((1, 1, 3, 3), np.float32)),
                                 pack_conv_weights(np.ones((1, 1, 3, 3), np.float32)), 1)[0, 0]
    np.testing.assert_array_equal(corner, [[4, 6, 4], [6, 9, 6], [4, 6, 4]])


def test_conv_by_hand():
    # one channel, 2x2 image [[1, -1], [-1, -1]], filter with centre +1 and the rest -1:
    # pixel (0, 0) sees itself (+1 * +1) and 3 neighbours (-1 * -1 each): 4
    a = np.array([1, -1, -1, -1], np.float32).reshape(1, 1, 2, 2)
    w = -np.ones((1, 1, 3, 3), np.float32)
    w[0, 0, 1, 1] = 1
    z = binary_conv3x3_sums(pack_signs_channels_last(a), pack_conv_weights(w), 1)
    np.testing.assert_array_equal(z[0, 0], [[4, 0], [0, 0]])
    np.testing.assert_array_equal(z, binary_conv3x3_sums_reference(a, w))


@pytest.mark.parametrize("c", [1, 63, 64, 65, 130])
@pytest.mark.parametrize("hw", [(1, 1), (2, 3), (5, 4)])
def test_conv_sums_equal_the_integer_convolution(c, hw):
    rng = np.random.default_rng(c * 10 + hw[0])
    a, w = _signs(rng, (2, c) + hw), _signs(rng, (3, c, 3, 3))
    got = binary_conv3x3_sums(pack_signs_channels_last(a), pack_conv_weights(w), c)
    assert got.dtype == np.int32 and got.shape == (2, 3) + hw
    np.testing.assert_array_equal(got, binary_conv3x3_sums_reference(a, w))
    as_float = binary_conv3x3_sums(pack_signs_channels_last(a), pack_conv_weights(w), c, np.float32)
    assert as_float.dtype == np.float32 and np.array_equal(as_float, got)


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 70), st.integers(1, 3), st.integers(1, 7), st.integers(1, 7), st.integers(0, 2),
       st.integers(0, 2**32 - 1))
def test_conv_signs_equal_sums_then_pools_then_thresholds(c, f, h, w, pools, seed):
    if (h >> pools) < 1 or (w >> pools) < 1:
        pools = 0
    rng = np.random.default_rng(seed)
    a, wt = _signs(rng, (2, c, h, w)), _signs(rng, (f, c, 3, 3))
    z = binary_conv3x3_sums_reference(a, wt)
    # thresholds drawn from the sums themselves, so some sums sit exactly at them
    thresholds = rng.choice(z.ravel(), f)
    got = binary_conv3x3_signs(pack_signs_channels_last(a), pack_conv_weights(wt), c, thresholds, pools=pools)
    np.testing.assert_array_equal(got, _pooled_signs_reference(z, pools, thresholds))


def test_pooling_ties_and_odd_edges():
    """Equal maxima in a window, and a dropped odd row and column: the integer
    max is the engine's max."""
    a = np.ones((1, 1, 5, 5), np.float32)
    a[0, 0, 4, :] = -1                      # the dropped row would win nothing
    wt = np.ones((2, 1, 3, 3), np.float32)
    z = binary_conv3x3_sums_reference(a, wt)
    thresholds = np.array([z[0, 0, 1, 1], z[0, 0, 1, 1] + 1])
    got = binary_conv3x3_signs(pack_signs_channels_last(a), pack_conv_weights(wt), 1, thresholds, pools=1)
    np.testing.assert_array_equal(got, _pooled_signs_reference(z, 1, thresholds))
    assert got.shape == (1, 2, 2, 1)


# --- thresholds ---------------------------------------------------------------


def _engine_sign(z, mean, var, beta, eps):
    """sign(BN(z)) of the engine, one candidate at a time (the slow way)."""
    row = np.full((1, mean.size), z, np.float32)
    return batchnorm_forward_eval(row, mean, var, beta, eps)[0] >= 0


@pytest.mark.parametrize("fan_in", [1, 9, 70])
def test_sign_thresholds_reproduce_the_engine_on_every_integer(fan_in):
    rng = np.random.default_rng(fan_in)
    units = 40
    mean = rng.normal(0, fan_in ** 0.5, units).astype(np.float32)
    mean[:8] = rng.integers(-fan_in, fan_in + 1, 8)          # BN(z) = 0 exactly at an integer z
    var = rng.uniform(0.01, 2 * fan_in, units).astype(np.float32)
    beta = rng.normal(0, 1, units).astype(np.float32)
    beta[:8] = 0
    beta[8], beta[9] = 1e6, -1e6                             # always +1, always -1
    eps = np.float32(1e-4)
    t = sign_thresholds(mean, var, beta, eps, fan_in)
    for z in range(-fan_in, fan_in + 1):
        np.testing.assert_array_equal(z >= t, _engine_sign(z, mean, var, beta, eps), err_msg=f"z = {z}")
    assert t[8] == -fan_in and t[9] == fan_in + 1
    np.testing.assert_array_equal(t[:8], mean[:8])            # the tie BN(z) = 0 gives +1


def test_threshold_at_an_exact_tie_by_hand():
    """var + eps = 4 exactly, so BN(z) = (z - 1) / 2 - 1 is 0 at z = 3: the tie is +1."""
    eps = np.float32(2.0 ** -10)
    var = np.float32(4 - 2.0 ** -10)
    t = sign_thresholds(np.float32([1]), np.float32([var]), np.float32([-1]), eps, 5)
    assert t.tolist() == [3]
    y = batchnorm_forward_eval(np.float32([[2], [3]]), np.float32([1]), np.float32([var]), np.float32([-1]), eps)
    assert y.ravel().tolist() == [-0.5, 0.0]


def test_float_thresholds_reproduce_the_engine_at_the_threshold_and_around():
    rng = np.random.default_rng(3)
    units = 30
    mean = rng.normal(0, 3, units).astype(np.float32)
    var = rng.uniform(0.01, 10, units).astype(np.float32)
    beta = rng.normal(0, 1, units).astype(np.float32)
    eps = np.float32(1e-4)
    t = float_sign_thresholds(mean, var, beta, eps)
    assert np.isfinite(t).all()
    below = np.nextafter(t, np.float32(-np.inf))
    probes = [t, below, np.nextafter(t, np.float32(np.inf)), np.nextafter(below, np.float32(-np.inf)),
              np.zeros(units, np.float32), -np.zeros(units, np.float32),
              rng.normal(0, 5, units).astype(np.float32)]
    for z in probes:
        z = np.ascontiguousarray(z, np.float32)
        want = batchnorm_forward_eval(z[None, :], mean, var, beta, eps)[0] >= 0
        np.testing.assert_array_equal(z >= t, want)
    assert (batchnorm_forward_eval(t[None, :], mean, var, beta, eps) >= 0).all()
    assert (batchnorm_forward_eval(below[None, :], mean, var, beta, eps) < 0).all()


def test_nan_statistics_are_refused():
    with pytest.raises(ValueError, match="batch norm of unit 1 gives NaN"):
        sign_thresholds(np.float32([0, np.nan]), np.float32([1, 1]), np.float32([0, 0]), np.float32(1e-4), 3)
    with pytest.raises(ValueError, match="batch norm of unit 0 gives NaN"):
        float_sign_thresholds(np.float32([0]), np.float32([1]), np.float32([np.nan]), np.float32(1e-4))


# --- argument checks ----------------------------------------------------------

_W1 = np.zeros((1, 1), np.uint64)
_X4 = np.zeros((1, 2, 2, 1), np.uint64)
_W4 = np.zeros((3, 3, 1, 2), np.uint64)


@pytest.mark.parametrize("call, name", [
    (lambda: pack_signs(np.zeros((2, 3))), "v"),
    (lambda: pack_signs(np.zeros(3, np.float32)), "v"),
    (lambda: pack_signs(np.zeros((2, 3), np.float32), [0, 0]), "thresholds"),
    (lambda: pack_conv_weights(np.zeros((1, 1, 3, 3), np.float32)), "w"),
    (lambda: pack_conv_weights(np.ones((1, 1, 2, 2), np.float32)), "w"),
    (lambda: pack_dense_weights(np.ones((6, 2), np.float32), (1, 2, 2)), "feature_map"),
    (lambda: binary_dense_sums(np.zeros((1, 1), np.int64), _W1, 3), "x"),
    (lambda: binary_dense_sums(_W1, np.zeros((2, 1), np.uint64), 3), "w"),
    (lambda: binary_dense_sums(_W1, _W1, 65), "fan_in"),
    (lambda: binary_dense_sums(_W1, _W1, 0), "fan_in"),
    (lambda: binary_dense_signs(_W1, _W1, 3, [1, 2]), "thresholds"),
    (lambda: binary_dense_signs(_W1, _W1, 3, [0.5]), "thresholds"),
    (lambda: binary_conv3x3_sums(_X4, np.zeros((3, 3, 2, 2), np.uint64), 1), "w"),
    (lambda: binary_conv3x3_sums(_X4, _W4, 65), "channels"),
    (lambda: binary_conv3x3_sums(_X4, _W4, 1, np.float64), "dtype"),
    (lambda: binary_conv3x3_signs(_X4, _W4, 1, [0, 0], pools=2), "pools"),
    (lambda: binary_conv3x3_signs(_X4, _W4, 1, [0, 0], pools=-1), "pools"),
    (lambda: binary_conv3x3_sums(np.zeros((0, 2, 2, 1), np.uint64), _W4, 1), "x"),
    (lambda: sign_thresholds(np.float32([0]), np.float32([1]), np.float32([0]), 1e-4, 0), "fan_in"),
    (lambda: sign_thresholds(np.float32([0]), np.float32([1, 1]), np.float32([0]), 1e-4, 3), "running_var"),
])
def test_bad_arguments_are_named(call, name):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert str(info.value).startswith(name), str(info.value)
