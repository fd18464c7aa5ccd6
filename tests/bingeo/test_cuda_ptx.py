"""The CUDA kernels compile for a real GPU (PTX for compute capability 9.0,
an H100), with no GPU present: numba-cuda's NVVM types and lowers them as it
would on the device, which the simulator (plain Python) never does.

Skipped where NVVM (the CUDA toolkit wheels of the test extra) is missing.
"""

from __future__ import annotations

import types

import pytest

from bingeo.sampling.backend import cuda_simulated

if cuda_simulated():  # pragma: no cover - the simulator has no compiler
    pytest.skip("under the CUDA simulator", allow_module_level=True)

cuda = pytest.importorskip("numba.cuda")


def _nvvm_available() -> bool:
    try:
        from numba.cuda.cudadrv import nvvm

        nvvm.NVVM()
        return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _nvvm_available(), reason="NVVM (CUDA toolkit) not installed")

H100 = (9, 0)


@pytest.fixture
def no_device(monkeypatch):
    # Device functions called from a kernel are compiled for the current
    # device's compute capability; stand in a device that reports one.
    import numba.cuda.dispatcher as dispatcher

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: types.SimpleNamespace(compute_capability=H100))


def _signatures():
    from numba import types as nt

    vec, mat = nt.float64[::1], nt.float64[:, ::1]
    return {
        "_sample_cos_cuda_kernel": (nt.uint64, nt.int64, nt.int64, nt.int64, nt.float64, vec, nt.boolean,
                                    nt.int64, nt.float64, nt.float64, vec),
        "_sample_rotated_sign_cos_cuda_kernel": (nt.uint64, nt.int64, nt.int64, nt.int64, nt.float64, vec,
                                                 nt.boolean, mat, mat, vec),
        "_sample_pair_cos_cuda_kernel": (nt.uint64, nt.int64, nt.int64, vec),
    }


@pytest.mark.parametrize("name", sorted(_signatures()))
def test_kernel_compiles_to_ptx(name, no_device):
    from bingeo.sampling import cuda as gpu

    ptx, _ = cuda.compile_ptx(getattr(gpu, name).py_func, _signatures()[name], cc=H100)
    assert ".visible .entry" in ptx
    # uint64 -> float64 for the uniforms, float64 math throughout: a slip to
    # a signed or a float32 conversion would change the draws.
    assert "cvt.rn.f64.u64" in ptx
    assert "cvt.rn.f32" not in ptx
