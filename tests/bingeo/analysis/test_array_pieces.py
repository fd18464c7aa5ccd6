"""The array-level pieces of bingeo.analysis against slow references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from bingeo import analysis as ba
from tests.bingeo.analysis import reference as ref
from tests.tolerances import sum_rtol

# multiples of 1/8: exact in float64, with zeros and ties, no underflow
finite = st.integers(-8000, 8000).map(lambda v: v / 8.0)


def matrices(rows=st.integers(2, 12), cols=st.integers(1, 9)):
    return st.tuples(rows, cols).flatmap(lambda s: hnp.arrays(np.float64, s, elements=finite))


# -- cosines ---------------------------------------------------------------

def test_unit_cosines_hand_case():
    w = np.array([[1.0, 2.0, -2.0], [0.0, 0.0, 0.0], [-0.0, 1.0, 0.0]])
    q = ba.sign_pm1(w)
    np.testing.assert_array_equal(q, [[1, 1, -1], [1, 1, 1], [1, 1, 1]])
    cos = ba.unit_cosines(w, q)
    assert cos[0] == pytest.approx(5 / (3 * math.sqrt(3)), rel=1e-15)
    assert math.isnan(cos[1])
    assert cos[2] == pytest.approx(1 / math.sqrt(3), rel=1e-15)


@settings(deadline=None, max_examples=60)
@given(matrices())
def test_unit_cosines_match_reference(w):
    got = ba.unit_cosines(w, ba.sign_pm1(w))
    want = ref.unit_cosines(w, ref.sign_pm1(w))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=sum_rtol(w.shape[1]), atol=sum_rtol(w.shape[1]))


def test_weight_angle_summary_drops_zero_rows():
    w = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, -3.0]])
    s = ba.weight_angle_summary(w, ba.sign_pm1(w))
    assert (s["units"], s["undefined"], s["d"]) == (2, 1, 2)
    assert s["mean_cos"] == pytest.approx((1 + 4 / math.sqrt(20)) / 2, rel=1e-14)


def test_loglog_slope_matches_polyfit():
    x = np.array([9.0, 64, 288, 576, 1152])
    y = np.array([0.2, 0.07, 0.035, 0.02, 0.016])
    fit = ba.loglog_slope(x, y)
    (slope, icpt), cov = np.polyfit(np.log(x), np.log(y), 1, cov="unscaled")
    resid = np.log(y) - (icpt + slope * np.log(x))
    se = math.sqrt(cov[0, 0] * (resid @ resid) / (len(x) - 2))
    assert fit["slope"] == pytest.approx(slope, rel=1e-12)
    assert fit["se_slope"] == pytest.approx(se, rel=1e-10)


# -- correlations ----------------------------------------------------------

@settings(deadline=None, max_examples=60)
@given(matrices(rows=st.integers(3, 12), cols=st.integers(1, 5)), st.integers(0, 2**32 - 1))
def test_column_correlations_match_corrcoef(x, seed):
    y = x * 0.5 + np.random.default_rng(seed).standard_normal(x.shape)
    got = ba.column_correlations(x, y)
    want = ref.column_correlations(x, y)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-9, atol=1e-9)


def test_dot_product_correlations_match_corrcoef():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((300, 40))
    w = rng.standard_normal((7, 40))
    b = ba.sign_pm1(w)
    r = ba.dot_product_correlations(a, w, b)
    pa, pb, pab = a @ w.T, a @ b.T, ref.sign_pm1(a) @ b.T
    for kind, (x, y) in {"wc_wb": (pa, pb), "wb_abwb": (pb, pab), "wc_abwb": (pa, pab)}.items():
        want = ref.column_correlations(x, y)
        np.testing.assert_allclose(r[kind]["per_unit"], want, rtol=1e-12)
        assert r[kind]["mean"] == pytest.approx(want.mean(), rel=1e-12)
        assert r[kind]["se"] == pytest.approx(np.std(want, ddof=1) / math.sqrt(7), rel=1e-10)
        assert r[kind]["pooled"] == pytest.approx(np.corrcoef(x.ravel(), y.ravel())[0, 1], rel=1e-12)


def test_sign_of_zero_inputs_is_plus_one():
    p = ba.preactivations([[0.0, -0.0, -1.0]], [[1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0]])
    assert p["abwb"][0, 0] == 1.0


# -- covariance and isotropy -------------------------------------------------

@settings(deadline=None, max_examples=40)
@given(matrices(rows=st.integers(2, 10), cols=st.integers(1, 6)))
def test_input_covariance_matches_np_cov(a):
    got = ba.input_covariance(a)
    want = np.atleast_2d(ref.input_covariance(a))
    scale = max(1.0, float(np.max(np.abs(a))) ** 2)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=sum_rtol(a.shape[0], 16) * scale)


@pytest.mark.parametrize("d, rho", [(2, 0.3), (10, 0.9), (50, 0.05)])
def test_isotropy_measures_of_equicorrelated_covariance(d, rho):
    c = (1 - rho) * np.eye(d) + rho * np.ones((d, d))
    m = ba.isotropy_measures(c)
    fro2 = d + rho**2 * d * (d - 1)
    assert m["relative_distance"] == pytest.approx(rho * math.sqrt(d * (d - 1) / fro2), rel=1e-12)
    assert m["participation_ratio"] == pytest.approx(d * d / (d * fro2), rel=1e-12)
    assert m["mean_abs_offdiag_corr"] == pytest.approx(rho, rel=1e-12)


# -- permutations -------------------------------------------------------------

def test_fixed_permutation_permutes_the_covariance():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((50, 6)) @ rng.standard_normal((6, 6))
    y = ba.permute_coordinates(x, "fixed", seed=11)
    perm = [int(np.flatnonzero(np.all(x == y[:, [j]], axis=0))[0]) for j in range(6)]
    assert sorted(perm) == list(range(6))
    want = ba.input_covariance(x)[np.ix_(perm, perm)]
    np.testing.assert_allclose(ba.input_covariance(y), want, rtol=sum_rtol(50, 16), atol=sum_rtol(50, 16) * np.abs(want).max())


def test_per_sample_permutation_permutes_each_row_independently():
    x = np.tile(np.arange(8.0), (200, 1))
    y = ba.permute_coordinates(x, "per_sample", seed=2)
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    assert len({tuple(r) for r in y}) > 150
    # same seed, same permutations
    np.testing.assert_array_equal(y, ba.permute_coordinates(x, "per_sample", seed=2))


def test_per_sample_permutation_equalizes_the_covariance():
    # definition: the covariance of per-sample permuted data has equal
    # diagonal entries and equal off-diagonal entries in expectation:
    # E[y_i y_j] = (s2 - s1^2 * ... ) computed from the row moments.
    rng = np.random.default_rng(9)
    n, d = 20000, 5
    x = rng.standard_normal((n, d)) * np.array([3.0, 1, 1, 0.2, 0.1]) + np.array([2.0, 0, 0, 0, 1])
    y = ba.permute_coordinates(x, "per_sample", seed=4)
    # exact expectations over the permutation given the rows:
    s1 = x.sum(axis=1)
    s2 = (x * x).sum(axis=1)
    m = s1.mean() / d
    diag = s2.mean() / d - m * m
    off = ((s1 * s1 - s2).mean() / (d * (d - 1))) - m * m
    c = ba.input_covariance(y)
    want = off * np.ones((d, d)) + (diag - off) * np.eye(d)
    # SE of a covariance entry ~ sqrt(E[y_i^2 y_j^2] / n); bound every entry
    from tests.tolerances import z_bound
    se = np.sqrt(np.mean(y**2, axis=0)[:, None] * np.mean(y**2, axis=0)[None, :] * 3 / n)
    assert np.all(np.abs(c - want) <= z_bound(d * d) * se)


# -- batch norm ------------------------------------------------------------------

@settings(deadline=None, max_examples=40)
@given(matrices(rows=st.integers(2, 10), cols=st.integers(1, 4)), st.floats(1e-5, 1e-1))
def test_batchnorm_matches_reference(z, eps):
    np.testing.assert_allclose(ba.batchnorm_batch_stats(z, eps=eps), ref.batchnorm_batch_stats(z, eps),
                               rtol=1e-9, atol=1e-9)


def test_positive_scale_cancels_exactly_with_eps_zero():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((256, 16))
    alpha = ba.xnor_alpha(rng.standard_normal((16, 100)))
    r = ba.batchnorm_scale_difference(z, alpha, eps=0.0)
    assert r["max_abs_diff"] <= sum_rtol(256, 16) * r["max_abs_output"]
    # with eps the first-order difference (1/2)(eps/var)(1 - 1/alpha^2) |BN(z)|
    r_eps = ba.batchnorm_scale_difference(z, alpha, eps=1e-5)
    y = ba.batchnorm_batch_stats(z, eps=0.0)
    first_order = np.max(np.abs(0.5 * 1e-5 / z.var(axis=0) * (1 - 1 / alpha**2) * y))
    assert r_eps["max_abs_diff"] == pytest.approx(first_order, rel=1e-3)


# -- costs ----------------------------------------------------------------------

def test_first_layer_ops_conv_counts():
    b = ba.first_layer_ops("binary", d=9, units=16, positions=36)
    r = ba.first_layer_ops("rotated", d=9, units=16, positions=36)
    c = ba.first_layer_ops("continuous", d=9, units=16, positions=36)
    assert b["float_adds"] == r["float_adds"] == c["float_mults"] == 36 * 16 * 9
    assert r["float_mults"] == 36 * 81 and b["float_mults"] == 0


# -- invalid calls ------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, name", [
    (lambda: ba.unit_rows(np.zeros(3), unit_axis=0), ValueError, "weights"),
    (lambda: ba.unit_rows(np.zeros((2, 3)), unit_axis=2), ValueError, "unit_axis"),
    (lambda: ba.unit_cosines(np.zeros((2, 3)), np.zeros((2, 4))), ValueError, "quantized"),
    (lambda: ba.preactivations(np.zeros((2, 4)), np.zeros((2, 3)), np.zeros((2, 3))), ValueError, "inputs"),
    (lambda: ba.column_correlations(np.zeros((1, 2)), np.zeros((1, 2))), ValueError, "x"),
    (lambda: ba.input_covariance(np.zeros((1, 2))), ValueError, "inputs"),
    (lambda: ba.isotropy_measures(np.zeros((2, 3))), ValueError, "cov"),
    (lambda: ba.permute_coordinates(np.zeros((2, 3)), "shuffle", seed=0), ValueError, "mode"),
    (lambda: ba.batchnorm_scale_difference(np.ones((3, 2)), np.array([1.0, -1.0]), eps=0.0), ValueError, "scale"),
    (lambda: ba.batchnorm_batch_stats(np.ones((3, 2)), eps=-1.0), ValueError, "eps"),
    (lambda: ba.first_layer_ops("ternary", d=3, units=2), ValueError, "kind"),
    (lambda: ba.first_layer_ops("binary", d=0, units=2), ValueError, "d"),
])
def test_invalid_calls_name_the_argument(call, exc, name):
    with pytest.raises(exc, match=rf"^{name}\b"):
        call()
