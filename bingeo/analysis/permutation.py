"""Experiment 5's input transforms: permuting input coordinates.

Three ways to present ``n`` samples of ``d`` coordinates to the first layer:

* ``"none"``: as they are;
* ``"fixed"``: one random permutation ``pi`` of the coordinates, the same for
  every sample (a relabelling of the pixels: the covariance becomes
  ``P C P^T``, just as far from isotropy as before);
* ``"per_sample"``: an independent random permutation for every sample,
  which mixes the coordinates so that every one has the same distribution:
  the covariance becomes ``v I + c (11^T - I)`` with equal diagonal and equal
  off-diagonal entries.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PERMUTATION_MODES", "permute_coordinates"]

PERMUTATION_MODES = ("none", "fixed", "per_sample")


def permute_coordinates(x, mode: str, *, seed) -> np.ndarray:
    """Permute the coordinates (last axes flattened) of every sample.

    ``x`` has shape ``(n, ...)``; the trailing axes are flattened to ``d``
    coordinates, permuted, and reshaped back.  ``seed`` (int or
    ``numpy.random.SeedSequence``) fixes the permutations.

    Examples
    --------
    >>> x = np.arange(6.0).reshape(2, 3)
    >>> permute_coordinates(x, "none", seed=0)
    array([[0., 1., 2.],
           [3., 4., 5.]])
    >>> y = permute_coordinates(x, "fixed", seed=0)
    >>> bool(np.all(y - y[:, :1] == (y - y[:, :1])[0]))  # same permutation per row
    True
    >>> np.sort(permute_coordinates(x, "per_sample", seed=0), axis=1)
    array([[0., 1., 2.],
           [3., 4., 5.]])
    """
    if mode not in PERMUTATION_MODES:
        raise ValueError(f"mode: expected one of {PERMUTATION_MODES}, got {mode!r}")
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x: expected an (n, ...) array with at least 2 axes, got shape {x.shape}")
    flat = x.reshape(x.shape[0], -1)
    if mode == "none":
        return flat.reshape(x.shape).copy()
    rng = np.random.default_rng(seed)
    d = flat.shape[1]
    if mode == "fixed":
        return flat[:, rng.permutation(d)].reshape(x.shape)
    order = rng.permuted(np.tile(np.arange(d), (flat.shape[0], 1)), axis=1)
    return np.take_along_axis(flat, order, axis=1).reshape(x.shape)
