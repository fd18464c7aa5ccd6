"""The machine a run ran on, for reports and benchmarks.

Results that depend on the machine (BLAS kernels, instruction sets, thread
counts) can only be interpreted next to a record of it.  :func:`machine_info`
collects, without starting any computation:

* the CPU model and the instruction-set flags that change numerical kernels
  (SSE/AVX/AVX2/FMA/AVX-512 families), from ``/proc/cpuinfo`` where it
  exists, else from :mod:`platform`;
* the logical CPU count and the numba thread count (``NUMBA_NUM_THREADS``),
  numba's target CPU (``NUMBA_CPU_NAME``, empty for the host);
* every BLAS/OpenMP library loaded in the process, with its version, kernel
  ("architecture", e.g. ``Haswell`` or ``SkylakeX`` for OpenBLAS) and
  thread count, from :mod:`threadpoolctl`;
* the versions of Python and the numerical packages.
"""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata as _metadata

__all__ = ["machine_info", "cpu_model_and_flags", "KERNEL_FLAG_PATTERN", "PACKAGES"]

KERNEL_FLAG_PATTERN = re.compile(r"^(sse.*|ssse3|avx.*|fma.*|f16c|bmi\d|popcnt|amx.*|asimd.*|sve.*|neon)$")
"""Instruction-set flags that numerical kernels dispatch on; the others
(power management, virtualization, ...) are left out of the record."""

PACKAGES = ("bingeo", "numpy", "numba", "llvmlite", "numba-cuda", "scipy", "sympy", "matplotlib",
            "threadpoolctl", "scikit-learn", "torch", "dask", "distributed")
"""Packages whose versions a record lists (``None`` when not installed)."""


def cpu_model_and_flags(cpuinfo: str | None = None) -> tuple[str, list[str]]:
    """``(model name, sorted kernel-relevant flags)`` of the first CPU.

    Parameters
    ----------
    cpuinfo : str, optional
        the text of ``/proc/cpuinfo``; read from the system when omitted
        (empty on systems without it).

    Examples
    --------
    >>> cpu_model_and_flags("model name\\t: Example CPU\\nflags\\t\\t: fpu sse2 avx2 fma vmx\\n")
    ('Example CPU', ['avx2', 'fma', 'sse2'])
    """
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                cpuinfo = f.read()
        except OSError:
            cpuinfo = ""
    model, flags = "", []
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if not model and key in ("model name", "cpu model", "hardware"):
            model = value.strip()
        elif not flags and key in ("flags", "features"):
            flags = sorted({f for f in value.split() if KERNEL_FLAG_PATTERN.match(f)})
        if model and flags:
            break
    return model or platform.processor() or platform.machine(), flags


def _version(name: str):
    try:
        return _metadata.version(name)
    except _metadata.PackageNotFoundError:
        return None


def _blas_libraries() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    import numpy  # noqa: F401  (loads numpy's BLAS so that it is listed)

    keep = ("user_api", "internal_api", "version", "architecture", "num_threads", "threading_layer")
    return [{k: lib.get(k) for k in keep if lib.get(k) is not None} for lib in threadpool_info()]


def machine_info() -> dict:
    """A JSON-ready record of the machine and the software in use.

    Returns
    -------
    dict
        ``cpu`` (model), ``cpu_flags`` (kernel-relevant instruction sets),
        ``logical_cpus``, ``numba_threads``, ``numba_cpu_name``, ``blas``
        (one dict per loaded BLAS/OpenMP library: ``internal_api``,
        ``version``, ``architecture``, ``num_threads``, ...), ``platform``,
        ``versions`` (Python and :data:`PACKAGES`).

    Examples
    --------
    >>> info = machine_info()
    >>> sorted(info) == sorted(["cpu", "cpu_flags", "logical_cpus", "numba_threads", "numba_cpu_name",
    ...                         "blas", "platform", "versions"])
    True
    """
    model, flags = cpu_model_and_flags()
    try:
        import numba

        numba_threads = int(numba.config.NUMBA_NUM_THREADS)
    except ImportError:
        numba_threads = None
    return {
        "cpu": model,
        "cpu_flags": flags,
        "logical_cpus": os.cpu_count(),
        "numba_threads": numba_threads,
        "numba_cpu_name": os.environ.get("NUMBA_CPU_NAME", ""),
        "blas": _blas_libraries(),
        "platform": platform.platform(),
        "versions": {"python": platform.python_version(), **{name: _version(name) for name in PACKAGES}},
    }
