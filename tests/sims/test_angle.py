"""``python -m sims.angle``: the table, the JSON schema, the CSV, the figure,
and one-line errors with exit status 2."""

from __future__ import annotations

import csv
import json
import math
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

import theory
from sims import angle
from tests.tolerances import Z_ISSUE, z_bound

ROW_KEYS = {"d", "trials", "defined_trials", "mean_cos", "sem_cos", "exact_mean_cos", "z", "mean_angle_deg",
            "se_angle_deg", "sd_angle_deg", "pair_mean_cos", "pair_sem_cos", "pair_mean_angle_deg", "pair_se_angle_deg"}


def run_cli(*argv, cwd):
    return subprocess.run([sys.executable, "-m", "sims.angle", *argv], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def default_like_run(tmp_path_factory):
    """One run of the command as a user runs it, with every output."""
    out = tmp_path_factory.mktemp("angle")
    done = run_cli("--dims", "1..1000", "--num", "4", "--trials", "3000", "--seed", "5", "--json", "a.json",
                   "--csv", "a.csv", "--quiet", cwd=out)
    return out, done


def test_table_and_outputs(default_like_run):
    out, done = default_like_run
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "exact_cos" in text and "pair_angle_deg" in text
    assert f"limiting angle (d -> oo): {theory.LIMIT_ANGLE_DEG:.4f} degrees" in text
    assert "backend: cpu" in text
    # the figure is drawn only when --plot asks: nothing lands in the working folder
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "a.json"]
    assert "figure:" not in text
    assert done.stderr == ""


def test_json_schema_and_values(default_like_run):
    out, _ = default_like_run
    data = json.loads((out / "a.json").read_text())
    assert {"metadata", "limit_angle_deg", "rows", "seed", "quantizer", "dist", "backend"} <= set(data)
    assert data["metadata"]["command"] == "sims.angle" and data["metadata"]["seed"] == 5
    assert data["metadata"]["backend"] == "cpu" and data["backend"] == "cpu"
    assert (data["seed"], data["quantizer"], data["dist"]) == (5, "sign", "normal")
    assert math.isclose(data["limit_angle_deg"], theory.LIMIT_ANGLE_DEG)
    assert [r["d"] for r in data["rows"]] == [1, 10, 100, 1000]
    # three z-scores checked against exact theory: Bonferroni-split bound
    z_max = z_bound(3)
    for row in data["rows"]:
        assert ROW_KEYS <= set(row)
        assert row["trials"] == 3000
        assert math.isclose(row["exact_mean_cos"], theory.mean_cos_value(row["d"]))
        if row["d"] == 1:
            assert row["mean_cos"] == 1.0 and row["mean_angle_deg"] == 0.0 and row["z"] == 0.0
        else:
            assert abs(row["z"]) <= z_max
            assert math.isclose(row["z"], (row["mean_cos"] - row["exact_mean_cos"]) / row["sem_cos"])
            # the angle's SE from the cosine's by the delta method
            assert math.isclose(row["se_angle_deg"],
                                math.degrees(row["sem_cos"] / math.sqrt(1 - row["mean_cos"] ** 2)))
            assert math.isclose(row["pair_se_angle_deg"],
                                math.degrees(row["pair_sem_cos"] / math.sqrt(1 - row["pair_mean_cos"] ** 2)))


def test_csv_matches_json(default_like_run):
    out, _ = default_like_run
    rows = list(csv.DictReader((out / "a.csv").read_text().splitlines()))
    data = json.loads((out / "a.json").read_text())
    assert [int(r["d"]) for r in rows] == [r["d"] for r in data["rows"]]
    assert [float(r["mean_cos"]) for r in rows] == [r["mean_cos"] for r in data["rows"]]


def test_run_is_pure_and_reproducible():
    args = angle.build_parser().parse_args(["--dims", "3,30", "--trials", "400", "--seed", "2"])
    a, b = angle.run(args), angle.run(args)
    assert a["rows"] == b["rows"]
    # a row depends on its own d only, not on the rest of the grid
    c = angle.run(angle.build_parser().parse_args(["--dims", "30", "--trials", "400", "--seed", "2"]))
    assert c["rows"][0] == a["rows"][1]


def test_pair_angle_is_near_90_degrees():
    args = angle.build_parser().parse_args(["--dims", "400", "--trials", "2000"])
    row = angle.run(args)["rows"][0]
    # angle - 90 deg has sd about (180/pi)/sqrt(d) per pair
    se = math.degrees(1 / math.sqrt(400)) / math.sqrt(2000)
    assert abs(row["pair_mean_angle_deg"] - 90.0) <= Z_ISSUE * se


def test_limit_reference_for_other_laws():
    args = angle.build_parser().parse_args(["--dims", "50", "--trials", "200", "--dist", "uniform"])
    data = angle.run(args)
    assert data["reference"] == "limit"
    assert math.isclose(data["rows"][0]["exact_mean_cos"], math.sqrt(3) / 2)
    assert math.isclose(data["limit_angle_deg"], 30.0)
    assert "large-d limit" in angle.format_records(data)


def test_no_theory_gives_nulls(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(["--dims", "8,16", "--trials", "50", "--dist", "aniso:10", "--quantizer",
                                         "rotated-sign", "--json", "n.json", "--no-plot"], capsys)
    assert code == 0, err
    assert "no theory applies" in out
    data = json.loads((tmp_path / "n.json").read_text())
    assert data["limit_angle_deg"] is None
    assert all(r["exact_mean_cos"] is None and r["z"] is None for r in data["rows"])
    assert not (tmp_path / "angle.png").exists()


def test_plot_path_flag(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(["--dims", "5,50", "--trials", "100", "--plot", "sub/fig.png", "--quiet",
                                         "--dist", "uniform"], capsys)
    assert code == 0, err
    assert "figure: sub/fig.png" in out
    assert (tmp_path / "sub" / "fig.png").stat().st_size > 10_000


def run_main_inprocess(argv, capsys):
    """angle.main in this process: (exit status, stdout, stderr)."""
    try:
        code = angle.main(argv)
    except SystemExit as exc:  # argparse errors exit from inside parse_args
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", [
    ["--dims", ".."], ["--dims", "0..5"], ["--dims", "10..5"], ["--dims", "abc"], ["--dims", "1,,2"],
    ["--dims", ""], ["--dims", "3..x"], ["--dims", "1..2..3"], ["--dims", "-4"], ["--dims", "2.5"],
    ["--num", "0"], ["--trials", "0"], ["--trials", "x"], ["--seed", "-1"],
    ["--quantizer", "foo"], ["--quantizer", "ternary:-1"], ["--dist", "cauchy"], ["--dist", "t:0"],
    ["--dist", "t:0.01"], ["--dist", "t:1e-300"],
    ["--backend", "gpu"], ["--dims", "10", "--dist", "t:2", "--quantizer", "ternary:1"],
    ["--dims", "5000", "--quantizer", "rotated-sign"], ["--dims", "3", "--dist", "aniso:0"],
    ["--dims", "9223372036854775808"], ["--trials", "10000000000000"], ["--plot", "out.xyz"],
    ["--json", ""], ["--csv", ""], ["--json", "same.out", "--csv", "same.out"], ["--json", "-", "--csv", "-"],
    ["--json", "/proc/x.json"], ["--csv", "."], ["--json", "sub/../sub2/../"],
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(argv, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m sims.angle: error:"), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--dims", "10..5"], ["--quantizer", "foo"]])
def test_bad_arguments_from_the_shell(tmp_path, argv):
    done = run_cli(*argv, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_cuda_backend_under_the_simulator(tmp_path):
    # the simulator runs the CUDA kernels on the CPU; it must be switched on
    # before numba is imported, hence a process of its own
    import os

    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    done = subprocess.run([sys.executable, "-m", "sims.angle", "--dims", "3", "--trials", "8", "--backend", "cuda",
                           "--json", "c.json", "--no-plot", "--quiet"], cwd=tmp_path, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["backend"] == "cuda" and data["metadata"]["device"] == "CUDA simulator"
    assert "backend: cuda (CUDA simulator)" in done.stdout


def _quick(*extra):
    return ["--dims", "20,200", "--trials", "300", "--quiet", *extra]


@pytest.mark.parametrize("nu", ["3", "5", "30", "2.0001"])
def test_student_t_runs_against_its_limit(tmp_path, monkeypatch, capsys, nu):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(_quick("--dist", f"t:{nu}", "--json", "t.json"), capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["reference"] == "limit"
    assert math.isclose(data["rows"][0]["exact_mean_cos"], theory.angle_theory("t", "sign", nu=float(nu)).limit_cos)


def _limit_memory():
    # 3 GiB of address space: SymPy's integrals at t:1000000 asked for more
    # and the kernel killed the command
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.parametrize("dist, quantizer", [("t:1000000", "ternary:0.5"), ("t:1e300", "sign"), ("t:1e6", "kbit:3")])
def test_student_t_with_a_large_nu_runs_against_its_limit(tmp_path, dist, quantizer):
    done = subprocess.run([sys.executable, "-m", "sims.angle", *_quick("--dist", dist, "--quantizer", quantizer,
                                                                        "--json", "t.json")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, preexec_fn=_limit_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["reference"] == "limit"
    spec = {"ternary": {"tau": 0.5}, "kbit": {"k": 3}, "sign": {}}[quantizer.split(":")[0]]
    nu = float(dist.split(":")[1])
    assert data["rows"][0]["exact_mean_cos"] == theory.angle_theory("t", quantizer.split(":")[0], nu=nu,
                                                                     **spec).limit_cos


@pytest.mark.parametrize("argv, why", [
    (["--plot", "a.png", "--no-plot"], "not allowed with"),
    (["--plot", ""], "expected a file path"),
    (["--json", "d.json", "--plot", "d.json"], "same file"),
])
def test_conflicting_or_empty_outputs_are_refused(tmp_path, monkeypatch, capsys, argv, why):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(argv, capsys)
    assert code == 2 and why in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_unwritable_outputs_are_refused_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    monkeypatch.setattr(angle, "run", lambda *a, **k: pytest.fail("computed before checking the outputs"))
    for flag, path, why in [("--json", "folder", "is a folder"), ("--csv", "file.txt/x.csv", "not a folder"),
                            ("--plot", "/proc/x.png", "cannot write in /proc"),
                            ("--json", "file.txt/sub/x.json", "not a folder")]:
        code, out, err = run_main_inprocess([flag, path], capsys)
        assert code == 2 and flag in err and why in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_folder_without_write_permission_is_refused(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, out, err = run_main_inprocess(["--json", str(locked / "x.json")], capsys)
    finally:
        locked.chmod(0o700)
    assert code == 2 and "Permission denied" in err


def test_a_failed_write_is_one_line(capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    code, out, err = run_main_inprocess(_quick("--json", "/dev/full"), capsys)
    assert code == 2 and "No space left" in err and len(err.strip().splitlines()) == 1
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # still the device, not a file


def test_json_to_standard_output_and_through_a_symlink(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(_quick("--json", "-"), capsys)
    assert code == 0 and json.loads(out)["rows"][0]["d"] == 20  # stdout holds the JSON alone
    assert "angle(w, q(w))" in err  # the table went to stderr
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    code, out, err = run_main_inprocess(_quick("--csv", "link.csv"), capsys)
    assert code == 0 and (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("d,trials")


@pytest.mark.parametrize("extra", [["--quantizer", "kbit:2:1e308"], ["--quantizer", "kbit:2:1e300"],
                                   ["--quantizer", "kbit:2:1e-300"], ["--dist", "aniso:1e300"]])
def test_extreme_clips_and_scales_give_real_angles(extra):
    # a clip far above or below every |x| makes k-bit the sign (about 37 to 40
    # degrees here); with sign, |w|_1 >= |w|_2 keeps the cosine at least
    # 1/sqrt(d) however anisotropic w is (overflow gave 0 and -1)
    data = angle.run(angle.build_parser().parse_args(_quick(*extra)))
    for row in data["rows"]:
        assert 1 / math.sqrt(row["d"]) * (1 - 1e-12) <= row["mean_cos"] <= 1
        if extra[0] == "--quantizer":
            assert 30 < row["mean_angle_deg"] < 45


def test_all_zero_ternary_output_is_undefined_not_90_degrees(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(["--dims", "10", "--trials", "200", "--quantizer", "ternary:6", "--quiet",
                                         "--json", "z.json"], capsys)
    assert code == 0, err
    row = json.loads((tmp_path / "z.json").read_text())["rows"][0]
    assert row["defined_trials"] < 5  # P(|x| > 6 sd somewhere in 10 coordinates) is 2e-8
    if row["defined_trials"] == 0:
        assert row["mean_cos"] is None and row["mean_angle_deg"] is None
    assert "undefined: q(w) = 0" in out and "90.000" not in out


def test_a_huge_ternary_threshold_is_undefined_not_a_traceback(tmp_path, monkeypatch, capsys):
    # theory's ternary cosine overflowed in mpmath's erfc at tau = 1e300
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main_inprocess(_quick("--quantizer", "ternary:1e300", "--json", "h.json"), capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "h.json").read_text())
    assert all(r["defined_trials"] == 0 and r["exact_mean_cos"] == 0.0 for r in data["rows"])
    assert data["limit_angle_deg"] == 90.0 and "undefined: q(w) = 0" in out


_LONG_RUN = """
import sys
from sims import angle
sys.exit(angle.main(["--dims", "10000000000", "--trials", "4"]))
"""


def test_a_long_run_says_so_and_answers_ctrl_c(tmp_path):
    # 4 trials of 10^10 coordinates: hours of sampling, announced on stderr
    # before it starts; SIGINT then ends it with status 130 and one line
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-c", _LONG_RUN], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert "a long run: about" in line and "Ctrl-C" in line, line
        time.sleep(1.0)  # into the sampling loop
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and err.strip() == "python -m sims.angle: interrupted" and "Traceback" not in err
