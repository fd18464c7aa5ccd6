"""What theory says about the angle between w and q(w), for ``sims.angle``.

For a distribution and a quantizer spec (:mod:`bingeo.sampling.specs`) this
picks the strongest result :mod:`theory` offers:

``exact``
    w rotation-invariant (normal, or an anisotropic normal with equal scales)
    and q = sign, XNOR's scaled sign or q_R: the exact mean and variance of
    cos angle(w, q(w)) at every d (``theory.mean_cos_value``,
    ``theory.var_cos_value``).
``limit``
    i.i.d. coordinates from normal, uniform, Laplace or Student t (NU > 2)
    with sign, ternary or k-bit (k <= 4): the d -> oo limit of the cosine,
    ``theory.limit_cos_value`` (``theory.ternary_cos_value`` for ternary of
    normals), and, for the figure, the 1/d coefficient of its variance.
``none``
    everything else (q_R of a non-normal law, unequal scales, a custom
    quantizer): no theory value.

Angles from cosines use the delta method: for cos with mean m and variance
v, the angle arccos(cos) has mean arccos(m) - m v / (2 (1 - m^2)^(3/2)) and
sd sqrt(v / (1 - m^2)), in radians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp
import sympy.stats as sps

import theory

__all__ = ["AngleTheory", "angle_theory", "angle_moments", "pair_angle_moments", "KBIT_THEORY_MAX_K"]

KBIT_THEORY_MAX_K = 4
"""Largest k for which the k-bit limit is integrated symbolically (2^k
pieces)."""


def angle_moments(mean_cos, var_cos):
    """Delta-method mean and sd (radians) of arccos(cos) from the mean and
    variance of cos.

    Examples
    --------
    >>> m, s = angle_moments(0.5, 0.0)
    >>> round(math.degrees(m), 6), s
    (60.0, 0.0)
    """
    m = np.asarray(mean_cos, dtype=np.float64)
    v = np.asarray(var_cos, dtype=np.float64)
    one_minus = np.maximum(1.0 - m * m, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.arccos(np.clip(m, -1.0, 1.0)) - np.where(v > 0, m * v / (2.0 * one_minus**1.5), 0.0)
        sd = np.where(v > 0, np.sqrt(v / one_minus), 0.0)
    if mean.ndim == 0:
        return float(mean), float(sd)
    return mean, sd


def pair_angle_moments(d):
    """Mean and sd (radians) of the angle between two independent normal
    vectors: mean pi/2 exactly (the law is symmetric), sd from
    Var(cos) = 1/d (``theory.pair_var_cos_value``) by the delta method.

    >>> m, s = pair_angle_moments(100)
    >>> round(math.degrees(m), 6), round(s, 6)
    (90.0, 0.1)
    """
    var = np.asarray(theory.pair_var_cos_value(d), dtype=np.float64)
    sd = np.sqrt(var)
    if sd.ndim == 0:
        return math.pi / 2, float(sd)
    return np.full(sd.shape, math.pi / 2), sd


def _sympy_variable(dist):
    if dist.kind == "normal":
        return sps.Normal("x", 0, 1)
    if dist.kind == "uniform":
        return sps.Uniform("x", -1, 1)
    if dist.kind == "laplace":
        return sps.Laplace("x", 0, 1)
    if dist.kind == "t" and dist.nu > 2:
        return sps.StudentT("x", sp.nsimplify(dist.nu))
    return None


def _sympy_quantizer(quantizer, sd):
    """The scalar quantizer as a callable on SymPy expressions, with its
    thresholds in the units of x (``sd`` is the coordinate sd)."""
    if quantizer.kind in ("sign", "xnor"):
        return None  # theory's default: sign
    if quantizer.kind == "ternary":
        return theory.ternary_quantizer(sp.nsimplify(quantizer.tau) * sd)
    if quantizer.kind == "kbit" and quantizer.k <= KBIT_THEORY_MAX_K:
        n = 2 ** quantizer.k
        step = 2 * sp.nsimplify(quantizer.clip) * sd / n

        def kbit(x):
            pieces = [((2 * j + 1 - n) * step / 2, x < (j + 1 - n // 2) * step) for j in range(n - 1)]
            return sp.Piecewise(*pieces, ((n - 1) * step / 2, True))

        return kbit
    raise LookupError


@dataclass(frozen=True)
class AngleTheory:
    """Theory for one (dist, quantizer) pair; ``kind`` is ``"exact"``,
    ``"limit"`` or ``"none"``."""

    kind: str
    limit_cos: float | None
    variable: object = None
    quantizer: object = None

    def mean_cos(self, d):
        """The reference mean cosine at d: exact, or the d -> oo limit, or None."""
        if self.kind == "exact":
            return theory.mean_cos_value(d)
        if self.kind == "limit":
            return self.limit_cos if np.ndim(d) == 0 else np.full(np.shape(d), self.limit_cos)
        return None

    @cached_property
    def _limit_d_var(self) -> float | None:
        try:
            return float(sp.N(theory.limit_d_var_cos(self.variable, self.quantizer)))
        except (ValueError, TypeError, NotImplementedError):
            return None

    def var_cos(self, d):
        """Var(cos) at d: exact, or (1/d) times the limit of d Var, or None."""
        if self.kind == "exact":
            return theory.var_cos_value(d)
        if self.kind == "limit" and self._limit_d_var is not None:
            return self._limit_d_var / np.asarray(d, dtype=np.float64)
        return None

    @property
    def limit_angle_deg(self) -> float | None:
        if self.kind == "exact":
            return float(theory.LIMIT_ANGLE_DEG)
        if self.kind == "limit":
            return math.degrees(math.acos(self.limit_cos))
        return None


def angle_theory(dist, quantizer) -> AngleTheory:
    """The theory that applies to ``dist`` and ``quantizer`` (specs).

    Examples
    --------
    >>> from bingeo.sampling.specs import Normal, Sign, Ternary, Uniform
    >>> angle_theory(Normal(), Sign()).kind
    'exact'
    >>> t = angle_theory(Uniform(), Sign())
    >>> t.kind, round(t.limit_cos, 6)
    ('limit', 0.866025)
    >>> round(angle_theory(Normal(), Ternary(0.5)).limit_cos, 6)
    0.896364
    """
    if dist.rotation_invariant and quantizer.kind in ("sign", "xnor", "rotated-sign"):
        return AngleTheory("exact", float(theory.LIMIT_COS_VALUE))
    if dist.kind == "aniso" or quantizer.kind in ("rotated-sign", "custom"):
        return AngleTheory("none", None)
    variable = _sympy_variable(dist)
    if variable is None:
        return AngleTheory("none", None)
    try:
        q = _sympy_quantizer(quantizer, sp.sqrt(sps.variance(variable)))
    except LookupError:
        return AngleTheory("none", None)
    if dist.kind == "normal" and quantizer.kind == "ternary":
        limit = float(theory.ternary_cos_value(quantizer.tau))
    else:
        limit = float(theory.limit_cos_value(variable, q))
    return AngleTheory("limit", limit, variable, q)
