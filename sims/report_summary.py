"""From the runs of a report to its numbers: per-seed values, their spread, and the stated tests.

Every experiment that trains is summarized over its training seeds (mean and
sd); every comparison is one of :func:`bingeo.uncertainty.compare_seeds`
(against theory, paired seeds, or independent runs) with the rule
:data:`bingeo.uncertainty.RESOLVE_LEVEL`: resolved when |difference| > t SE, Student's t at 5%.
The markdown (:mod:`sims.report_sections`) writes its conclusions from the
``resolved`` flags and signs computed here, never from fixed prose.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

import theory
from bingeo.analysis import CORRELATION_KINDS, seed_spread
from bingeo.uncertainty import compare_seeds
from sims.geometry_vs_theory import TWO_PART_LAWS
from sims.report_plan import DYNAMICS_INITS, DYNAMICS_RECIPES, FIRST_LAYERS

__all__ = ["summarize", "group_runs"]


def group_runs(runs: list[dict]) -> dict:
    """``{(group, variant): [run, ...]}`` with runs in seed order."""
    out = defaultdict(list)
    for r in sorted(runs, key=lambda r: r["seed"]):
        out[(r["group"], r["variant"])].append(r)
    return dict(out)


def _values(runs, get) -> list[float]:
    out = []
    for r in runs:
        try:
            v = get(r)
        except (KeyError, IndexError, TypeError):
            v = None
        out.append(float(v) if v is not None else math.nan)
    return out


def _spread(values) -> dict:
    return seed_spread([v for v in values if math.isfinite(v)] or [math.nan])


def _accuracy(runs) -> dict:
    return {**_spread(_values(runs, lambda r: r["test_accuracy"])), "test_images": runs[0]["test_images"],
            "seed_list": [r["seed"] for r in runs]}


def _angles(runs, key="angles") -> dict:
    first = runs[0][key]["layers"] if isinstance(runs[0][key], dict) else runs[0][key]
    layers = []
    for i, ref in enumerate(first):
        def at(r, i=i):
            rows = r[key]["layers"] if isinstance(r[key], dict) else r[key]
            return rows[i]
        cos = _values(runs, lambda r: at(r)["mean_cos"])
        row = {"name": ref["name"], "d": ref["d"], "units": ref["units"],
               "mean_cos": _spread(cos), "angle_deg": _spread(_values(runs, lambda r: at(r)["mean_angle_deg"])),
               "sd_cos": _spread(_values(runs, lambda r: at(r)["sd_cos"])),
               "clip_share": _spread(_values(runs, lambda r: at(r)["clip_share"])),
               "excess_kurtosis": _spread(_values(runs, lambda r: at(r)["excess_kurtosis"])),
               "plugin_cos": _spread(_values(runs, lambda r: at(r)["plugin_cos"])),
               "theory_mean_cos": _spread(_values(runs, lambda r: at(r)["theory_mean_cos"]))["mean"],
               "theory_sd_cos": ref.get("theory_sd_cos", math.nan),
               "cosines_first_seed": ref.get("cosines")}
        if "tau" in ref:
            row["tau"] = _spread(_values(runs, lambda r: at(r)["tau"]))
        theory_cos = row["theory_mean_cos"]
        row["vs_theory"] = compare_seeds(cos, reference=theory_cos) if math.isfinite(theory_cos) else None
        theory_sd = row["theory_sd_cos"]
        # the spread over units against a layer of rotation-invariant weights at the same d
        row["sd_vs_theory"] = compare_seeds(row["sd_cos"]["values"], reference=theory_sd) \
            if theory_sd is not None and math.isfinite(theory_sd) else None
        row["theory_angle_deg"] = math.degrees(math.acos(theory_cos)) if math.isfinite(theory_cos) else math.nan
        gaps = [abs(a - b) for a, b in zip(_values(runs, lambda r: at(r)["plugin_cos"]), cos)]
        row["plugin_gap"] = max(gaps) if gaps else math.nan
        row["two_part"] = {}
        for law in TWO_PART_LAWS:
            pred = _values(runs, lambda r, law=law: at(r)["two_part"][law]["mean"])
            if all(math.isfinite(p) for p in pred):
                row["two_part"][law] = {"predicted": _spread(pred), "test": compare_seeds(pred, cos, paired=True)}
        layers.append(row)
    return {"layers": layers}


def _spread_slope(runs) -> dict:
    slopes = _values(runs, lambda r: r["angles"]["spread_fit"]["slope"])
    theory_slope = runs[0]["angles"]["spread_fit"]["theory_fit_slope"]
    return {"slope": _spread(slopes), "theory_fit_slope": theory_slope,
            "points": runs[0]["angles"]["spread_fit"]["points"],
            # a description, not a test: each layer's spread follows its own weight law (section 1 tests
            # the spread layer by layer), so the slope across layers is no single prediction of theory
            }


def _correlations(runs, key="correlations", levels=2) -> list[dict]:
    out = []
    for i, ref in enumerate(runs[0][key]):
        row = {"name": ref["name"], "d": ref["d"],
               "saturation": _spread(_values(runs, lambda r, i=i: r[key][i]["saturation"])),
               "offdiag": _spread(_values(runs, lambda r, i=i: r[key][i]["isotropy"]["relative_distance"]))}
        for kind in CORRELATION_KINDS:
            get = lambda name, i=i, kind=kind: _values(runs, lambda r: r[key][i][kind][name])  # noqa: E731
            measured, gauss, moments = get("measured"), get("predicted"), get("second_moment")
            row[kind] = {"measured": _spread(measured), "gaussian": _spread(gauss), "second_moment": _spread(moments),
                         "isotropic": ref[kind]["isotropic"],
                         "vs_gaussian": compare_seeds(gauss, measured, paired=True)
                         if all(math.isfinite(v) for v in gauss) else None,
                         "vs_second_moment": compare_seeds(moments, measured, paired=True),
                         "vs_isotropic": compare_seeds(measured, reference=ref[kind]["isotropic"])
                         if math.isfinite(ref[kind]["isotropic"] or math.nan) else None}
        out.append(row)
    return out


def _scope(runs) -> list[dict]:
    out = []
    for i, ref in enumerate(runs[0]["scope"]):
        one = _values(runs, lambda r, i=i: r["scope"][i]["one_layer"]["mean"])
        every = _values(runs, lambda r, i=i: r["scope"][i]["all_layers"]["mean"])
        out.append({"name": ref["name"], "d": ref["d"], "one_layer": _spread(one), "all_layers": _spread(every),
                    "test": compare_seeds(one, every, paired=True)})
    return out


def _first_layer(main_runs, compare) -> dict:
    fl = main_runs[0]["first_layer"]
    d = fl["d"]
    variants = {}
    for kind in fl["variants"]:
        cos = _values(main_runs, lambda r, k=kind: r["first_layer"]["variants"][k]["angle"]["mean_cos"])
        corr = _values(main_runs, lambda r, k=kind: r["first_layer"]["variants"][k]["correlation"]["mean"])
        variants[kind] = {"mean_cos": _spread(cos), "correlation": _spread(corr), "ops": fl["variants"][kind]["ops"]}
    theory_cos = float(theory.mean_cos_value(d))
    rot = _values(main_runs, lambda r: r["first_layer"]["variants"]["rotated"]["angle"]["mean_cos"])
    plain = _values(main_runs, lambda r: r["first_layer"]["variants"]["binary"]["angle"]["mean_cos"])
    acc = {v: _accuracy(compare[("compare", v)]) for v in FIRST_LAYERS}
    binary_acc = acc["binary"]["values"]
    tests = {v: compare_seeds(acc[v]["values"], binary_acc, paired=True) for v in FIRST_LAYERS if v != "binary"}
    return {"d": d, "units": fl["units"], "positions": fl["positions"], "variants": variants,
            "theory_mean_cos": theory_cos, "rotated_vs_theory": compare_seeds(rot, reference=theory_cos),
            "plain_vs_theory": compare_seeds(plain, reference=theory_cos),
            "accuracy": acc, "accuracy_vs_binary": tests,
            "compare_ops": {v: compare[("compare", v)][0].get("ops") for v in FIRST_LAYERS}}


def _permutation(runs, first_layer) -> dict:
    modes = list(runs[0]["permutation"])
    out = {"modes": {}}
    for mode in modes:
        out["modes"][mode] = {
            kind: _spread(_values(runs, lambda r, m=mode, k=kind: r["permutation"][m]["correlations"][k]["mean"]))
            for kind in CORRELATION_KINDS}
        out["modes"][mode]["patch_offdiag"] = _spread(
            _values(runs, lambda r, m=mode: r["permutation"][m]["patch_isotropy"]["relative_distance"]))
        out["modes"][mode]["image_offdiag"] = _spread(
            _values(runs, lambda r, m=mode: r["permutation"][m]["image_isotropy"]["relative_distance"]))
    none = _values(runs, lambda r: r["permutation"]["none"]["correlations"]["wc_wb"]["mean"])
    per = _values(runs, lambda r: r["permutation"]["per_sample"]["correlations"]["wc_wb"]["mean"])
    weight_cos = _values(runs, lambda r: r["first_layer"]["variants"]["binary"]["angle"]["mean_cos"])
    out["per_sample_vs_none"] = compare_seeds(per, none, paired=True)
    out["per_sample_vs_weight_cos"] = compare_seeds(per, weight_cos, paired=True)
    return out


def _xnor(main_runs, groups) -> dict:
    layers = []
    for i, ref in enumerate(main_runs[0]["xnor"]["layers"]):
        layers.append({"name": ref["name"], "d": ref["d"],
                       **{k: max(_values(main_runs, lambda r, i=i, k=k: r["xnor"]["layers"][i][k]))
                          for k in ("max_abs_diff_network", "max_abs_diff_eps0", "max_abs_diff_eps",
                                    "max_abs_output")}})
    with_runs, without_runs = groups[("xnor", "with")], groups[("compare", "binary")]
    acc_with, acc_without = _accuracy(with_runs), _accuracy(without_runs)
    corr = {}
    for label, runs in (("without", without_runs), ("with", with_runs)):
        corr[label] = [{"name": ref["name"], "d": ref["d"],
                        **{k: _spread(_values(runs, lambda r, i=i, k=k: r["correlation_summary"][i][k]["mean"]))
                           for k in CORRELATION_KINDS}}
                       for i, ref in enumerate(runs[0]["correlation_summary"])]
    return {"layers": layers, "eps": main_runs[0]["xnor"]["eps"],
            "prediction_changes": _spread(_values(main_runs, lambda r: r["xnor"]["prediction_changes"])),
            "accuracy": {"without": acc_without, "with": acc_with},
            "accuracy_test": compare_seeds(acc_with["values"], acc_without["values"], paired=True),
            "correlations": corr}


def _twins(groups) -> dict:
    from bingeo.analysis import paired_layer_cosines
    from bingeo.bnn import ModelConfig, Network

    binary, continuous = groups[("compare", "binary")], groups[("continuous", "continuous")]
    per_seed = []
    for b, c in zip(binary, continuous):
        cfg_b = ModelConfig.from_dict(b["model"])
        net_b = Network(cfg_b, state=b["state"])
        net_c = Network(ModelConfig.from_dict(c["model"]), state=c["state"])
        per_seed.append(paired_layer_cosines(net_b, net_c, Network(cfg_b)))
    layers = []
    for i, ref in enumerate(per_seed[0]):
        cos = [p[i]["weights"]["mean_cos"] for p in per_seed]
        random_sd = math.sqrt(float(theory.pair_var_cos_value(ref["d"])))
        units = ref["weights"].get("units", 1)
        layers.append({"name": ref["name"], "d": ref["d"], "cos": _spread(cos), "random_sd": random_sd,
                       # a layer mean of `units` unrelated cosines has sd random_sd / sqrt(units)
                       "vs_unrelated": compare_seeds(cos, reference=0.0),
                       "random_sd_of_mean": random_sd / math.sqrt(max(units, 1)),
                       "moved_binary": _spread([p[i]["moved"]["binary"] for p in per_seed]),
                       "moved_continuous": _spread([p[i]["moved"]["continuous"] for p in per_seed])})
    return {"layers": layers, "accuracy": {"binary": _accuracy(binary), "continuous": _accuracy(continuous)}}


def _dynamics(groups) -> dict:
    out = {}
    for label, _, _ in DYNAMICS_RECIPES:
        for init in DYNAMICS_INITS:
            runs = groups.get(("dynamics", f"{label}/{init}"))
            if not runs:
                continue
            epochs = [e["epoch"] for e in runs[0]["dynamics"]]
            layers = []
            for i, ref in enumerate(runs[0]["dynamics"][0]["layers"]):
                d, units = ref["d"], ref["units"]
                th = float(theory.mean_cos_value(d))
                band = 2 * math.sqrt(float(theory.var_cos_value(d))) / math.sqrt(units)
                series = {}
                for field in ("mean_cos", "clip_share", "excess_kurtosis"):
                    arr = np.array([[e["layers"][i][field] for e in r["dynamics"]] for r in runs], dtype=np.float64)
                    series[field] = {"mean": np.nanmean(arr, axis=0).tolist(),
                                     "sd": (np.nanstd(arr, axis=0, ddof=1) if len(runs) > 1
                                            else np.full(arr.shape[1], np.nan)).tolist()}
                mean_cos = np.array(series["mean_cos"]["mean"])
                inside = np.abs(mean_cos - th) <= band
                final = [r["dynamics"][-1]["layers"][i]["mean_cos"] for r in runs]
                layers.append({"name": ref["name"], "d": d, "units": units, "theory_mean_cos": th, "band": band,
                               "series": series, "first_epoch_in_band": int(epochs[int(np.argmax(inside))])
                               if inside.any() else None,
                               "final": _spread(final), "final_vs_theory": compare_seeds(final, reference=th),
                               "final_in_band": bool(inside[-1])})
            out[f"{label}/{init}"] = {"recipe": label, "init": init, "epochs": epochs, "layers": layers,
                                      "accuracy": _accuracy(runs)}
    return out


def summarize(runs: list[dict]) -> dict:
    """Every experiment's numbers and tests from the report's runs."""
    groups = group_runs(runs)
    main, ternary = groups[("main", "binary")], groups[("ternary", "ternary")]
    first = _first_layer(main, groups)
    hist = main[0]["histograms"]
    return {
        "training": {f"{g}/{v}": _accuracy(rs) for (g, v), rs in groups.items()},
        "angles": {**_angles(main), "spread": _spread_slope(main)},
        "correlations": _correlations(main),
        "scope": _scope(main),
        "first_layer": first,
        "permutation": _permutation(main, first),
        "xnor": _xnor(main, groups),
        "twins": _twins(groups),
        "ternary": {"angles": _angles(ternary)["layers"], "correlations": _correlations(ternary, levels=3),
                    "accuracy": _accuracy(ternary)},
        "dynamics": _dynamics(groups),
        "histograms": {"seed": main[0]["seed"], "layers": hist},
    }
