"""The primitive layers of the binary neural network: each a numba forward and
backward kernel, with a plain numpy reference of the same name plus
``_reference`` beside it in its module.  These references are the package's
one slow version of each primitive: the reference training step
(:mod:`bingeo.bnn.reference_ops`) and :mod:`bingeo.analysis` use them too.
:mod:`.patches` lays convolution inputs out as rows (the reference step's and
the analyses' patch extraction).

Arrays are float32 and C-contiguous; images are NCHW.
"""

from .dense import (
    dense_backward,
    dense_backward_reference,
    dense_forward,
    dense_forward_reference,
)
from .activations import (
    hardtanh_backward,
    hardtanh_backward_reference,
    hardtanh_forward,
    hardtanh_forward_reference,
    sign_backward,
    sign_backward_reference,
    sign_forward,
    sign_forward_reference,
    ternary_backward,
    ternary_backward_reference,
    ternary_forward,
    ternary_forward_reference,
)
from .conv2d import (
    conv2d_backward,
    conv2d_backward_reference,
    conv2d_forward,
    conv2d_forward_reference,
)
from .pool import (
    maxpool2d_backward,
    maxpool2d_backward_reference,
    maxpool2d_forward,
    maxpool2d_forward_reference,
)
from .batchnorm import (
    BatchNormCache,
    batchnorm_backward,
    batchnorm_backward_reference,
    batchnorm_forward_eval,
    batchnorm_forward_eval_reference,
    batchnorm_forward_train,
    batchnorm_forward_train_reference,
)
from .losses import (
    softmax_cross_entropy,
    softmax_cross_entropy_reference,
    squared_hinge_loss,
    squared_hinge_loss_reference,
)
