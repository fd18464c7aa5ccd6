"""Eight-lane float64 sums: exactly their documented order, for every tail
length, and each kind of term."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn.layers.lane_sums import LANES, lane_sum, product, squared_deviation, value

from .reference import lane_sum_reference


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16, 17, 1003])
def test_each_term_in_the_documented_order(n):
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    assert lane_sum(value, a, b, 0.0) == lane_sum_reference(a64)
    assert lane_sum(squared_deviation, a, b, 0.25) == lane_sum_reference((a64 - 0.25) ** 2)
    assert lane_sum(product, a, b, 0.0) == lane_sum_reference(a64 * b64)


def test_lanes_are_interleaved():
    # 1 at entry l of each block of eight except lane 3, whose entries are huge
    # and cancel: only an interleaved order keeps the small ones
    a = np.ones(4 * LANES, np.float64)
    a[3::LANES] = [1e300, -1e300, 1e300, -1e300]
    assert lane_sum(value, a, a, 0.0) == 4 * (LANES - 1)
