"""The packed kernels' CUDA twin equals the CPU kernels exactly (integers and
bits), on tiny sizes spread over several blocks, at word boundaries and
image borders."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn.packed import (binary_conv3x3_signs, binary_conv3x3_sums, binary_dense_signs,
                               binary_dense_sums, pack_conv_weights, pack_dense_weights, pack_signs,
                               pack_signs_channels_last)
from bingeo.bnn.packed import cuda as gpu

LAUNCHES = [dict(threads_per_block=1), dict(threads_per_block=8), dict(threads_per_block=32, blocks=3)]
"""Few threads per block, so even these tiny outputs span several blocks;
a fixed small grid exercises the grid-stride loop."""


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, np.float32(-1), np.float32(1))


@pytest.mark.parametrize("launch", LAUNCHES)
@pytest.mark.parametrize("k", [1, 64, 65])
def test_dense_sums_and_signs_match_the_cpu(launch, k):
    rng = np.random.default_rng(k)
    x = pack_signs(_signs(rng, (3, k)))
    w = pack_dense_weights(_signs(rng, (k, 70)))
    z = gpu.binary_dense_sums_cuda(x, w, k, **launch)
    np.testing.assert_array_equal(z, binary_dense_sums(x, w, k))
    thresholds = rng.choice(z.ravel(), 70)
    np.testing.assert_array_equal(gpu.threshold_signs_cuda(z, thresholds, **launch),
                                  binary_dense_signs(x, w, k, thresholds))


@pytest.mark.parametrize("launch", LAUNCHES)
@pytest.mark.parametrize("c, h, w, pools", [(1, 1, 1, 0), (3, 5, 4, 1), (65, 3, 2, 1), (2, 4, 5, 2)])
def test_conv_sums_and_signs_match_the_cpu(launch, c, h, w, pools):
    rng = np.random.default_rng(c * 7 + h)
    x = pack_signs_channels_last(_signs(rng, (2, c, h, w)))
    wt = pack_conv_weights(_signs(rng, (3, c, 3, 3)))
    z = gpu.binary_conv3x3_sums_cuda(x, wt, c, **launch)
    np.testing.assert_array_equal(z, binary_conv3x3_sums(x, wt, c))
    thresholds = rng.choice(z.ravel(), 3)
    np.testing.assert_array_equal(gpu.threshold_signs_cuda(z, thresholds, pools=pools, **launch),
                                  binary_conv3x3_signs(x, wt, c, thresholds, pools=pools))


@pytest.mark.parametrize("call, name", [
    (lambda: gpu.binary_dense_sums_cuda(np.zeros((1, 1), np.uint64), np.zeros((1, 1), np.uint64), 1,
                                        threads_per_block=0), "threads_per_block"),
    (lambda: gpu.binary_dense_sums_cuda(np.zeros((1, 1), np.uint64), np.zeros((1, 1), np.uint64), 1,
                                        blocks=0), "blocks"),
    (lambda: gpu.binary_dense_sums_cuda(np.zeros((1, 1), np.uint64), np.zeros((1, 1), np.uint64), 70), "fan_in"),
    (lambda: gpu.threshold_signs_cuda(np.zeros((1, 2), np.int64), [0, 0]), "z"),
    (lambda: gpu.threshold_signs_cuda(np.zeros((1, 2, 2, 2), np.int32), [0, 0], pools=2), "pools"),
])
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(name), str(info.value)
