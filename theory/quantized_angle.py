"""What theory says about the angle between w and q(w), for a coordinate law
and a scalar quantizer named by plain parameters.

:func:`angle_theory` picks the strongest result :mod:`theory` offers:

``exact``
    w rotation-invariant (``law="normal"``) and q = sign, XNOR's scaled sign
    or q_R (``"rotated-sign"``): the exact mean and variance of
    cos angle(w, q(w)) at every d (``mean_cos_value``, ``var_cos_value``).
``limit``
    i.i.d. coordinates from normal, uniform, Laplace or Student t (nu > 2)
    with sign, ternary or k-bit (k <= ``KBIT_THEORY_MAX_K``): the d -> oo
    limit of the cosine (``limit_cos``; ``ternary_cos`` for ternary of
    normals) and, where X has fourth moments, the 1/d coefficient of its
    variance (``limit_d_var_cos``).
``none``
    everything else (q_R of a non-normal law, an anisotropic law, a custom
    quantizer, Student t with nu <= 2).

Thresholds are in units of the coordinate's standard deviation, as the
samplers of ``bingeo`` take them.  With a threshold quantizer (ternary,
k-bit) the expectations are integrals by mpmath quadrature of the law's
density over the pieces of q, fed to the same formulas
(``limit_cos_from_moments``, ``d_var_from_moments``): the closed forms exist
but take SymPy seconds to minutes (Student t beyond a threshold times
sqrt(nu/(nu-2)); 15 s for the variance of k-bit Laplace).  Student t takes
its closed forms and its density in a symbolic nu, evaluated at the given
one (:mod:`theory.student_t`): SymPy's integrals at a numeric nu of 10^6
run out of memory.

Examples
--------
>>> angle_theory("normal", "sign").kind
'exact'
>>> t = angle_theory("uniform", "sign")
>>> t.kind, round(t.limit_cos, 6)
('limit', 0.866025)
>>> round(angle_theory("normal", "ternary", tau=0.5).limit_cos, 6)
0.896364
>>> round(angle_theory("t", "sign", nu=5).limit_cos, 6)
0.735105
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp
import sympy.stats as sps

from theory.numeric import LIMIT_ANGLE_DEG, LIMIT_COS_VALUE, mean_cos_value, ternary_cos_value, var_cos_value
from theory.quantizer_limit import (
    d_var_from_moments,
    limit_cos,
    limit_cos_from_moments,
    limit_d_var_cos,
    second_moment,
)
from theory import student_t
from theory.ternary import ternary_quantizer

__all__ = ["AngleTheory", "angle_theory", "coordinate_law", "KBIT_THEORY_MAX_K", "LAWS", "QUANTIZERS"]

KBIT_THEORY_MAX_K = 4
"""Largest k for which the k-bit limit is integrated (2^k pieces)."""

LAWS = ("normal", "uniform", "laplace", "t", "aniso")
QUANTIZERS = ("sign", "xnor", "rotated-sign", "ternary", "kbit", "custom")

_QUADRATURE_DIGITS = 30


def _exact(x) -> sp.Rational:
    """A float parameter as an exact rational: the short decimal it was
    written as (0.5 -> 1/2), or, where that is off (1e-300 -> 0), the float's
    own binary value."""
    r = sp.nsimplify(x)
    if not r.is_Rational or abs(float(r) - x) > 1e-15 * abs(x):
        r = sp.Rational(x)
    return r


def coordinate_law(law: str, nu=None):
    """The sympy.stats variable of one coordinate: ``"normal"`` N(0, 1),
    ``"uniform"`` U(-1, 1), ``"laplace"`` density exp(-|x|)/2, ``"t"``
    Student t with ``nu`` degrees of freedom (a number > 0).

    >>> coordinate_law("t", 5)
    x
    """
    if law == "normal":
        return sps.Normal("x", 0, 1)
    if law == "uniform":
        return sps.Uniform("x", -1, 1)
    if law == "laplace":
        return sps.Laplace("x", 0, 1)
    if law == "t":
        if isinstance(nu, bool) or not isinstance(nu, numbers.Real) or not (math.isfinite(nu) and nu > 0):
            raise ValueError(f"nu must be a finite number > 0 for law 't', got {nu!r}")
        return sps.StudentT("x", _exact(nu))
    raise ValueError(f"law must be one of 'normal', 'uniform', 'laplace', 't', got {law!r}")


def _kbit_quantizer(k: int, clip):
    """The k-bit mid-rise quantizer on [-clip, clip] as a SymPy callable, in
    units of its step 2 clip / 2^k (levels the half-integers up to
    (2^k - 1)/2): the cosine does not change when q is scaled, and levels of
    size 1 keep the quadrature's absolute error small against them whatever
    the clip (with levels near 1e-300 it would stop at once)."""
    n = 2**k
    step = 2 * clip / n

    def kbit(x):
        pieces = [(sp.Rational(2 * j + 1 - n, 2), x < (j + 1 - n // 2) * step) for j in range(n - 1)]
        return sp.Piecewise(*pieces, (sp.Rational(n - 1, 2), True))

    return kbit, [(j + 1 - n // 2) * step for j in range(n - 1)]


def _threshold_quantizer(quantizer: str, sd, tau, k, clip):
    """(q, its breakpoints) with thresholds in units of x; LookupError
    where no theory is integrated (k above KBIT_THEORY_MAX_K)."""
    if quantizer == "ternary":
        if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or not (math.isfinite(tau) and tau >= 0):
            raise ValueError(f"tau must be a finite number >= 0 for quantizer 'ternary', got {tau!r}")
        threshold = _exact(tau) * sd
        return ternary_quantizer(threshold), [-threshold, threshold]
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= 16:
        raise ValueError(f"k must be an integer with 1 <= k <= 16 for quantizer 'kbit', got {k!r}")
    if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not (math.isfinite(clip) and clip > 0):
        raise ValueError(f"clip must be a finite number > 0 for quantizer 'kbit', got {clip!r}")
    if k > KBIT_THEORY_MAX_K:
        raise LookupError
    return _kbit_quantizer(int(k), _exact(clip) * sd)


def _quadrature_moment(X, breakpoints, density=None):
    """moment(g, what) = E[g(X)] by mpmath quadrature over the pieces
    between the quantizer's breakpoints and the ends of X's support;
    ``density``, an mpmath function, replaces X's own where that one loses
    its digits (Student t at a large nu)."""
    x = sp.Symbol("x", real=True)
    if density is None:
        density = sp.lambdify(x, sps.density(X)(x), modules="mpmath")
    domain = sps.pspace(X).domain.set
    # a ladder of scales, so that no piece is so wide that its nodes miss
    # where the density lives (a clip of 1e308 puts breakpoints there)
    ladder = [sign * sp.Integer(10) ** j for j in (-2, 0, 2, 4) for sign in (-1, 1)]
    inner = {mpmath.mpf(sp.N(b, _QUADRATURE_DIGITS)) for b in map(sp.sympify, [*breakpoints, domain.inf, domain.sup, 0, *ladder])
             if b.is_finite is not False}
    points = [-mpmath.inf] + sorted(inner) + [mpmath.inf]

    def moment(g, what):
        g_fn = sp.lambdify(x, g(x), modules="mpmath")
        with mpmath.workdps(_QUADRATURE_DIGITS):
            return sp.Float(mpmath.quad(lambda v: g_fn(v) * density(v), points), _QUADRATURE_DIGITS)

    return moment


@dataclass(frozen=True)
class AngleTheory:
    """Theory for one (law, quantizer) pair; ``kind`` is ``"exact"``,
    ``"limit"`` or ``"none"``.  ``d_var`` computes lim d Var(cos) when first
    asked (None where X lacks fourth moments)."""

    kind: str
    limit_cos: float | None
    d_var: object = field(default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def mean_cos(self, d):
        """The reference mean cosine at d: exact, or the d -> oo limit, or None."""
        if self.kind == "exact":
            return mean_cos_value(d)
        if self.kind == "limit":
            return self.limit_cos if np.ndim(d) == 0 else np.full(np.shape(d), self.limit_cos)
        return None

    def limit_d_var(self) -> float | None:
        """lim d Var(cos), or None where theory has none."""
        if "d_var" not in self._cache:
            self._cache["d_var"] = None if self.d_var is None else self.d_var()
        return self._cache["d_var"]

    def var_cos(self, d):
        """Var(cos) at d: exact, or (1/d) times the limit of d Var, or None."""
        if self.kind == "exact":
            return var_cos_value(d)
        leading = self.limit_d_var() if self.kind == "limit" else None
        return None if leading is None else leading / np.asarray(d, dtype=np.float64)

    @property
    def limit_angle_deg(self) -> float | None:
        """The large-d angle in degrees, or None."""
        if self.kind == "exact":
            return LIMIT_ANGLE_DEG
        if self.kind == "limit":
            return math.degrees(math.acos(self.limit_cos))
        return None


_NONE = AngleTheory("none", None)


def _limit_theory(X, q, breakpoints, law, nu, quantizer, tau) -> AngleTheory:
    fourth_moments = law != "t" or nu > 4  # E|T|^k is finite exactly when nu > k
    if q is None and law == "t":  # the closed forms in a symbolic nu, at this nu
        return AngleTheory("limit", student_t.limit_cos_value(nu),
                           (lambda: student_t.limit_d_var_value(nu)) if fourth_moments else None)
    if q is None:  # sign: closed forms, quickly
        return AngleTheory("limit", float(sp.N(limit_cos(X), _QUADRATURE_DIGITS)),
                           (lambda: float(sp.N(limit_d_var_cos(X)))) if fourth_moments else None)
    moment = _quadrature_moment(X, breakpoints, student_t.density_function(nu) if law == "t" else None)
    means = tuple(moment(g, "") for g in (lambda x: x * q(x), lambda x: x**2, lambda x: q(x) ** 2))
    if means[2] == 0:  # q(X) = 0 almost surely (uniform beyond its range): no cosine
        if law == "normal" and quantizer == "ternary":
            # the closed form holds at every tau (0.0 beyond its cap); the quadrature's E q(X)^2 at a
            # huge tau is 0 or a few ulps of it depending on mpmath's cached nodes
            return AngleTheory("limit", float(ternary_cos_value(tau)), None)
        return _NONE
    if law == "normal" and quantizer == "ternary":
        limit = float(ternary_cos_value(tau))
    else:
        limit = float(limit_cos_from_moments(*means))
    d_var = (lambda: float(d_var_from_moments(moment, q, means))) if fourth_moments else None
    return AngleTheory("limit", limit, d_var)


def angle_theory(law: str = "normal", quantizer: str = "sign", *, nu=None, tau=None, k=None,
                 clip=2.5) -> AngleTheory:
    """The theory that applies to coordinates of ``law`` quantized by ``quantizer``.

    Parameters
    ----------
    law : {"normal", "uniform", "laplace", "t", "aniso"}
        ``"aniso"`` (unequal scales) has no theory; pass ``"normal"`` for
        equal scales.
    quantizer : {"sign", "xnor", "rotated-sign", "ternary", "kbit", "custom"}
    nu : float
        degrees of freedom for ``"t"``.
    tau : float
        ternary threshold in units of the coordinate's sd.
    k, clip : int, float
        bits and clip (units of sd) of ``"kbit"``.

    Examples
    --------
    >>> angle_theory("aniso", "sign").kind, angle_theory("t", "sign", nu=1.5).kind
    ('none', 'none')
    """
    if law not in LAWS:
        raise ValueError(f"law must be one of {', '.join(map(repr, LAWS))}, got {law!r}")
    if quantizer not in QUANTIZERS:
        raise ValueError(f"quantizer must be one of {', '.join(map(repr, QUANTIZERS))}, got {quantizer!r}")
    if law == "normal" and quantizer in ("sign", "xnor", "rotated-sign"):
        return AngleTheory("exact", LIMIT_COS_VALUE)
    if law == "aniso" or quantizer in ("rotated-sign", "custom"):
        return _NONE
    X = coordinate_law(law, nu)
    if law == "t" and nu <= 2:
        return _NONE  # no second moment: the cosine tends to 0 in law, slowly; no limit here
    if quantizer in ("sign", "xnor"):
        q, breakpoints = None, []
    else:
        try:
            sd = student_t.standard_deviation(_exact(nu)) if law == "t" else sp.sqrt(second_moment(X))
            q, breakpoints = _threshold_quantizer(quantizer, sd, tau, k, clip)
        except LookupError:
            return _NONE
    return _limit_theory(X, q, breakpoints, law, nu, quantizer, tau)
