"""Convolution inputs as rows, in float64: the layers' patch extraction.

A convolution's input rows are the patches of
:func:`bingeo.bnn.layers.patches.conv_patches`, the package's one patch
extraction; this module gives them in float64, the analyses' precision, and
keeps the name :func:`bingeo.analysis.conv_patches`.
"""

from __future__ import annotations

import numpy as np

from bingeo.bnn.layers import patches

__all__ = ["conv_patches"]


def conv_patches(x, *, kernel: int = 3, positions=None) -> np.ndarray:
    """Patch matrix of NCHW inputs, float64: see
    :func:`bingeo.bnn.layers.patches.conv_patches` for the layout.

    Examples
    --------
    >>> conv_patches(np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2))[3].reshape(3, 3)
    array([[0., 1., 0.],
           [2., 3., 0.],
           [0., 0., 0.]])
    """
    return patches.conv_patches(np.asarray(x, dtype=np.float64), kernel=kernel, positions=positions)
