"""bingeo.uncertainty against independent references: scipy's Wilson
interval, the binomial variance, and a Monte Carlo of the delta method."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, norm

from bingeo.uncertainty import angle_se, binomial_se, mean_se, wilson_interval
from tests.tolerances import z_bound


@pytest.mark.parametrize("k, n", [(0, 1), (0, 20), (3, 20), (10, 20), (20, 20), (987, 1000), (1, 3)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_scipy(k, n, level):
    z = float(norm.isf((1 - level) / 2))
    want = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    np.testing.assert_allclose(wilson_interval(k, n, z=z), (want.low, want.high), rtol=1e-12, atol=1e-15)


def test_binomial_se_is_the_binomial_sd_over_n():
    for k, n in [(0, 5), (3, 7), (99, 100)]:
        assert binomial_se(k, n) == pytest.approx(math.sqrt(n * (k / n) * (1 - k / n)) / n, rel=1e-15)


def test_angle_se_by_monte_carlo():
    # means of n cosines with a known sd: the spread of arccos(mean) over
    # many repeats against the delta method
    rng = np.random.default_rng(1)
    c, sd, n, repeats = 0.8, 0.05, 400, 4000
    means = c + sd * rng.standard_normal((repeats, n)).mean(axis=1)
    spread = np.arccos(means).std(ddof=1)
    assert abs(spread / angle_se(c, sd / math.sqrt(n)) - 1) <= z_bound(1) * math.sqrt(2 / (repeats - 1))


def test_mean_se_leaves_out_undefined_trials():
    mean, se, n = mean_se([0.5, np.nan, 0.7])
    assert (mean, n) == (pytest.approx(0.6), 2) and se == pytest.approx(0.1)
    assert all(math.isnan(x) for x in mean_se([np.nan])[:2]) and mean_se([np.nan])[2] == 0


@pytest.mark.parametrize("call, name", [
    (lambda: binomial_se(5, 3), "k"), (lambda: binomial_se(1, 0), "n"), (lambda: wilson_interval(-1, 3), "k"),
    (lambda: wilson_interval(1, 3, z=-1), "z"), (lambda: binomial_se(1.5, 3), "k"), (lambda: angle_se(1.5, 0.1), "cos"),
    (lambda: angle_se(0.5, -0.1), "se_cos"), (lambda: wilson_interval(True, 3), "k"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=f"^{name} must"):
        call()


def test_compare_seeds_paired_is_the_paired_t_statistic():
    from scipy.stats import ttest_rel

    from bingeo.uncertainty import compare_seeds

    a = [0.91, 0.95, 0.90, 0.93, 0.97]
    b = [0.90, 0.92, 0.91, 0.90, 0.93]
    t = compare_seeds(a, b, paired=True)
    assert t["z_score"] == pytest.approx(ttest_rel(a, b).statistic, rel=1e-12)
    assert t["critical"] == pytest.approx(2.7764451, rel=1e-6)          # Student's t, 4 df, 97.5%
    assert t["resolved"] == (abs(t["diff"]) > t["critical"] * t["se"])


def test_compare_seeds_independent_is_welchs_statistic():
    from scipy.stats import ttest_1samp, ttest_ind

    from bingeo.uncertainty import compare_seeds

    a = [0.81, 0.85, 0.80, 0.83, 0.87, 0.84]
    b = [0.70, 0.92, 0.71, 0.95, 0.73]
    t = compare_seeds(a, b)
    assert t["z_score"] == pytest.approx(ttest_ind(a, b, equal_var=False).statistic, rel=1e-12)
    r = compare_seeds(a, reference=0.8)
    assert r["z_score"] == pytest.approx(ttest_1samp(a, 0.8).statistic, rel=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(), "give exactly one of b and reference"),
    (dict(b=[1.0], reference=0.0), "give exactly one of b and reference"),
    (dict(b=[1.0, 2.0, 3.0], paired=True), "b: paired runs need as many values as a"),
])
def test_compare_seeds_bad_arguments(kwargs, message):
    from bingeo.uncertainty import compare_seeds

    with pytest.raises(ValueError, match=message):
        compare_seeds([1.0, 2.0], **kwargs)


def test_difference_test_without_an_se_resolves_nothing():
    from bingeo.uncertainty import difference_test

    assert not difference_test(1.0, float("nan"))["resolved"]
    assert not difference_test(1.0, 0.0)["resolved"]


def test_compare_seeds_resolves_as_students_t_test_at_5_percent():
    """Resolved exactly when scipy's t test gives p < 0.05 (paired, one-sample and Welch)."""
    from scipy.stats import ttest_1samp, ttest_ind, ttest_rel

    from bingeo.uncertainty import compare_seeds

    rng = np.random.default_rng(12)
    for _ in range(200):
        a, b = rng.normal(0, 1, 5), rng.normal(rng.normal(0, 1.5), rng.uniform(0.5, 2), 5)
        assert compare_seeds(a, b, paired=True)["resolved"] == (ttest_rel(a, b).pvalue < 0.05)
        assert compare_seeds(a, reference=0.7)["resolved"] == (ttest_1samp(a, 0.7).pvalue < 0.05)
        assert compare_seeds(a, b)["resolved"] == (ttest_ind(a, b, equal_var=False).pvalue < 0.05)
