"""Exact results on the geometry of binarization, derived in SymPy.

Importing this package never imports numba.  Every expression is derived in
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
``RESULTS``, ``get_result(name)`` (in ``theory.registry``)
    every result by name; ``python -m theory`` prints them.

Numeric API (floats, for other code)
------------------------------------
``mean_cos_value(d)``, ``var_cos_value(d)``, ``pair_var_cos_value(d)``
    d an int or an integer array (>= 1); float or float64 array; finite and
    accurate to double precision up to d = 10^7 and beyond.
``ternary_cos_value(tau)``
    tau a float or array of floats >= 0.
``limit_cos_value(X, q=None)``
    a float, for X with numeric parameters.
``metric_cos_value(w, q, C=None)``, ``dot_corr_value(key)``,
``anisotropic_cos_value(eigenvalues, rotated=False)``
    floats (numpy, no numba).
``LIMIT_COS_VALUE``, ``LIMIT_ANGLE_VALUE`` (radians), ``LIMIT_ANGLE_DEG``,
``VAR_COS_LEADING_VALUE``, ``ANGLE_SD_LEADING_DEG``, ``TERNARY_TAU_OPT_VALUE``,
``TERNARY_COS_OPT_VALUE``, ``TERNARY_ANGLE_OPT_DEG``
    float constants.
"""

from theory.dot_products import dot_corr, dot_corr_value, metric_cos, metric_cos_value
from theory.numeric import (
    ANGLE_SD_LEADING_DEG,
    LIMIT_ANGLE_DEG,
    LIMIT_ANGLE_VALUE,
    LIMIT_COS_VALUE,
    TERNARY_ANGLE_OPT_DEG,
    TERNARY_COS_OPT_VALUE,
    TERNARY_TAU_OPT_VALUE,
    VAR_COS_LEADING_VALUE,
    mean_cos_value,
    pair_var_cos_value,
    ternary_cos_value,
    var_cos_value,
)
from theory.pair_angle import pair_cos_density, pair_mean_cos, pair_var_cos
from theory.quantizer_limit import limit_cos, limit_cos_value, limit_d_var_cos, sign_quantizer
from theory.rotation import ANISOTROPIC_COS, ROTATED_COS, anisotropic_cos, anisotropic_cos_value
from theory.sign_angle import (
    ANGLE_SD_LEADING,
    LIMIT_ANGLE,
    LIMIT_COS,
    VAR_COS_LEADING,
    mean_cos,
    mean_sq_cos,
    var_cos,
)
from theory.ternary import (
    TERNARY_ANGLE_OPT,
    TERNARY_COS_OPT,
    TERNARY_TAU_OPT,
    ternary_cos,
    ternary_quantizer,
    ternary_zero_fraction,
)
