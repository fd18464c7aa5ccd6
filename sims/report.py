"""Every network geometry experiment in one run: ``python -m sims.report --out DIR``.

Trains what it needs (short runs), runs experiments 1-8 of
:mod:`bingeo.analysis` with theory beside the measurements
(:mod:`sims.analyze`, :mod:`sims.geometry_vs_theory`), and writes

``DIR/report.md``
    tables, figures and what each experiment concludes;
``DIR/report.json``
    every number, after the run's metadata;
``DIR/*.png``
    the figures (:mod:`sims.report_figures`).

``--quick`` trains tiny networks for one epoch: a seconds-long run that
writes every file the full run writes, for tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from pathlib import Path

import numpy as np

from sims.cli import (ArgumentParser, CliError, Progress, add_progress_flags, add_seed_flag, atomic_write_json,
                      atomic_write_text, positive_int, run_main, run_metadata)

__all__ = ["build_parser", "run", "main", "plan", "REPORT_FILES", "write_report"]

FIGURES = ("angles.png", "correlations.png", "scope.png", "first_layer.png", "permutation.png", "xnor.png",
           "twins.png", "ternary.png")
REPORT_FILES = ("report.md", "report.json") + FIGURES
"""Every file a run writes into ``--out``."""

KIND_LABELS = {"wc_wb": "corr(A.W^c, A.W^b)", "wb_abwb": "corr(A.W^b, A^b.W^b)",
               "wc_abwb": "corr(A.W^c, A^b.W^b)"}


def plan(args) -> dict:
    """The networks and runs of a report, from the flags (``--quick`` shrinks all)."""
    if args.quick:
        main = dict(architecture="c4-p-d16", epochs=1, batch_size=32, lr_start=3e-2, lr_end=3e-2)
        compare = dict(architecture="d16", epochs=1, batch_size=32, lr_start=3e-2, lr_end=3e-2)
        return {"main": main, "compare": compare, "seeds": 2, "samples": 40, "train_samples": 256,
                "ternary_threshold": 0.35}
    main = dict(architecture=args.arch, epochs=args.epochs, batch_size=64, lr_start=3e-2, lr_end=3e-3)
    compare = dict(architecture=args.compare_arch, epochs=args.compare_epochs, batch_size=64,
                   lr_start=3e-2, lr_end=3e-3)
    return {"main": main, "compare": compare, "seeds": args.seeds, "samples": args.samples,
            "train_samples": args.train_samples, "ternary_threshold": 0.35}


def _load(args, train_samples):
    from bingeo.data import load_dataset

    try:
        data = load_dataset(args.dataset, data_dir=args.data_dir, seed=args.seed)
    except (OSError, ValueError) as exc:
        raise CliError(f"--dataset {args.dataset}: {exc}") from None
    if train_samples and train_samples < len(data.y_train):
        keep = np.sort(np.random.default_rng(args.seed).permutation(len(data.y_train))[:train_samples])
        data = dataclasses.replace(data, x_train=data.x_train[keep], y_train=data.y_train[keep])
    return data


def run(args, *, progress=None) -> dict:
    """Train, measure and compare; returns every number of the report."""
    import theory
    from bingeo import analysis as ba
    from bingeo.bnn import TrainConfig
    from bingeo.bnn.train import train_model
    from sims.analyze import _strip, measure

    p = plan(args)
    data = _load(args, p["train_samples"])
    x = data.x_test[: p["samples"]]
    seeds = list(range(p["seeds"]))
    tick = progress.update if progress is not None else (lambda n=1, note="": None)
    out = {"plan": p, "dataset": {"name": data.name, "train": int(len(data.y_train)),
                                  "test": int(len(data.y_test)), "analysed": int(len(x)),
                                  "image": list(data.image_shape)}}

    def train(label, **changes):
        t0 = time.perf_counter()
        cfg = TrainConfig(**{**p["main"], **changes})
        result = train_model(cfg, data)
        tick(1, note=label)
        return result, {"config": cfg.to_dict(), "test_accuracy": float(result.test_accuracy),
                        "train_accuracy": float(result.train_accuracy),
                        "seconds": round(time.perf_counter() - t0, 2)}

    binary, out["binary_network"] = train("binary network", seed=args.seed)
    ternary, out["ternary_network"] = train("ternary network", seed=args.seed, levels=3,
                                            threshold=p["ternary_threshold"])
    exp = {}
    for name in ("angles", "correlations", "scope", "first-layer", "permutation", "xnor"):
        exp[name] = _strip(measure(name, binary.network, x, seed=args.seed))
        tick(1, note=name)
    exp["ternary"] = {"angles": _strip(measure("angles", ternary.network, x, seed=args.seed)),
                      "correlations": _strip(measure("correlations", ternary.network, x, seed=args.seed))}
    tick(1, note="ternary")

    compare = TrainConfig(**p["compare"])
    counter = lambda *a: tick(1, note="training")  # noqa: E731
    exp["first_layer_accuracy"] = ba.first_layer_accuracy(data, compare, seeds=seeds, callback=counter)
    exp["xnor_training"] = ba.xnor_scale_training(data, compare, seeds=seeds, x=x, callback=counter)
    twins = ba.latent_vs_continuous(data, compare, seed=args.seed)
    for layer in twins["layers"]:
        layer["random_sd"] = math.sqrt(float(theory.pair_var_cos_value(layer["d"])))
    exp["twins"] = twins
    tick(2, note="twins")
    out["experiments"] = exp
    return out


def steps(args) -> int:
    """Progress steps of a run: trainings and experiments."""
    seeds = plan(args)["seeds"]
    return 2 + 7 + 3 * seeds + 2 * seeds + 2


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

def _f(v, spec=".3f"):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return format(v, spec)


def md_table(headers, rows) -> str:
    """A GitHub-flavoured markdown table of already formatted cells."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _within(x, y, se, z=3.0):
    return math.isfinite(se) and se > 0 and abs(x - y) <= z * se


def markdown(result: dict, meta: dict) -> str:
    """The report's text: tables, figures and conclusions computed from the numbers."""
    e = result["experiments"]
    ds = result["dataset"]
    b, t = result["binary_network"], result["ternary_network"]
    L = [f"# Network geometry report ({ds['name']})", "",
         f"Generated by `python -m sims.report` at {meta['time_utc']} (bingeo {meta['versions']['bingeo']}). "
         f"Data: {ds['name']}, {ds['train']} training images, {ds['analysed']} held-out images analysed "
         f"(of {ds['test']}). Main network `{b['config']['model']['architecture']}`, {b['config']['epochs']} epochs: "
         f"binary test accuracy {_f(b['test_accuracy'])}, ternary (threshold {t['config']['model']['threshold']}) "
         f"{_f(t['test_accuracy'])}. Uncertainties: standard errors over units (layers) or sample standard "
         "deviations over training seeds, as each table says. Every analysis pass normalizes with the "
         "statistics of the analysed batch.", ""]

    # 1 -----------------------------------------------------------------
    a = e["angles"]
    rows = a["layers"]
    L += ["## 1. Weight angles per layer", "",
          "Angle between each unit's latent weights W^c and its binarized weights W^b; theory: exact mean and "
          "sd of cos(w, sign w) for rotation-invariant w of the layer's fan-in d; *i.i.d.*: the large-d cosine "
          "for coordinates drawn from the layer's own weight histogram, E|w| / sqrt(E w^2).", "",
          md_table(["layer", "d", "units", "mean cos ± se", "angle (deg)", "theory mean", "theory angle",
                    "sd cos", "theory sd", "i.i.d.", "z vs theory"],
                   [(r["name"], r["d"], r["units"], f"{_f(r['mean_cos'], '.4f')} ± {_f(r['se_mean_cos'], '.4f')}",
                     _f(r["mean_angle_deg"], ".1f"), _f(r["theory_mean_cos"], ".4f"),
                     _f(r["theory_mean_angle_deg"], ".1f"), _f(r["sd_cos"], ".4f"), _f(r["theory_sd_cos"], ".4f"),
                     _f(r["plugin_cos"], ".4f"), _f(r["z"], ".1f")) for r in rows]), "",
          "![angles](angles.png)", ""]
    fit = a["spread_fit"]
    iid_gap = max(abs(r["mean_cos"] - r["plugin_cos"]) for r in rows)
    above = sum(r["mean_cos"] > r["theory_mean_cos"] for r in rows)
    slope_ok = _within(fit["slope"], -0.5, fit["se_slope"], 2.0)
    L += [f"The spread of the cosines falls with d with a fitted log-log slope of {_f(fit['slope'])} ± "
          f"{_f(fit['se_slope'])} over {fit['points']} layers (theory: -1/2; the exact theoretical sd at these "
          f"d gives {_f(fit['theory_fit_slope'])}): " + ("consistent with -1/2 within two standard errors." if slope_ok
                                                         else "not within two standard errors of -1/2."), "",
          f"**Conclusion.** {above} of {len(rows)} layers sit above the Gaussian theory's mean cosine; every "
          f"layer agrees with the i.i.d. prediction from its own weight histogram to within {_f(iid_gap, '.4f')}. "
          "The angle of a trained layer is that of a random vector with the layer's coordinate distribution: "
          "latent weights clipped to [-1, 1] after a short training keep a flatter-than-Gaussian histogram, "
          "which binarization preserves better than a Gaussian one (uniform: sqrt(3)/2 = 0.866 against "
          "sqrt(2/pi) = 0.798).", ""]

    # 2 -----------------------------------------------------------------
    c = e["correlations"]["layers"]
    L += ["## 2. Dot-product correlations per layer", "",
          "A: the layer's continuous input as the binary network computes it (hard-tanh of the previous "
          "layer's batch-normalized output; the image for the first layer), A^b its binarization. Correlations "
          "over the held-out samples (and positions) per unit, mean ± se over units, on one half of the samples; "
          "*predicted from C*: theory's cosine in the metric C (first column) and the zero-mean Gaussian "
          "formulas (the two with A^b), with C the input covariance measured on the other half; *isotropic*: "
          "theory for C = I and random weights. *C off I*: ||C - cI||_F / ||C||_F; *A saturated*: share of "
          "entries of A at +-1 (where hard-tanh clips, A = A^b).", "",
          md_table(["layer", "d", "C off I", "A saturated"]
                   + [f"{KIND_LABELS[k]}: measured / predicted / isotropic" for k in KIND_LABELS],
                   [(r["name"], r["d"], _f(r["isotropy"]["relative_distance"]), _f(r["saturation"], ".2f"))
                    + tuple(f"{_f(r[k]['measured'])} ± {_f(r[k]['se'])} / {_f(r[k]['predicted'])} / "
                            f"{_f(r[k]['isotropic'])}" for k in KIND_LABELS) for r in c]), "",
          "![correlations](correlations.png)", ""]
    gap_c = max(abs(r["wc_wb"]["measured"] - r["wc_wb"]["predicted"]) for r in c)
    gap_s = max(r["wb_abwb"]["measured"] - r["wb_abwb"]["predicted"] for r in c)
    L += [f"**Conclusion.** Every correlation is high (lowest {_f(min(r[k]['measured'] for r in c for k in KIND_LABELS))}). "
          f"corr(A.W^c, A.W^b) equals the metric-C cosine to within {_f(gap_c, '.4f')} in every layer: the "
          "second moments of the inputs explain it completely, and it departs from the isotropic value exactly "
          "as far as C departs from a multiple of the identity and the weights from Gaussian. The two "
          f"correlations with binarized inputs exceed their zero-mean Gaussian prediction (by up to {_f(gap_s)}): "
          f"in the hidden layers {_f(min(r['saturation'] for r in c[1:]) if len(c) > 1 else float('nan'), '.2f')} "
          f"to {_f(max(r['saturation'] for r in c[1:]) if len(c) > 1 else float('nan'), '.2f')} of the entries "
          "of A already sit at +-1, where binarizing changes nothing, so a Gaussian model of A underestimates "
          "how well A^b stands for A.", ""]

    # 3 -----------------------------------------------------------------
    s = e["scope"]["layers"]
    L += ["## 3. One layer binarized, or the whole network", "",
          "corr(continuous, binary) pre-activations per unit, mean ± se over units: *one layer*, only this "
          "layer continuous with its input from the binary network (A.W^c against A^b.W^b); *all layers*, the "
          "whole network continuous from the input onward.", "",
          md_table(["layer", "d", "one layer", "all layers", "difference"],
                   [(r["name"], r["d"], f"{_f(r['one_layer']['mean'])} ± {_f(r['one_layer']['se'])}",
                     f"{_f(r['all_layers']['mean'])} ± {_f(r['all_layers']['se'])}",
                     _f(r["one_layer"]["mean"] - r["all_layers"]["mean"])) for r in s]), "",
          "![scope](scope.png)", ""]
    drops = [r["one_layer"]["mean"] - r["all_layers"]["mean"] for r in s[1:]]
    L += [f"**Conclusion.** The first layer sees the image either way. Deeper, running the whole network "
          f"continuous lowers the correlation by {_f(min(drops) if drops else float('nan'))} to "
          f"{_f(max(drops) if drops else float('nan'))}: the differences of earlier layers compound, so the "
          "per-layer numbers of experiment 2 are an upper bound on how closely a binary network follows its "
          "continuous counterpart.", ""]

    # 4 -----------------------------------------------------------------
    fl = e["first-layer"]
    acc = e["first_layer_accuracy"]
    v = fl["variants"]
    L += ["## 4. The first layer and its remedies", "",
          f"First layer of the main network (d = {fl['d']}, {fl['units']} units, {fl['positions']} positions "
          "per input): angle and corr(A.W^c, A.q(W^c)) for plain binarization, the rotated binarization "
          "q_R(w) = R^T sign(R w) with a fixed Haar-random R, and continuous weights.", "",
          md_table(["first layer", "mean cos", "angle (deg)", "correlation ± se", "float mult-adds", "float adds"],
                   [(k, _f(v[k]["angle"]["mean_cos"], ".4f"), _f(v[k]["angle"]["mean_angle_deg"], ".1f"),
                     f"{_f(v[k]['correlation']['mean'])} ± {_f(v[k]['correlation']['se'])}",
                     v[k]["ops"]["float_mults"], v[k]["ops"]["float_adds"]) for k in v]), "",
          f"Networks `{result['plan']['compare']['architecture']}` differing only in the first layer, "
          f"{result['plan']['compare']['epochs']} epochs, test accuracy mean ± sd over {acc['binary']['seeds']} "
          "seeds; operations per input of the first layer (the rotation counted as d^2 multiply-adds per "
          "patch):", "",
          md_table(["first layer", "accuracy", "per seed", "float mult-adds", "float adds", "binary ops",
                    "weight storage (bits)"],
                   [(k, f"{_f(acc[k]['mean'])} ± {_f(acc[k]['sd'])}",
                     ", ".join(_f(x) for x in acc[k]["values"]), acc[k]["ops"]["float_mults"],
                     acc[k]["ops"]["float_adds"], acc[k]["ops"]["binary_ops"], acc[k]["ops"]["weight_bits"])
                    for k in acc]), "",
          "![first layer](first_layer.png)", ""]
    best = max(acc, key=lambda k: acc[k]["mean"])
    spread = max(acc[k]["sd"] for k in acc)
    diff = max(acc[k]["mean"] for k in acc) - min(acc[k]["mean"] for k in acc)
    first_theory = e["angles"]["layers"][0]["theory_mean_cos"]
    rot = v["rotated"]["angle"]
    agree = ("consistent (within three standard errors) with" if _within(rot["mean_cos"], first_theory,
                                                                          rot["se_mean_cos"])
             else "more than three standard errors from")
    L += [f"**Conclusion.** The rotated weights sit at cos {_f(rot['mean_cos'], '.4f')} ± {_f(rot['se_mean_cos'], '.4f')}, "
          f"{agree} theory's {_f(first_theory, '.4f')} for rotation-invariant weights at d = {fl['d']}: R w is "
          "uniform on its "
          "sphere whatever w, so the rotation restores the isotropic law of the angle — and with it removes the "
          f"advantage the plain layer's flat weight histogram had ({_f(v['binary']['angle']['mean_cos'], '.4f')}). "
          f"Its correlation {_f(v['rotated']['correlation']['mean'])} ± {_f(v['rotated']['correlation']['se'])} "
          f"against {_f(v['binary']['correlation']['mean'])} ± {_f(v['binary']['correlation']['se'])} plain "
          "follows the angle. In accuracy the best first layer is "
          f"*{best}*; the three means span {_f(diff)} against a seed-to-seed sd of up to {_f(spread)}"
          + (": no difference is resolved at this training length." if diff <= 2 * spread else ".")
          + " The rotated layer pays d^2 multiply-adds per patch for the rotation; the continuous one "
          "replaces every addition by a multiply-add.", ""]

    # 5 -----------------------------------------------------------------
    pm = e["permutation"]
    L += ["## 5. Input correlations, by permutation", "",
          "First layer of the main network with the input pixels as they are, under one fixed random "
          "permutation, and under an independent permutation per sample; *C off I* of the layer's input "
          "patches and of whole images.", "",
          md_table(["inputs", KIND_LABELS["wc_wb"], KIND_LABELS["wb_abwb"], KIND_LABELS["wc_abwb"],
                    "patch C off I", "image C off I"],
                   [(m, f"{_f(r['correlations']['wc_wb']['mean'])} ± {_f(r['correlations']['wc_wb']['se'])}",
                     _f(r["correlations"]["wb_abwb"]["mean"]), _f(r["correlations"]["wc_abwb"]["mean"]),
                     _f(r["patch_isotropy"]["relative_distance"]), _f(r["image_isotropy"]["relative_distance"]))
                    for m, r in pm.items()]), "",
          "![permutation](permutation.png)", ""]
    none_c, per_c = pm["none"]["correlations"]["wc_wb"], pm["per_sample"]["correlations"]["wc_wb"]
    moved = abs(per_c["mean"] - none_c["mean"])
    resolved = moved > 2 * math.hypot(none_c["se"], per_c["se"])
    L += ["**Conclusion.** A fixed permutation relabels the pixels: the image covariance is as far from "
          f"isotropy as before ({_f(pm['fixed']['image_isotropy']['relative_distance'])}), though a 3x3 patch now "
          "gathers unrelated pixels. A fresh permutation per sample makes the covariance equicorrelated "
          f"(image C off I {_f(pm['per_sample']['image_isotropy']['relative_distance'])}, patch "
          f"{_f(pm['per_sample']['patch_isotropy']['relative_distance'])}). The first layer's correlation goes "
          f"from {_f(none_c['mean'])} ± {_f(none_c['se'])} to {_f(per_c['mean'])} ± {_f(per_c['se'])}"
          + (", a resolved change" if resolved else ", no change resolved")
          + "; with nearly isotropic inputs theory expects it to equal the weights' own cosine "
          f"({_f(v['binary']['angle']['mean_cos'])}, experiment 4), and it "
          + ("does, within three standard errors" if _within(per_c["mean"], v["binary"]["angle"]["mean_cos"],
                                                              per_c["se"]) else "does not, by more than three standard errors")
          + ". Permuting per sample "
          "restores the geometry of the theory but destroys the spatial structure the network needs: a probe, "
          "not a remedy.", ""]

    # 6 -----------------------------------------------------------------
    xn = e["xnor"]
    xt = e["xnor_training"]
    L += ["## 6. Batch normalization and XNOR-Net's scale", "",
          "A per-unit alpha_u > 0 before batch normalization cancels: BN(alpha z) = alpha (z - mean z) / "
          "sqrt(alpha^2 var z + eps), which equals BN(z) when eps = 0 and differs by a relative "
          "(eps / 2 var z)(1 - 1/alpha^2) otherwise. Measured on the trained main network (alpha = mean |w| per "
          "unit):", "",
          md_table(["layer", "max abs diff, network", "max abs diff, eps = 0", "max abs diff, eps", "max abs output"],
                   [(r["name"], _f(r["max_abs_diff_network"], ".1e"), _f(r["max_abs_diff_eps0"], ".1e"),
                     _f(r["max_abs_diff_eps"], ".1e"), _f(r["max_abs_output"], ".2f")) for r in xn["layers"]]), "",
          f"Predictions changed by alpha: {100 * xn['prediction_changes']:.2f}% (eps = {xn['eps']:g}). Training "
          "with and without alpha (batch normalization in both):", "",
          md_table(["alpha", "accuracy (mean ± sd)", "per seed"],
                   [(k, f"{_f(xt[k]['accuracy']['mean'])} ± {_f(xt[k]['accuracy']['sd'])}",
                     ", ".join(_f(x) for x in xt[k]["accuracy"]["values"])) for k in xt]), "",
          md_table(["layer"] + [f"{k}: {KIND_LABELS[q]}" for k in xt for q in ("wc_wb", "wc_abwb")],
                   [(lay["name"],) + tuple(_f(xt[k]["correlations"][i][q]["mean"]) for k in xt
                                           for q in ("wc_wb", "wc_abwb"))
                    for i, lay in enumerate(xt["without"]["correlations"])]), "",
          "![xnor](xnor.png)", ""]
    d_acc = xt["with"]["accuracy"]["mean"] - xt["without"]["accuracy"]["mean"]
    sd_acc = max(xt[k]["accuracy"]["sd"] for k in xt)
    L += [f"**Conclusion.** With eps = 0 the scale cancels to rounding ({_f(max(r['max_abs_diff_eps0'] for r in xn['layers']), '.1e')}); "
          f"with the network's eps the outputs move by at most {_f(max(r['max_abs_diff_network'] for r in xn['layers']), '.1e')}. "
          f"Trained with alpha the accuracy differs by {_f(d_acc)} (seed sd up to {_f(sd_acc)}). In the forward "
          "pass alpha cannot matter; it changes only the gradients' scale on the latent weights during "
          "training. A scale that varies with the input position or the sample — XNOR-Net's activation scale "
          "K, the mean |input| over each patch — is not a per-unit constant, and batch normalization cannot "
          "absorb it.", ""]

    # 7 -----------------------------------------------------------------
    tw = e["twins"]
    L += ["## 7. Latent weights against a continuous twin", "",
          f"A binary network and its continuous twin trained from the same initialization and data order "
          f"(test accuracy {_f(tw['test_accuracy']['binary'])} binary, {_f(tw['test_accuracy']['continuous'])} "
          "continuous). Cosine between corresponding unit weight vectors, mean ± se over units, beside the sd "
          "1/sqrt(d) of the cosine of unrelated random vectors (mean 0), and the mean cosine of each final "
          "network to the shared initialization.", "",
          md_table(["layer", "d", "cos(latent, continuous)", "z vs 0", "random sd", "cos(binary, init)",
                    "cos(continuous, init)"],
                   [(r["name"], r["d"], f"{_f(r['weights']['mean_cos'])} ± {_f(r['weights']['se_mean_cos'])}",
                     _f(r["weights"]["mean_cos"] / r["weights"]["se_mean_cos"], ".1f")
                     if r["weights"]["se_mean_cos"] else "-",
                     _f(r["random_sd"]), _f(r["moved"]["binary"]), _f(r["moved"]["continuous"]))
                    for r in tw["layers"]]), "",
          "![twins](twins.png)", ""]
    ratio = max(r["weights"]["mean_cos"] / r["random_sd"] for r in tw["layers"])
    moved = max(max(abs(r["moved"]["binary"]), abs(r["moved"]["continuous"])) for r in tw["layers"])
    verdict = ("hardly closer to the continuous twin's than unrelated vectors are to each other: the mean cosine "
               f"is at most {_f(ratio, '.2f')} random sd" if ratio < 3 else
               f"closer to the continuous twin's than unrelated vectors (up to {_f(ratio, '.1f')} random sd)")
    L += [f"**Conclusion.** The binary network's latent weights are {verdict}. Both networks moved far from "
          f"their shared start (cosine to the initialization at most {_f(moved)}), so a shared initialization "
          "explains nothing here; at this learning rate the latent weights of a BNN are not those of its "
          "continuous twin, and the geometry of experiments 1-2 concerns a BNN's own weights.", ""]

    # 8 -----------------------------------------------------------------
    ta = e["ternary"]["angles"]["layers"]
    tc = e["ternary"]["correlations"]["layers"]
    L += ["## 8. Ternary weights and activations", "",
          f"The main architecture trained with ternary weights and activations (threshold {t['config']['model']['threshold']} "
          "on the latent weights and on the batch-normalized signals). Theory: ternary_cos(tau) for Gaussian "
          "coordinates, tau the threshold in units of the layer's weight sd; *i.i.d.*: the large-d cosine for "
          "the layer's own weight histogram.", "",
          md_table(["layer", "d", "tau", "mean cos ± se", "theory", "i.i.d.", KIND_LABELS["wc_wb"] + " (pred. C)",
                    KIND_LABELS["wb_abwb"], KIND_LABELS["wc_abwb"]],
                   [(r["name"], r["d"], _f(r["tau"]), f"{_f(r['mean_cos'], '.4f')} ± {_f(r['se_mean_cos'], '.4f')}",
                     _f(r["theory_mean_cos"], ".4f"), _f(r["plugin_cos"], ".4f"),
                     f"{_f(q['wc_wb']['measured'])} ({_f(q['wc_wb']['predicted'])})", _f(q["wb_abwb"]["measured"]),
                     _f(q["wc_abwb"]["measured"])) for r, q in zip(ta, tc)]), "",
          "![ternary](ternary.png)", ""]
    L += [f"**Conclusion.** Ternary layers keep their latent weights at cosines "
          f"{_f(min(r['mean_cos'] for r in ta))} to {_f(max(r['mean_cos'] for r in ta))}, within "
          f"{_f(max(abs(r['mean_cos'] - r['plugin_cos']) for r in ta), '.4f')} of the i.i.d. prediction from their own "
          "weights; the metric-C cosine again accounts for corr(A.W^c, A.W^b) "
          f"(largest gap {_f(max(abs(q['wc_wb']['measured'] - q['wc_wb']['predicted']) for q in tc), '.4f')}).", ""]
    return "\n".join(L)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def write_report(out: Path, result: dict, meta: dict) -> list[Path]:
    """Write report.md, report.json and the figures into ``out``."""
    from sims import report_figures as fig

    e = result["experiments"]
    out.mkdir(parents=True, exist_ok=True)
    fig.plot_angles(e["angles"]["layers"], e["angles"]["spread_fit"], out / "angles.png",
                    ternary_rows=e["ternary"]["angles"]["layers"])
    fig.plot_correlations(e["correlations"]["layers"], out / "correlations.png", KIND_LABELS)
    fig.plot_scope(e["scope"]["layers"], out / "scope.png")
    fig.plot_first_layer(e["first_layer_accuracy"], out / "first_layer.png")
    fig.plot_permutation(e["permutation"], out / "permutation.png", KIND_LABELS,
                         weight_cos=e["first-layer"]["variants"]["binary"]["angle"]["mean_cos"])
    fig.plot_xnor(e["xnor_training"], e["xnor"]["layers"], out / "xnor.png", KIND_LABELS,
                  prediction_changes=e["xnor"]["prediction_changes"], eps=e["xnor"]["eps"])
    fig.plot_twins(e["twins"]["layers"], out / "twins.png")
    fig.plot_ternary(e["ternary"]["angles"]["layers"], e["ternary"]["correlations"]["layers"], out / "ternary.png",
                     KIND_LABELS)
    atomic_write_json(out / "report.json", {"metadata": meta, **result})
    atomic_write_text(out / "report.md", markdown(result, meta) + "\n")
    return [out / name for name in REPORT_FILES]


def build_parser() -> argparse.ArgumentParser:
    from bingeo.data import DATASETS

    p = ArgumentParser(prog="python -m sims.report",
                       description="Train short runs, run every network geometry experiment, and write "
                                   "report.md, report.json and figures.")
    p.add_argument("--out", metavar="DIR", required=True, help="folder that receives the report files")
    p.add_argument("--dataset", default="digits", choices=DATASETS, help="data set (default digits)")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="folder holding or receiving the files of mnist, cifar10 and the other file-based sets")
    p.add_argument("--quick", action="store_true",
                   help="tiny networks, one epoch: seconds; writes every file of a full run")
    p.add_argument("--arch", default="c32-c32-p-c64-c64-p-d256",
                   help="main network for experiments 1-3, 5, 6 and 8 (default c32-c32-p-c64-c64-p-d256)")
    p.add_argument("--epochs", type=positive_int, default=10, help="epochs of the main networks (default 10)")
    p.add_argument("--compare-arch", default="d256-d256",
                   help="networks trained over seeds for experiments 4, 6 and 7 (default d256-d256)")
    p.add_argument("--compare-epochs", type=positive_int, default=10,
                   help="epochs of each compared network (default 10)")
    p.add_argument("--seeds", type=positive_int, default=5, help="training seeds per variant (default 5)")
    p.add_argument("--samples", type=positive_int, default=400,
                   help="held-out images analysed (default 400, at most the test set)")
    p.add_argument("--train-samples", type=int, default=6000,
                   help="training images used, a random subset when the set is larger (default 6000; 0: all)")
    add_seed_flag(p)
    add_progress_flags(p)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    def body():
        if args.train_samples < 0:
            raise CliError(f"--train-samples: expected an integer >= 0, got {args.train_samples}")
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise CliError(f"--out: {out} exists and is not a folder")
        meta = run_metadata("sims.report", args, seed=args.seed, backend="cpu")
        t0 = time.perf_counter()
        with Progress(steps(args), "report", quiet=args.quiet) as bar:
            result = run(args, progress=bar)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        for path in write_report(out, result, meta):
            print(path)

    return run_main(parser.prog, body)


if __name__ == "__main__":
    sys.exit(main())
