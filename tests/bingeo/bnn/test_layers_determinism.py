"""The engine gives the same bits for any thread count and on any x86-64 CPU.

Fresh interpreters (numba reads its thread count and CPU target at start)
run :mod:`tests.bingeo.bnn.fingerprints`: with ``NUMBA_NUM_THREADS`` 1 and 2,
and compiled for numba's ``generic`` x86-64 target (SSE2 only: no AVX, no
FMA) instead of this machine's.  Every layer's forward and backward pass and
two training steps of small networks must hash to the same bytes.

The generic run compiles into a cache folder of its own, so no code compiled
for this CPU is reused; it compiles everything it calls (about 20 s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RUN_TIMEOUT_S = 600
"""Far above a cold run (about 20 s of compiling on two cores)."""


def _start(env_overrides: dict) -> subprocess.Popen:
    env = dict(os.environ, **env_overrides)
    return subprocess.Popen([sys.executable, "-m", "tests.bingeo.bnn.fingerprints"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, label: str) -> dict:
    out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, f"{label}: exit {proc.returncode}\n{err}"
    return json.loads(out)


def _differences(a: dict, b: dict) -> list:
    assert a.keys() == b.keys()
    return sorted(k for k in a if a[k] != b[k])


def test_same_bits_for_every_thread_count_and_cpu_target(tmp_path):
    # the generic run compiles from scratch in its own cache: start it first,
    # and run the thread counts (which share the usual cache) meanwhile
    generic = _start({"NUMBA_CPU_NAME": "generic", "NUMBA_CACHE_DIR": str(tmp_path / "numba-generic")})
    one = _finish(_start({"NUMBA_NUM_THREADS": "1"}), "NUMBA_NUM_THREADS=1")
    two = _finish(_start({"NUMBA_NUM_THREADS": "2"}), "NUMBA_NUM_THREADS=2")
    portable = _finish(generic, "NUMBA_CPU_NAME=generic")
    assert len(one) >= 15
    assert _differences(one, two) == [], "results depend on the thread count"
    assert _differences(one, portable) == [], "results depend on the CPU target"
