"""hypothesis is a dependency of bingeo.testing only: bingeo imports without
it, and bingeo.testing then says which extra to install."""

from __future__ import annotations

import subprocess
import sys

_WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None  # any import of hypothesis now raises ImportError
import bingeo, bingeo.bnn, bingeo.analysis, bingeo.data
bingeo.sample_cos(3, 2)
try:
    import bingeo.testing
except ImportError as error:
    print("ImportError:", error)
"""


def test_bingeo_imports_without_hypothesis_and_testing_names_the_extra():
    done = subprocess.run([sys.executable, "-c", _WITHOUT_HYPOTHESIS], capture_output=True, text=True, check=True)
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("ImportError: bingeo.testing needs hypothesis")
    assert "'testing' extra" in line and 'bingeo[testing]' in line


def test_import_bingeo_does_not_load_hypothesis():
    script = "import sys, bingeo, bingeo.bnn; print('hypothesis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
