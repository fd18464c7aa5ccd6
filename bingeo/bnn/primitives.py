"""The primitives the network composes, imported in one place.

Each name here is the fast (numba) layer of :mod:`bingeo.bnn.layers`; the
network and the training loop import them only from this module, so that
swapping one for another implementation is a one-line change.
"""

from __future__ import annotations

from .layers.activations import hardtanh_forward, sign_backward, sign_forward, ternary_forward
from .layers.batchnorm import batchnorm_backward, batchnorm_forward_eval, batchnorm_forward_train
from .layers.conv2d import conv2d_backward, conv2d_forward
from .layers.dense import dense_backward, dense_forward
from .layers.losses import softmax_cross_entropy, squared_hinge_loss
from .layers.pool import maxpool2d_backward, maxpool2d_forward

__all__ = [
    "dense_forward", "dense_backward", "conv2d_forward", "conv2d_backward",
    "maxpool2d_forward", "maxpool2d_backward", "batchnorm_forward_train",
    "batchnorm_forward_eval", "batchnorm_backward", "sign_forward", "sign_backward",
    "ternary_forward", "hardtanh_forward", "squared_hinge_loss", "softmax_cross_entropy",
]
