"""A Gaussian-mixture image classification task with a controllable pixel
correlation, and its exact covariance."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..seeding import child_seed_sequence
from .arguments import check_int, check_real, check_seed
from .dataset import Dataset

__all__ = ["GaussianMixtureSample", "load_synthetic", "make_gaussian_mixture", "pixel_correlation"]

MAX_SIDE = 64
"""Largest image side: the (side^2 x side^2) covariance matrices are built in full."""


def pixel_correlation(side: int, rho: float) -> np.ndarray:
    """The pixel correlation matrix ``R[(r, c), (r', c')] = rho ** (|r - r'| + |c - c'|)``.

    Pixels are indexed row-major (pixel ``(r, c)`` is entry ``r * side + c``
    of a flattened image).  The correlation decays with the city-block
    distance between pixels; ``R = K kron K`` with ``K[a, b] = rho ** |a - b|``
    (the AR(1) correlation of one row), so it is positive definite for
    ``0 <= rho < 1``; ``rho = 0`` gives the identity (``0 ** 0 = 1``) and
    ``rho = 1`` the all-ones matrix (every pixel equal).

    Examples
    --------
    >>> pixel_correlation(2, 0.5)
    array([[1.  , 0.5 , 0.5 , 0.25],
           [0.5 , 1.  , 0.25, 0.5 ],
           [0.5 , 0.25, 1.  , 0.5 ],
           [0.25, 0.5 , 0.5 , 1.  ]])
    """
    side = check_int(side, "side", low=1, high=MAX_SIDE)
    rho = check_real(rho, "rho", low=0.0, high=1.0)
    row, col = np.divmod(np.arange(side * side), side)
    distance = np.abs(np.subtract.outer(row, row)) + np.abs(np.subtract.outer(col, col))
    return np.power(rho, distance.astype(np.float64))


def _correlate(z: np.ndarray, rho: float) -> np.ndarray:
    """Map white noise ``z`` (..., S, S) to images with correlation
    :func:`pixel_correlation`: ``A z A^T``, where ``A`` is the AR(1) factor
    (``A A^T = K``), applied as the recursion ``y_0 = z_0``,
    ``y_a = rho y_(a-1) + sqrt(1 - rho^2) z_a`` down the rows, then along
    the columns."""
    c = math.sqrt(max(0.0, 1.0 - rho * rho))
    y = np.array(z, dtype=np.float64, copy=True)
    for axis in (-2, -1):
        y = np.moveaxis(y, axis, 0)
        for a in range(1, y.shape[0]):
            y[a] = rho * y[a - 1] + c * y[a]
        y = np.moveaxis(y, 0, axis)
    return y


@dataclass(frozen=True, eq=False)
class GaussianMixtureSample:
    """Draws from a Gaussian mixture, and the mixture's exact moments.

    Attributes
    ----------
    x : numpy.ndarray, float32, shape (n, 1, side, side)
    y : numpy.ndarray, int64, shape (n,)
    class_means : numpy.ndarray, float64, shape (num_classes, 1, side, side)
        ``m_k``, the mean image of class ``k``.
    within_covariance : numpy.ndarray, float64, shape (D, D), D = side^2
        ``W = s^2 R``: the covariance of ``x`` given its class (row-major pixels).
    covariance : numpy.ndarray, float64, shape (D, D)
        ``C = W + (1/K) sum_k (m_k - m)(m_k - m)^T``: the exact covariance of
        ``x`` over the mixture (classes equally likely) given the drawn means.
    mean : numpy.ndarray, float64, shape (D,)
        ``m = (1/K) sum_k m_k``, the exact mean of ``x``.
    scale : float
        ``s``, the factor that brings the pixels to roughly [-1, 1].
    rho, separation : float
    """

    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    class_means: np.ndarray = field(repr=False)
    within_covariance: np.ndarray = field(repr=False)
    covariance: np.ndarray = field(repr=False)
    mean: np.ndarray = field(repr=False)
    scale: float
    rho: float
    separation: float

    @property
    def num_classes(self) -> int:
        return len(self.class_means)


def make_gaussian_mixture(n: int, *, side: int = 8, num_classes: int = 10, rho: float = 0.0,
                          separation: float = 4.0, seed=0) -> GaussianMixtureSample:
    """Draw ``n`` labelled images from a Gaussian mixture with pixel correlation ``rho``.

    With ``D = side^2`` pixels, ``R`` the correlation of
    :func:`pixel_correlation` (``rho ** city-block distance``) and ``K``
    classes:

    * class means ``m_k = s * separation / sqrt(2 D) * u_k``,
      ``u_k ~ N(0, R)`` independent (smooth images when ``rho`` is large);
    * labels ``y`` uniform on ``0 .. K-1``, independent;
    * images ``x = m_y + s * e``, ``e ~ N(0, R)``;
    * scale ``s = 1 / (3 sqrt(1 + separation^2 / (2 D)))``.

    ``separation`` is the root-mean-square Mahalanobis distance between two
    class means in units of the within-class spread: ``E[(u_k - u_l)^T R^-1
    (u_k - u_l)] * separation^2 / (2 D) = separation^2``, whatever ``rho``
    (for ``rho < 1``), so ``rho`` changes the correlation of the inputs but
    not, on average, how hard the classes are to tell apart.

    Range: averaged over the draw of the means, every pixel has mean 0 and
    standard deviation exactly 1/3, so about 99.7% of pixel values fall in
    [-1, 1].  Values are **not clipped**: clipping would change the
    covariance that :attr:`GaussianMixtureSample.covariance` states exactly.

    Randomness: ``seed`` spawns three streams (class means, labels, noise);
    the class means depend on ``seed``, ``side``, ``num_classes``, ``rho``
    and ``separation`` only, not on ``n``, so ``n = 0`` returns the exact
    moments of the mixture a larger ``n`` samples from.

    Parameters
    ----------
    n : int >= 0
        Number of images.
    side : int in 1..64
        Image side in pixels.
    num_classes : int >= 2
    rho : float in [0, 1]
        Correlation of neighbouring pixels: 0 is white noise (isotropic),
        values near 1 strongly correlated images.
    separation : float >= 0
    seed : int >= 0 or numpy.random.SeedSequence

    Returns
    -------
    GaussianMixtureSample
        The images, labels, class means and the exact mean and covariances.

    Examples
    --------
    >>> mix = make_gaussian_mixture(1000, side=4, num_classes=3, rho=0.5, seed=1)
    >>> mix.x.shape, mix.x.dtype, mix.covariance.shape
    ((1000, 1, 4, 4), dtype('float32'), (16, 16))
    >>> round(float(mix.within_covariance[0, 1] / mix.scale ** 2), 12)  # neighbours: rho ** 1
    0.5
    """
    n = check_int(n, "n", low=0)
    side = check_int(side, "side", low=1, high=MAX_SIDE)
    num_classes = check_int(num_classes, "num_classes", low=2)
    rho = check_real(rho, "rho", low=0.0, high=1.0)
    separation = check_real(separation, "separation", low=0.0)
    means_seed, labels_seed, noise_seed = (child_seed_sequence(check_seed(seed), i) for i in range(3))

    d = side * side
    scale = 1.0 / (3.0 * math.sqrt(1.0 + separation ** 2 / (2 * d)))
    u = _correlate(np.random.default_rng(means_seed).standard_normal((num_classes, side, side)), rho)
    class_means = (scale * separation / math.sqrt(2 * d)) * u
    y = np.random.default_rng(labels_seed).integers(0, num_classes, size=n).astype(np.int64)
    noise = _correlate(np.random.default_rng(noise_seed).standard_normal((n, side, side)), rho)
    x = (class_means[y] + scale * noise).astype(np.float32)[:, None]

    within = scale ** 2 * pixel_correlation(side, rho)
    flat_means = class_means.reshape(num_classes, d)
    mean = flat_means.mean(axis=0)
    centred = flat_means - mean
    covariance = within + centred.T @ centred / num_classes
    return GaussianMixtureSample(x=x, y=y, class_means=class_means[:, None], within_covariance=within,
                                 covariance=covariance, mean=mean, scale=scale, rho=rho,
                                 separation=separation)


def load_synthetic(*, seed=0, n_train: int = 10000, n_test: int = 2000, side: int = 8,
                   num_classes: int = 10, rho: float = 0.0, separation: float = 4.0) -> Dataset:
    """The Gaussian-mixture task of :func:`make_gaussian_mixture` as a :class:`Dataset`.

    One call ``make_gaussian_mixture(n_train + n_test, ...)`` with the same
    ``seed``: the first ``n_train`` draws form the training part, the rest
    the test part, so both come from one mixture; call
    ``make_gaussian_mixture(0, ...)`` with the same arguments for its exact
    mean and covariance.

    Examples
    --------
    >>> load_synthetic(n_train=100, n_test=20, side=4, num_classes=3, rho=0.9)
    Dataset(name='synthetic', train=100, test=20, image=(1, 4, 4), num_classes=3)
    """
    n_train = check_int(n_train, "n_train", low=1)
    n_test = check_int(n_test, "n_test", low=1)
    mix = make_gaussian_mixture(n_train + n_test, side=side, num_classes=num_classes, rho=rho,
                                separation=separation, seed=seed)
    return Dataset(x_train=mix.x[:n_train], y_train=mix.y[:n_train], x_test=mix.x[n_train:],
                   y_test=mix.y[n_train:], num_classes=num_classes, name="synthetic")
