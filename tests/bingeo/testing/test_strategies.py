"""bingeo.testing.strategies: what each strategy draws, and one table of
invalid calls, each raising a ValueError that names the argument."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bingeo import sample_cos
from bingeo.sampling import specs
from bingeo.testing.strategies import (LAW_KINDS, QUANTIZER_KINDS, dims, float_arrays, float_elements, iid_laws,
                                       quantizers, rotation_invariant_vectors)


@settings(deadline=None, max_examples=40)
@given(st.integers(1, 10).flatmap(lambda lo: st.tuples(st.just(lo), dims(min_d=lo, max_d=lo + 5))))
def test_dims_stay_in_range(lo_and_d):
    lo, d = lo_and_d
    assert isinstance(d, int) and lo <= d <= lo + 5


@settings(deadline=None, max_examples=60)
@given(quantizers(max_tau=2.0, max_bits=4, min_clip=0.5, max_clip=3.0))
def test_quantizers_are_specs_with_parameters_in_range(q):
    assert q.kind in QUANTIZER_KINDS
    assert specs.parse_quantizer(q) is q
    if q.kind == "ternary":
        assert 0.0 <= q.tau <= 2.0
    if q.kind == "kbit":
        assert 1 <= q.k <= 4 and 0.5 <= q.clip <= 3.0


@settings(deadline=None, max_examples=60)
@given(iid_laws(max_nu=10.0, max_ratio=5.0))
def test_iid_laws_have_a_finite_sd_and_parameters_in_range(law):
    assert law.kind in LAW_KINDS
    assert specs.parse_dist(law) is law
    assert np.isfinite(law.sd)
    if law.kind == "t":
        assert 2.0 < law.nu <= 10.0
    if law.kind == "aniso":
        assert 0.2 <= law.ratio <= 5.0


@settings(deadline=None, max_examples=15)
@given(quantizers(), iid_laws(), dims(max_d=12))
def test_drawn_specs_run_in_the_sampler(q, law, d):
    c = sample_cos(d, 4, quantizer=q, dist=law, seed=1)
    assert c.shape == (4,) and not np.any(np.abs(c) > 1.0)


def test_kinds_restrict_the_draws():
    @settings(deadline=None, max_examples=20)
    @given(quantizers(kinds="kbit"), iid_laws(kinds=["uniform", "laplace"]))
    def draws(q, law):
        assert q.kind == "kbit" and law.kind in ("uniform", "laplace")

    draws()


@settings(deadline=None, max_examples=60)
@given(float_arrays((3, 2), dtype=np.float32, min_value=-0.1, max_value=0.3))
def test_float_arrays_respect_shape_dtype_and_bounds_rounded_inward(x):
    # 0.1 and 0.3 are not float32 numbers: the bounds round toward the inside
    assert x.shape == (3, 2) and x.dtype == np.float32
    assert np.all(x >= -0.1) and np.all(x <= 0.3)


@settings(deadline=None, max_examples=60)
@given(float_arrays(allow_nan=True, allow_infinity=True))
def test_float_arrays_default_to_short_vectors(x):
    assert x.ndim == 1 and 1 <= x.size <= 16 and x.dtype == np.float64


@settings(deadline=None, max_examples=40)
@given(float_arrays(dims(max_d=30), min_value=-1.0, max_value=1.0, allow_subnormal=False))
def test_float_arrays_without_subnormals(x):
    tiny = np.finfo(np.float64).tiny
    assert np.all((x == 0) | (np.abs(x) >= tiny))


@settings(deadline=None, max_examples=40)
@given(rotation_invariant_vectors(dims(max_d=9), batch_shape=st.sampled_from([(), (2,), (2, 3)]),
                                  min_scale=0.5, max_scale=2.0, dtype=np.float32))
def test_rotation_invariant_vectors_shape_and_finiteness(w):
    assert w.dtype == np.float32 and w.ndim in (1, 2, 3) and 1 <= w.shape[-1] <= 9
    assert np.all(np.isfinite(w)) and np.all(np.abs(w).sum(axis=-1) > 0)


def test_rotation_invariant_vectors_are_scaled_standard_normals():
    # the simplest draw: seed 0 and scale 1, i.e. numpy's standard normals
    from hypothesis import find

    w = find(rotation_invariant_vectors(4, batch_shape=(2,)), lambda w: True)
    np.testing.assert_array_equal(w, np.random.default_rng(0).standard_normal((2, 4)))


@pytest.mark.parametrize("call, name", [
    (lambda: dims(min_d=0), "min_d"),
    (lambda: dims(min_d=2.5), "min_d"),
    (lambda: dims(min_d=5, max_d=4), "max_d"),
    (lambda: dims(max_d=True), "max_d"),
    (lambda: quantizers(kinds=()), "kinds"),
    (lambda: quantizers(kinds=["binary"]), "kinds"),
    (lambda: quantizers(kinds=3), "kinds"),
    (lambda: quantizers(max_tau=-1.0), "max_tau"),
    (lambda: quantizers(max_tau=np.inf), "max_tau"),
    (lambda: quantizers(max_bits=0), "max_bits"),
    (lambda: quantizers(max_bits=17), "max_bits"),
    (lambda: quantizers(min_clip=0.0), "min_clip"),
    (lambda: quantizers(min_clip=2.0, max_clip=1.0), "max_clip"),
    (lambda: iid_laws(kinds=["cauchy"]), "kinds"),
    (lambda: iid_laws(max_nu=2.0), "max_nu"),
    (lambda: iid_laws(max_nu=np.nan), "max_nu"),
    (lambda: iid_laws(max_ratio=0.5), "max_ratio"),
    (lambda: float_arrays(dtype=np.int32), "dtype"),
    (lambda: float_arrays(dtype="float16"), "dtype"),
    (lambda: float_arrays((2, -1)), "shape"),
    (lambda: float_arrays(2.5), "shape"),
    (lambda: float_arrays(min_value=np.inf), "min_value"),
    (lambda: float_arrays(min_value=1.0, max_value=0.0), "max_value"),
    (lambda: float_arrays(dtype=np.float32, min_value=0.1, max_value=0.1), "max_value"),
    (lambda: float_arrays(min_value=0.0, max_value=1.0, allow_infinity=True), "allow_infinity"),
    (lambda: float_arrays(allow_nan=1), "allow_nan"),
    (lambda: float_arrays(allow_subnormal="no"), "allow_subnormal"),
    (lambda: float_elements(np.float16), "dtype"),
    (lambda: float_elements(min_value=2.0, max_value=1.0), "max_value"),
    (lambda: float_elements(max_value=np.nan), "max_value"),
    (lambda: rotation_invariant_vectors(0), "d"),
    (lambda: rotation_invariant_vectors(3.0), "d"),
    (lambda: rotation_invariant_vectors(3, batch_shape=(0,)), "batch_shape"),
    (lambda: rotation_invariant_vectors(3, batch_shape=5), "batch_shape"),
    (lambda: rotation_invariant_vectors(3, min_scale=0.0), "min_scale"),
    (lambda: rotation_invariant_vectors(3, min_scale=2.0, max_scale=1.0), "max_scale"),
    (lambda: rotation_invariant_vectors(3, dtype=np.complex128), "dtype"),
])
def test_invalid_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name} ") as info:
        call()
    assert len(str(info.value).splitlines()) == 1
