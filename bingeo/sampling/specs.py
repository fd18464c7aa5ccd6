"""What to sample: the ``dist`` and ``quantizer`` arguments as small specs.

:func:`parse_dist` and :func:`parse_quantizer` turn what a user writes (a
string such as ``"t:5"`` or ``"ternary:0.5"``, an array of scales, a callable,
or a spec object) into one of the frozen dataclasses below (the laws live in
:mod:`bingeo.sampling.dist_specs`, re-exported here).  Every backend
(CPU, CUDA) reads the same specs, so the meaning of each option is defined
once, here.

Coordinates are drawn independently from the *standard form* of each
distribution:

=================================  ==========================  ===============
spec                               density of one coordinate   sd
=================================  ==========================  ===============
``Normal()``  ``"normal"``         N(0, 1)                     1
``Uniform()`` ``"uniform"``        U(-1, 1)                    1/sqrt(3)
``Laplace()`` ``"laplace"``        exp(-|x|) / 2               sqrt(2)
``StudentT(nu)`` ``"t:NU"``        Student t, NU >= 0.2 dof    sqrt(NU/(NU-2))
``AnisotropicNormal(scales)``      N(0, scales_i^2)            scales_i
``AnisotropicNormal(ratio=R)``     ``"aniso:R"``: scales       scales_i
                                   R^(i/(d-1)), i = 0..d-1
=================================  ==========================  ===============

Thresholds of the quantizers (``Ternary.tau``, ``KBit.clip``) are in units of
each coordinate's standard deviation, so the cosine does not depend on the
scale of the distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from bingeo.sampling.dist_specs import (STUDENT_T_MIN_NU, AnisotropicNormal, DistSpec, Laplace, Normal, StudentT,
                                        Uniform, unit_scales)

__all__ = [
    "Normal",
    "Uniform",
    "Laplace",
    "StudentT",
    "AnisotropicNormal",
    "Sign",
    "Ternary",
    "RotatedSign",
    "KBit",
    "XnorSign",
    "CustomQuantizer",
    "DistSpec",
    "QuantizerSpec",
    "parse_dist",
    "parse_quantizer",
    "DIST_CHOICES",
    "QUANTIZER_CHOICES",
    "ROTATED_SIGN_MAX_D",
    "STUDENT_T_MIN_NU",
    "unit_scales",
]

DIST_CHOICES = "'normal', 'uniform', 'laplace', 't:NU' (NU >= 0.2), 'aniso:R' (R > 0), an array of per-coordinate scales, or a dist spec object"
QUANTIZER_CHOICES = "'sign', 'ternary:TAU' (TAU >= 0), 'rotated-sign', 'kbit:K' or 'kbit:K:CLIP' (1 <= K <= 16, CLIP > 0), 'xnor', a callable on a 1-D array, or a quantizer spec object"

ROTATED_SIGN_MAX_D = 4096
"""Largest d for ``rotated-sign``: it holds one d x d Haar rotation
(d = 4096 takes 128 MiB in float64)."""


# --------------------------------------------------------------------------
# Quantizers (the distributions are in bingeo.sampling.dist_specs)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Sign:
    """sign(x), with sign(0) = sign(-0.0) = +1.

    >>> Sign().label
    'sign'
    """

    kind = "sign"

    @property
    def label(self) -> str:
        return "sign"


@dataclass(frozen=True)
class Ternary:
    """t(x) = sign(x) if |x| > tau * sd else 0 (``tau`` >= 0 in units of the
    coordinate's standard deviation).

    >>> Ternary(0.5).label
    'ternary:0.5'
    """

    tau: float
    kind = "ternary"

    def __post_init__(self):
        tau = float(self.tau)
        if not (math.isfinite(tau) and tau >= 0):
            raise ValueError(f"quantizer: ternary threshold TAU must be finite and >= 0, got {self.tau!r}")
        object.__setattr__(self, "tau", tau)

    @property
    def label(self) -> str:
        return f"ternary:{self.tau:g}"


@dataclass(frozen=True)
class RotatedSign:
    """q_R(x) = R^T sign(R x) with one Haar rotation R per call (seeded);
    d <= ``ROTATED_SIGN_MAX_D``.

    >>> RotatedSign().label
    'rotated-sign'
    """

    kind = "rotated-sign"

    @property
    def label(self) -> str:
        return "rotated-sign"


@dataclass(frozen=True)
class KBit:
    """k-bit uniform (mid-rise) quantizer with 2^k levels on [-c, c],
    c = ``clip`` * sd: step s = 2c / 2^k, q(x) = s (floor(x/s) + 1/2) clipped
    to +-(c - s/2).  k = 1 is sign (times c/2).

    ``clip`` is in units of the coordinate's standard deviation, as the
    thresholds of every sampler quantizer are; :func:`bingeo.kbit_quantize`
    takes its ``clip`` in the units of x.  On a coordinate of standard
    deviation sd, ``KBit(k, clip)`` is ``kbit_quantize(x, k, clip=clip * sd)``.

    >>> KBit(2).label, KBit(3, clip=3.0).label
    ('kbit:2', 'kbit:3:3')
    """

    k: int
    clip: float = 2.5
    kind = "kbit"

    def __post_init__(self):
        if isinstance(self.k, bool) or not isinstance(self.k, (int, np.integer)) or not 1 <= int(self.k) <= 16:
            raise ValueError(f"quantizer: kbit needs an integer K with 1 <= K <= 16, got {self.k!r}")
        clip = float(self.clip)
        if not (math.isfinite(clip) and clip > 0):
            raise ValueError(f"quantizer: kbit clip CLIP must be finite and > 0, got {self.clip!r}")
        object.__setattr__(self, "k", int(self.k))
        object.__setattr__(self, "clip", clip)

    @property
    def label(self) -> str:
        return f"kbit:{self.k}" if self.clip == 2.5 else f"kbit:{self.k}:{self.clip:g}"


@dataclass(frozen=True)
class XnorSign:
    """XNOR-Net's scaled sign, alpha * sign(x) with alpha = mean |x|; the
    cosine equals that of sign whenever x != 0.

    >>> XnorSign().label
    'xnor'
    """

    kind = "xnor"

    @property
    def label(self) -> str:
        return "xnor"


@dataclass(frozen=True)
class CustomQuantizer:
    """A user quantizer: ``func`` maps a 1-D float64 array to an array of the
    same length.  It runs in Python, one trial at a time (the slow path).

    >>> CustomQuantizer(abs, name="abs").label
    'custom:abs'
    """

    func: Callable
    name: str = ""
    kind = "custom"

    def __post_init__(self):
        if not callable(self.func):
            raise ValueError(f"quantizer: a custom quantizer must be callable, got {type(self.func).__name__}")
        if not self.name:
            object.__setattr__(self, "name", getattr(self.func, "__name__", type(self.func).__name__))

    @property
    def label(self) -> str:
        return f"custom:{self.name}"


QuantizerSpec = Union[Sign, Ternary, RotatedSign, KBit, XnorSign, CustomQuantizer]

_DIST_TYPES = (Normal, Uniform, Laplace, StudentT, AnisotropicNormal)
_QUANTIZER_TYPES = (Sign, Ternary, RotatedSign, KBit, XnorSign, CustomQuantizer)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

def _number(text: str, what: str, choices: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number; accepted: {choices}") from None


def parse_dist(dist) -> DistSpec:
    """Turn a ``dist`` argument into a distribution spec.

    Parameters
    ----------
    dist : str, array_like or spec
        ``"normal"``, ``"uniform"``, ``"laplace"``, ``"t:NU"``, ``"aniso:R"``,
        a 1-D array of per-coordinate scales (an anisotropic normal), or a
        spec object (returned as is).

    Raises
    ------
    ValueError
        naming ``dist`` and listing what is accepted.

    Examples
    --------
    >>> parse_dist("t:3")
    StudentT(nu=3.0)
    >>> parse_dist("aniso:10")
    AnisotropicNormal(scales=None, ratio=10.0)
    >>> parse_dist([1.0, 2.0]).scales
    (1.0, 2.0)
    """
    if isinstance(dist, _DIST_TYPES):
        return dist
    if isinstance(dist, str):
        text = dist.strip().lower()
        name, _, param = text.partition(":")
        if name in ("normal", "gaussian") and not param:
            return Normal()
        if name == "uniform" and not param:
            return Uniform()
        if name == "laplace" and not param:
            return Laplace()
        if name in ("t", "student-t") and param:
            return StudentT(_number(param, "dist", DIST_CHOICES))
        if name == "aniso" and param:
            return AnisotropicNormal(ratio=_number(param, "dist", DIST_CHOICES))
        raise ValueError(f"dist: unknown distribution {dist!r}; accepted: {DIST_CHOICES}")
    if isinstance(dist, (list, tuple, np.ndarray)):
        try:
            arr = np.asarray(dist, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"dist: scales must be numbers; accepted: {DIST_CHOICES}") from None
        if arr.ndim != 1:
            raise ValueError(f"dist: scales must be a 1-D array, got shape {arr.shape}")
        return AnisotropicNormal(scales=tuple(arr.tolist()))
    raise ValueError(f"dist: cannot use a {type(dist).__name__}; accepted: {DIST_CHOICES}")


def parse_quantizer(quantizer) -> QuantizerSpec:
    """Turn a ``quantizer`` argument into a quantizer spec.

    Parameters
    ----------
    quantizer : str, callable or spec
        ``"sign"``, ``"ternary:TAU"``, ``"rotated-sign"``, ``"kbit:K"``,
        ``"kbit:K:CLIP"``, ``"xnor"``, a callable on a 1-D array (the slow
        path), or a spec object (returned as is).

    Raises
    ------
    ValueError
        naming ``quantizer`` and listing what is accepted.

    Examples
    --------
    >>> parse_quantizer("ternary:0.5")
    Ternary(tau=0.5)
    >>> parse_quantizer("kbit:2")
    KBit(k=2, clip=2.5)
    >>> parse_quantizer("rotated-sign")
    RotatedSign()
    """
    if isinstance(quantizer, _QUANTIZER_TYPES):
        return quantizer
    if isinstance(quantizer, str):
        text = quantizer.strip().lower()
        name, _, param = text.partition(":")
        if name == "sign" and not param:
            return Sign()
        if name == "xnor" and not param:
            return XnorSign()
        if name in ("rotated-sign", "rotated_sign") and not param:
            return RotatedSign()
        if name == "ternary" and param:
            return Ternary(_number(param, "quantizer", QUANTIZER_CHOICES))
        if name == "kbit" and param:
            k_text, _, clip_text = param.partition(":")
            try:
                k = int(k_text)
            except ValueError:
                raise ValueError(f"quantizer: kbit needs an integer K, got {k_text!r}; accepted: {QUANTIZER_CHOICES}") from None
            if clip_text:
                return KBit(k, clip=_number(clip_text, "quantizer", QUANTIZER_CHOICES))
            return KBit(k)
        raise ValueError(f"quantizer: unknown quantizer {quantizer!r}; accepted: {QUANTIZER_CHOICES}")
    if callable(quantizer):
        return CustomQuantizer(quantizer)
    raise ValueError(f"quantizer: cannot use a {type(quantizer).__name__}; accepted: {QUANTIZER_CHOICES}")
