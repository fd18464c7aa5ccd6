"""The CUDA backend at the sizes researchers run, on a real GPU only
(``BINGEO_CUDA_TESTS=1``; skipped under the simulator, which would take
hours): mean cosines against the exact theory within |z| <= 5 at the
benchmark's size and at d = 10^6, and parity with the CPU twin past the
tiny sizes of the simulator tests, with the default launch shape.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import theory
from bingeo import sampling
from bingeo.sampling import xoroshiro_cpu as twin
from tests.tolerances import Z_ISSUE

pytestmark = pytest.mark.skipif(
    os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0"),
    reason="real sizes run on a GPU only",
)

REAL_SIZE_PARITY_RTOL = 1e-11
"""The twin and the GPU sum the same 4099 terms per cosine in different
orders; the float64 rounding of such sums is a few sqrt(d) 2^-53 relative,
about 1e-14 here, so 1e-11 only admits summation order, never a different
draw (which moves a cosine by about 1e-2)."""


@pytest.mark.parametrize("d, trials", [(10_000, 100_000), (1_000_000, 1_000)])
def test_sign_mean_cos_matches_exact_theory_at_real_sizes(d, trials):
    c = sampling.sample_cos(d, trials, seed=31, backend="cuda")
    se = math.sqrt(theory.var_cos_value(d) / trials)
    z = (c.mean() - theory.mean_cos_value(d)) / se
    assert abs(z) <= Z_ISSUE, f"d={d}: z = {z:.2f}"
    # The sample variance against the exact one: with 10^5 (or 10^3) trials
    # its relative error is about sqrt(2 / trials) for a near-Gaussian cosine.
    rel = c.var(ddof=1) / theory.var_cos_value(d) - 1
    assert abs(rel) <= Z_ISSUE * math.sqrt(2 / (trials - 1)), f"d={d}: variance off by {rel:.3%}"


def test_pair_cos_mean_at_real_size():
    d, trials = 10_000, 100_000
    c = sampling.sample_pair_cos(d, trials, seed=32, backend="cuda")
    assert abs(c.mean()) <= Z_ISSUE * math.sqrt(theory.pair_var_cos_value(d) / trials)


@pytest.mark.parametrize("dist", ["normal", "laplace", "t:5"])
@pytest.mark.parametrize("quantizer", ["sign", "ternary:0.6"])
def test_cuda_matches_twin_at_default_launch(dist, quantizer):
    d, trials = 4_099, 64
    got = sampling.sample_cos(d, trials, dist=dist, quantizer=quantizer, seed=33, backend="cuda")
    want = twin.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=33)
    np.testing.assert_allclose(got, want, rtol=REAL_SIZE_PARITY_RTOL, atol=0)
