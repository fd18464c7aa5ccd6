"""The sampler API: spec parsing, argument checking, backend choice."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo import resolve_backend, sample_cos, sample_pair_cos
from bingeo.sampling import backend as backend_module
from bingeo.sampling import specs


@pytest.mark.parametrize("text, expected", [
    ("normal", specs.Normal()),
    (" Gaussian ", specs.Normal()),
    ("uniform", specs.Uniform()),
    ("laplace", specs.Laplace()),
    ("t:2.5", specs.StudentT(2.5)),
    ("aniso:10", specs.AnisotropicNormal(ratio=10.0)),
    ([1.0, 2.0], specs.AnisotropicNormal(scales=(1.0, 2.0))),
    (np.array([3.0]), specs.AnisotropicNormal(scales=(3.0,))),
    (specs.Laplace(), specs.Laplace()),
])
def test_parse_dist(text, expected):
    assert specs.parse_dist(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("sign", specs.Sign()),
    ("xnor", specs.XnorSign()),
    ("rotated-sign", specs.RotatedSign()),
    ("ternary:0.5", specs.Ternary(0.5)),
    ("ternary:0", specs.Ternary(0.0)),
    ("kbit:3", specs.KBit(3)),
    ("kbit:3:1.5", specs.KBit(3, clip=1.5)),
    (specs.KBit(2), specs.KBit(2)),
])
def test_parse_quantizer(text, expected):
    assert specs.parse_quantizer(text) == expected


def test_labels_round_trip():
    for text in ("normal", "uniform", "laplace", "t:2.5", "aniso:10"):
        assert specs.parse_dist(specs.parse_dist(text).label) == specs.parse_dist(text)
    for text in ("sign", "xnor", "rotated-sign", "ternary:0.5", "kbit:3", "kbit:3:1.5"):
        assert specs.parse_quantizer(specs.parse_quantizer(text).label) == specs.parse_quantizer(text)


def test_callable_becomes_custom_quantizer():
    spec = specs.parse_quantizer(np.sign)
    assert spec.kind == "custom" and spec.label == "custom:sign"


def test_specs_are_frozen_and_hashable():
    assert len({specs.Ternary(0.5), specs.Ternary(0.5), specs.KBit(2)}) == 2
    with pytest.raises(Exception):
        specs.Ternary(0.5).tau = 1.0


def test_anisotropic_scales():
    np.testing.assert_allclose(specs.AnisotropicNormal(ratio=4.0).scales_for(3), [1.0, 2.0, 4.0])
    np.testing.assert_array_equal(specs.AnisotropicNormal(ratio=4.0).scales_for(1), [1.0])
    assert specs.AnisotropicNormal(scales=(2.0, 2.0)).rotation_invariant
    assert not specs.AnisotropicNormal(ratio=2.0).rotation_invariant


@pytest.mark.parametrize("call, name", [
    (lambda: specs.parse_dist("cauchy"), "dist"),
    (lambda: specs.parse_dist("t:"), "dist"),
    (lambda: specs.parse_dist("t:abc"), "dist"),
    (lambda: specs.parse_dist("t:0"), "dist"),
    (lambda: specs.parse_dist("t:-2"), "dist"),
    (lambda: specs.parse_dist("normal:3"), "dist"),
    (lambda: specs.parse_dist("aniso:0"), "dist"),
    (lambda: specs.parse_dist([[1.0, 2.0]]), "dist"),
    (lambda: specs.parse_dist([1.0, -2.0]), "dist"),
    (lambda: specs.parse_dist([]), "dist"),
    (lambda: specs.parse_dist(["a", "b"]), "dist"),
    (lambda: specs.parse_dist([1.0, np.nan]), "dist"),
    (lambda: specs.parse_dist("t:inf"), "dist"),
    (lambda: specs.parse_dist("t:0.1"), "dist"),  # w_i^2 overflows in 3e-16 of the draws
    (lambda: specs.parse_dist(3), "dist"),
    (lambda: specs.parse_quantizer("binary"), "quantizer"),
    (lambda: specs.parse_quantizer("ternary"), "quantizer"),
    (lambda: specs.parse_quantizer("ternary:-1"), "quantizer"),
    (lambda: specs.parse_quantizer("ternary:nan"), "quantizer"),
    (lambda: specs.parse_quantizer("kbit:0"), "quantizer"),
    (lambda: specs.parse_quantizer("kbit:17"), "quantizer"),
    (lambda: specs.parse_quantizer("kbit:two"), "quantizer"),
    (lambda: specs.parse_quantizer("kbit:2:0"), "quantizer"),
    (lambda: specs.parse_quantizer("sign:1"), "quantizer"),
    (lambda: specs.parse_quantizer(2.0), "quantizer"),
    (lambda: sample_cos(0, 10), "d"),
    (lambda: sample_cos(2.5, 10), "d"),
    (lambda: sample_cos(True, 10), "d"),
    (lambda: sample_cos(10, -1), "trials"),
    (lambda: sample_cos(10, 1.0), "trials"),
    (lambda: sample_cos(10, 5, seed=-3), "seed"),
    (lambda: sample_cos(10, 5, seed="x"), "seed"),
    (lambda: sample_cos(10, 5, backend="gpu"), "backend"),
    (lambda: sample_cos(3, 5, dist=[1.0, 2.0]), "dist"),
    (lambda: sample_cos(3, 5, dist="t:2", quantizer="ternary:0.5"), "dist"),
    (lambda: sample_cos(specs.ROTATED_SIGN_MAX_D + 1, 1, quantizer="rotated-sign"), "d"),
    (lambda: sample_cos(3, 2, quantizer=lambda w: w[:1]), "quantizer"),
    (lambda: sample_pair_cos(0, 5), "d"),
    (lambda: sample_pair_cos(5, -5), "trials"),
])
def test_bad_input_names_the_argument_and_what_is_accepted(call, name):
    with pytest.raises(ValueError, match=rf"^{name}:") as info:
        call()
    assert len(str(info.value).splitlines()) == 1


def test_unknown_names_list_what_is_accepted():
    with pytest.raises(ValueError, match="'normal', 'uniform', 'laplace', 't:NU'"):
        specs.parse_dist("cauchy")
    with pytest.raises(ValueError, match="'sign', 'ternary:TAU'"):
        specs.parse_quantizer("binary")


def test_cpu_backend_and_auto_fallback(monkeypatch):
    assert resolve_backend("cpu") == "cpu"
    assert resolve_backend("CPU") == "cpu"
    monkeypatch.setattr(backend_module, "cuda_usable", lambda: False)
    monkeypatch.setattr("bingeo.sampling.api.cuda_usable", lambda: False)
    assert resolve_backend("auto") == "cpu"
    np.testing.assert_array_equal(sample_cos(10, 5, backend="auto"), sample_cos(10, 5))


def test_cuda_backend_without_a_gpu_is_a_clear_runtime_error(monkeypatch):
    monkeypatch.setattr("bingeo.sampling.api.cuda_usable", lambda: False)
    monkeypatch.setattr("bingeo.sampling.api.cuda_simulated", lambda: False)
    with pytest.raises(RuntimeError, match="^backend: 'cuda'"):
        resolve_backend("cuda")
    monkeypatch.setattr("bingeo.sampling.api.cuda_backend_installed", lambda: False)
    with pytest.raises(RuntimeError, match="no CUDA sampler module"):
        sample_cos(10, 5, backend="cuda")


def test_cuda_check_never_raises():
    assert isinstance(backend_module.cuda_usable(), bool)
    assert isinstance(backend_module.cuda_backend_installed(), bool)


def test_cpu_path_never_imports_numba_cuda():
    import subprocess
    import sys

    script = ("import sys, bingeo; bingeo.sample_cos(5, 3, quantizer='ternary:0.5'); bingeo.sample_pair_cos(5, 3); "
              "bingeo.resolve_backend('cpu'); print('numba.cuda' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
