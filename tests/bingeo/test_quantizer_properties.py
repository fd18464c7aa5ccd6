"""Every quantizer bingeo ships has the properties it claims: finite,
elementwise, monotone, idempotent, odd away from its cell edges, sign(0) =
+1 (ternary: t(0) = 0), checked by bingeo.testing.check_quantizer; and each
threshold family is scale equivariant, q_{a theta}(a x) = a^p q_theta(x) for
a > 0 (p = 0 for ternary, 1 for k-bit), in numpy, numba and the BNN kernels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bingeo.bnn.layers import sign_forward, ternary_forward
from bingeo.bnn.weights import sign_weights, ternarize_weights
from bingeo.quantize import kbit_quantize, sign, ternarize, xnor_sign
from bingeo.quantize_jit import kbit_scalar, kbit_step, sign_scalar, ternary_scalar
from bingeo.sampling import specs
from bingeo.testing import check_quantizer, quantizer_claims
from bingeo.testing.strategies import float_arrays, quantizers
from tests.tolerances import EPS64

EXAMPLES = 40
"""Inputs per check_quantizer call; the drawn specs below add many more."""


def scalar_map(fn, *args):
    """A numba scalar quantizer applied to each entry, as the kernels do."""
    return lambda x: np.array([fn(v, *args) for v in x], dtype=np.float64)


def kbit_jit(k, clip):
    step = kbit_step(k, clip)
    return scalar_map(kbit_scalar, step, clip - step / 2)


SHIPPED = {
    "sign": (sign, {"scale_invariant": True}),
    "ternarize 0.5": (lambda x: ternarize(x, 0.5), {"sign_of_zero": 0}),
    "ternarize 0": (lambda x: ternarize(x, 0.0), {"sign_of_zero": 0}),
    "ternarize 1.5": (lambda x: ternarize(x, 1.5), {"sign_of_zero": 0, "idempotent": False}),
    "kbit 1": (lambda x: kbit_quantize(x, 1, clip=3.0), {}),
    "kbit 3": (lambda x: kbit_quantize(x, 3), {}),
    "kbit 4 clip 2.5": (lambda x: kbit_quantize(x, 4, clip=2.5), {}),
    "kbit 8 clip 0.3": (lambda x: kbit_quantize(x, 8, clip=0.3), {}),
    "xnor": (xnor_sign, {"elementwise": False, "scale_equivariant": True}),
    "sign_scalar": (scalar_map(sign_scalar), {"scale_invariant": True}),
    "ternary_scalar": (scalar_map(ternary_scalar, 0.7), {"sign_of_zero": 0}),
    "kbit_scalar": (kbit_jit(3, 2.5), {}),
}

SHIPPED_FLOAT32 = {
    "bnn sign_forward": (sign_forward, {"scale_invariant": True}),
    "bnn ternary_forward": (lambda x: ternary_forward(x, 0.5), {"sign_of_zero": 0}),
    "bnn sign_weights": (sign_weights, {"scale_invariant": True}),
    "bnn ternarize_weights": (lambda x: ternarize_weights(x, 0.25), {"sign_of_zero": 0}),
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_float64_quantizer_has_its_properties(name):
    q, claims = SHIPPED[name]
    check_quantizer(q, max_examples=EXAMPLES, **claims)


@pytest.mark.parametrize("name", sorted(SHIPPED_FLOAT32))
def test_every_float32_bnn_quantizer_has_its_properties(name):
    q, claims = SHIPPED_FLOAT32[name]
    check_quantizer(q, dtype=np.float32, max_examples=EXAMPLES, **claims)


@pytest.mark.parametrize("spec", [specs.Sign(), specs.Ternary(0.61), specs.Ternary(1.0), specs.KBit(2),
                                  specs.KBit(5, clip=0.7), specs.XnorSign(), specs.RotatedSign()],
                         ids=lambda s: s.label)
def test_every_spec_has_the_properties_it_claims(spec):
    check_quantizer(spec, max_examples=EXAMPLES)


@settings(deadline=None, max_examples=60)
@given(quantizers(), st.data())
def test_drawn_specs_have_the_properties_they_claim(spec, data):
    check_quantizer(spec, data=data)


def test_what_the_specs_claim():
    assert quantizer_claims(specs.Ternary(0.99)) == {"sign_of_zero": 0, "idempotent": True}
    assert quantizer_claims(specs.Ternary(1.0))["idempotent"] is False  # t(1) = 0
    assert quantizer_claims(specs.RotatedSign())["monotone"] is False
    assert quantizer_claims(specs.XnorSign())["scale_equivariant"] is True


# --------------------------------------------------------------------------
# Scale equivariance of the threshold families
# --------------------------------------------------------------------------

# Entries in [-2^20, 2^20] and scales in [2^-8, 2^8]: a x neither overflows
# nor, above 2^-1000, underflows; smaller entries are set to 0 (their
# products with 2^-8 may become subnormal and round).
moderate = float_arrays(min_value=-2.0**20, max_value=2.0**20).map(
    lambda x: np.where(np.abs(x) < 2.0**-1000, 0.0, x))
powers_of_two = st.integers(-8, 8).map(lambda j: 2.0**j)
scales = st.floats(2.0**-8, 2.0**8)


@settings(deadline=None, max_examples=60)
@given(moderate, st.floats(0.0, 4.0), powers_of_two)
@example(np.array([1.4e-45]), 0.0, 0.5)          # a float32 subnormal that halving would round to 0
def test_ternary_is_scale_invariant_exactly_for_powers_of_two(x, t, a):
    # t_{a t}(a x) = t_t(x): scaling by 2^j is exact, so every comparison
    # |a x| > a t is decided as |x| > t
    want = ternarize(x, t)
    np.testing.assert_array_equal(ternarize(a * x, a * t), want)
    np.testing.assert_array_equal(scalar_map(ternary_scalar, a * t)(a * x), want)
    x32, t32, a32 = x.astype(np.float32), np.float32(t), np.float32(a)
    # the same premise in float32: entries whose product with 2^-8 would fall below the smallest normal
    # float32 (2^-126) round there, so they are set to 0 as the float64 ones below 2^-1000 are
    x32 = np.where(np.abs(x32) < np.float32(2.0**-118), np.float32(0.0), x32)
    np.testing.assert_array_equal(ternary_forward(a32 * x32, float(a32 * t32)), ternary_forward(x32, float(t32)))


@settings(deadline=None, max_examples=60)
@given(moderate, st.floats(0.0, 4.0), scales)
def test_ternary_is_scale_invariant_for_any_scale_away_from_ties(x, t, a):
    # fl(a x) = a x (1 + d1), fl(a t) = a t (1 + d2), |d| <= eps/2: the
    # comparison of |a x| with a t can differ from that of |x| with t only
    # where ||x| - t| <= eps max(|x|, t)
    tie = np.abs(np.abs(x) - t) <= EPS64 * np.maximum(np.abs(x), t)
    got = ternarize(a * x, a * t)
    np.testing.assert_array_equal(got[~tie], ternarize(x, t)[~tie])


@settings(deadline=None, max_examples=60)
@given(moderate, st.integers(1, 8), st.floats(0.25, 8.0), powers_of_two)
def test_kbit_is_scale_equivariant_exactly_for_powers_of_two(x, k, clip, a):
    # q_{k, a c}(a x) = a q_{k, c}(x): step, cells and levels all scale by a
    want = a * kbit_quantize(x, k, clip=clip)
    np.testing.assert_array_equal(kbit_quantize(a * x, k, clip=a * clip), want)
    np.testing.assert_array_equal(kbit_jit(k, a * clip)(a * x), want)


@settings(deadline=None, max_examples=60)
@given(moderate, st.integers(1, 8), st.floats(0.25, 8.0), scales)
def test_kbit_is_scale_equivariant_for_any_scale_away_from_cell_edges(x, k, clip, a):
    # With a scale that is not a power of two, the quotient a x / (a s)
    # is x / s times (1 + d)^3 and the level a s (j + 1/2) is off by
    # (1 + d)^2, |d| <= eps/2: cells agree unless x / s lies within 4 eps
    # (relative) of an integer, the clip at top = c - s/2 within 4 eps of
    # x; levels agree within 4 eps.
    step = 2 * clip / 2**k
    top = clip - step / 2
    r = x / step
    edge = (np.abs(r - np.round(r)) <= 4 * EPS64 * np.maximum(np.abs(r), 1.0)) | \
           (np.abs(np.abs(x) - top) <= 4 * EPS64 * top)
    want = a * kbit_quantize(x, k, clip=clip)
    got = kbit_quantize(a * x, k, clip=a * clip)
    assert np.all(np.abs(got - want)[~edge] <= 4 * EPS64 * np.abs(want)[~edge])


@settings(deadline=None, max_examples=40)
@given(float_arrays(dtype=np.float32, min_value=-2.0**20, max_value=2.0**20), st.floats(0.0, 4.0, width=32),
       powers_of_two)
def test_bnn_ternary_weights_are_scale_invariant_for_powers_of_two(w, t, a):
    # in float32 too, scaling by 2^j is exact away from underflow
    w = np.where(np.abs(w) < 2.0**-100, np.float32(0), w).astype(np.float32)
    a32 = np.float32(a)
    np.testing.assert_array_equal(ternarize_weights(a32 * w, float(a32 * np.float32(t))),
                                  ternarize_weights(w, float(t)))
