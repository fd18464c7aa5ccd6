"""The 16-entry tables of signed sums and the +-1 check the layer kernels
dispatch on."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from bingeo.bnn.layers.signed_sums import (
    ENTRIES,
    GROUP,
    HALF,
    half_table_entry,
    is_plus_minus_one,
    store_half_signed_sums,
    store_signed_sums,
)

from .reference import signed_sums_reference


@njit(cache=True)
def _fill(store, table, v):
    for lane in range(v.shape[0]):
        store(table, lane, v[lane, 0], v[lane, 1], v[lane, 2], v[lane, 3])
    return table


def _tables(v):
    return _fill(store_signed_sums, np.empty((ENTRIES, v.shape[0]), np.float32), v)


def _half_tables(v):
    return _fill(store_half_signed_sums, np.empty((HALF, v.shape[0]), np.float32), v)


def test_tables_hold_every_signed_sum_rounded_as_documented():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((64, GROUP)).astype(np.float32)
    v[0] = [0.0, -0.0, 1e-45, -3.0]
    v[1] = [np.inf, 1.0, 2.0, 3.0]
    table = _tables(v)
    for e in range(ENTRIES):
        s = np.array([1 if (e >> lane) & 1 else -1 for lane in range(GROUP)], np.float32)
        # (s0 v0 + s1 v1) + (s2 v2 + s3 v3), each addition rounded to float32
        expected = (s[0] * v[:, 0] + s[1] * v[:, 1]) + (s[2] * v[:, 2] + s[3] * v[:, 3])
        np.testing.assert_array_equal(table[e], expected)
    finite = np.isfinite(v).all(axis=1)
    reference = np.array([signed_sums_reference(row.astype(np.float64)) for row in v[finite]])
    # two roundings of sums of four terms: within 2 * 2**-24 * sum |v|
    bound = 2 * 2.0 ** -24 * np.abs(v[finite].astype(np.float64)).sum(axis=1)
    assert np.all(np.abs(table[:, finite].T - reference) <= bound[:, None])


@njit(cache=True)
def _entry(pattern):
    return half_table_entry(pattern)


def test_half_tables_give_every_entry_with_its_sign():
    # flipping all four signs negates a sum exactly: sign * half[h] equals
    # the full table's entry bit for bit (values; a zero may change its sign)
    rng = np.random.default_rng(5)
    v = rng.standard_normal((64, GROUP)).astype(np.float32)
    full, half = _tables(v), _half_tables(v)
    for e in range(ENTRIES):
        h, sign = _entry(e)
        np.testing.assert_array_equal(np.float32(sign) * half[h], full[e])


@pytest.mark.parametrize(
    "values, expected",
    [
        ([1.0, -1.0, 1.0], True),
        ([1.0, -0.0], False),
        ([1.0, 0.0], False),
        ([1.0, np.nan], False),
        ([1.0, -np.inf], False),
        ([1.0000001], False),
        ([], False),
    ],
)
def test_plus_minus_one_check(values, expected):
    assert is_plus_minus_one(np.array(values, np.float32)) is expected


def test_plus_minus_one_check_sees_the_last_entry():
    a = np.ones((3, 1 << 18), np.float32)
    assert is_plus_minus_one(a)
    a[2, -1] = 0.5
    assert not is_plus_minus_one(a)
