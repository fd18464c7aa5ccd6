"""The BLAS-backed layers give bit-identical results whatever the number of
BLAS threads: BLAS splits the output among threads, never one dot product.

Two fresh interpreters (the thread count is read when BLAS loads) compute the
same dense and convolution passes with 1 and with 2 threads and print a hash
of the bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import hashlib
import numpy as np
from bingeo.bnn.layers import conv2d_backward, conv2d_forward, dense_backward, dense_forward
rng = np.random.default_rng(0)
x = rng.standard_normal((16, 32, 16, 16)).astype(np.float32)
w = rng.standard_normal((64, 32, 3, 3)).astype(np.float32)
dy = rng.standard_normal((16, 64, 16, 16)).astype(np.float32)
a = rng.standard_normal((256, 1024)).astype(np.float32)
b = rng.standard_normal((1024, 512)).astype(np.float32)
g = rng.standard_normal((256, 512)).astype(np.float32)
h = hashlib.sha256()
for arr in [conv2d_forward(x, w), *conv2d_backward(x, w, dy), dense_forward(a, b), *dense_backward(a, b, g)]:
    h.update(arr.tobytes())
print(h.hexdigest())
"""

ROOT = Path(__file__).resolve().parents[3]


def test_results_do_not_depend_on_the_blas_thread_count():
    runs = []
    for threads in ("1", "2"):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads)
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        outputs.append(out.strip())
    assert len(outputs[0]) == 64 and outputs[0] == outputs[1]
