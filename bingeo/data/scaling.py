"""Pixel scaling onto [-1, 1]."""

from __future__ import annotations

import numpy as np

__all__ = ["scale_pixels"]


def scale_pixels(values, max_value: float) -> np.ndarray:
    """Map pixel values in ``0 .. max_value`` affinely onto [-1, 1], as float32.

    ``x = v / (max_value / 2) - 1``, computed in float64 and rounded once to
    float32 (0 maps to -1, ``max_value`` to +1).  uint8 input goes through a
    256-entry table, so large image sets need no float64 copy.

    Examples
    --------
    >>> import numpy as np
    >>> scale_pixels(np.array([0, 51, 255], np.uint8), 255)
    array([-1. , -0.6,  1. ], dtype=float32)
    >>> scale_pixels(np.array([0.0, 4.0, 16.0]), 16)
    array([-1. , -0.5,  1. ], dtype=float32)
    """
    values = np.asarray(values)
    half = float(max_value) / 2.0
    if values.dtype == np.uint8:
        table = (np.arange(256, dtype=np.float64) / half - 1.0).astype(np.float32)
        return table[values]
    return (values.astype(np.float64) / half - 1.0).astype(np.float32)
