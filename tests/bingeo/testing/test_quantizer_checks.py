"""check_quantizer: it fails with a falsifying example for wrong quantizers,
honours its options, and names a bad argument (that it passes for every
quantizer bingeo ships is tests/bingeo/test_quantizer_properties.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo.quantize import kbit_quantize, sign, ternarize
from bingeo.sampling import specs
from bingeo.testing import check_quantizer

EXAMPLES = 40
"""Inputs per passing check (the wrong quantizers fail within a few)."""


def _not_monotone(x):
    """sign(x), but -sign(x) for 1 < |x| < 2: odd and idempotent (q(+-1) =
    +-1), with q(0) = +1, yet q(1.5) = -1 < q(1) = 1."""
    return np.where((np.abs(x) > 1.0) & (np.abs(x) < 2.0), -1.0, 1.0) * sign(x)


def _failure(q, **options):
    with pytest.raises(AssertionError) as info:
        check_quantizer(q, max_examples=200, **options)
    return str(info.value)


def _falsifying_x(message):
    """The x array quoted in a failure message, as floats."""
    found = re.search(r"x = array\(\[([^\]]*)\]", message)
    assert found, message
    return np.array([float(v) for v in found.group(1).split(",")])


def test_a_shifted_threshold_fails_with_its_falsifying_example():
    # ternary thresholds at -0.25 and 0.75 instead of +-0.5
    message = _failure(lambda x: ternarize(x - 0.25, 0.5), sign_of_zero=0)
    assert message.startswith("q is not odd away from its cell edges")
    x = _falsifying_x(message)
    i = int(re.search(r"q\(-x\)\[(\d+)\]", message).group(1))
    assert ternarize(-x - 0.25, 0.5)[i] != -ternarize(x - 0.25, 0.5)[i]


def test_a_shifted_sign_fails_the_sign_of_zero_and_oddness():
    shifted = lambda x: np.where(x >= 1e-3, 1.0, -1.0)  # noqa: E731
    assert "sign(0) convention" in _failure(shifted)
    message = _failure(shifted, sign_of_zero=None)
    assert message.startswith("q is not odd")
    x = _falsifying_x(message)
    assert np.any((0 < np.abs(x)) & (np.abs(x) < 1e-3))


def test_a_quantizer_that_is_not_idempotent_fails():
    # levels +-1 but a threshold 1.5: t(t(2)) = t(1) = 0
    message = _failure(lambda x: ternarize(x, 1.5), sign_of_zero=0)
    assert message.startswith("q is not idempotent")
    x = _falsifying_x(message)
    t = ternarize(x, 1.5)
    assert not np.array_equal(ternarize(t, 1.5), t)


def test_a_quantizer_that_is_not_monotone_fails():
    message = _failure(_not_monotone)
    assert message.startswith("q is not monotone non-decreasing")
    x = _falsifying_x(message)
    q = _not_monotone(x)
    order = np.argsort(x)
    assert np.any(np.diff(q[order]) < 0)


ONLY = dict.fromkeys(["elementwise", "monotone", "idempotent", "odd"], False) | {"sign_of_zero": None}
"""Every property off: each case below turns on the one it breaks."""


@pytest.mark.parametrize("q, options, start", [
    (lambda x: np.where(x > 0.5, np.inf, sign(x)), ONLY, "q(x) is not finite"),
    (lambda x: sign(x - np.mean(x)), ONLY | {"elementwise": True}, "q is not elementwise"),
    (lambda x: -sign(x), {"monotone": False}, "q is not idempotent"),
    (lambda x: sign(x) * np.abs(x).sum(), ONLY | {"idempotent": True}, "q is not idempotent"),
    (lambda x: np.where(x > 0, 1.0, -1.0), {}, "q breaks the stated sign(0) convention"),
    (sign, {"sign_of_zero": -1}, "q breaks the stated sign(0) convention"),
    (sign, {"scale_equivariant": True}, "q(a x) != a q(x)"),
    (lambda x: kbit_quantize(x, 3), {"scale_invariant": True}, "q(a x) != q(x)"),
    (lambda x: sign(x) * (np.abs(x).mean() + 1.0), {"elementwise": False, "idempotent": False,
                                                   "scale_equivariant": True}, "q(a x) != a q(x)"),
])
def test_each_property_fails_with_a_falsifying_example(q, options, start):
    message = _failure(q, **options)
    assert message.startswith(start), message
    assert "x = array([" in message


def test_options_switch_off_what_a_quantizer_does_not_claim():
    check_quantizer(_not_monotone, monotone=False, max_examples=EXAMPLES)
    check_quantizer(lambda x: ternarize(x, 1.5), sign_of_zero=0, idempotent=False, max_examples=EXAMPLES)
    check_quantizer(lambda x: ternarize(x - 0.25, 0.5), sign_of_zero=0, odd=False, max_examples=EXAMPLES)
    check_quantizer(lambda x: np.where(x > 0, 1.0, -1.0), sign_of_zero=None, odd=False, max_examples=EXAMPLES)


def test_a_spec_option_overrides_its_claim():
    with pytest.raises(AssertionError, match="^q is not idempotent"):
        check_quantizer(specs.Ternary(1.2), idempotent=True, max_examples=EXAMPLES)


def test_inside_a_given_test_without_data_is_a_clear_error():
    @settings(deadline=None, max_examples=1)
    @given(st.just(sign))
    def nested(q):
        check_quantizer(q)

    with pytest.raises(ValueError, match="^data must be given .*st.data"):
        nested()


def test_the_search_is_deterministic():
    messages = {_failure(lambda x: ternarize(x - 0.25, 0.5), sign_of_zero=0) for _ in range(2)}
    assert len(messages) == 1


@pytest.mark.parametrize("call, name", [
    (lambda: check_quantizer(3.0), "q"),
    (lambda: check_quantizer(sign, elementwise="yes"), "elementwise"),
    (lambda: check_quantizer(sign, monotone=None), "monotone"),
    (lambda: check_quantizer(sign, idempotent=1), "idempotent"),
    (lambda: check_quantizer(sign, odd="no"), "odd"),
    (lambda: check_quantizer(sign, sign_of_zero=2), "sign_of_zero"),
    (lambda: check_quantizer(sign, sign_of_zero=True), "sign_of_zero"),
    (lambda: check_quantizer(sign, scale_equivariant=0), "scale_equivariant"),
    (lambda: check_quantizer(sign, scale_invariant=True, scale_equivariant=True), "scale_invariant"),
    (lambda: check_quantizer(sign, dtype=np.float16), "dtype"),
    (lambda: check_quantizer(sign, max_d=0), "max_d"),
    (lambda: check_quantizer(sign, max_d=5000), "max_d"),
    (lambda: check_quantizer(sign, max_abs=0.0), "max_abs"),
    (lambda: check_quantizer(sign, max_abs=1e306), "max_abs"),
    (lambda: check_quantizer(sign, dtype=np.float32, max_abs=1e37), "max_abs"),
    (lambda: check_quantizer(sign, max_examples=0), "max_examples"),
    (lambda: check_quantizer(sign, data=object()), "data"),
])
def test_invalid_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name} ") as info:
        call()
    assert len(str(info.value).splitlines()) == 1
