"""sims.report_figures draws every figure of the report from its summary, holes included.

The summary in data/report_summary_quick.json is report.json's ``summary`` (with its ``plan`` and
``dataset``) from a ``python -m sims.report --quick`` run: two seeds of tiny networks.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from sims import report
from sims import report_figures as fig

DATA = Path(__file__).parent / "data" / "report_summary_quick.json"
PNG = b"\x89PNG\r\n\x1a\n"
NAN = math.nan


@pytest.fixture(scope="module")
def summary() -> dict:
    return json.loads(DATA.read_text())["summary"]


def draw_all(s: dict, out: Path) -> list[Path]:
    """Every figure, called as :func:`sims.report.write_report` calls it."""
    ternary_rows = (s.get("ternary") or {}).get("angles")
    calls = {
        "angles.png": lambda p: fig.plot_angles(s.get("angles"), p, ternary_rows=ternary_rows),
        "correlations.png": lambda p: fig.plot_correlations(s.get("correlations"), p),
        "scope.png": lambda p: fig.plot_scope(s.get("scope"), p),
        "first_layer.png": lambda p: fig.plot_first_layer(s.get("first_layer"), p),
        "permutation.png": lambda p: fig.plot_permutation(s.get("permutation"), p),
        "xnor.png": lambda p: fig.plot_xnor(s.get("xnor"), p),
        "twins.png": lambda p: fig.plot_twins(s.get("twins"), p),
        "ternary.png": lambda p: fig.plot_ternary(s.get("ternary"), p),
        "dynamics.png": lambda p: fig.plot_dynamics(s.get("dynamics"), p),
        "paper_figure.png": lambda p: fig.plot_paper_figure(s.get("histograms"), p),
    }
    assert sorted(calls) == sorted(report.FIGURES)
    for name, draw in calls.items():
        draw(out / name)
    return [out / name for name in calls]


def assert_pngs(paths):
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == PNG and len(data) > 1000, path.name
    assert not [p for p in paths[0].parent.iterdir() if p.name not in {q.name for q in paths}], "stray files"


def test_every_figure_of_the_quick_summary(summary, tmp_path):
    assert_pngs(draw_all(summary, tmp_path))


def test_the_summary_has_what_the_figures_read(summary):
    """The fields the figures draw are present in the example, so the other tests do not pass on holes alone."""
    layer = summary["angles"]["layers"][0]
    assert {"mean_cos", "theory_mean_cos", "theory_sd_cos", "cosines_first_seed", "two_part"} <= set(layer)
    assert {"mean", "sd", "values"} <= set(layer["two_part"]["maxent"]["predicted"])
    dyn = next(iter(summary["dynamics"].values()))
    assert len(dyn["epochs"]) == len(dyn["layers"][0]["series"]["mean_cos"]["mean"])
    assert {"theory_mean_cos", "band"} <= set(dyn["layers"][0])
    hist = summary["histograms"]["layers"][0]
    assert len(hist["x_edges"]) == len(hist["counts"]) + 1 and len(hist["y_edges"]) == len(hist["counts"][0]) + 1
    assert "mean_b" in summary["permutation"]["per_sample_vs_weight_cos"]


def test_hand_made_holes(summary, tmp_path):
    """None and NaN where a tiny run leaves them, and a few malformed parts: every figure is still written."""
    s = copy.deepcopy(summary)
    a0, a1 = s["angles"]["layers"][:2]
    a0["mean_cos"] = {"mean": None, "sd": NAN, "se": None, "seeds": 1, "values": [None]}
    a0["cosines_first_seed"] = [0.9, None, NAN, 0.8]
    a1["cosines_first_seed"], a1["two_part"], a1["d"] = [0.85, 0.85, 0.85], {}, None
    s["angles"]["spread"]["slope"] = {"mean": NAN, "sd": None}
    s["ternary"]["angles"][0]["tau"] = None
    s["ternary"]["angles"][1]["theory_mean_cos"] = NAN
    s["correlations"][0]["wc_wb"]["gaussian"] = {"mean": None, "sd": None, "se": None, "seeds": 1, "values": [None]}
    s["correlations"][1]["wb_abwb"]["isotropic"] = None
    s["scope"][0]["one_layer"]["mean"], s["scope"][1]["test"] = NAN, None
    s["first_layer"]["accuracy"]["rotated"]["values"] = [NAN, None]
    s["first_layer"]["compare_ops"]["continuous"] = None
    s["first_layer"]["theory_mean_cos"] = None
    s["permutation"]["per_sample_vs_weight_cos"] = None
    s["permutation"]["modes"]["fixed"]["patch_offdiag"] = None
    s["xnor"]["layers"][0]["max_abs_output"], s["xnor"]["layers"][1]["max_abs_diff_eps0"] = 0.0, 0.0
    s["xnor"]["eps"], s["xnor"]["prediction_changes"], s["xnor"]["accuracy_test"] = None, None, None
    s["xnor"]["correlations"]["with"] = s["xnor"]["correlations"]["with"][:1]
    s["twins"]["layers"][0]["random_sd"] = None
    dyn = next(iter(s["dynamics"].values()))
    dyn["layers"][0]["series"]["mean_cos"]["mean"][1] = None
    dyn["layers"][0]["series"]["clip_share"]["sd"] = [NAN]
    dyn["layers"][1]["band"], dyn["epochs"] = None, dyn["epochs"][:2]
    h = s["histograms"]["layers"]
    h[0]["counts"][3][4], h[0]["slope"] = None, NAN
    h[1]["x_edges"] = h[1]["x_edges"][:-1]
    h[2]["counts"] = [[0] * len(row) for row in h[2]["counts"]]
    assert_pngs(draw_all(s, tmp_path))


def _poke(node, every: int, filler, count: list):
    """A copy of ``node`` with every ``every``-th number (ints, counts and fan-ins too) replaced by ``filler``."""
    if isinstance(node, dict):
        return {k: _poke(v, every, filler, count) for k, v in node.items()}
    if isinstance(node, list):
        return [_poke(v, every, filler, count) for v in node]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        count[0] += 1
        return filler if count[0] % every == 0 else node
    return node


@pytest.mark.parametrize("every, filler", [(3, NAN), (2, None), (1, NAN), (1, None)],
                         ids=["every-3rd-nan", "every-2nd-none", "all-nan", "all-none"])
def test_numbers_missing_throughout(summary, tmp_path, every, filler):
    assert_pngs(draw_all(_poke(summary, every, filler, [0]), tmp_path))


@pytest.mark.parametrize("empty", [{}, None], ids=["empty-parts", "none-parts"])
def test_parts_missing(tmp_path, empty):
    """A summary whose parts are empty (or None): empty axes, still a whole file each."""
    s = {key: empty for key in ("angles", "correlations", "scope", "first_layer", "permutation", "xnor", "twins",
                                "ternary", "dynamics", "histograms")}
    assert_pngs(draw_all(s, tmp_path))


def test_arrays_straight_from_the_runs_are_drawn(tmp_path):
    """The paper's figure reads its histogram from numpy arrays too (a summary before JSON)."""
    import numpy as np

    from sims import report_figures

    hist = {"seed": 0, "layers": [{"name": "dense1", "d": 4, "units": 2, "points": 40,
                                   "counts": np.arange(16).reshape(4, 4), "x_edges": np.linspace(-1, 1, 5),
                                   "y_edges": np.linspace(-2, 2, 5), "slope": 1.0, "intercept": 0.0, "r": 0.9}]}
    path = tmp_path / "paper.png"
    report_figures.plot_paper_figure(hist, path)
    assert path.stat().st_size > 0
    assert report_figures._list(hist["layers"][0], "counts") == np.arange(16).reshape(4, 4).tolist()
