"""The packed CUDA kernels compile for a real GPU (PTX for an H100) with no GPU
present: NVVM types and lowers them as the device would (cuda.popc on
uint64 words, the shared njit helpers as device functions), which the
simulator never checks. Skipped, as the sampler's PTX test, where the
CUDA toolkit's NVVM and NVRTC are missing."""

from __future__ import annotations

import pytest

from tests.bingeo.test_cuda_ptx import H100, cuda, no_device, pytestmark  # noqa: F401 - fixture and skip mark


def _signatures():
    from numba import types as nt

    words2, words4 = nt.uint64[:, ::1], nt.uint64[:, :, :, ::1]
    i32_2, i32_4 = nt.int32[:, ::1], nt.int32[:, :, :, ::1]
    return {
        "_binary_dense_sums_cuda_kernel": (words2, words2, nt.int64, i32_2),
        "_binary_conv3x3_sums_cuda_kernel": (words4, words4, nt.int64, i32_4),
        "_threshold_signs_cuda_kernel": (i32_4, nt.int64, nt.int32[::1], words4),
    }


@pytest.mark.parametrize("name", sorted(_signatures()))
def test_packed_kernel_compiles_to_ptx(name, no_device):
    from bingeo.bnn.packed import cuda as gpu

    ptx, _ = cuda.compile_ptx(getattr(gpu, name).py_func, _signatures()[name], cc=H100)
    assert ".visible .entry" in ptx
    if name != "_threshold_signs_cuda_kernel":
        assert "popc.b64" in ptx          # one 64-bit popcount per word, not a bit loop
