"""exp and log built from +, -, *, / only: against 200-bit mpmath, and the
special values."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from bingeo.bnn.layers.portable_math import exp_portable, log_portable
from tests.tolerances import EXP_PORTABLE_ULPS, LOG_PORTABLE_ULPS


def _ulps(value, exact):
    return float(abs(mpmath.mpf(value) - exact) / mpmath.mpf(math.ulp(float(exact))))


def test_exp_within_its_bound():
    mpmath.mp.prec = 200
    rng = np.random.default_rng(0)
    xs = np.concatenate([rng.uniform(-708, 709, 1500), rng.uniform(-1, 1, 1500),
                         rng.standard_normal(300) * 1e-9, [0.5 * math.log(2), -0.5 * math.log(2), 709.78]])
    worst = max(_ulps(exp_portable(x), mpmath.exp(mpmath.mpf(float(x)))) for x in xs)
    assert worst <= EXP_PORTABLE_ULPS


def test_log_within_its_bound():
    mpmath.mp.prec = 200
    rng = np.random.default_rng(1)
    ys = np.concatenate([np.exp(rng.uniform(-700, 700, 1500)), rng.uniform(0.5, 2.0, 1500),
                         [5e-324, 1e-310, 1.7e308, math.sqrt(0.5), math.sqrt(2.0), 1.0 + 2.0 ** -52]])
    worst = max(_ulps(log_portable(y), mpmath.log(mpmath.mpf(float(y)))) for y in ys if y != 1.0)
    assert worst <= LOG_PORTABLE_ULPS


@pytest.mark.parametrize(
    "x, expected",
    [(0.0, 1.0), (-0.0, 1.0), (1000.0, math.inf), (-1000.0, 0.0), (math.inf, math.inf), (-math.inf, 0.0)],
)
def test_exp_special_values(x, expected):
    assert exp_portable(x) == expected


def test_nan_and_log_special_values():
    assert math.isnan(exp_portable(math.nan)) and math.isnan(log_portable(math.nan))
    assert math.isnan(log_portable(-1.0))
    assert log_portable(0.0) == -math.inf and log_portable(-0.0) == -math.inf
    assert log_portable(math.inf) == math.inf and log_portable(1.0) == 0.0
