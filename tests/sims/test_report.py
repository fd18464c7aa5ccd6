"""python -m sims.report: every file it promises, the machine it ran on, the same numbers through
any executor, and one clear line for bad input."""

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
    machine = data["metadata"]["machine"]
    for key in ("cpu", "cpu_flags", "blas", "numba_threads", "versions"):
        assert key in machine, key
    for key in ("angles", "correlations", "scope", "first_layer", "permutation", "xnor", "twins", "ternary",
                "dynamics", "histograms", "training"):
        assert key in data["summary"], key
    assert {r["group"] for r in data["runs"]} == {"main", "ternary", "dynamics", "compare", "xnor", "continuous"}
    assert all(len(v["values"]) == data["plan"]["seeds"] for v in data["summary"]["training"].values())
    text = (out / "report.md").read_text()
    for section in range(1, 11):
        assert f"## {section}." in text
    assert "## Environment" in text and machine["cpu"] in text
    for figure in report.FIGURES:
        assert f"({figure})" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(report.REPORT_FILES)


def test_the_pool_and_the_serial_run_give_the_same_numbers():
    """Two workers (one numba thread each) and one process with every core: the same summary."""
    def summary(workers):
        args = report.build_parser().parse_args(["--out", "unused", "--quick", "--seeds", "2", "--workers",
                                                 str(workers)])
        return report.run(args)["summary"]

    serial, pool = summary(1), summary(2)
    assert json.dumps(serial, sort_keys=True, default=str) == json.dumps(pool, sort_keys=True, default=str)


@pytest.mark.parametrize("argv, needle", [
    (["--out", "x", "--seeds", "0"], "--seeds"),
    (["--out", "x", "--dataset", "imagenet"], "--dataset"),
    ([], "--out"),
    (["--out", "x", "--workers", "0"], "--workers"),
])
def test_bad_flags_exit_2(argv, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        report.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, needle", [
    (["--quick", "--arch", "zz"], "--arch zz"),
    (["--quick", "--compare-arch", "c8-p-p-p-p"], "--compare-arch"),
    (["--quick", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers"),
    (["--quick", "--dataset", "mnist", "--data-dir", "."], "--dataset mnist"),
])
def test_bad_input_is_one_line_before_any_training(argv, needle, tmp_path, capsys):
    assert report.main(argv + ["--quiet", "--out", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "rep" / "report.json").exists()


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert report.main(["--quick", "--quiet", "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err


def test_render_again_rewrites_the_text_and_figures_from_report_json(tmp_path, capsys):
    out = tmp_path / "rep"
    assert report.main(["--quick", "--quiet", "--seeds", "2", "--out", str(out)]) == 0
    text = (out / "report.md").read_text()
    (out / "report.md").unlink()
    (out / "angles.png").unlink()
    before = (out / "report.json").read_bytes()
    assert report.main(["--render-again", "--out", str(out)]) == 0
    assert (out / "report.md").read_text() == text
    assert (out / "angles.png").stat().st_size > 0 and (out / "report.json").read_bytes() == before
    assert "`python -m sims.report` (--out " in text and "--quick --seeds 2" in text


def test_render_again_needs_a_report(tmp_path, capsys):
    (tmp_path / "report.json").write_text('{"metadata": {"command": "sims.angle"}}')
    assert report.main(["--render-again", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--render-again" in err and len(err.strip().splitlines()) == 1
