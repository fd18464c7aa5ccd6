"""scikit-learn's handwritten digits: 8x8 images shipped with scikit-learn."""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .scaling import scale_pixels
from .split import stratified_split

__all__ = ["load_digits", "DIGITS_TEST_FRACTION"]

DIGITS_TEST_FRACTION = 0.2
"""Share of each class that goes to the test part by default."""


def load_digits(*, seed=0, test_fraction: float = DIGITS_TEST_FRACTION) -> Dataset:
    """The 1,797 handwritten digits bundled with scikit-learn (no download).

    Each image is 8x8 pixels with integer values ``v`` in 0..16; they are
    scaled to ``x = v / 8 - 1`` in [-1, 1] (0 maps to -1, 16 to +1) and
    shaped (N, 1, 8, 8).  The split is stratified and drawn from ``seed``:
    ``round(test_fraction * n_c)`` images of each digit class go to the test
    part (359 of 1,797 at the default 0.2), see
    :func:`bingeo.data.split.stratified_split`.  Both parts keep the
    original order of scikit-learn's file.

    Parameters
    ----------
    seed : int >= 0 or numpy.random.SeedSequence
        Chooses the split.
    test_fraction : float in (0, 1)

    Examples
    --------
    >>> ds = load_digits(seed=0)
    >>> ds
    Dataset(name='digits', train=1438, test=359, image=(1, 8, 8), num_classes=10)
    >>> float(ds.x_train.min()), float(ds.x_train.max())
    (-1.0, 1.0)
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    bunch = _sklearn_digits()
    x = scale_pixels(bunch.images, 16)[:, None, :, :]
    y = np.asarray(bunch.target, dtype=np.int64)
    train, test = stratified_split(y, test_fraction=test_fraction, seed=seed)
    return Dataset(x_train=x[train], y_train=y[train], x_test=x[test], y_test=y[test],
                   num_classes=10, name="digits",
                   class_names=tuple(str(int(c)) for c in bunch.target_names))
