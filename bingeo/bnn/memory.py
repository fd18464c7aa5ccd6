"""Keep freed memory in the process for the next training step.

A training step allocates the same large arrays every time (a CIFAR-shaped
batch of 100 x 32 x 32 x 32 activations is 13 MB, and a step makes dozens
of them) and frees them at its end.  glibc's allocator serves such arrays
with fresh ``mmap`` pages and returns them to the system when they are
freed, so every step touches new pages and the kernel zeroes each one on
its first write: measured on a 2-core AMD EPYC, 4,000 to 8,500 page faults
and 20 to 60 ms of system time per CIFAR-shaped step of 135 ms, more when
inference batches of another size come between the steps (PyTorch's steps
on the same network: 8,000 to 15,000 faults).

:func:`retain_freed_memory` sets glibc's thresholds so that arrays up to
1 GiB come from the heap and freed memory stays there for the next
allocation: the same steps then run with no page faults.  The cost is that
the process keeps its peak memory until it exits.  It changes no result,
only where memory comes from; it is process-wide, and
:func:`bingeo.bnn.train_model` calls it (so does ``python -m sims.bench
bnn``, in its own process and in PyTorch's).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

__all__ = ["retain_freed_memory", "MMAP_THRESHOLD", "TRIM_THRESHOLD"]

_M_TRIM_THRESHOLD = -1      # <malloc.h>
_M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 1 << 30
"""Bytes: smaller allocations come from the heap (glibc's default starts at
128 KiB and adapts up to 32 MiB)."""

FALLBACK_MMAP_THRESHOLD = 32 << 20
"""Bytes: the largest threshold glibc versions before 2.35 accept on 64-bit
systems."""

TRIM_THRESHOLD = 2**31 - 1
"""Bytes of free memory at the top of the heap before it is returned to the
system (the largest a C int holds)."""

_applied: bool | None = None


def retain_freed_memory() -> bool:
    """Set glibc's ``M_MMAP_THRESHOLD`` to :data:`MMAP_THRESHOLD` (or
    :data:`FALLBACK_MMAP_THRESHOLD` where glibc refuses it) and
    ``M_TRIM_THRESHOLD`` to :data:`TRIM_THRESHOLD` for this process, once.

    Returns
    -------
    bool
        True when the thresholds are set (Linux with glibc), False elsewhere
        (another C library or system: nothing is changed).

    Examples
    --------
    >>> retain_freed_memory() in (True, False)
    True
    """
    global _applied
    if _applied is None:
        _applied = _set_thresholds()
    return _applied


def _set_thresholds() -> bool:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if not (mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) or mallopt(_M_MMAP_THRESHOLD, FALLBACK_MMAP_THRESHOLD)):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
