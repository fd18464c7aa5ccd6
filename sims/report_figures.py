"""Figures of ``python -m sims.report``: one function per figure, PNG files.

Each function takes one part of the summary (:func:`sims.report_summary.summarize`) and a path, draws with
matplotlib's Agg backend and writes the file whole or not at all.  Error bars are +- 1 sd over training seeds;
a missing number (None, NaN) leaves a hole in the figure, never an exception.  The shared pieces are in
:mod:`sims.report_figure_parts`; the training-dynamics figure and the paper's figure in
:mod:`sims.report_figures_training`.
"""

from __future__ import annotations

import math

import numpy as np

import theory
from sims.report_figure_parts import (_STYLE, SD, UNIFORM_COS, VARIANT_LABELS, _bars, _degree_axis, _dict,
                                      _floats, _fmt, _legend, _list, _lower_limit, _mean_sd, _num, _plain_log,
                                      _points, _rows, _save, _test_text, _ticks, plt)
from sims.report_figures_training import plot_dynamics, plot_paper_figure
from sims.report_sections import KIND_LABELS

__all__ = ["plot_angles", "plot_correlations", "plot_scope", "plot_first_layer", "plot_permutation", "plot_xnor",
           "plot_twins", "plot_ternary", "plot_dynamics", "plot_paper_figure"]


def plot_angles(angles, path, *, ternary_rows=None):
    """Experiment 1 (angles.png): the angle between latent and quantized weights, per layer.

    Left: cos(W^c, W^b) against fan-in d, the Gaussian theory at d (+- 1 sd of one unit), sqrt(2/pi), sqrt(3)/2
    and the two-part model; middle: the first seed's per-unit cosines; right: their sd against d, log-log.
    ``ternary_rows``, if given, are drawn beside in green."""
    layers, tern = _rows(angles, "layers"), _rows(ternary_rows)
    with plt.rc_context(_STYLE):
        fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(14, 4.0), gridspec_kw={"width_ratios": [4, 3, 3]})
        d = _floats([r.get("d") for r in layers])
        known = [v for v in list(d) + [_num(r, "d") for r in tern] if v >= 1]
        if known:
            grid = np.unique(np.geomspace(max(1.0, min(known) / 1.5), max(known) * 1.5, 60).astype(int))
            mean = np.asarray(theory.mean_cos_value(grid), dtype=float)
            sd = np.sqrt(np.asarray(theory.var_cos_value(grid), dtype=float))
            ax.fill_between(grid, mean - sd, mean + sd, color="C0", alpha=0.2, label="Gaussian theory ± 1 sd (a unit)")
            ax.plot(grid, mean, color="C0", lw=1)
            cx.plot(grid, sd, color="C0", lw=1, label="Gaussian theory, one unit")
        ax.axhline(theory.LIMIT_COS_VALUE, color="k", ls=":", lw=1, label="sqrt(2/pi): Gaussian, d → ∞")
        ax.axhline(UNIFORM_COS, color="0.4", ls="--", lw=1, label="sqrt(3)/2: uniform, d → ∞")
        for rows, fmt, colour, name, keys, label in (
                (layers, "o", "C3", "binary", ("two_part", "maxent", "predicted", "mean"),
                 "two-part model (clip + max-entropy interior)"),
                (tern, "s", "C2", "ternary", ("theory_mean_cos",), "ternary theory at its threshold")):
            x, (mean, sd) = _floats([r.get("d") for r in rows]), _mean_sd(rows, "mean_cos")
            ax.errorbar(x, mean, yerr=sd, fmt=fmt, color=colour, capsize=3, label=f"{name} net, {SD}" if rows else None)
            ax.plot(x, [_num(r, *keys) for r in rows], "x_"[name == "ternary"], color=colour, ms=9, mew=1.5,
                    label=label if rows else None)
        cos = _mean_sd(layers, "mean_cos")[0]
        # layers of similar d stack up: stagger their labels vertically, in order of the cosine
        order = sorted((k for k in range(len(layers)) if math.isfinite(d[k] + cos[k])), key=lambda k: cos[k])
        for rank, k in enumerate(order):
            ax.annotate(layers[k].get("name", ""), (d[k], cos[k]), textcoords="offset points",
                        xytext=(8, -12 + 9 * (rank % 4)), fontsize=7)
        ax.set(xscale="log", xlabel="fan-in d", ylabel="cos angle(W^c, W^b)",
               title="latent against quantized weights, per layer")
        _degree_axis(ax)
        _legend(ax, below=0.2)
        _angle_strips(bx, layers, tern)
        sd, sd_sd = _mean_sd(layers, "sd_cos")
        cx.errorbar(d, sd, yerr=sd_sd, fmt="o", color="C3", capsize=3, label=f"binary net, {SD}")
        if np.any(sd > 0):
            cx.set_yscale("log")
            _plain_log(cx.yaxis)
        spread = _dict(angles, "spread")
        cx.set(xscale="log", xlabel="fan-in d", ylabel="sd of cos over units",
               title=f"spread: fitted slope {_fmt(_num(spread, 'slope', 'mean'), '.2f')} ± "
                     f"{_fmt(_num(spread, 'slope', 'sd'), '.2f')} (sd over seeds)\ntheory's slope over these d "
                     f"{_fmt(_num(spread, 'theory_fit_slope'), '.2f')}, -1/2 as d → ∞")
        _legend(cx, below=0.2, ncol=1)
        _save(fig, path)


def _angle_strips(ax, layers, tern):
    """Per layer the first seed's per-unit cosines: dots and, with enough distinct units, a violin."""
    rng = np.random.default_rng(0)  # the jitter only separates dots; fixed so the file is reproducible
    for rows, x0, colour, name in ((layers, -0.2 if tern else 0.0, "C3", "binary"), (tern, 0.2, "C2", "ternary")):
        for i, r in enumerate(rows):
            vals, x = np.array([v for v in _floats(_list(r, "cosines_first_seed")) if math.isfinite(v)]), i + x0
            if vals.size >= 3 and np.std(vals) > 0:
                for body in ax.violinplot(vals, [x], widths=0.35, showextrema=False)["bodies"]:
                    body.set(facecolor=colour, alpha=0.25)
            ax.plot(x + rng.uniform(-0.06, 0.06, vals.size), vals, ".", color=colour, ms=3, alpha=0.7,
                    label=f"{name}, one unit" if i == 0 else None)
            th, th_sd, tc = _num(r, "theory_mean_cos"), _num(r, "theory_sd_cos"), "C0" if name == "binary" else "C2"
            ax.hlines(th, x - 0.17, x + 0.17, color=tc, lw=2,
                      label=("Gaussian theory ± 1 sd" if name == "binary" else "ternary theory") if i == 0 else None)
            # ternary theory has no sd: a NaN band draws nothing
            ax.fill_between([x - 0.17, x + 0.17], th - th_sd, th + th_sd, color=tc, alpha=0.15)
    ax.set_xticks(np.arange(len(layers)), _ticks(layers), fontsize=7)
    ax.set(xlim=(-0.6, max(1, len(layers)) - 0.4), ylabel="cos angle(W^c, W^b) of one unit",
           title="per-unit cosines, first seed")
    _degree_axis(ax)
    _legend(ax, below=0.2)


def plot_correlations(rows, path):
    """Experiment 2 (correlations.png): the dot-product correlations per layer, measured and predicted.

    Measured, the Gaussian-sign prediction from the measured input covariance C, the second-moment one (exact
    for any law) and the isotropic theory."""
    rows = _rows(rows)
    with plt.rc_context(_STYLE):
        fig, axes = plt.subplots(1, len(KIND_LABELS), figsize=(12, 3.6), sharey=True)
        drawn = []
        for ax, (kind, label) in zip(axes, KIND_LABELS.items()):
            drawn += _points(ax, rows, [((kind, "measured"), "o", "C3", f"measured, {SD}"),
                                        ((kind, "gaussian"), "x", "C1", "Gaussian prediction from C"),
                                        ((kind, "second_moment"), "D", "C2", "second-moment prediction")])
            iso = [_num(r, kind, "isotropic") for r in rows]
            ax.plot(np.arange(len(rows)), iso, "_", color="C0", ms=16, mew=2, label="isotropic theory")
            drawn += iso
            ax.set_title(label)
        axes[0].set(ylabel="correlation over units", ylim=(_lower_limit(drawn, default=0.5), 1.01))
        fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4)
        _save(fig, path)


def plot_scope(rows, path):
    """Experiment 3 (scope.png): binary against continuous pre-activations, one layer or all continuous.

    ``*`` marks a resolved paired difference."""
    rows = _rows(rows)
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        _bars(ax, rows, [("one_layer", "C0", "only this layer continuous"),
                         ("all_layers", "C1", "whole network continuous")])
        for i in [i for i, r in enumerate(rows) if _dict(r, "test").get("resolved")]:
            ax.annotate("*", (i, 1.0), ha="center", va="top", fontsize=12)
        low = [m - s for key in ("one_layer", "all_layers") for m, s in zip(*_mean_sd(rows, key))]
        ax.set(ylabel=f"corr(continuous, binary), {SD}", ylim=(_lower_limit(low, default=0.5), 1.0),
               title="binary pre-activations against continuous ones\n(* paired difference resolved, |diff| > t SE)")
        _legend(ax, below=0.2)
        _save(fig, path)


def _accuracy_panel(ax, acc, names, *, tests=None, paired=False, ticks=None):
    """Accuracy bars (+- sd over seeds), each seed a dot, and ``tests`` (stated tests per name) as text."""
    x = np.arange(len(names))
    ax.bar(x, [_num(acc, m, "mean") for m in names], 0.6, yerr=[np.nan_to_num(_num(acc, m, "sd")) for m in names],
           capsize=3, color=["0.45", "0.65", "0.85"][: len(names)] or "0.5")
    seeds = [_floats(_list(acc, m, "values")) for m in names]
    for i, s in enumerate(seeds):
        ax.plot(np.full(s.size, i), s, "k.", ms=4)
    if paired and len(seeds) == 2 and seeds[0].size == seeds[1].size:
        ax.plot([0, 1], np.vstack(seeds), color="k", lw=0.5, alpha=0.4)  # a seed's two runs, joined
    for i, m in enumerate(names):
        ax.annotate(_test_text((tests or {}).get(m)), (i, 1.0), ha="center", va="top", fontsize=7)
    finite = [v for s in seeds for v in s] + [_num(acc, m, "mean") for m in names]
    n = next((int(v) for v in (_num(acc, m, "seeds") for m in names) if math.isfinite(v)), None)
    ax.set_xticks(x, ticks or names)
    ax.set(ylim=(max(0.0, min([v for v in finite if math.isfinite(v)], default=0.1) - 0.1), 1.05),
           ylabel="test accuracy, mean ± sd (dots: seeds)", title="accuracy" + (f" over {n} seeds" if n else ""))


def plot_first_layer(first_layer, path):
    """Experiment 4 (first_layer.png): the first-layer remedies, their accuracy, geometry and cost.

    Left: test accuracy, each seed a dot, with the paired difference to binary; middle: each variant's
    cos(W^c, W^b) and corr(A.W^c, A.W^b) against the Gaussian theory at d; right: operations per image."""
    fl = first_layer if isinstance(first_layer, dict) else {}
    acc, variants, ops = _dict(fl, "accuracy"), _dict(fl, "variants"), _dict(fl, "compare_ops")
    with plt.rc_context(_STYLE):
        fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(13, 3.6))
        _accuracy_panel(ax, acc, list(acc) or list(variants), tests=_dict(fl, "accuracy_vs_binary"))
        ax.set_title(ax.get_title() + " (compared networks)\ntext: difference to binary ± SE, * resolved")
        rows = [_dict(variants, v) for v in variants]
        drawn = _points(bx, rows, [(("mean_cos",), "o", "C3", "cos(W^c, W^b)"), (("correlation",), "s", "C1",
                                   KIND_LABELS["wc_wb"])], width=0.4, ticks=list(variants))
        th = _num(fl, "theory_mean_cos")
        bx.axhline(th, color="C0", ls="--", lw=1, label=f"Gaussian theory at d = {_fmt(_num(fl, 'd'), '.0f')}"
                   if math.isfinite(th) else None)
        bx.set(ylim=(_lower_limit(drawn + [th], default=0.6), 1.02), ylabel=SD,
               title="first layer of the main network")
        _degree_axis(bx)
        _legend(bx, loc="lower left")
        _bars(cx, [_dict(ops, m) for m in ops], [("float_mults", "C0", "float multiplies"),
              ("float_adds", "C1", "float additions"), ("binary_ops", "C2", "binary operations")], ticks=list(ops))
        cx.set(ylabel="operations per input image", title="first-layer cost (compared networks)")
        _legend(cx)
        _save(fig, path)


def plot_permutation(permutation, path):
    """Experiment 5 (permutation.png): the first layer's correlations per input order.

    Left: beside the weights' own cos(W^c, W^b), equal to corr(A.W^c, A.W^b) for isotropic inputs; right: the
    input covariance's distance from isotropy."""
    modes = _dict(permutation, "modes")
    rows, ticks = [_dict(modes, m) for m in modes], [VARIANT_LABELS.get(m, m) for m in modes]
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 2]})
        drawn = _points(ax, rows, [((kind,), "o", f"C{k}", f"{label}, {SD}")
                                   for k, (kind, label) in enumerate(KIND_LABELS.items())], width=0.6, ticks=ticks)
        w = _num(permutation, "per_sample_vs_weight_cos", "mean_b")
        ax.axhline(w, color="k", ls=":", lw=1,
                   label=f"weights' own cos(W^c, W^b) = {w:.3f}" if math.isfinite(w) else None)
        ax.set(ylabel="correlation over units", ylim=(_lower_limit(drawn + [w], default=0.6), 1.0),
               title="first layer: correlations by input order")
        _legend(ax, below=0.22)
        _bars(bx, rows, [("patch_offdiag", "C3", "layer inputs (patches)"), ("image_offdiag", "C4", "whole images")],
              ticks=ticks)
        bx.set(ylabel=f"||C - cI||_F / ||C||_F, {SD}", ylim=(0.0, 1.25),  # at most 1; the legend sits above
               title="input covariance: distance from isotropy")
        _legend(bx, loc="upper center", ncol=2)
        _save(fig, path)


def plot_xnor(xnor, path):
    """Experiment 6 (xnor.png): training without and with XNOR-Net's scale alpha.

    Left: accuracy, each seed a dot, a seed's pair joined; middle: correlations per layer; right: the check
    that batch norm absorbs alpha."""
    acc, corr = _dict(xnor, "accuracy"), _dict(xnor, "correlations")
    with plt.rc_context(_STYLE):
        fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(13, 3.8), gridspec_kw={"width_ratios": [2, 3, 3]})
        _accuracy_panel(ax, acc, list(acc), paired=True, ticks=[f"{m} alpha" for m in acc])
        ax.set_title(ax.get_title() + f"\nwith - without: {_test_text(_dict(xnor, 'accuracy_test')) or '?'}")
        # a row per layer of the first network, holding both networks' numbers of that layer
        first = _rows(corr, next(iter(corr), None))
        rows = [{**r, **{m: (_rows(corr, m) + [{}] * len(first))[i] for m in corr}} for i, r in enumerate(first)]
        drawn = _points(bx, rows, [((m, kind), "os"[j % 2], f"C{k}", f"{label}, {m} alpha", j % 2)
                                   for k, (kind, label) in enumerate(KIND_LABELS.items()) for j, m in enumerate(corr)])
        bx.set(ylabel=f"correlation, {SD}", ylim=(_lower_limit(drawn, default=0.8), 1.0),
               title="correlations, trained without and with alpha")
        _legend(bx, below=0.18, fontsize=6)
        # the check, per layer: the worst seed's max |BN(alpha z) - BN(z)| relative to max |BN(z)|
        layers, eps = _rows(xnor, "layers"), _num(xnor, "eps")
        top, x = [_num(r, "max_abs_output") for r in layers], np.arange(len(layers))
        for k, (key, marker, label) in enumerate((("max_abs_diff_network", "o", "network (engine), its eps"),
                                                  ("max_abs_diff_eps", "s", f"float64, eps = {_fmt(eps, 'g')}"),
                                                  ("max_abs_diff_eps0", "^", "float64, eps = 0"))):
            rel = np.array([_num(r, key) / t if t > 0 else math.nan for r, t in zip(layers, top)])
            rel[~(rel > 0)] = np.nan  # a log axis shows no zeros
            cx.plot(x, rel, marker, color=f"C{k}", label=label)
        cx.set_yscale("log")
        cx.axhline(np.finfo(np.float32).eps, color="k", ls=":", lw=1, label="float32 rounding")
        cx.axhline(np.finfo(np.float64).eps, color="k", ls="--", lw=1, label="float64 rounding")
        cx.set_xticks(x, _ticks(layers), fontsize=7)
        cx.set(ylabel="max |BN(alpha z) - BN(z)| / max |BN(z)|", title="check: batch norm absorbs alpha (worst "
               f"seed)\n{_fmt(100 * _num(xnor, 'prediction_changes', 'mean'), '.2f')}% of predictions changed")
        _legend(cx, below=0.18, fontsize=6)
        _save(fig, path)


def plot_twins(twins, path):
    """Experiment 7 (twins.png): latent weights against a continuous twin from the same initialization.

    Per layer cos(latent, twin) and each one's cosine to the initialization, within +- 2 sd of unrelated vectors."""
    rows = _rows(twins, "layers")
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for i, r in enumerate(rows):
            for key, alpha, what in (("random_sd", 0.15, "one unit"), ("random_sd_of_mean", 0.35, "layer mean")):
                ax.fill_between([i - 0.45, i + 0.45], -2 * _num(r, key), 2 * _num(r, key), color="C0", alpha=alpha,
                                lw=0, label=f"unrelated vectors, {what}, ± 2 sd" if i == 0 else None)
        _bars(ax, rows, [("cos", "C3", "cos(binary latent, continuous)"), ("moved_binary", "C1",
                         "cos(binary latent, init)"), ("moved_continuous", "C2", "cos(continuous, init)")], width=0.8)
        ax.axhline(0, color="k", lw=0.5)
        ax.set(ylabel=f"cosine, {SD}", title="latent weights against a continuous twin")
        _legend(ax, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        _save(fig, path)


def plot_ternary(ternary, path):
    """Experiment 8 (ternary.png): the ternary network's angles and correlations, per layer.

    Left: cos(W^c, W^b) against ternary_cos(tau) at the threshold used and the best Gaussian; right: correlations."""
    angles, corr = _rows(ternary, "angles"), _rows(ternary, "correlations")
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 3.8))
        x, th = np.arange(len(angles)), [_num(r, "theory_mean_cos") for r in angles]
        ax.hlines(th, x - 0.35, x + 0.35, color="C0", lw=2, label="theory ternary_cos(tau), Gaussian")
        ax.axhline(theory.TERNARY_COS_OPT_VALUE, color="k", ls=":", lw=1,
                   label=f"best Gaussian (tau {theory.TERNARY_TAU_OPT_VALUE:.2f})")
        mean, sd = _mean_sd(angles, "mean_cos")
        ax.errorbar(x, mean, yerr=sd, fmt="s", color="C2", capsize=3, label=f"measured, {SD}")
        ax.set_xticks(x, [f"{t}\ntau {_fmt(_num(r, 'tau', 'mean'), '.2f')}" for t, r in zip(_ticks(angles), angles)],
                      fontsize=7)
        ax.set(ylim=(min([v for v in list(mean - sd) + th if math.isfinite(v)], default=0.8) - 0.08, 1.0),
               xlim=(-0.5, max(1, len(angles)) - 0.5), ylabel="cos angle(W^c, W^b); tau = threshold / sd",
               title="latent against ternarized weights W^b, per layer")
        _degree_axis(ax)
        _legend(ax, below=0.2)
        # per kind its colour; the predictions' markers are named once
        drawn = _points(bx, corr, [s for k, (kind, label) in enumerate(KIND_LABELS.items()) for s in (
            ((kind, "measured"), "o", f"C{k}", f"{label}, {SD}"),
            ((kind, "second_moment"), "D", f"C{k}", "second-moment prediction" if k == 0 else None, True),
            ((kind, "gaussian"), "x", f"C{k}", "Gaussian prediction (where defined)" if k == 0 else None))])
        bx.set(ylabel="correlation over units", ylim=(_lower_limit(drawn, default=0.8), 1.0),
               title="ternary net: dot-product correlations")
        _legend(bx, below=0.2, ncol=3, fontsize=6)
        _save(fig, path)
