"""Importing theory must not import numba (it is importable in a paper's build)."""

import subprocess
import sys


def test_import_theory_does_not_import_numba():
    code = "import sys, theory, theory.registry, theory.latex, theory.docs_page; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_names_exist():
    import theory

    for name in (
        "LIMIT_COS", "LIMIT_ANGLE", "mean_cos", "var_cos", "limit_cos", "ternary_cos",
        "ternary_zero_fraction", "TERNARY_TAU_OPT", "TERNARY_COS_OPT", "TERNARY_ANGLE_OPT",
        "pair_cos_density", "pair_mean_cos", "pair_var_cos", "metric_cos", "metric_cos_value",
        "dot_corr", "mean_cos_value", "var_cos_value", "pair_var_cos_value", "ternary_cos_value",
        "limit_cos_value", "LIMIT_COS_VALUE", "LIMIT_ANGLE_DEG", "anisotropic_cos_value",
    ):
        assert hasattr(theory, name), name
