"""Network-level geometry experiments: measured numbers only.

Each experiment is one function; the array-level pieces they are built from
live in small modules of their own.  Comparisons with :mod:`theory` happen in
the commands (``sims``), never here.

=====  ===========================================  ==========================================
exp.   question                                      function
=====  ===========================================  ==========================================
1, 8   angle of latent and quantized weights         :func:`weight_angles`
2, 8   dot-product correlations per layer            :func:`dot_correlations`
3      one layer binarized, or the whole network     :func:`one_layer_vs_all_layers`
4      the first layer's remedies                    :func:`first_layer_remedies`,
                                                     :func:`first_layer_accuracy`
5      inputs permuted                               :func:`permutation_correlations`
6      batch norm and XNOR-Net's scale               :func:`xnor_scale_invariance`,
                                                     :func:`xnor_scale_training`
7      latent weights against a continuous twin      :func:`latent_vs_continuous`
9      training dynamics of the latent weights       :func:`weight_dynamics`
=====  ===========================================  ==========================================
"""

from .batchnorm_scale import batchnorm_batch_stats, batchnorm_scale_difference, xnor_alpha
from .binarization_scope import SCOPES, one_layer_vs_all_layers, unit_preactivations
from .dot_correlations import (CORRELATION_KINDS, column_correlations, dot_product_correlations,
                               preactivations, sign_pm1, summarize_unit_correlations)
from .first_layer import (first_layer_accuracy, first_layer_remedies, permutation_correlations,
                          rotated_sign_rows, seed_spread)
from .first_layer_cost import FIRST_LAYER_KINDS, first_layer_ops
from .input_covariance import cross_covariance, input_covariance, isotropy_measures
from .latent_vs_continuous import latent_vs_continuous, paired_layer_cosines
from .latent_weights import (CLIP_TOLERANCE, clip_share, excess_kurtosis, latent_weight_law, layer_weight_geometry,
                             plugin_cos, unit_clip_moments)
from .layer_geometry import dot_correlations, split_samples, weight_angles
from .layer_views import LayerView, analysis_forward, input_rows, layer_views, weight_rows
from .patches import conv_patches
from .permutation import PERMUTATION_MODES, permute_coordinates
from .preactivation_histogram import preactivation_histograms
from .unit_rows import unit_rows
from .weight_dynamics import DYNAMICS_FIELDS, weight_dynamics
from .weight_angles import loglog_slope, unit_cosines, weight_angle_summary
from .xnor_scale import xnor_scale_invariance, xnor_scale_training

__all__ = [
    # experiments
    "weight_angles", "dot_correlations", "one_layer_vs_all_layers", "first_layer_remedies",
    "first_layer_accuracy", "permutation_correlations", "xnor_scale_invariance",
    "xnor_scale_training", "latent_vs_continuous", "weight_dynamics",
    # layers as rows
    "LayerView", "analysis_forward", "layer_views", "weight_rows", "input_rows", "conv_patches",
    "unit_rows", "unit_preactivations", "split_samples",
    # array-level measurements
    "unit_cosines", "weight_angle_summary", "loglog_slope",
    "CORRELATION_KINDS", "column_correlations", "dot_product_correlations", "preactivations",
    "sign_pm1", "summarize_unit_correlations", "SCOPES",
    "input_covariance", "cross_covariance", "isotropy_measures", "PERMUTATION_MODES", "permute_coordinates",
    "batchnorm_batch_stats", "batchnorm_scale_difference", "xnor_alpha",
    "FIRST_LAYER_KINDS", "first_layer_ops", "rotated_sign_rows", "seed_spread",
    "paired_layer_cosines",
    # the latent weights' law
    "CLIP_TOLERANCE", "clip_share", "excess_kurtosis", "plugin_cos", "unit_clip_moments", "latent_weight_law",
    "layer_weight_geometry", "DYNAMICS_FIELDS",
    # the paper's figure
    "preactivation_histograms",
]
