"""bingeo: the high-dimensional geometry of binary neural networks, computable.

This module only re-exports the public API; each name lives in a small module
of its own.
"""

__version__ = "0.1.0"
