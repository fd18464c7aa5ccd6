"""Argument checks of the packed kernels' wrappers (uint64 words, int32
thresholds); each error names the argument and what it accepts."""

from __future__ import annotations

import numpy as np

__all__ = ["require_words", "require_count", "require_thresholds", "require_pools"]


def require_words(name: str, a, ndim: int) -> None:
    """Raise unless ``a`` is a C-contiguous uint64 ndarray of rank ``ndim``
    with no empty axis.

    >>> require_words("x", np.zeros((2, 1), np.int64), 2)
    Traceback (most recent call last):
    ...
    TypeError: x must be a uint64 array of packed bits, got int64
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a uint64 numpy array of packed bits, got {type(a).__name__}")
    if a.dtype != np.uint64:
        raise TypeError(f"{name} must be a uint64 array of packed bits, got {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {a.shape}")
    if not a.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous (use np.ascontiguousarray)")
    if a.size == 0:
        raise ValueError(f"{name} must have at least one element along every axis, got shape {a.shape}")


def require_count(name: str, bits, words: int, per: str, *, exact: bool = True) -> int:
    """``bits`` as an int, checked to fit ``words`` words, ``per`` naming
    what is counted: ``ceil(bits / 64) == words`` when ``exact``, else
    ``1 <= bits <= 64 words`` (a flattened feature map pads every pixel's
    channels to whole words).

    >>> require_count("channels", 65, 1, "per pixel")
    Traceback (most recent call last):
    ...
    ValueError: channels: expected 1..64 bits per pixel (1 packed word), got 65
    """
    lo = 64 * (words - 1) + 1 if exact else 1
    hi = 64 * words
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not lo <= int(bits) <= hi:
        raise ValueError(f"{name}: expected {lo}..{hi} bits {per} ({words} packed word"
                         f"{'s' if words > 1 else ''}), got {bits!r}")
    return int(bits)


def require_thresholds(thresholds, units: int) -> np.ndarray:
    """``thresholds`` as a C-contiguous int32 array of shape (units,).

    >>> require_thresholds([1, 2], 3)
    Traceback (most recent call last):
    ...
    ValueError: thresholds: expected shape (3,) (one integer per unit), got (2,)
    """
    t = np.asarray(thresholds)
    if t.shape != (units,):
        raise ValueError(f"thresholds: expected shape ({units},) (one integer per unit), got {t.shape}")
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"thresholds: expected integers, got {t.dtype}")
    return np.ascontiguousarray(t, dtype=np.int32)


def require_pools(pools, height: int, width: int) -> int:
    """``pools`` as an int, checked to leave at least one pixel of a
    ``height`` x ``width`` map (``2**pools <= min(height, width)``).

    >>> require_pools(2, 3, 8)
    Traceback (most recent call last):
    ...
    ValueError: pools: expected an integer >= 0 with 2**pools <= 3 (the map is 3x8), got 2
    """
    if isinstance(pools, bool) or not isinstance(pools, (int, np.integer)) or pools < 0 \
            or (height >> int(pools)) < 1 or (width >> int(pools)) < 1:
        raise ValueError(f"pools: expected an integer >= 0 with 2**pools <= {min(height, width)} "
                         f"(the map is {height}x{width}), got {pools!r}")
    return int(pools)
