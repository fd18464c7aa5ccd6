"""The primitive layers of the binary neural network: each a numba forward and
backward kernel, with a plain numpy reference of the same name plus
``_reference`` beside it in its module.

Arrays are float32 and C-contiguous; images are NCHW.
"""

from .dense import (
    dense_backward,
    dense_backward_reference,
    dense_forward,
    dense_forward_reference,
)
