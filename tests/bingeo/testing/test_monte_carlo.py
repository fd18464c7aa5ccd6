"""assert_mc_agrees and z_bound: the z of a false-failure rate, estimates
that agree and disagree, the message, and bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from bingeo.testing import FALSE_FAILURE_RATE, assert_mc_agrees, z_bound
from tests.tolerances import Z_ONE


def test_z_bound_is_the_two_sided_quantile_split_over_the_checks():
    for n, rate in ((1, 1e-6), (7, 1e-6), (3, 0.05)):
        z = z_bound(n, false_failure_rate=rate)
        assert math.isclose(2 * norm.sf(z) * n, rate, rel_tol=1e-12)
    assert math.isclose(z_bound(1, false_failure_rate=0.05), 1.959963984540054, rel_tol=1e-12)
    assert z_bound(10) > z_bound(1) == Z_ONE
    assert FALSE_FAILURE_RATE == 1e-6


def test_samples_agree_with_their_exact_mean():
    rng = np.random.default_rng(3)
    z = assert_mc_agrees(rng.uniform(-1.0, 1.0, 20_000), 0.0)
    assert abs(z) <= z_bound()


def test_a_biased_sample_fails_with_estimate_exact_se_and_z():
    x = np.random.default_rng(4).standard_normal(10_000) + 0.1  # 10 SE off
    with pytest.raises(AssertionError) as info:
        assert_mc_agrees(x, 0.0)
    message = str(info.value)
    se = x.std(ddof=1) / math.sqrt(x.size)
    for number in (x.mean(), 0.0, se, z_bound()):
        assert f"{number:.6g}" in message
    assert "false-failure rate of 1e-06 split over 1 check" in message


def test_estimates_with_their_standard_errors_as_arrays():
    z = assert_mc_agrees([0.5, 1.02], [0.5, 1.0], [0.01, 0.01], n_checks=2)
    np.testing.assert_allclose(z, [0.0, 2.0])
    with pytest.raises(AssertionError, match=r"at index \(1,\)"):
        assert_mc_agrees([0.5, 1.2], [0.5, 1.0], 0.01, n_checks=2)


def test_the_split_widens_the_bound():
    # 5.2 SE: fails alone at 1e-6 (z 4.89), passes split over 10 checks (z 5.33)
    with pytest.raises(AssertionError):
        assert_mc_agrees(0.052, 0.0, 0.01)
    assert_mc_agrees(0.052, 0.0, 0.01, n_checks=10)
    assert_mc_agrees(0.052, 0.0, 0.01, false_failure_rate=1e-8)


def test_a_zero_se_accepts_only_the_exact_value():
    assert assert_mc_agrees(np.ones(5), 1.0) == 0.0
    with pytest.raises(AssertionError):
        assert_mc_agrees(1.0 + 2**-52, 1.0, 0.0)


@pytest.mark.parametrize("call, name", [
    (lambda: z_bound(0), "n_checks"),
    (lambda: z_bound(1.5), "n_checks"),
    (lambda: z_bound(false_failure_rate=0.0), "false_failure_rate"),
    (lambda: z_bound(false_failure_rate=1.0), "false_failure_rate"),
    (lambda: assert_mc_agrees([1.0], 1.0), "samples_or_estimate"),
    (lambda: assert_mc_agrees(np.ones((2, 2)), 1.0), "samples_or_estimate"),
    (lambda: assert_mc_agrees([1.0, np.nan], 1.0), "samples_or_estimate"),
    (lambda: assert_mc_agrees(["a", "b"], 1.0), "samples_or_estimate"),
    (lambda: assert_mc_agrees([1.0, 2.0], np.inf), "exact"),
    (lambda: assert_mc_agrees([1.0, 2.0], [1.0, 2.0, 3.0], 0.1, n_checks=3), "exact"),
    (lambda: assert_mc_agrees(1.0, 1.0, -0.1), "se"),
    (lambda: assert_mc_agrees(1.0, 1.0, np.nan), "se"),
    (lambda: assert_mc_agrees([1.0, 2.0], [1.0, 2.0], 0.1), "n_checks"),
    (lambda: assert_mc_agrees(1.0, 1.0, 0.1, n_checks=0), "n_checks"),
    (lambda: assert_mc_agrees(1.0, 1.0, 0.1, false_failure_rate=2.0), "false_failure_rate"),
])
def test_invalid_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name} ") as info:
        call()
    assert len(str(info.value).splitlines()) == 1
