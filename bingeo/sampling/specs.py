"""What to sample: the ``dist`` and ``quantizer`` arguments as small specs.

:func:`parse_dist` and :func:`parse_quantizer` turn what a user writes (a
string such as ``"t:5"`` or ``"ternary:0.5"``, an array of scales, a callable,
or a spec object) into one of the frozen dataclasses below.  Every backend
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

STUDENT_T_MIN_NU = 0.2
"""Fewest degrees of freedom the samplers take.  Heavier tails put draws
beyond sqrt(largest double) = 1.3e154, whose squares are inf in the sums
(the cosine then 0 or NaN), in a share of the draws that grows fast as nu
falls: 3% at nu = 0.01, 2e-8 at 0.05, 3e-16 at 0.1, 1e-31 at 0.2."""

DIST_CHOICES = "'normal', 'uniform', 'laplace', 't:NU' (NU >= 0.2), 'aniso:R' (R > 0), an array of per-coordinate scales, or a dist spec object"
QUANTIZER_CHOICES = "'sign', 'ternary:TAU' (TAU >= 0), 'rotated-sign', 'kbit:K' or 'kbit:K:CLIP' (1 <= K <= 16, CLIP > 0), 'xnor', a callable on a 1-D array, or a quantizer spec object"

ROTATED_SIGN_MAX_D = 4096
"""Largest d for ``rotated-sign``: it holds one d x d Haar rotation
(d = 4096 takes 128 MiB in float64)."""


# --------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------

class _IidCoordinates:
    """Shared behaviour of the distributions whose d coordinates all follow
    one law: unit scales, labelled by their kind, not rotation invariant
    (the normal overrides that)."""

    kind = ""

    @property
    def label(self) -> str:
        return self.kind

    @property
    def rotation_invariant(self) -> bool:
        return False

    def scales_for(self, d: int) -> np.ndarray:
        """Per-coordinate scale factors (all 1)."""
        return np.ones(int(d))


@dataclass(frozen=True)
class Normal(_IidCoordinates):
    """Standard normal coordinates, N(0, 1): the rotation-invariant case.

    Examples
    --------
    >>> Normal().label, Normal().sd, Normal().rotation_invariant
    ('normal', 1.0, True)
    """

    kind = "normal"

    @property
    def sd(self) -> float:
        return 1.0

    @property
    def rotation_invariant(self) -> bool:
        return True


@dataclass(frozen=True)
class Uniform(_IidCoordinates):
    """Uniform coordinates on [-1, 1] (sd = 1/sqrt(3)).

    Examples
    --------
    >>> round(Uniform().sd, 6)
    0.57735
    """

    kind = "uniform"

    @property
    def sd(self) -> float:
        return 1.0 / math.sqrt(3.0)


@dataclass(frozen=True)
class Laplace(_IidCoordinates):
    """Laplace coordinates with density exp(-|x|)/2 (sd = sqrt(2)).

    Examples
    --------
    >>> round(Laplace().sd, 6)
    1.414214
    """

    kind = "laplace"

    @property
    def sd(self) -> float:
        return math.sqrt(2.0)


@dataclass(frozen=True)
class StudentT(_IidCoordinates):
    """Student t coordinates with ``nu`` >= ``STUDENT_T_MIN_NU`` degrees of freedom.

    sd = sqrt(nu / (nu - 2)) for nu > 2, infinite otherwise (then the
    threshold quantizers, whose thresholds are in units of sd, refuse it).

    Examples
    --------
    >>> StudentT(5.0).label, round(StudentT(5.0).sd, 6)
    ('t:5', 1.290994)
    """

    nu: float
    kind = "t"

    def __post_init__(self):
        nu = float(self.nu)
        if not (math.isfinite(nu) and nu >= STUDENT_T_MIN_NU):
            raise ValueError(f"dist: Student t needs degrees of freedom NU >= {STUDENT_T_MIN_NU:g} (with heavier "
                             f"tails w_i^2 overflows in doubles), got {self.nu!r}")
        object.__setattr__(self, "nu", nu)

    @property
    def label(self) -> str:
        return f"t:{self.nu:g}"

    @property
    def sd(self) -> float:
        return math.sqrt(self.nu / (self.nu - 2.0)) if self.nu > 2 else math.inf


@dataclass(frozen=True)
class AnisotropicNormal:
    """Independent normal coordinates with per-coordinate scales.

    Give either ``scales`` (d positive numbers; the sampler then needs that
    very d) or ``ratio`` R > 0 (scales R^(i/(d-1)), i = 0..d-1, for any d:
    the largest scale over the smallest is R).

    Examples
    --------
    >>> AnisotropicNormal(ratio=100).scales_for(3)
    array([  1.,  10., 100.])
    >>> AnisotropicNormal(scales=(1.0, 2.0)).label
    'aniso:[1,2]'
    """

    scales: tuple | None = None
    ratio: float | None = None
    kind = "aniso"

    def __post_init__(self):
        if (self.scales is None) == (self.ratio is None):
            raise ValueError("dist: AnisotropicNormal takes exactly one of scales= or ratio=")
        if self.scales is not None:
            arr = np.asarray(self.scales, dtype=np.float64).ravel()
            if arr.size < 1 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
                raise ValueError("dist: anisotropic scales must be a non-empty array of finite numbers > 0")
            object.__setattr__(self, "scales", tuple(float(s) for s in arr))
        else:
            ratio = float(self.ratio)
            if not (math.isfinite(ratio) and ratio > 0):
                raise ValueError(f"dist: aniso:R needs a finite ratio R > 0, got {self.ratio!r}")
            object.__setattr__(self, "ratio", ratio)

    @property
    def label(self) -> str:
        if self.ratio is not None:
            return f"aniso:{self.ratio:g}"
        if len(self.scales) <= 4:
            return "aniso:[" + ",".join(f"{s:g}" for s in self.scales) + "]"
        return f"aniso:[{len(self.scales)} scales]"

    @property
    def sd(self) -> float:
        """sd of the underlying N(0, 1) before scaling (thresholds use
        ``sd * scales_i``)."""
        return 1.0

    @property
    def rotation_invariant(self) -> bool:
        if self.scales is not None:
            return len(set(self.scales)) == 1
        return self.ratio == 1.0

    def scales_for(self, d: int) -> np.ndarray:
        """The d per-coordinate scales; raises ValueError when ``scales`` was
        given with another length."""
        d = int(d)
        if self.scales is not None:
            if len(self.scales) != d:
                raise ValueError(f"dist: anisotropic scales have length {len(self.scales)}, but d = {d}")
            return np.array(self.scales, dtype=np.float64)
        if d == 1:
            return np.ones(1)
        return self.ratio ** (np.arange(d, dtype=np.float64) / (d - 1))


DistSpec = Union[Normal, Uniform, Laplace, StudentT, AnisotropicNormal]


def unit_scales(dist, d: int) -> np.ndarray:
    """The per-coordinate scales of ``dist`` at d divided by the largest.

    The samplers draw with these, so that the sums w.w and w.q cannot
    overflow however large the scales are (``aniso:1e300``); the cosine does
    not change when w is scaled.

    >>> unit_scales(AnisotropicNormal(ratio=1e300), 3)[[0, 2]].tolist()
    [1e-300, 1.0]
    """
    scales = np.asarray(dist.scales_for(d), dtype=np.float64)
    return np.ascontiguousarray(scales / scales.max())


# --------------------------------------------------------------------------
# Quantizers
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
