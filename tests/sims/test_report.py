"""python -m sims.report --quick writes every file it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sims import report

ROOT = Path(__file__).resolve().parents[2]


def test_quick_report_writes_every_file(tmp_path):
    out = tmp_path / "rep"
    proc = subprocess.run([sys.executable, "-m", "sims.report", "--quick", "--quiet", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in report.REPORT_FILES:
        path = out / name
        assert path.is_file() and path.stat().st_size > 0, name
    data = json.loads((out / "report.json").read_text())
    assert list(data)[0] == "metadata" and data["metadata"]["command"] == "sims.report"
    for key in ("angles", "correlations", "scope", "first-layer", "permutation", "xnor", "ternary",
                "first_layer_accuracy", "xnor_training", "twins"):
        assert key in data["experiments"], key
    text = (out / "report.md").read_text()
    for section in range(1, 9):
        assert f"## {section}." in text
    for figure in ("permutation.png", "xnor.png", "ternary.png"):
        assert figure in report.FIGURES
    for figure in report.FIGURES:
        assert f"({figure})" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(report.REPORT_FILES)


@pytest.mark.parametrize("argv, needle", [
    (["--out", "x", "--seeds", "0"], "--seeds"),
    (["--out", "x", "--dataset", "imagenet"], "--dataset"),
    ([], "--out"),
])
def test_bad_flags_exit_2(argv, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        report.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert report.main(["--quick", "--quiet", "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err
