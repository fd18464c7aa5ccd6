"""Without a GPU, or without numba-cuda: backend="cuda" is a clear error and
backend="auto" runs on the CPU."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from bingeo import sampling
from bingeo.sampling import backend as backend_module

ROOT = Path(__file__).resolve().parents[2]


def _no_gpu(monkeypatch):
    monkeypatch.delenv("NUMBA_ENABLE_CUDASIM", raising=False)
    monkeypatch.setattr(backend_module, "cuda_usable", lambda: False)
    monkeypatch.setattr("bingeo.sampling.api.cuda_usable", lambda: False)


def test_cuda_without_gpu_raises_a_clear_error(monkeypatch):
    _no_gpu(monkeypatch)
    with pytest.raises(RuntimeError, match="backend: 'cuda'.*no CUDA GPU"):
        sampling.sample_cos(10, 2, backend="cuda")
    with pytest.raises(RuntimeError, match="backend: 'cuda'"):
        sampling.sample_pair_cos(10, 2, backend="cuda")


def test_auto_without_gpu_runs_on_the_cpu(monkeypatch):
    _no_gpu(monkeypatch)
    assert sampling.resolve_backend("auto") == "cpu"
    auto = sampling.sample_cos(20, 5, quantizer="ternary:0.5", seed=3, backend="auto")
    cpu = sampling.sample_cos(20, 5, quantizer="ternary:0.5", seed=3, backend="cpu")
    assert np.array_equal(auto, cpu)


HIDE_NUMBA_CUDA = textwrap.dedent("""
    import importlib.abc, sys

    class HideCuda(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "numba_cuda" or name.startswith("numba_cuda.") or name == "numba.cuda" \\
                    or name.startswith("numba.cuda."):
                raise ImportError(f"{name} hidden")
            return None

    sys.meta_path.insert(0, HideCuda())
    import numpy as np
    from bingeo import sampling
    assert sampling.resolve_backend("auto") == "cpu"
    c = sampling.sample_cos(10, 3, seed=1, backend="auto")
    assert c.shape == (3,)
    try:
        sampling.sample_cos(10, 3, backend="cuda")
    except RuntimeError as exc:
        print("error:", exc)
    else:
        raise SystemExit("backend='cuda' ran without numba.cuda")
""")


def test_without_numba_cuda_installed():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    proc = subprocess.run([sys.executable, "-c", HIDE_NUMBA_CUDA], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error: backend: 'cuda'" in proc.stdout
