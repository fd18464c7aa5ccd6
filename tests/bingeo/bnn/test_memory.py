"""retain_freed_memory: freed arrays come back without fresh pages (glibc only)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bingeo.bnn.memory import retain_freed_memory

_PROBE = """
import json, resource, sys
import numpy as np
from bingeo.bnn.memory import retain_freed_memory
applied = retain_freed_memory() if sys.argv[1] == "retain" else None
size = 13 << 20               # bytes: a CIFAR-shaped batch of activations

def step():
    # a training step's pattern: several large arrays alive at once, all freed at the end
    arrays = [np.ones(size // 4, np.float32) for _ in range(6)]
    del arrays

step()                        # the first time: fresh pages
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    step()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(json.dumps({"applied": applied, "faults": faults, "pages": 3 * 6 * size // 4096}))
"""


def _probe(mode: str) -> dict:
    # a fresh interpreter: the setting is process-wide and must not leak into this one
    done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_freed_arrays_are_reused_without_page_faults():
    retained, default = _probe("retain"), _probe("default")
    if not retained["applied"]:
        pytest.skip("not glibc: retain_freed_memory changes nothing here")
    # 3 steps of 6 x 3,328 pages written: with the setting reused heap memory faults on
    # almost none of them; glibc's default returns part of the freed memory to the
    # system (its thresholds adapt up to 32 MB only), and the later steps map fresh
    # pages again (measured: 15% of the pages), which shows the probe can fail
    assert retained["faults"] < 0.01 * retained["pages"], retained
    assert default["faults"] > 0.05 * default["pages"], default


def test_calling_it_again_changes_nothing():
    assert retain_freed_memory() == retain_freed_memory()
