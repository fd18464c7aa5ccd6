"""bingeo: the high-dimensional geometry of binary neural networks, computable.

This module only re-exports the public API; each name lives in a small module
of its own.
"""

__version__ = "0.1.0"

# Quantizers, geometry and the Monte Carlo samplers.
from bingeo.geometry import angle, cosine, quantization_angle, quantization_cosine
from bingeo.quantize import haar_rotation, kbit_quantize, rotated_sign, sign, ternarize, xnor_sign
from bingeo.sampling import resolve_backend, sample_cos, sample_pair_cos
