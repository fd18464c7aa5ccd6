"""What every sampler kernel shares, whatever its streams: the codes of a law
and of a quantizer, the quantizer's parameters in the units of the draws,
one quantized coordinate, and the cosine from a trial's sums.

The CPU kernels (SFC64 streams, :mod:`bingeo.sampling.cpu_trials`), the CUDA
kernels (:mod:`bingeo.sampling.cuda`) and their CPU twin
(:mod:`bingeo.sampling.xoroshiro_cpu`) all call these ``@njit`` helpers;
they use only ``math`` and float arithmetic, so numba compiles them for the
GPU too.  This module imports no kernel and never ``numba.cuda``.
"""

from __future__ import annotations

import math

from numba import njit

from bingeo.quantize_jit import kbit_level, kbit_step, kbit_top_level, sign_scalar, ternary_scalar

__all__ = ["NORMAL", "UNIFORM", "LAPLACE", "STUDENT_T", "SIGN", "TERNARY", "KBIT", "quantizer_params",
           "quantize_scalar", "cos_from_sums"]

NORMAL, UNIFORM, LAPLACE, STUDENT_T = 0, 1, 2, 3
"""Distribution codes of the kernels (an anisotropic normal is ``NORMAL``
with per-coordinate scales)."""

SIGN, TERNARY, KBIT = 0, 1, 2
"""Quantizer codes of the kernels (``xnor`` is ``SIGN``: the cosine does not
see its scale; ``rotated-sign`` has kernels of its own)."""


def quantizer_params(quantizer, sd: float) -> tuple[int, float, float]:
    """``(code, threshold_or_step, top_level)`` of a quantizer spec for draws
    of standard deviation ``sd`` (before any per-coordinate scale).

    ``threshold_or_step`` is the ternary threshold ``tau * sd``, or the
    k-bit step ``2 clip sd / 2^k`` (``KBit.clip`` is in units of the sd);
    ``top_level`` is the k-bit top level (2^k - 1) / 2 in steps.  Both are
    0.0 where the code does not use them.

    Examples
    --------
    >>> from bingeo.sampling import specs
    >>> quantizer_params(specs.Ternary(0.5), 2.0), quantizer_params(specs.KBit(2, clip=1.0), 1.0)
    ((1, 1.0, 0.0), (2, 0.5, 1.5))
    """
    if quantizer.kind in ("sign", "xnor"):
        return SIGN, 0.0, 0.0
    if quantizer.kind == "ternary":
        return TERNARY, float(quantizer.tau * sd), 0.0
    if quantizer.kind == "kbit":
        return KBIT, float(kbit_step(quantizer.k, quantizer.clip * sd)), float(kbit_top_level(quantizer.k))
    raise ValueError(f"quantizer: {quantizer.label!r} has no code of the kernels")


@njit(cache=True)
def quantize_scalar(w, quant_code, threshold_or_step, top_level, scale):
    """q(w) for one coordinate with scale factor ``scale``, by the shared
    scalar quantizers of :mod:`bingeo.quantize_jit` (sign(+-0.0) = +1).

    ``SIGN``: sign(w).  ``TERNARY``: sign(w) if |w| > threshold_or_step *
    scale else 0.  ``KBIT``: the k-bit mid-rise quantizer with step
    threshold_or_step * scale, in units of that step (``kbit_level``: a
    cosine does not change when q is scaled, and these levels neither
    overflow nor underflow when squared), times ``scale``; ``top_level`` is
    (2^k - 1) / 2 in steps.

    Examples
    --------
    >>> quantize_scalar(-0.0, SIGN, 0.0, 0.0, 1.0)
    1.0
    >>> quantize_scalar(0.5, TERNARY, 0.5, 0.0, 1.0)
    0.0
    >>> quantize_scalar(0.3, KBIT, 0.5, 1.5, 1.0)
    0.5
    """
    if quant_code == TERNARY:
        return ternary_scalar(w, threshold_or_step * scale)
    if quant_code == KBIT:
        return scale * kbit_level(w, threshold_or_step * scale, top_level)
    return sign_scalar(w)


@njit(cache=True)
def cos_from_sums(dot, norm2_a, norm2_b):
    """``dot / sqrt(norm2_a * norm2_b)`` clipped to [-1, 1] (rounding can
    pass 1 by an ulp); NaN when a norm is zero, where the angle is undefined
    (a ternary quantizer with a high threshold zeroes every coordinate).

    Examples
    --------
    >>> cos_from_sums(3.0, 9.0, 1.0)
    1.0
    >>> cos_from_sums(0.0, 1.0, 0.0)
    nan
    """
    if norm2_a > 0.0 and norm2_b > 0.0:
        c = dot / math.sqrt(norm2_a * norm2_b)
        return min(1.0, max(-1.0, c))
    return math.nan
