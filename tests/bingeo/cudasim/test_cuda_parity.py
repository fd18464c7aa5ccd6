"""The CUDA backend equals its CPU twin: same streams, same layout, so the
cosines agree up to the order of the final sums, whatever the launch shape."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo import sampling
from bingeo.sampling import cuda as gpu
from bingeo.sampling import xoroshiro_cpu as twin
from bingeo.sampling.xoroshiro_layout import LANES

PARITY_RTOL = 1e-12
"""Relative agreement of the GPU and the CPU twin: the same draws summed in
another order differ by a few d * 2^-52, far below this for d <= 10^3."""

DISTS = ["normal", "uniform", "laplace", "t:5", "t:0.8", "aniso:10"]
QUANTIZERS = ["sign", "xnor", "ternary:0.5", "kbit:2", "kbit:4:3", "rotated-sign"]


@pytest.mark.parametrize("dist", DISTS)
@pytest.mark.parametrize("quantizer", QUANTIZERS)
def test_cuda_backend_matches_twin(dist, quantizer):
    if dist == "t:0.8" and quantizer.split(":")[0] in ("ternary", "kbit"):
        pytest.skip("threshold quantizer on infinite variance is refused")
    d, trials = 37, 3
    got = sampling.sample_cos(d, trials, dist=dist, quantizer=quantizer, seed=11, backend="cuda")
    want = twin.sample_cos_xoroshiro(d, trials, dist=dist, quantizer=quantizer, seed=11)
    assert got.shape == (trials,) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=0)


@pytest.mark.parametrize("dist, quantizer", [("aniso:1e300", "kbit:3"), ("normal", "kbit:2:1e308"),
                                             ("normal", "ternary:9")])
def test_extreme_cases_match_twin(dist, quantizer):
    # huge scales and clips stay finite; q(w) = 0 (ternary:9) gives NaN on both
    got = sampling.sample_cos(9, 3, dist=dist, quantizer=quantizer, seed=4, backend="cuda")
    want = twin.sample_cos_xoroshiro(9, 3, dist=dist, quantizer=quantizer, seed=4)
    assert np.isfinite(got).all() == (quantizer != "ternary:9")
    np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=0)


def test_launching_in_batches_changes_no_draw(monkeypatch):
    # 70 draws per launch: 9 trials of d = 20 take 3 to 9 launches
    monkeypatch.setattr(gpu, "LAUNCH_WORK", 70)
    for quantizer in ("kbit:2", "rotated-sign"):
        np.testing.assert_allclose(gpu.sample_cos_cuda(20, 9, quantizer=quantizer, seed=2),
                                   twin.sample_cos_xoroshiro(20, 9, quantizer=quantizer, seed=2), rtol=PARITY_RTOL, atol=0)
    np.testing.assert_allclose(gpu.sample_pair_cos_cuda(20, 9, seed=1), twin.sample_pair_cos_xoroshiro(20, 9, seed=1),
                               rtol=PARITY_RTOL, atol=PARITY_RTOL)


def test_cuda_pair_matches_twin():
    got = sampling.sample_pair_cos(37, 3, seed=12, backend="cuda")
    want = twin.sample_pair_cos_xoroshiro(37, 3, seed=12)
    np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=PARITY_RTOL)


@pytest.mark.parametrize("threads_per_block, blocks", [(1, 1), (2, 3), (8, None), (64, 2), (256, 1)])
def test_launch_shape_changes_no_draw(threads_per_block, blocks):
    d, trials = 70, 5
    for quantizer in ("ternary:0.4", "rotated-sign"):
        got = gpu.sample_cos_cuda(d, trials, quantizer=quantizer, seed=3,
                                  threads_per_block=threads_per_block, blocks=blocks)
        want = twin.sample_cos_xoroshiro(d, trials, quantizer=quantizer, seed=3)
        np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=0)
    got = gpu.sample_pair_cos_cuda(d, trials, seed=3, threads_per_block=threads_per_block, blocks=blocks)
    np.testing.assert_allclose(got, twin.sample_pair_cos_xoroshiro(d, trials, seed=3),
                               rtol=PARITY_RTOL, atol=PARITY_RTOL)


@pytest.mark.parametrize("d", [1, 2, 2 * LANES + 1])
def test_lane_boundaries(d):
    got = gpu.sample_cos_cuda(d, 2, dist="laplace", quantizer="kbit:3", seed=np.random.SeedSequence(5),
                              threads_per_block=16)
    want = twin.sample_cos_xoroshiro(d, 2, dist="laplace", quantizer="kbit:3", seed=np.random.SeedSequence(5))
    np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=0)


def test_anisotropic_scales_are_copied_to_the_device():
    scales = np.geomspace(0.1, 10.0, 9)
    got = sampling.sample_cos(9, 3, dist=scales, quantizer="ternary:1", seed=6, backend="cuda")
    want = twin.sample_cos_xoroshiro(9, 3, dist=scales, quantizer="ternary:1", seed=6)
    np.testing.assert_allclose(got, want, rtol=PARITY_RTOL, atol=0)


def test_no_trials_gives_an_empty_array():
    assert gpu.sample_cos_cuda(10, 0).shape == (0,)
    assert gpu.sample_pair_cos_cuda(10, 0).shape == (0,)


@pytest.mark.parametrize("kwargs, name", [
    (dict(threads_per_block=3), "threads_per_block"),
    (dict(threads_per_block=512), "threads_per_block"),
    (dict(threads_per_block=0), "threads_per_block"),
    (dict(blocks=0), "blocks"),
    (dict(blocks=2.5), "blocks"),
])
def test_bad_launch_shape_names_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        gpu.sample_cos_cuda(10, 2, **kwargs)


def test_user_quantizer_is_refused_by_name():
    with pytest.raises(ValueError, match="user quantizer"):
        sampling.sample_cos(10, 2, quantizer=lambda x: x, backend="cuda")


def test_device_name_says_where_it_ran():
    from bingeo.sampling.backend import cuda_simulated

    name = gpu.device_name()
    assert name == "CUDA simulator" if cuda_simulated() else "compute capability" in name
