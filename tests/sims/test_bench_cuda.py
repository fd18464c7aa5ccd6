"""``python -m sims.bench angle --backend cuda`` without a GPU: one line,
exit status 2.  (With the simulator it is run in tests/bingeo/cudasim.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bingeo.sampling.backend import cuda_usable

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(cuda_usable(), reason="a CUDA GPU is present")
def test_bench_cuda_without_gpu_is_a_one_line_error():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    proc = subprocess.run([sys.executable, "-m", "sims.bench", "angle", "--backend", "cuda", "--skip-memory"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no CUDA GPU" in lines[0] and "--backend" in lines[0], proc.stderr
    assert proc.stdout == ""
