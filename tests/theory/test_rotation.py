"""Anisotropic Gaussian weights with and without a Haar rotation before sign."""

import math

import numpy as np
import pytest
import sympy as sp

import theory
from theory.rotation import ANISOTROPIC_COS, ROTATED_COS, ROTATED_VARIANCE, S2
from theory import symbols
from tests.theory.montecarlo import haar_rotation
from tests.tolerances import z_bound

D, N = 800, 400
EIGENVALUES = np.exp(-3.0 * np.arange(D) / D)  # condition number e^3: anisotropic, no dominant direction
Z = z_bound(2)


def test_rotation_restores_the_isotropic_limit():
    assert ROTATED_COS == theory.LIMIT_COS
    assert ROTATED_VARIANCE == S2 / symbols.d
    assert theory.anisotropic_cos_value(EIGENVALUES, rotated=True) == pytest.approx(theory.LIMIT_COS_VALUE, rel=1e-15)


def test_isotropic_eigenvalues_give_the_limit_and_anisotropy_lowers_it():
    assert theory.anisotropic_cos_value(np.full(10, 3.0)) == pytest.approx(theory.LIMIT_COS_VALUE, rel=1e-15)
    assert theory.anisotropic_cos_value(EIGENVALUES) < theory.LIMIT_COS_VALUE
    assert theory.anisotropic_cos([1, 1, 1]) == theory.LIMIT_COS


def _delta_sd(s, d):
    """SD of cos = A / sqrt(B), A = mean |w_i|, B = mean w_i^2, by the delta method
    with heterogeneous variances s_i (independent route, numpy)."""
    c = math.sqrt(2 / math.pi)
    A, B = c * np.sqrt(s).mean(), s.mean()
    var_a = (s * (1 - 2 / math.pi)).sum() / d**2
    cov_ab = (s**1.5 * c).sum() / d**2  # E|X|^3 - E|X| E X^2 = 2c - c per unit variance
    var_b = (2 * s**2).sum() / d**2
    ga, gb = 1 / math.sqrt(B), -A / (2 * B**1.5)
    return math.sqrt(ga * ga * var_a + 2 * ga * gb * cov_ab + gb * gb * var_b)


def test_against_monte_carlo_with_and_without_rotation():
    """Without rotation the sample mean of cos(w, sign w) sits at the formula;
    with one Haar R it sits at the isotropic mean_cos(D).  SE from the delta
    method (unrotated) and var_cos(D) (rotated); the O(1/D) finite-d bias of
    the unrotated limit is about a tenth of the SE here."""
    rng = np.random.default_rng(8)
    R = haar_rotation(rng, D)
    w = rng.standard_normal((N, D)) * np.sqrt(EIGENVALUES)
    cos_plain = np.abs(w).sum(1) / (math.sqrt(D) * np.linalg.norm(w, axis=1))
    rw = w @ R.T
    qr = np.where(rw >= 0, 1.0, -1.0) @ R  # R' sign(R w), row-wise
    cos_rot = (w * qr).sum(1) / (np.linalg.norm(w, axis=1) * np.linalg.norm(qr, axis=1))
    se_plain = _delta_sd(EIGENVALUES, D) / math.sqrt(N)
    assert abs(cos_plain.mean() - theory.anisotropic_cos_value(EIGENVALUES)) <= Z * se_plain
    se_rot = math.sqrt(theory.var_cos_value(D) / N)
    assert abs(cos_rot.mean() - theory.mean_cos_value(D)) <= Z * se_rot
    assert theory.mean_cos_value(D) - theory.anisotropic_cos_value(EIGENVALUES, rotated=True) < 1e-3


def test_symbolic_form_pinned():
    assert sp.latex(ANISOTROPIC_COS) == r"\frac{\sqrt{2} S_{1}}{\sqrt{\pi} \sqrt{S_{2}} \sqrt{d}}"
