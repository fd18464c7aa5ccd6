"""The report's markdown, experiments 6-10 and the environment (see :mod:`sims.report_sections`)."""

from __future__ import annotations

from bingeo.analysis import CORRELATION_KINDS
from bingeo.uncertainty import chance_count
from sims.report_sections import KIND_LABELS
from sims.report_text import count_verdicts, diff_cell, f, md_table, pm, span, verdict

__all__ = ["xnor", "twins", "ternary", "dynamics", "paper_figure", "environment"]


def xnor(s: dict, ctx: dict) -> list[str]:
    """Experiment 6: XNOR-Net's scale under batch normalization."""
    x = s["xnor"]
    t = x["accuracy_test"]
    corr = x["correlations"]
    eps0 = max(r["max_abs_diff_eps0"] for r in x["layers"])
    net = max(r["max_abs_diff_network"] for r in x["layers"])
    return [
        "## 6. Batch normalization and XNOR-Net's scale", "",
        "A per-unit alpha_u > 0 applied to the product cancels in batch normalization up to its epsilon: "
        "BN(alpha z; eps) = BN(z; eps / alpha^2). *Check* (an identity, not evidence): the largest change of any "
        "layer output when alpha = mean |w| is switched on in the trained main networks, with eps = 0 and with the "
        "network's eps, over seeds:", "",
        md_table(["layer", "max abs diff, eps = 0", "max abs diff, network", "max abs output"],
                 [(r["name"], f(r["max_abs_diff_eps0"], ".1e"), f(r["max_abs_diff_network"], ".1e"),
                   f(r["max_abs_output"], ".2f")) for r in x["layers"]]), "",
        f"Predictions changed by alpha: {pm(x['prediction_changes'], '.4f')} of the held-out images (eps = "
        f"{x['eps']:g}). Trained with and without alpha (`{ctx['plan']['compare_arch']}`, same seeds):", "",
        md_table(["alpha", "accuracy"], [(k, pm(v, ".4f")) for k, v in x["accuracy"].items()]), "",
        md_table(["layer"] + [f"{k}: {KIND_LABELS[q]}" for k in corr for q in CORRELATION_KINDS],
                 [(layer["name"],) + tuple(pm(corr[k][i][q]) for k in corr for q in CORRELATION_KINDS)
                  for i, layer in enumerate(corr["without"])]), "", "![xnor](xnor.png)", "",
        f"**Conclusion.** Check: with eps = 0 the scale cancels to rounding ({f(eps0, '.1e')}); with the "
        f"network's eps the outputs move by at most {f(net, '.1e')}. Trained with alpha, accuracy is "
        f"{verdict(t, 'higher', 'lower', 'not resolved from that without it')} ({diff_cell(t, '.4f')}): in the "
        "forward pass alpha can only matter through eps; in training it changes the latent weights' gradients.", ""]


def twins(s: dict, ctx: dict) -> list[str]:
    """Experiment 7: the latent weights against a continuous twin."""
    tw = s["twins"]
    rows = tw["layers"]
    c = count_verdicts([r["vs_unrelated"] for r in rows])
    return [
        "## 7. Latent weights against a continuous twin", "",
        f"A binary network and its continuous twin (`{ctx['plan']['compare_arch']}`) trained from the same "
        f"initialization and data order (test accuracy {pm(tw['accuracy']['binary'], '.4f')} binary, "
        f"{pm(tw['accuracy']['continuous'], '.4f')} continuous). Mean over units of the cosine between "
        "corresponding unit weight vectors, mean ± sd over seeds, tested against 0 (unrelated vectors); the sd "
        "of one unrelated cosine, sqrt(Var) at d, and of a layer mean of them; the mean cosine of each final "
        "network to the shared initialization.", "",
        md_table(["layer", "d", "cos(latent, continuous)", "vs 0", "random sd (one, layer mean)",
                  "cos(binary, init)", "cos(continuous, init)"],
                 [(r["name"], r["d"], pm(r["cos"]), diff_cell(r["vs_unrelated"]),
                   f"{f(r['random_sd'])}, {f(r['random_sd_of_mean'], '.4f')}", pm(r["moved_binary"]),
                   pm(r["moved_continuous"])) for r in rows]), "", "![twins](twins.png)", "",
        f"**Conclusion.** In {c['more']} of {len(rows)} layers the latent weights are resolved closer to the "
        f"continuous twin's than unrelated vectors (mean cosines {span([r['cos']['mean'] for r in rows])}); "
        f"{c['same'] + c['less']} are not. The cosine to the shared initialization ends at "
        f"{span([r['moved_binary']['mean'] for r in rows])} for the binary and "
        f"{span([r['moved_continuous']['mean'] for r in rows])} for the continuous network.", ""]


def ternary(s: dict, ctx: dict) -> list[str]:
    """Experiment 8: ternary weights and activations."""
    te = s["ternary"]
    rows, corr = te["angles"], te["correlations"]
    c = count_verdicts([r["vs_theory"] for r in rows])
    moment = count_verdicts([q[k]["vs_second_moment"] for q in corr for k in CORRELATION_KINDS])
    off, total = moment["more"] + moment["less"], sum(moment.values())
    return [
        "## 8. Ternary weights and activations", "",
        f"The main architecture trained with ternary weights and activations (threshold "
        f"{ctx['plan']['ternary_threshold']} on the latent weights and on the batch-normalized signals), test "
        f"accuracy {pm(te['accuracy'], '.4f')}. Theory: ternary_cos(tau) for Gaussian coordinates, tau the "
        "threshold in units of the layer's weight sd; *check*: the plug-in cosine of the layer's pooled weights "
        "(an identity on pooled moments). Correlations: measured, and the second-moment prediction minus it.", "",
        md_table(["layer", "d", "tau", "mean cos", "theory", "vs theory", "check: plug-in"]
                 + [f"{KIND_LABELS[k]} (2nd-moment pred.)" for k in CORRELATION_KINDS],
                 [(r["name"], r["d"], pm(r.get("tau")), pm(r["mean_cos"], ".4f"), f(r["theory_mean_cos"], ".4f"),
                   diff_cell(r["vs_theory"], ".4f"), pm(r["plugin_cos"], ".4f"))
                  + tuple(f"{pm(q[k]['measured'])} ({diff_cell(q[k]['vs_second_moment'])})" for k in CORRELATION_KINDS)
                  for r, q in zip(rows, corr)]), "", "![ternary](ternary.png)", "",
        f"**Conclusion.** Against ternary theory at each layer's tau, {c['more']} of {len(rows)} layers sit above "
        f"(resolved), {c['less']} below, {c['same']} not resolved. The second-moment prediction is off "
        f"(resolved) in {off} of {total} correlations, "
        + (f"what chance gives for an exact prediction (at most {chance_count(total)} in 95% of runs at a 5% rule)."
           if off <= chance_count(total) else
           f"more than chance gives for an exact prediction (at most {chance_count(total)} in 95% of runs)."), ""]


def dynamics(s: dict, ctx: dict) -> list[str]:
    """Experiment 9: training dynamics of the latent weights, per recipe and initialization."""
    dyn = s["dynamics"]
    rows, sentences = [], []
    for key, v in dyn.items():
        for r in v["layers"]:
            series = r["series"]
            rows.append((v["recipe"], v["init"], r["name"], r["d"], f(series["mean_cos"]["mean"][0], ".4f"),
                         pm(r["final"], ".4f"), f(r["theory_mean_cos"], ".4f"), diff_cell(r["final_vs_theory"], ".4f"),
                         r["first_epoch_in_band"] if r["first_epoch_in_band"] is not None else "never",
                         f(series["clip_share"]["mean"][-1]), f(series["excess_kurtosis"]["mean"][-1], ".2f")))
        c = count_verdicts([r["final_vs_theory"] for r in v["layers"]])
        sentences.append(f"`{v['recipe']}` from {v['init']} (test accuracy {pm(v['accuracy'], '.3f')}): "
                         f"{c['more']} of {len(v['layers'])} layers end above the Gaussian cosine (resolved), "
                         f"{c['less']} below, {c['same']} not resolved; at the clip at the end: "
                         f"{span([r['series']['clip_share']['mean'][-1] for r in v['layers']])}.")
    epochs = next(iter(dyn.values()))["epochs"][-1] if dyn else 0
    return [
        "## 9. Training dynamics: does a recipe reach the Gaussian 37 degrees?", "",
        f"`{ctx['plan']['dynamics_arch']}` trained {epochs} epochs by each recipe (`glorot-squared`: BinaryNet's "
        "with the square of its weight-rate multiplier, bingeo's earlier default) from Glorot-uniform (cos "
        "sqrt(3)/2 = 0.866 at large d) and Glorot-normal (the Gaussian sqrt(2/pi) = 0.798) initializations, "
        f"{ctx['plan']['seeds']} seeds each. Per layer: the mean cosine at initialization, at the end (mean ± sd "
        "over seeds) and its test against the Gaussian theory at d; theory's band is its mean ± 2 sd / "
        "sqrt(units), where a layer of Gaussian weights falls 95% of the time, and *enters band* the first epoch "
        "the seed mean lies inside it; the share of latent weights at the clip and their excess kurtosis at the "
        "end.", "",
        md_table(["recipe", "init", "layer", "d", "cos at init", "cos at end", "Gaussian theory", "end vs theory",
                  "enters band", "at clip", "excess kurtosis"], rows), "", "![dynamics](dynamics.png)", "",
        "**Conclusion.** " + " ".join(sentences), ""]


def paper_figure(s: dict, ctx: dict) -> list[str]:
    """Experiment 10: the paper's figure, A.W^b against A.W^c."""
    h = s["histograms"]["layers"]
    return [
        "## 10. The paper's figure: A.W^b against A.W^c", "",
        f"Per layer of the main network (seed {s['histograms']['seed']}), the 2-D histogram of the pre-activation "
        "with binarized weights against the one with latent weights over every unit, position and held-out "
        "sample (log colour scale), with the least-squares line and the pooled correlation r.", "",
        md_table(["layer", "d", "points", "r", "slope"],
                 [(r["name"], r["d"], r["points"], f(r["r"], ".4f"), f(r["slope"], ".3f")) for r in h]), "",
        "![paper figure](paper_figure.png)", "",
        f"**Conclusion.** The pooled correlations run {span([r['r'] for r in h])} "
        f"(lowest in {min(h, key=lambda r: r['r'])['name']}).", ""]


def environment(s: dict, ctx: dict) -> list[str]:
    """Where the report ran: the numbers depend on the machine only where docs/bnn_layers.md says."""
    m = ctx["machine"]
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('architecture')}, "
                     f"{b.get('num_threads')} threads)" for b in m.get("blas", [])) or "none loaded"
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items() if v)
    return ["## Environment", "",
            md_table(["item", "value"],
                     [("CPU", m.get("cpu")), ("instruction sets", " ".join(m.get("cpu_flags", [])) or "-"),
                      ("logical CPUs", m.get("logical_cpus")), ("numba threads", m.get("numba_threads")),
                      ("numba CPU target", m.get("numba_cpu_name") or "host"), ("BLAS", blas),
                      ("workers", ctx["workers"]), ("platform", m.get("platform")), ("versions", versions),
                      ("wall time", f"{ctx['seconds']} s")]),
            "", "Training and the measurements give the same bits for any thread count and CPU target; the few "
            "results that depend on the machine are listed in docs/bnn_layers.md.", ""]
