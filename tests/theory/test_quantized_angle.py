"""theory.quantized_angle against brute-force numpy Monte Carlo: the large-d
cosine, the 1/d coefficient of its variance, and the delta-method angle."""

from __future__ import annotations

import math

import numpy as np
import pytest

import theory
from bingeo.quantize import kbit_quantize, sign, ternarize
from tests.theory.montecarlo import quantized_cosines, sign_cosines
from tests.tolerances import z_bound

D, TRIALS = 2000, 1500
"""d large enough that the O(1/d) finite-d bias of the mean (about 1e-4
here) stays below the bound on the error of the mean (about 6e-4)."""

CASES = [
    # law, quantizer, keywords, draw, quantize (thresholds in units of sd)
    # Student t with nu = 10: the sample variance's own SE below needs eight
    # moments (at nu = 5 it runs a third low at these sizes)
    ("t", "sign", {"nu": 10}, lambda r, s: r.standard_t(10, s), sign),
    ("t", "ternary", {"nu": 10, "tau": 0.5}, lambda r, s: r.standard_t(10, s),
     lambda w: ternarize(w, 0.5 * math.sqrt(10 / 8))),
    ("laplace", "kbit", {"k": 3}, lambda r, s: r.laplace(0, 1, s), lambda w: kbit_quantize(w, 3, clip=2.5 * math.sqrt(2))),
    ("uniform", "ternary", {"tau": 0.5}, lambda r, s: r.uniform(-1, 1, s),
     lambda w: ternarize(w, 0.5 / math.sqrt(3))),
    ("normal", "kbit", {"k": 2, "clip": 1e-300}, lambda r, s: r.standard_normal(s),
     lambda w: kbit_quantize(w, 2, clip=1e-300)),
]
Z = z_bound(2 * len(CASES))


@pytest.mark.parametrize("law, quantizer, keywords, draw, quantize", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_limit_and_variance_against_monte_carlo(law, quantizer, keywords, draw, quantize):
    reference = theory.angle_theory(law, quantizer, **keywords)
    assert reference.kind == "limit"
    cos = quantized_cosines(np.random.default_rng(7), D, TRIALS, draw, quantize)
    d_var = reference.limit_d_var()
    # the mean: SE from theory's own variance
    assert abs(cos.mean() - reference.limit_cos) <= Z * math.sqrt(d_var / D / TRIALS)
    # d Var: the sample variance has relative SE sqrt(2 / (n - 1)) for a
    # near-normal cosine (the CLT at d = 2000)
    assert abs(D * cos.var(ddof=1) / d_var - 1) <= Z * math.sqrt(2 / (TRIALS - 1))


def test_delta_method_angle_against_monte_carlo():
    d, n = 1000, 4000
    angles = np.arccos(sign_cosines(np.random.default_rng(3), d, n))
    mean, sd = theory.angle_moments(theory.mean_cos_value(d), theory.var_cos_value(d))
    z = z_bound(2)
    assert abs(angles.mean() - mean) <= z * sd / math.sqrt(n)
    assert abs(angles.std(ddof=1) / sd - 1) <= z * math.sqrt(2 / (n - 1))


def test_no_theory_cases_and_bad_parameters():
    assert theory.angle_theory("aniso", "sign").kind == "none"
    assert theory.angle_theory("t", "ternary", nu=1.5, tau=0.5).kind == "none"
    assert theory.angle_theory("uniform", "ternary", tau=2.0).kind == "none"  # q(X) = 0 almost surely
    assert theory.angle_theory("normal", "kbit", k=5).kind == "none"
    assert theory.angle_theory("t", "sign", nu=3).limit_d_var() is None  # no fourth moment
    for kwargs, name in [(dict(law="cauchy"), "law"), (dict(quantizer="x"), "quantizer"),
                         (dict(law="t", nu=-1), "nu"), (dict(quantizer="ternary", tau=-1), "tau"),
                         (dict(quantizer="kbit", k=0), "k"), (dict(law="laplace", quantizer="kbit", k=2, clip=0), "clip")]:
        with pytest.raises(ValueError, match=f"^{name} must be"):
            theory.angle_theory(**kwargs)


def test_registered_delta_method_expressions():
    c, v = theory.symbols.c, theory.symbols.v
    assert theory.registry.get_result("AngleSdDelta").expr == theory.ANGLE_SD_DELTA
    assert float(theory.ANGLE_MEAN_DELTA.subs({c: 0.5, v: 0})) == pytest.approx(math.pi / 3, rel=1e-15)
