"""The CUDA kernels compile for a real GPU (PTX for compute capability 9.0,
an H100), with no GPU present: numba-cuda's NVVM types and lowers them as it
would on the device, which the simulator (plain Python) never does.

Skipped where the CUDA toolkit libraries (NVVM and NVRTC, from the `cuda`
extra) are missing.
"""

from __future__ import annotations

import types

import pytest

from bingeo.sampling.backend import cuda_simulated

if cuda_simulated():  # pragma: no cover - the simulator has no compiler
    pytest.skip("under the CUDA simulator", allow_module_level=True)

cuda = pytest.importorskip("numba.cuda")


H100 = (9, 0)


def _toolchain_missing() -> str | None:
    """Why a trivial kernel cannot be compiled to PTX here, or None if it can.

    compile_ptx needs both NVVM (to lower) and NVRTC (to pick the closest
    supported architecture); either may be absent without the other, so the
    whole path is tried once on a one-line kernel.
    """
    try:
        from numba import types as nt

        def _touch(x):
            x[0] = 1.0

        cuda.compile_ptx(_touch, (nt.float64[::1],), cc=H100)
        return None
    except Exception as exc:  # the loaders raise several unrelated types
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


_MISSING = _toolchain_missing()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"CUDA toolkit (NVVM/NVRTC) not usable: {_MISSING}")

@pytest.fixture
def no_device(monkeypatch):
    # Device functions called from a kernel are compiled for the current
    # device's compute capability; stand in a device that reports one.
    import numba.cuda.dispatcher as dispatcher

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: types.SimpleNamespace(compute_capability=H100))


def _signatures():
    from numba import types as nt

    vec, mat = nt.float64[::1], nt.float64[:, ::1]
    i64 = nt.int64
    return {  # key, d, first, stop, ...
        "_sample_cos_cuda_kernel": (nt.uint64, i64, i64, i64, i64, nt.float64, vec, nt.boolean,
                                    i64, nt.float64, nt.float64, vec),
        "_sample_rotated_sign_cos_cuda_kernel": (nt.uint64, i64, i64, i64, i64, nt.float64, vec,
                                                 nt.boolean, mat, mat, vec),
        "_sample_pair_cos_cuda_kernel": (nt.uint64, i64, i64, i64, vec),
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
