"""Which backend can run: a CUDA check that never fails loudly.

``numba.cuda`` is imported only inside :func:`cuda_usable`, so importing this
module (and the CPU path) works where numba-cuda is missing.
"""

from __future__ import annotations

import functools
import importlib.util
import os

__all__ = ["cuda_usable", "cuda_simulated", "cuda_backend_installed", "BACKENDS"]

BACKENDS = ("cpu", "cuda", "auto")
"""Accepted values of every ``backend`` argument."""


def cuda_simulated() -> bool:
    """True when numba's CUDA simulator is switched on
    (``NUMBA_ENABLE_CUDASIM=1``).

    >>> isinstance(cuda_simulated(), bool)
    True
    """
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


def cuda_backend_installed() -> bool:
    """True when bingeo's CUDA sampler module is part of this installation.

    >>> isinstance(cuda_backend_installed(), bool)
    True
    """
    try:
        return importlib.util.find_spec("bingeo.sampling.cuda") is not None
    except (ImportError, ValueError):  # pragma: no cover
        return False


@functools.lru_cache(maxsize=1)
def cuda_usable() -> bool:
    """True when a real CUDA GPU answers through numba-cuda.

    False on any ImportError or driver error, and under the CUDA simulator
    (which is for tests, far too slow to be chosen by ``backend="auto"``).
    The answer is cached for the life of the process.

    >>> isinstance(cuda_usable(), bool)
    True
    """
    if cuda_simulated():
        return False
    try:
        from numba import cuda  # noqa: PLC0415 - only here, never at import time

        return bool(cuda.is_available()) and len(cuda.gpus) > 0
    except Exception:  # ImportError, CudaSupportError, driver errors
        return False
