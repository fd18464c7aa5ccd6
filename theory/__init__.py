"""Exact results on the geometry of binarization, derived in SymPy.

Importing this package never imports numba, and derives nothing: each
name below is loaded from its module on first use.  Every expression is derived in
code from ``sympy.stats`` distributions and integrals; the float versions are
compiled from those same expressions.

Symbolic API (SymPy expressions; cosines dimensionless, angles in radians)
---------------------------------------------------------------------------
``LIMIT_COS``, ``LIMIT_ANGLE``
    lim_{d->oo} of cos angle(w, sign w) and of the angle, w ~ N(0, I_d):
    sqrt(2/pi) and arccos(sqrt(2/pi)).
``mean_cos(d)``, ``mean_sq_cos(d)``, ``var_cos(d)``
    exact moments of cos angle(w, sign w) = ||w||_1 / (sqrt(d) ||w||_2) for
    any rotation-invariant w in R^d, d >= 1 an integer or a SymPy symbol.
``VAR_COS_LEADING``, ``ANGLE_SD_LEADING``
    lim d Var(cos) = 1 - 3/pi, and lim sqrt(d) SD(angle) in radians.
``limit_cos(X, q=None)``, ``limit_d_var_cos(X, q=None)``
    large-d cosine between w with i.i.d. coordinates ~ X and q(w), and the
    1/d coefficient of its variance.
``ternary_cos(tau)``, ``ternary_zero_fraction(tau)``, ``TERNARY_TAU_OPT``,
``TERNARY_COS_OPT``, ``TERNARY_ANGLE_OPT``
    ternary quantization of Gaussian coordinates at threshold tau sigma.
``pair_cos_density(d)``, ``pair_mean_cos(d)``, ``pair_var_cos(d)``
    law of cos angle(u, v) for independent rotation-invariant u, v.
``metric_cos(w, q, C)``, ``dot_corr(key)``
    corr(a.w, a.q) over a ~ N(0, C), and the large-d dot-product
    correlations for key in "weights", "activations", "both".
``ANISOTROPIC_COS``, ``ROTATED_COS``, ``anisotropic_cos(eigenvalues)``
    large-d cosine for w ~ N(0, Sigma), without and with a random rotation.
``MEAN_COS_ASYMPTOTIC``, ``VAR_COS_ASYMPTOTIC``
    the exact moments in powers of 1/d (Stirling's series), to d^-5.
``ANGLE_MEAN_DELTA``, ``ANGLE_SD_DELTA``
    the angle's mean and sd from its cosine's mean c and variance v
    (symbols ``c``, ``v``), by the delta method.
``TWO_PART_COS``, ``TRUNCATED_NORMAL_M1``, ``TRUNCATED_NORMAL_M2``
    large-d cos angle(w, sign w) for latent weights with a mass p at the
    clip +-1 and a truncated-Gaussian interior of scale s, and the interior's
    E|X| and E X^2.
``RESULTS``, ``get_result(name)`` (in ``theory.registry``)
    every result by name; ``python -m theory`` prints them.

Numeric API (floats, for other code)
------------------------------------
``mean_cos_value(d)``, ``var_cos_value(d)``, ``pair_var_cos_value(d)``
    d an int or an integer array (>= 1), of any size (``2**63``, ``1e300``:
    the series in 1/d above d = 10^6); float or float64 array, accurate to
    double precision.
``ternary_cos_value(tau)``
    tau a float or array of floats >= 0.
``limit_cos_value(X, q=None)``
    a float, for X with numeric parameters.
``metric_cos_value(w, q, C=None)``, ``dot_corr_value(key)``,
``anisotropic_cos_value(eigenvalues, rotated=False)``
    floats (numpy, no numba).
``angle_moments(mean_cos, var_cos)``, ``pair_angle_moments(d)``
    delta-method mean and sd of an angle (radians), floats or arrays.
``two_part_cos_value(clip_share, interior_m2, interior="gaussian"|"uniform")``
    the two-part model's cosine, its interior scale fitted to ``interior_m2``.
``angle_theory(law, quantizer, nu=, tau=, k=, clip=)``
    what theory says about angle(w, q(w)) for a coordinate law and scalar
    quantizer: an ``AngleTheory`` of kind "exact", "limit" or "none", with
    ``mean_cos(d)``, ``var_cos(d)``, ``limit_angle_deg``.
``LIMIT_COS_VALUE``, ``LIMIT_ANGLE_VALUE`` (radians), ``LIMIT_ANGLE_DEG``,
``VAR_COS_LEADING_VALUE``, ``ANGLE_SD_LEADING_DEG``, ``TERNARY_TAU_OPT_VALUE``,
``TERNARY_COS_OPT_VALUE``, ``TERNARY_ANGLE_OPT_DEG``
    float constants.
"""

import importlib

_EXPORTS = {
    "theory.dot_products": ("dot_corr", "dot_corr_value", "metric_cos", "metric_cos_value"),
    "theory.numeric": ("ANGLE_SD_LEADING_DEG", "ASYMPTOTIC_MIN_D", "LIMIT_ANGLE_DEG", "LIMIT_ANGLE_VALUE",
                       "LIMIT_COS_VALUE", "TERNARY_ANGLE_OPT_DEG", "TERNARY_COS_OPT_VALUE", "TERNARY_TAU_OPT_VALUE",
                       "VAR_COS_LEADING_VALUE", "mean_cos_value", "pair_var_cos_value", "ternary_cos_value",
                       "var_cos_value"),
    "theory.pair_angle": ("pair_cos_density", "pair_mean_cos", "pair_var_cos"),
    "theory.quantizer_limit": ("limit_cos", "limit_cos_value", "limit_d_var_cos", "sign_quantizer"),
    "theory.rotation": ("ANISOTROPIC_COS", "ROTATED_COS", "anisotropic_cos", "anisotropic_cos_value"),
    "theory.sign_angle": ("ANGLE_SD_LEADING", "LIMIT_ANGLE", "LIMIT_COS", "MEAN_COS_ASYMPTOTIC", "VAR_COS_ASYMPTOTIC",
                          "VAR_COS_LEADING", "mean_cos", "mean_sq_cos", "var_cos"),
    "theory.ternary": ("TERNARY_ANGLE_OPT", "TERNARY_COS_OPT", "TERNARY_TAU_OPT", "ternary_cos", "ternary_quantizer",
                       "ternary_zero_fraction"),
    "theory.delta_angle": ("ANGLE_MEAN_DELTA", "ANGLE_SD_DELTA", "angle_moments", "pair_angle_moments"),
    "theory.quantized_angle": ("AngleTheory", "angle_theory", "coordinate_law"),
    "theory.clipped_weights": ("TWO_PART_COS", "TRUNCATED_NORMAL_M1", "TRUNCATED_NORMAL_M2", "two_part_cos_value"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
_SUBMODULES = ("asymptotic", "clipped_weights", "delta_angle", "dimension", "docs_page", "dot_products", "expectation",
               "gaussian_signs", "latex",
               "numeric", "pair_angle", "quantized_angle", "quantizer_limit", "registry", "report", "rotation",
               "sign_angle", "student_t", "symbols", "ternary", "validate")

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    # PEP 562: the derivations run when a result is first asked for, not at
    # ``import theory``
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"theory.{name}")
    else:
        raise AttributeError(f"module 'theory' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULE_OF) | set(_SUBMODULES))
