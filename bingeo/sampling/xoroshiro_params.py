"""Arguments of the xoroshiro samplers (CUDA kernels and CPU twin), checked
and turned into the plain numbers the kernels take.

This module imports neither ``numba.cuda`` nor any kernel: it only reads the
specs of :mod:`bingeo.sampling.specs` and the codes of
:mod:`bingeo.sampling.xoroshiro_layout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bingeo.sampling import specs
from bingeo.sampling.xoroshiro_layout import (
    DIST_LAPLACE,
    DIST_NORMAL,
    DIST_T,
    DIST_UNIFORM,
    QUANT_SIGN,
    stream_key,
)
from bingeo.quantize import haar_rotation
from bingeo.sampling.trial_math import quantizer_params

__all__ = ["SamplerParams", "sampler_params"]


@dataclass(frozen=True)
class SamplerParams:
    """What a xoroshiro kernel needs, as plain numbers and arrays."""

    d: int
    trials: int
    key: np.uint64
    dist_code: int
    nu: float
    scales: np.ndarray
    aniso: bool
    sd: float
    quant_code: int
    threshold_or_step: float
    """The ternary threshold or the k-bit step, in units of the draws (see
    :func:`bingeo.sampling.trial_math.quantizer_params`)."""
    top_level: float
    """The k-bit top level in steps; 0.0 for the other quantizers."""
    rotation: np.ndarray | None


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer >= {low}, got {value!r}")
    if int(value) < low:
        raise ValueError(f"{name}: expected an integer >= {low}, got {int(value)}")
    return int(value)


def _dist_params(dist, d: int):
    """(dist_code, nu, scales, aniso, sd) for a dist spec."""
    one = np.ones(1)
    if isinstance(dist, specs.Normal):
        return DIST_NORMAL, 0.0, one, False, 1.0
    if isinstance(dist, specs.Uniform):
        return DIST_UNIFORM, 0.0, one, False, dist.sd
    if isinstance(dist, specs.Laplace):
        return DIST_LAPLACE, 0.0, one, False, dist.sd
    if isinstance(dist, specs.StudentT):
        return DIST_T, float(dist.nu), one, False, dist.sd
    if isinstance(dist, specs.AnisotropicNormal):
        return DIST_NORMAL, 0.0, specs.unit_scales(dist, d), True, 1.0
    raise ValueError(f"dist: the xoroshiro samplers do not support {dist!r}; accepted: {specs.DIST_CHOICES}")


def sampler_params(d, trials, *, dist="normal", quantizer="sign", seed=0) -> SamplerParams:
    """Check the arguments of a xoroshiro sampler and turn them into kernel
    parameters.

    Raises
    ------
    ValueError
        naming the argument: ``d`` < 1, ``trials`` < 0, an unknown ``dist``
        or ``quantizer``, a user quantizer (not supported: it would run
        Python code per trial), a threshold quantizer on a distribution of
        infinite variance, ``rotated-sign`` with d above
        ``specs.ROTATED_SIGN_MAX_D``, or a bad ``seed``.

    Examples
    --------
    >>> p = sampler_params(10, 3, dist="t:5", quantizer="kbit:2", seed=1)
    >>> p.dist_code, p.nu, p.quant_code
    (3, 5.0, 2)
    """
    d = _check_int("d", d, 1)
    trials = _check_int("trials", trials, 0)
    dist = specs.parse_dist(dist)
    quantizer = specs.parse_quantizer(quantizer)
    key = stream_key(seed)
    dist_code, nu, scales, aniso, sd = _dist_params(dist, d)
    quant_code, threshold_or_step, top_level, rotation = QUANT_SIGN, 0.0, 0.0, None
    if isinstance(quantizer, (specs.Sign, specs.XnorSign)):
        pass
    elif isinstance(quantizer, (specs.Ternary, specs.KBit)):
        if not math.isfinite(sd):
            raise ValueError(f"quantizer: {quantizer.label} sets its threshold in units of the standard "
                             f"deviation, which is infinite for dist {dist.label}; use t:NU with NU > 2")
        quant_code, threshold_or_step, top_level = quantizer_params(quantizer, sd)
    elif isinstance(quantizer, specs.RotatedSign):
        if d > specs.ROTATED_SIGN_MAX_D:
            raise ValueError(f"d: rotated-sign holds a d x d rotation, so d must be <= "
                             f"{specs.ROTATED_SIGN_MAX_D}, got {d}")
        rotation = np.ascontiguousarray(haar_rotation(d, seed))
    elif isinstance(quantizer, specs.CustomQuantizer):
        raise ValueError(f"quantizer: a user quantizer ({quantizer.label}) runs Python code per trial, which "
                         f"the xoroshiro (CUDA) samplers do not support; use backend='cpu'")
    else:
        raise ValueError(f"quantizer: the xoroshiro samplers do not support {quantizer!r}; "
                         f"accepted: {specs.QUANTIZER_CHOICES}")
    return SamplerParams(d=d, trials=trials, key=key, dist_code=dist_code, nu=nu, scales=scales,
                         aniso=aniso, sd=float(sd), quant_code=quant_code,
                         threshold_or_step=float(threshold_or_step), top_level=float(top_level), rotation=rotation)
