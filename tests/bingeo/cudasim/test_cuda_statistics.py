"""The CUDA backend's mean cosines against theory, |z| <= 5 at fixed seeds.

Sizes stay tiny (trials x d about 10^4) and blocks small (4 threads): the
simulator runs one OS thread per CUDA thread.  The public ``backend="cuda"``
path is covered by the parity tests; here the kernels are called directly to
set the block size.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from sympy.stats import Normal

import theory
from bingeo.sampling import cuda as gpu
from tests.tolerances import Z_ISSUE

THREADS = 4


def test_sign_mean_cos_matches_exact_theory():
    d, trials = 64, 160
    c = gpu.sample_cos_cuda(d, trials, seed=2024, threads_per_block=THREADS)
    se = math.sqrt(theory.var_cos_value(d) / trials)
    assert abs(c.mean() - theory.mean_cos_value(d)) <= Z_ISSUE * se


def test_pair_cos_mean_and_second_moment_match_exact_theory():
    """cos(u, v): mean 0, variance 1/d; cos^2 ~ Beta(1/2, (d-1)/2), so
    Var(cos^2) = 2 (d - 1) / (d^2 (d + 2))."""
    d, trials = 64, 160
    c = gpu.sample_pair_cos_cuda(d, trials, seed=2025, threads_per_block=THREADS)
    assert abs(c.mean()) <= Z_ISSUE * math.sqrt(theory.pair_var_cos_value(d) / trials)
    var_c2 = 2 * (d - 1) / (d * d * (d + 2))
    assert abs(np.mean(c * c) - 1 / d) <= Z_ISSUE * math.sqrt(var_c2 / trials)


def test_ternary_mean_cos_matches_large_d_theory():
    """Against the d -> oo value theory.ternary_cos_value(tau), SE from the
    delta-method variance theory.limit_d_var_cos.  The finite-d bias is
    O(1/d), about 0.17/d at tau = 1/2 (a 10^5-trial CPU run): 3.4e-4 here,
    a quarter of the SE."""
    d, trials, tau = 512, 20, sp.Rational(1, 2)
    c = gpu.sample_cos_cuda(d, trials, quantizer="ternary:0.5", seed=2026, threads_per_block=THREADS)
    d_var = float(theory.limit_d_var_cos(Normal("x", 0, 1), theory.ternary_quantizer(tau)))
    se = math.sqrt(d_var / d / trials)
    assert abs(c.mean() - theory.ternary_cos_value(0.5)) <= Z_ISSUE * se
