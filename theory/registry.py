"""The registry of results: one list that feeds ``python -m theory``, the
LaTeX macros, the JSON output and the documentation page.

Each :class:`Result` holds a letters-only name, the SymPy expression exported
by the module that derives it, a one-line description, and whether it is an
angle (radians; shown in degrees to people).  Values are computed from the
expressions, never typed in.

Examples
--------
>>> r = get_result("LimitCos")
>>> r.expr, round(r.value, 6)
(sqrt(2)/sqrt(pi), 0.797885)
>>> round(get_result("LimitAngle").degrees, 4)
37.0714
>>> get_result("MeanCos").value is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.stats import Laplace, StudentT, Uniform

from theory import clipped_weights, delta_angle, dot_products, pair_angle, rotation, sign_angle, symbols, ternary
from theory.quantizer_limit import limit_cos

VALUE_DIGITS = 30
"""Digits of the SymPy evaluation behind every float value."""

_NAME = re.compile(r"^[A-Z][A-Za-z]*$")


@dataclass(frozen=True)
class Result:
    """One named result.

    Attributes
    ----------
    name : str
        Letters only, CamelCase (it becomes the LaTeX macro name).
    expr : sympy.Expr
        The derived expression (a closed form, or a high-precision number
        for results found by root-finding).
    description : str
        One line: what the expression is.
    is_angle : bool
        True for angles (radians in ``expr``; :attr:`degrees` for people).
    """

    name: str
    expr: sp.Basic
    description: str
    is_angle: bool = False

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"name must be CamelCase letters only, got {self.name!r}")

    @property
    def value(self) -> float | None:
        """The float value, or None when the expression has free symbols."""
        if self.expr.free_symbols:
            return None
        return float(sp.N(self.expr, VALUE_DIGITS))

    @property
    def degrees(self) -> float | None:
        """The value in degrees for an angle with a value, else None."""
        if not self.is_angle or self.value is None:
            return None
        return float(sp.N(self.expr * 180 / sp.pi, VALUE_DIGITS))

    @property
    def latex(self) -> str:
        """LaTeX of the expression (``sympy.latex``)."""
        return sp.latex(self.expr)

    @property
    def variables(self) -> list[str]:
        """Names of the free symbols, sorted."""
        return sorted(str(s) for s in self.expr.free_symbols)


def _metric_cos_symbolic() -> sp.Expr:
    n = symbols.d
    return dot_products.metric_cos(
        sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("q", n, 1), sp.MatrixSymbol("C", n, n)
    )


def _build() -> tuple[Result, ...]:
    tau_opt = ternary.TERNARY_TAU_OPT
    return (
        Result("LimitCos", sign_angle.LIMIT_COS, "large-d cos angle(w, sign w), w rotation-invariant"),
        Result("LimitAngle", sign_angle.LIMIT_ANGLE, "large-d angle(w, sign w)", True),
        Result("MeanCos", sign_angle.MEAN_COS, "E[cos angle(w, sign w)] at dimension d"),
        Result("MeanSqCos", sign_angle.MEAN_SQ_COS, "E[cos^2 angle(w, sign w)] at dimension d"),
        Result("VarCos", sign_angle.VAR_COS, "Var[cos angle(w, sign w)] at dimension d"),
        Result("VarCosLeading", sign_angle.VAR_COS_LEADING, "lim d Var[cos angle(w, sign w)]"),
        Result("AngleSdLeading", sign_angle.ANGLE_SD_LEADING, "lim sqrt(d) SD[angle(w, sign w)]", True),
        Result("MeanCosAsymptotic", sign_angle.MEAN_COS_ASYMPTOTIC, "E[cos angle(w, sign w)] in powers of 1/d, to d^-5"),
        Result("VarCosAsymptotic", sign_angle.VAR_COS_ASYMPTOTIC, "Var[cos angle(w, sign w)] in powers of 1/d, to d^-5"),
        Result("AngleMeanDelta", delta_angle.ANGLE_MEAN_DELTA, "E[angle] from the cosine's mean c and variance v (delta method)", True),
        Result("AngleSdDelta", delta_angle.ANGLE_SD_DELTA, "SD[angle] from the cosine's mean c and variance v (delta method)", True),
        Result("PairCosDensity", pair_angle.PAIR_COS_DENSITY, "density of cos angle(u, v) at t, u, v independent"),
        Result("PairMeanCos", pair_angle.PAIR_MEAN_COS, "E[cos angle(u, v)]"),
        Result("PairVarCos", pair_angle.PAIR_VAR_COS, "Var[cos angle(u, v)] at dimension d"),
        Result("PairAngle", sp.acos(pair_angle.PAIR_MEAN_COS), "angle(u, v) at the mean cosine", True),
        Result("LimitCosUniform", limit_cos(Uniform("U", -1, 1)), "large-d cos angle(w, sign w), uniform coordinates"),
        Result("LimitCosLaplace", limit_cos(Laplace("L", 0, 1)), "large-d cos angle(w, sign w), Laplace coordinates"),
        Result("LimitCosStudentT", limit_cos(StudentT("T", symbols.nu)), "large-d cos angle(w, sign w), Student t coordinates (nu > 2)"),
        Result("TernaryCos", ternary.TERNARY_COS, "large-d cos angle(w, t(w)), Gaussian w, threshold tau sigma"),
        Result("TernaryZeroFraction", ternary.TERNARY_ZERO_FRACTION, "fraction of zeros of t(w)"),
        Result("TernaryStationarity", ternary.TERNARY_STATIONARITY, "d log cos / d tau, zero at the optimum"),
        Result("TernaryTauOpt", tau_opt, "the threshold (units of sigma) maximising the ternary cosine"),
        Result("TernaryZeroFractionOpt", ternary.TERNARY_ZERO_FRACTION.subs(symbols.tau, tau_opt).evalf(40), "fraction of zeros at the optimal threshold"),
        Result("TernaryCosOpt", ternary.TERNARY_COS_OPT, "the largest ternary cosine"),
        Result("TernaryAngleOpt", ternary.TERNARY_ANGLE_OPT, "the smallest ternary angle", True),
        Result("MetricCos", _metric_cos_symbolic(), "corr(a.w, a.q) over a ~ N(0, C)"),
        Result("DotCorrWeights", dot_products.dot_corr("weights"), "large-d corr(a.w, a.sign w)"),
        Result("DotCorrActivations", dot_products.dot_corr("activations"), "corr(a.sign w, sign(a).sign w)"),
        Result("DotCorrBoth", dot_products.dot_corr("both"), "large-d corr(a.w, sign(a).sign w)"),
        Result("AnisotropicCos", rotation.ANISOTROPIC_COS, "large-d cos angle(w, sign w), w ~ N(0, diag(s)), S1 = sum sqrt(s), S2 = sum s"),
        Result("RotatedVariance", rotation.ROTATED_VARIANCE, "variance of each coordinate of Rw, R Haar"),
        Result("RotatedCos", rotation.ROTATED_COS, "large-d cos angle(w, R' sign(R w))"),
        Result("TruncatedNormalMeanAbs", clipped_weights.TRUNCATED_NORMAL_M1, "E|X|, X ~ N(0, s^2) truncated to (-1, 1)"),
        Result("TruncatedNormalSecondMoment", clipped_weights.TRUNCATED_NORMAL_M2, "E X^2, X ~ N(0, s^2) truncated to (-1, 1)"),
        Result("EdgeHeavyMeanAbs", clipped_weights.EDGE_HEAVY_M1, "E|X|, X with density proportional to exp(x^2 / (2 t^2)) on (-1, 1)"),
        Result("EdgeHeavySecondMoment", clipped_weights.EDGE_HEAVY_M2, "E X^2, X with density proportional to exp(x^2 / (2 t^2)) on (-1, 1)"),
        Result("TwoPartCos", clipped_weights.TWO_PART_COS, "large-d cos angle(w, sign w), a mass p at the clip +-1, truncated-Gaussian interior of scale s"),
    )


RESULTS: tuple[Result, ...] = _build()
"""Every registered result, in the order the table and the docs show them."""

_BY_NAME = {r.name: r for r in RESULTS}


def get_result(name: str) -> Result:
    """The result called ``name``.

    Examples
    --------
    >>> get_result("PairVarCos").expr
    1/d
    >>> get_result("Nope")
    Traceback (most recent call last):
    ...
    KeyError: "name must be a registered result (LimitCos, LimitAngle, ...), got 'Nope'"
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"name must be a registered result (LimitCos, LimitAngle, ...), got {name!r}") from None
