"""``python -m sims.bench``: the dispatcher and the angle benchmark."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from sims.bench import angle as bench_angle
from sims.bench.dispatch import main as bench_main


def test_unknown_or_missing_benchmark_is_one_line_exit_2(capsys):
    assert bench_main(["nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown benchmark 'nope'" in err and "angle, bnn" in err
    assert bench_main([]) == 2
    assert "missing benchmark name" in capsys.readouterr().err


def test_help_lists_the_benchmarks(capsys):
    assert bench_main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "angle" in out and "bnn" in out


def test_dispatcher_imports_only_the_asked_module():
    script = ("import sys; from sims.bench.dispatch import main; main(['nope']); "
              "print('sims.bench.bnn' in sys.modules, 'sims.bench.angle' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "False False"


def test_numpy_baseline_computes_the_sign_cosine():
    w = np.random.default_rng(3).standard_normal((4, 7))
    expected = np.abs(w).sum(1) / np.sqrt(7 * (w * w).sum(1))
    np.testing.assert_allclose(bench_angle.numpy_baseline_cos(7, 4, seed=3), expected, rtol=1e-15)


def test_angle_benchmark_small_run(tmp_path, capsys):
    out = tmp_path / "b.json"
    code = bench_main(["angle", "--dims", "10,100", "--draws", "20000", "--repeats", "1", "--memory-trials", "2",
                       "--json", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "speedup" in text and "peak memory" in text
    data = json.loads(out.read_text())
    assert [r["d"] for r in data["rows"]] == [10, 100]
    for row in data["rows"]:
        assert row["normals"] == row["d"] * row["trials"]
        assert row["speedup"] > 0 and row["sampler_normals_per_s"] > 0
    mem = data["memory"]
    assert mem["d"] == 10**6 and mem["trials"] == 2
    assert mem["dense_array_mib"] == pytest.approx(10**6 * 2 * 8 / 2**20)


def test_streaming_memory_stays_far_below_the_dense_array():
    # 200 trials at d = 10^6: a dense array would take 1526 MiB; the sampler
    # keeps O(trials) outputs and a 4-word state per chunk.
    mem = bench_angle.peak_memory(10**6, 200)
    assert mem["peak_growth_mib"] < 64


@pytest.mark.parametrize("argv", [["--dims", "10..5"], ["--repeats", "0"], ["--draws", "x"], ["--backend", "tpu"]])
def test_bad_flags_exit_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as info:
        bench_main(["angle", *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m sims.bench angle: error:")
