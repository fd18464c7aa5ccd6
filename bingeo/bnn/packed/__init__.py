"""Bit-packed binary inference; this module only re-exports.

``export_packed(net)`` (also ``Network.export_packed()``) turns a trained
binary network into a :class:`PackedNetwork`: +-1 weights and activations
64 per uint64 word, XNOR-popcount dense and 3x3 conv layers, max pooling on
the integer sums, batch norm and sign folded into one integer threshold per
unit, the first layer in float32 as trained.  Its scores equal the float
engine's evaluation mode bit for bit.  ``save_packed`` / ``load_packed``
keep one on disk.  The CUDA twin of the kernels is
:mod:`bingeo.bnn.packed.cuda`, imported only on request.
"""

from .bits import (pack_conv_weights, pack_dense_weights, pack_signs, pack_signs_channels_last,
                   pack_signs_reference, unpack_signs)
from .conv import binary_conv3x3_signs, binary_conv3x3_sums, binary_conv3x3_sums_reference
from .dense import binary_dense_signs, binary_dense_sums, binary_dense_sums_reference
from .export import SUPPORTED, export_packed
from .network import BinaryLayer, FloatLayer, PackedNetwork
from .popcount import WORD_BITS
from .storage import PACKED_FORMAT, load_packed, save_packed
from .thresholds import float_sign_thresholds, sign_thresholds

__all__ = [
    "export_packed", "SUPPORTED", "PackedNetwork", "FloatLayer", "BinaryLayer",
    "pack_signs", "pack_signs_channels_last", "pack_conv_weights", "pack_dense_weights",
    "unpack_signs", "pack_signs_reference", "binary_dense_sums", "binary_dense_signs",
    "binary_dense_sums_reference", "binary_conv3x3_sums", "binary_conv3x3_signs",
    "binary_conv3x3_sums_reference", "sign_thresholds", "float_sign_thresholds",
    "save_packed", "load_packed", "PACKED_FORMAT", "WORD_BITS",
]
