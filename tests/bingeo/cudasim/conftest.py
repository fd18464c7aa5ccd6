"""The CUDA tests: collected only under numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, set before numba is imported, so in a pytest
process of their own: ``tests/bingeo/test_cudasim_suite.py`` starts one) or
on a real GPU with ``BINGEO_CUDA_TESTS=1``.

The main test run skips this folder entirely, so it never imports the CUDA
kernels with the simulator off and no GPU.
"""

import os
import sys

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")
ON_GPU = os.environ.get("BINGEO_CUDA_TESTS", "0") not in ("", "0")

if not (SIMULATED or ON_GPU):
    collect_ignore_glob = ["*.py"]

SIMULATOR_SWITCH_INTERVAL_S = 5e-4
"""The simulator runs each CUDA thread as a Python thread while its main
thread polls them; with CPython's default 5 ms GIL switch interval the
polling starves the workers (a tenfold slowdown measured on the tiny kernels
here), so the simulated run switches threads every 0.5 ms."""


def pytest_configure(config):
    if SIMULATED:
        sys.setswitchinterval(SIMULATOR_SWITCH_INTERVAL_S)
