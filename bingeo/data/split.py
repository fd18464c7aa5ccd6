"""A seeded, stratified train/test split."""

from __future__ import annotations

import numpy as np

from .arguments import check_real, check_seed

__all__ = ["stratified_split"]


def stratified_split(labels, *, test_fraction: float = 0.2, seed=0):
    """Split sample indices into a training and a test part, class by class.

    Each class ``c`` with ``n_c`` samples gives ``round(test_fraction * n_c)``
    of them (Python's round, half to even; at least one and at most
    ``n_c - 1`` when ``n_c >= 2``) to the test part, chosen by a random
    permutation drawn from ``seed``; the rest go to the training part.  Both
    index arrays come back sorted, so the samples keep their original order.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    test_fraction : float in (0, 1)
    seed : int >= 0 or numpy.random.SeedSequence

    Returns
    -------
    train_index, test_index : numpy.ndarray of int64

    Examples
    --------
    >>> train, test = stratified_split([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], test_fraction=0.2, seed=0)
    >>> len(train), len(test)
    (8, 2)
    >>> sorted(int(i) // 5 for i in test)  # one test sample per class
    [0, 1]
    """
    test_fraction = check_real(test_fraction, "test_fraction", low=0.0, high=1.0,
                               low_open=True, high_open=True)
    rng = np.random.default_rng(check_seed(seed))
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {labels.shape}")
    test_parts = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_c = len(members)
        n_test = round(test_fraction * n_c)
        if n_c >= 2:
            n_test = min(max(n_test, 1), n_c - 1)
        test_parts.append(members[rng.permutation(n_c)[:n_test]])
    test_index = np.sort(np.concatenate(test_parts)) if test_parts else np.zeros(0, np.int64)
    is_test = np.zeros(len(labels), bool)
    is_test[test_index] = True
    return np.flatnonzero(~is_test).astype(np.int64), test_index.astype(np.int64)
