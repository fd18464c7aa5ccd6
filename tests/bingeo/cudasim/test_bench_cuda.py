"""``python -m sims.bench angle --backend cuda`` end to end, on tiny sizes."""

from __future__ import annotations

import json

from sims.bench import angle as bench_angle
from sims.bench.cuda import gpu_against_cpu


def test_gpu_against_cpu_rows():
    rows = gpu_against_cpu([16, 40], 80, repeats=1, seed=1)
    assert [(r["d"], r["trials"], r["normals"]) for r in rows] == [(16, 5, 80), (40, 2, 80)]
    for r in rows:
        assert r["cuda_normals_per_s"] > 0 and r["cpu_normals_per_s"] > 0
        assert abs(r["cuda_over_cpu"] - r["cuda_normals_per_s"] / r["cpu_normals_per_s"]) <= 1e-9 * r["cuda_over_cpu"]


def test_bench_angle_prints_the_gpu_table(tmp_path, capsys):
    out = tmp_path / "bench.json"
    code = bench_angle.main(["--backend", "cuda", "--dims", "16", "--draws", "64", "--gpu-draws", "64", "--repeats", "1",
                             "--skip-memory", "--json", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "against the CPU backend" in text and "cuda/cpu" in text
    records = json.loads(out.read_text())
    assert records["backend"] == "cuda"
    assert records["gpu_against_cpu"][0]["d"] == 16
