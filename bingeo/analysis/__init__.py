"""Network-level geometry experiments: measured numbers only.

Each experiment is one function; the array-level pieces they are built from
live in small modules of their own.  Comparisons with :mod:`theory` happen in
the commands (``sims``), never here.
"""

from .batchnorm_scale import batchnorm_batch_stats, batchnorm_scale_difference, xnor_alpha
from .dot_correlations import (CORRELATION_KINDS, column_correlations, dot_product_correlations,
                               preactivations, sign_pm1)
from .first_layer_cost import FIRST_LAYER_KINDS, first_layer_ops
from .input_covariance import input_covariance, isotropy_measures
from .permutation import PERMUTATION_MODES, permute_coordinates
from .unit_rows import unit_rows
from .weight_angles import loglog_slope, unit_cosines, weight_angle_summary

__all__ = [
    "batchnorm_batch_stats", "batchnorm_scale_difference", "xnor_alpha",
    "CORRELATION_KINDS", "column_correlations", "dot_product_correlations", "preactivations", "sign_pm1",
    "FIRST_LAYER_KINDS", "first_layer_ops",
    "input_covariance", "isotropy_measures",
    "PERMUTATION_MODES", "permute_coordinates",
    "unit_rows",
    "loglog_slope", "unit_cosines", "weight_angle_summary",
]
