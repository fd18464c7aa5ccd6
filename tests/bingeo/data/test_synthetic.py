"""The Gaussian mixture: its correlating map against an explicit factor,
and its sample moments against the exact ones within derived tolerances."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.data import load_dataset
from bingeo.data.synthetic import _correlate, make_gaussian_mixture, pixel_correlation
from tests.tolerances import sum_rtol, z_bound


def reference_pixel_correlation(side, rho):
    """R[(r, c), (r', c')] = rho ** (|r - r'| + |c - c'|), entry by entry."""
    pixels = list(itertools.product(range(side), range(side)))
    return np.array([[rho ** (abs(r - s) + abs(c - t)) for (s, t) in pixels] for (r, c) in pixels])


def reference_row_factor(side, rho):
    """A[a, b] = rho ** (a - b) * c_b for a >= b (c_0 = 1, c_b = sqrt(1 - rho^2)),
    the lower-triangular factor with A A^T = K, K[a, b] = rho ** |a - b|."""
    c = np.sqrt(1 - rho * rho)
    return np.array([[rho ** (a - b) * (1.0 if b == 0 else c) if a >= b else 0.0
                      for b in range(side)] for a in range(side)])


def reference_correlate(z, rho):
    """z (n, S, S) -> L z_flat with L = A kron A, entry by entry; also the
    sums of |terms|, which bound the rounding error."""
    n, side, _ = z.shape
    factor = np.kron(reference_row_factor(side, rho), reference_row_factor(side, rho))
    flat = z.reshape(n, side * side)
    return (flat @ factor.T).reshape(z.shape), (np.abs(flat) @ np.abs(factor).T).reshape(z.shape)


@pytest.mark.parametrize("side, rho", [(1, 0.5), (4, 0.0), (5, 0.6), (6, 0.99), (3, 1.0)])
def test_reference_factor_squares_to_the_correlation(side, rho):
    a = reference_row_factor(side, rho)
    big = np.kron(a, a)
    # entries of L L^T are sums of side^2 products of numbers in [0, 1]
    np.testing.assert_allclose(big @ big.T, reference_pixel_correlation(side, rho),
                               rtol=0, atol=sum_rtol(side * side))
    if rho < 1:  # L is the Cholesky factor (unique: lower triangular, positive diagonal)
        assert np.all(np.diag(big) > 0) and np.array_equal(big, np.tril(big))


@pytest.mark.parametrize("side, rho", [(1, 0.3), (3, 0.0), (4, 0.5), (5, 0.95), (2, 0.999)])
def test_pixel_correlation_matches_its_formula(side, rho):
    np.testing.assert_array_equal(pixel_correlation(side, rho), reference_pixel_correlation(side, rho))


def test_correlation_limits():
    np.testing.assert_array_equal(pixel_correlation(3, 0.0), np.eye(9))
    np.testing.assert_array_equal(pixel_correlation(3, 1.0), np.ones((9, 9)))
    z = np.random.default_rng(0).standard_normal((4, 3, 3))
    np.testing.assert_array_equal(_correlate(z, 0.0), z)
    # rho = 1: every pixel equals the top-left noise value
    np.testing.assert_array_equal(_correlate(z, 1.0), np.broadcast_to(z[:, :1, :1], z.shape))
    zeros = np.zeros((2, 3, 3))
    np.testing.assert_array_equal(_correlate(zeros, 0.7), zeros)


def check_against_reference(z, rho):
    fast = _correlate(z, rho)
    slow, magnitude = reference_correlate(z, rho)
    side = z.shape[-1]
    # both sum at most side^2 products: |difference| <= sum_rtol * sum of |terms|
    assert np.all(np.abs(fast - slow) <= sum_rtol(side * side) * magnitude + 1e-300)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.8, 0.99, 1.0])
def test_correlate_matches_reference(rho):
    z = np.random.default_rng(1).standard_normal((50, 5, 5))
    z[0] = 0.0
    z[1, 2, 2] = -0.0
    check_against_reference(z, rho)


@settings(deadline=None, max_examples=30)
@given(side=st.integers(1, 6), rho=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_correlate_matches_reference_hypothesis(side, rho, seed):
    z = np.random.default_rng(seed).standard_normal((3, side, side))
    check_against_reference(z, rho)


# Moment checks: n draws, side 4 (D = 16 pixels, 136 covariance entries), two
# correlations.  Each check is |estimate - exact| <= z * SE with the SE from
# the mixture's own moments; z splits the 1e-6 false-failure rate over all.
N, SIDE, K = 20000, 4, 3
D = SIDE * SIDE
PAIRS = np.triu_indices(D)
RHOS = (0.0, 0.9)
Z = z_bound(len(RHOS) * (2 * len(PAIRS[0]) + K * D))


@pytest.fixture(scope="module", params=RHOS)
def mixture(request):
    return make_gaussian_mixture(N, side=SIDE, num_classes=K, rho=request.param, separation=3.0, seed=7)


def test_class_means_within_standard_errors(mixture):
    x = mixture.x.reshape(N, D).astype(np.float64)
    means = mixture.class_means.reshape(K, D)
    variance = np.diag(mixture.within_covariance)
    for k in range(K):
        members = x[mixture.y == k]
        se = np.sqrt(variance / len(members))
        assert np.all(np.abs(members.mean(axis=0) - means[k]) <= Z * se)


def test_within_class_covariance_within_standard_errors(mixture):
    """Known means: C_ij = mean (x_i - m_yi)(x_j - m_yj); for Gaussian noise
    Var[e_i e_j] = W_ii W_jj + W_ij^2 (Isserlis)."""
    x = mixture.x.reshape(N, D).astype(np.float64)
    e = x - mixture.class_means.reshape(K, D)[mixture.y]
    w = mixture.within_covariance
    estimate = (e.T @ e) / N
    se = np.sqrt((np.outer(np.diag(w), np.diag(w)) + w ** 2) / N)
    z = np.abs(estimate - w) / se
    assert z[PAIRS].max() <= Z, f"max |z| {z[PAIRS].max():.2f} > {Z:.2f}"
    np.testing.assert_allclose(w / mixture.scale ** 2, pixel_correlation(SIDE, mixture.rho), rtol=1e-15)


def test_total_covariance_within_standard_errors(mixture):
    """Known mean m: C_ij = mean (x_i - m_i)(x_j - m_j).  With d_k = m_k - m,
    E[(x_i - m_i)^2 (x_j - m_j)^2 | k] = (d_ki^2 + W_ii)(d_kj^2 + W_jj)
    + 4 d_ki d_kj W_ij + 2 W_ij^2, so Var = mean_k of that - C_ij^2."""
    x = mixture.x.reshape(N, D).astype(np.float64)
    c, w, m = mixture.covariance, mixture.within_covariance, mixture.mean
    centred = x - m
    estimate = (centred.T @ centred) / N
    wd = np.diag(w)
    second = np.zeros((D, D))
    for d in mixture.class_means.reshape(K, D) - m:
        second += (np.outer(d ** 2 + wd, d ** 2 + wd) + 4 * np.outer(d, d) * w + 2 * w ** 2) / K
    se = np.sqrt((second - c ** 2) / N)
    z = np.abs(estimate - c) / se
    assert z[PAIRS].max() <= Z, f"max |z| {z[PAIRS].max():.2f} > {Z:.2f}"


def test_exact_moments_follow_from_the_means(mixture):
    means = mixture.class_means.reshape(K, D)
    np.testing.assert_allclose(mixture.mean, means.mean(axis=0), rtol=1e-15)
    between = np.cov(means.T, bias=True)
    np.testing.assert_allclose(mixture.covariance, mixture.within_covariance + between,
                               rtol=sum_rtol(K), atol=sum_rtol(K) * np.abs(between).max())


def test_scale_gives_pixel_sd_one_third():
    """Averaged over the means, each pixel has variance s^2 (1 + sep^2/(2D)) = 1/9."""
    for side, sep in ((4, 3.0), (8, 0.0), (3, 10.0)):
        mix = make_gaussian_mixture(0, side=side, separation=sep)
        assert mix.scale ** 2 * (1 + sep ** 2 / (2 * side * side)) == pytest.approx(1 / 9, rel=1e-15)


def test_seed_determinism_and_means_independent_of_n():
    a = make_gaussian_mixture(50, side=3, seed=4)
    b = make_gaussian_mixture(50, side=3, seed=4)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    c = make_gaussian_mixture(0, side=3, seed=4)
    np.testing.assert_array_equal(c.class_means, a.class_means)
    np.testing.assert_array_equal(c.covariance, a.covariance)
    assert c.x.shape == (0, 1, 3, 3)
    assert not np.array_equal(make_gaussian_mixture(50, side=3, seed=5).x, a.x)
    sequence = np.random.SeedSequence(4)
    first = make_gaussian_mixture(10, side=3, seed=sequence)
    np.testing.assert_array_equal(make_gaussian_mixture(10, side=3, seed=sequence).x, first.x)


def test_load_dataset_synthetic_is_one_mixture_split():
    ds = load_dataset("synthetic", seed=2, n_train=30, n_test=10, side=4, num_classes=3, rho=0.5)
    mix = make_gaussian_mixture(40, side=4, num_classes=3, rho=0.5, seed=2)
    assert ds.name == "synthetic" and ds.num_classes == 3 and ds.class_names is None
    np.testing.assert_array_equal(ds.x_train, mix.x[:30])
    np.testing.assert_array_equal(ds.y_test, mix.y[30:])
    default = load_dataset("synthetic")
    assert default.x_train.shape == (10000, 1, 8, 8) and default.x_test.shape == (2000, 1, 8, 8)


@pytest.mark.parametrize("options, argument", [
    ({"rho": -0.1}, "rho"), ({"rho": 1.5}, "rho"), ({"rho": float("nan")}, "rho"),
    ({"separation": -1.0}, "separation"), ({"side": 0}, "side"), ({"side": 65}, "side"),
    ({"side": 2.0}, "side"), ({"num_classes": 1}, "num_classes"), ({"seed": -3}, "seed"),
    ({"n_train": 0}, "n_train"), ({"n_test": True}, "n_test"),
])
def test_bad_options_name_themselves(options, argument):
    with pytest.raises(ValueError, match=f"^{argument} must be"):
        load_dataset("synthetic", **options)


def test_bad_n_and_unknown_option():
    with pytest.raises(ValueError, match="^n must be an integer >= 0"):
        make_gaussian_mixture(-1)
    with pytest.raises(TypeError, match="'sigma'.*synthetic"):
        load_dataset("synthetic", sigma=1.0)
