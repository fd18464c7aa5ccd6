"""Monte Carlo samplers of the geometry of quantization (CPU and CUDA)."""

from bingeo.sampling.api import resolve_backend, sample_cos, sample_pair_cos
from bingeo.sampling.specs import parse_dist, parse_quantizer

__all__ = ["sample_cos", "sample_pair_cos", "resolve_backend", "parse_dist", "parse_quantizer"]
