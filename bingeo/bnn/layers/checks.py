"""Argument checks shared by the layer wrappers.

Every fast layer function takes float32, C-contiguous arrays of a fixed rank.
These checks run in the Python wrapper before a kernel is called, cost about a
microsecond each, and raise an error that names the argument and what is
accepted.
"""

from __future__ import annotations

import numpy as np


def require_float32(name: str, a, ndim: int | tuple[int, ...]) -> None:
    """Raise unless ``a`` is a float32, C-contiguous ndarray of rank ``ndim``.

    Parameters
    ----------
    name : str
        The argument's name, quoted in the error message.
    a : object
        The value to check.
    ndim : int or tuple of int
        The accepted rank(s).

    Examples
    --------
    >>> require_float32("x", np.zeros((2, 3), np.float32), 2)
    >>> require_float32("x", np.zeros((2, 3)), 2)
    Traceback (most recent call last):
    ...
    TypeError: x must be a float32 array, got float64
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a float32 numpy array, got {type(a).__name__}")
    if a.dtype != np.float32:
        raise TypeError(f"{name} must be a float32 array, got {a.dtype}")
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    if a.ndim not in ranks:
        accepted = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{name} must have {accepted} dimensions, got shape {a.shape}")
    if not a.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous (use np.ascontiguousarray)")


def require_shape(name: str, a: np.ndarray, shape: tuple[int, ...], why: str) -> None:
    """Raise unless ``a.shape == shape``; ``why`` says where ``shape`` comes from.

    Examples
    --------
    >>> require_shape("dy", np.zeros((2, 3), np.float32), (2, 4), "(N, M) of the output")
    Traceback (most recent call last):
    ...
    ValueError: dy must have shape (2, 4), (N, M) of the output; got (2, 3)
    """
    if a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, {why}; got {a.shape}")


def require_nonempty(name: str, a: np.ndarray) -> None:
    """Raise if ``a`` has no elements along some axis.

    Examples
    --------
    >>> require_nonempty("x", np.zeros((0, 3), np.float32))
    Traceback (most recent call last):
    ...
    ValueError: x must have at least one element along every axis, got shape (0, 3)
    """
    if a.size == 0:
        raise ValueError(
            f"{name} must have at least one element along every axis, got shape {a.shape}"
        )
