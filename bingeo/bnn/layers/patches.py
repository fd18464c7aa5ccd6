"""Convolution inputs as rows: one row per (sample, output position).

A 3x3 convolution with stride 1 and zero "same" padding computes, at every
output position, the dot product of a filter ``(C, 3, 3)`` with the input
patch around that position.  Laid out as rows of length ``d = 9 C`` (the
filter's C-order flattening), a convolution becomes the dense product of the
patch matrix with the filters as rows.  Padding positions hold 0 in every
patch.

This is the package's one patch extraction: the plain numpy reference step
(:mod:`bingeo.bnn.reference_ops`) convolves with it, and
:func:`bingeo.analysis.conv_patches` lays a layer's inputs out with it, so
that every dense-layer analysis applies to a convolution unchanged.  The
fast convolution kernels never build patches (see :mod:`.conv2d_layout`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["conv_patches"]


def conv_patches(x, *, kernel: int = 3, positions=None) -> np.ndarray:
    """Patch matrix of NCHW inputs for a ``kernel x kernel`` same convolution.

    Returns an array of shape ``(N * H * W, C * kernel * kernel)`` in the
    float dtype of ``x`` (float64 for any other input):
    row ``(n * H + i) * W + j`` is the zero-padded patch centred on pixel
    ``(i, j)`` of sample ``n``, flattened in the order ``(c, di, dj)``.
    ``positions`` (flat indices ``i * W + j``) keeps only those positions of
    every sample: ``(N * len(positions), ...)`` rows, sample by sample.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> conv_patches(x)[0].reshape(3, 3)
    array([[0., 0., 0.],
           [0., 0., 1.],
           [0., 2., 3.]])
    >>> conv_patches(x, positions=[3])[0].reshape(3, 3)
    array([[0., 1., 0.],
           [2., 3., 0.],
           [0., 0., 0.]])
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.ndim != 4:
        raise ValueError(f"x: expected NCHW inputs with 4 axes, got shape {x.shape}")
    if kernel < 1 or kernel % 2 == 0:
        raise ValueError(f"kernel: expected an odd size >= 1, got {kernel}")
    n, c, h, w = x.shape
    pos = np.arange(h * w) if positions is None else np.asarray(positions, dtype=np.int64)
    if pos.ndim != 1 or (pos.size and (pos.min() < 0 or pos.max() >= h * w)):
        raise ValueError(f"positions: expected flat indices in [0, {h * w - 1}]")
    rows, cols_ = np.divmod(pos, w)
    r = kernel // 2
    padded = np.zeros((n, c, h + 2 * r, w + 2 * r), x.dtype)
    padded[:, :, r:r + h, r:r + w] = x
    out = np.empty((n, pos.size, c, kernel, kernel), x.dtype)
    for di in range(kernel):
        for dj in range(kernel):
            out[:, :, :, di, dj] = padded[:, :, rows + di, cols_ + dj].transpose(0, 2, 1)
    return out.reshape(n * pos.size, c * kernel * kernel)
