"""python -m sims.report --quick writes every file it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sims import report, report_figures

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


# Hand-made records as report.json holds them, with the holes a tiny run can
# leave: None (no prediction, an undefined se) and NaN (a constant unit).
NAN = float("nan")


def _corr(mean, se):
    return {"mean": mean, "sd": None, "se": se, "units": 4, "pooled": mean}


def _isotropy(distance):
    return {"d": 9, "relative_distance": distance, "participation_ratio": None, "mean_abs_offdiag_corr": NAN}


PERMUTATION = {
    "none": {"correlations": {"wc_wb": _corr(0.9, 0.01), "wb_abwb": _corr(NAN, None), "wc_abwb": _corr(None, NAN)},
             "patch_isotropy": _isotropy(0.7), "image_isotropy": _isotropy(None)},
    "fixed": {"correlations": {"wc_wb": _corr(0.91, None), "wb_abwb": _corr(0.92, 0.01), "wc_abwb": _corr(0.8, 0.02)},
              "patch_isotropy": _isotropy(NAN), "image_isotropy": _isotropy(0.9)},
    "per_sample": {"correlations": {"wc_wb": _corr(-0.2, 0.3), "wb_abwb": _corr(0.93, 0.0),
                                    "wc_abwb": _corr(0.85, 0.01)},
                   "patch_isotropy": None, "image_isotropy": _isotropy(0.4)},
}

XNOR_TRAINING = {
    "without": {"accuracy": {"mean": 0.9, "sd": NAN, "se": None, "seeds": 1, "values": [0.9]},
                "correlations": [{"name": "dense1", "d": 64, "wc_wb": _corr(0.95, 0.01), "wb_abwb": _corr(NAN, NAN),
                                  "wc_abwb": _corr(None, None)},
                                 {"name": "output", "d": 16, "wc_wb": _corr(0.97, 0.01), "wb_abwb": _corr(0.9, 0.02),
                                  "wc_abwb": _corr(0.88, 0.02)}]},
    "with": {"accuracy": {"mean": NAN, "sd": None, "se": None, "seeds": 2, "values": [NAN, None]},
             "correlations": [{"name": "dense1", "d": 64, "wc_wb": None, "wb_abwb": _corr(0.9, 0.01),
                               "wc_abwb": _corr(0.87, None)}]},
}

XNOR_LAYERS = [
    {"index": 0, "name": "conv1", "d": 9, "max_abs_diff_network": 3e-4, "max_abs_diff_eps0": 0.0,
     "max_abs_diff_eps": 3e-4, "max_abs_output": 5.0},
    {"index": 1, "name": "dense1", "d": 64, "max_abs_diff_network": NAN, "max_abs_diff_eps0": 1e-15,
     "max_abs_diff_eps": None, "max_abs_output": 3.5},
    {"index": 2, "name": "output", "d": 16, "max_abs_diff_network": 1e-6, "max_abs_diff_eps0": 1e-16,
     "max_abs_diff_eps": 1e-6, "max_abs_output": 0.0},
]

TERNARY_ANGLES = [
    {"name": "conv1", "d": 9, "mean_cos": 0.96, "se_mean_cos": 0.003, "sd_cos": 0.01, "tau": 0.45,
     "theory_mean_cos": 0.89, "theory_sd_cos": None, "iid_cos": 0.965},
    {"name": "dense1", "d": 64, "mean_cos": NAN, "se_mean_cos": None, "sd_cos": None, "tau": None,
     "theory_mean_cos": 0.88, "theory_sd_cos": None, "iid_cos": NAN},
    {"name": "output", "d": 16, "mean_cos": 0.97, "se_mean_cos": NAN, "sd_cos": NAN, "tau": NAN,
     "theory_mean_cos": None, "theory_sd_cos": None, "iid_cos": 0.97},
]


def _measured(value, se, predicted=None):
    return {"measured": value, "se": se, "pooled": value, "isotropic": None, "identity": None,
            "predicted": predicted, "per_unit": [value], "predicted_per_unit": None}


TERNARY_CORRELATIONS = [
    {"name": "conv1", "d": 9, "wc_wb": _measured(0.96, 0.003, 0.961), "wb_abwb": _measured(0.96, None),
     "wc_abwb": _measured(NAN, NAN)},
    {"name": "dense1", "d": 64, "wc_wb": _measured(None, None, NAN), "wb_abwb": _measured(0.99, 0.001),
     "wc_abwb": _measured(0.98, 0.002)},
    {"name": "output", "d": 16, "wc_wb": _measured(0.99, 0.001, None), "wb_abwb": _measured(0.3, 0.2),
     "wc_abwb": _measured(0.98, 0.002)},
]


@pytest.mark.parametrize("draw", [
    lambda path: report_figures.plot_permutation(PERMUTATION, path, report.KIND_LABELS, weight_cos=0.91),
    lambda path: report_figures.plot_permutation(PERMUTATION, path, report.KIND_LABELS, weight_cos=None),
    lambda path: report_figures.plot_xnor(XNOR_TRAINING, XNOR_LAYERS, path, report.KIND_LABELS,
                                          prediction_changes=0.0, eps=1e-4),
    lambda path: report_figures.plot_xnor(XNOR_TRAINING, XNOR_LAYERS, path, report.KIND_LABELS,
                                          prediction_changes=NAN, eps=None),
    lambda path: report_figures.plot_ternary(TERNARY_ANGLES, TERNARY_CORRELATIONS, path, report.KIND_LABELS),
], ids=["permutation", "permutation-no-weight-cos", "xnor", "xnor-no-changes", "ternary"])
def test_new_figures_draw_records_with_holes(draw, tmp_path):
    path = tmp_path / "figure.png"
    draw(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_new_figures_draw_all_nan_records(tmp_path):
    """Every number missing: empty axes, still a whole file."""
    perm = {m: {"correlations": {k: _corr(NAN, NAN) for k in report.KIND_LABELS},
                "patch_isotropy": _isotropy(NAN), "image_isotropy": _isotropy(None)}
            for m in ("none", "fixed", "per_sample")}
    training = {m: {"accuracy": {"mean": NAN, "sd": NAN, "se": NAN, "seeds": None, "values": []},
                    "correlations": []} for m in ("without", "with")}
    layers = [{"name": "conv1", "d": 9, "max_abs_diff_network": NAN, "max_abs_diff_eps0": None,
               "max_abs_diff_eps": NAN, "max_abs_output": NAN}]
    angles = [{"name": "conv1", "d": 9, "mean_cos": NAN, "se_mean_cos": NAN, "tau": None, "theory_mean_cos": None,
               "iid_cos": None}]
    corrs = [{"name": "conv1", "d": 9, **{k: _measured(NAN, None) for k in report.KIND_LABELS}}]
    report_figures.plot_permutation(perm, tmp_path / "permutation.png", report.KIND_LABELS, weight_cos=NAN)
    report_figures.plot_xnor(training, layers, tmp_path / "xnor.png", report.KIND_LABELS,
                             prediction_changes=None, eps=NAN)
    report_figures.plot_ternary(angles, corrs, tmp_path / "ternary.png", report.KIND_LABELS)
    for name in ("permutation.png", "xnor.png", "ternary.png"):
        assert (tmp_path / name).stat().st_size > 0, name
