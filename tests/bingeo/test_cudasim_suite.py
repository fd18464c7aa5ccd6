"""Runs the CUDA tests (tests/bingeo/cudasim) under numba's CUDA simulator,
in a pytest process of its own: NUMBA_ENABLE_CUDASIM must be set before
numba is first imported, which this process has long done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).resolve().parent / "cudasim"

SUITE_TIMEOUT_S = 600
"""Far above the suite's cold time (about a minute on two cores)."""


def test_cuda_suite_passes_under_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env.pop("BINGEO_CUDA_TESTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(SUITE)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT_S)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"CUDA simulator suite failed (exit {proc.returncode}):\n{output}"
    assert " passed" in output and "no tests ran" not in output, output
