"""The coordinate laws the samplers draw from, as small frozen specs.

Part of :mod:`bingeo.sampling.specs`, which re-exports every name here and
parses the ``dist`` argument into these classes; see its docstring for the
table of laws and their standard deviations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from typing import Union

import numpy as np

__all__ = ["Normal", "Uniform", "Laplace", "StudentT", "AnisotropicNormal", "DistSpec", "unit_scales",
           "STUDENT_T_MIN_NU"]

STUDENT_T_MIN_NU = 0.2
"""Fewest degrees of freedom the samplers take.  Heavier tails put draws
beyond sqrt(largest double) = 1.3e154, whose squares are inf in the sums
(the cosine then 0 or NaN), in a share of the draws that grows fast as nu
falls: 3% at nu = 0.01, 2e-8 at 0.05, 3e-16 at 0.1, 1e-31 at 0.2."""


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
