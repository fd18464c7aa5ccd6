"""Figures of ``python -m sims.report``: one function per figure, PNG files.

Each function takes the report's records (the same numbers as report.json)
and a path, draws with matplotlib's Agg backend, and writes the file whole
or not at all.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import theory  # noqa: E402
from sims.cli import atomic_savefig  # noqa: E402

__all__ = ["plot_angles", "plot_correlations", "plot_scope", "plot_first_layer", "plot_twins", "plot_permutation",
           "plot_xnor", "plot_ternary"]

_STYLE = {"figure.dpi": 100, "font.size": 9, "axes.titlesize": 10, "axes.grid": True, "grid.alpha": 0.3}

VARIANT_LABELS = {"none": "as is", "fixed": "fixed\npermutation", "per_sample": "per-sample\npermutation"}
"""Tick labels of the input variants of experiment 5."""


def _num(record, *keys) -> float:
    """``record[k1][k2]...`` as a float; NaN where a key, a value or a number
    is missing (None, NaN, inf), so that a figure draws what exists."""
    v = record
    for k in keys:
        if isinstance(v, dict):
            v = v.get(k)
        elif isinstance(v, (list, tuple)) and isinstance(k, int) and -len(v) <= k < len(v):
            v = v[k]
        else:
            return math.nan
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        return math.nan
    v = float(v)
    return v if math.isfinite(v) else math.nan


def _list(record, *keys) -> list:
    """``record[k1][k2]...`` if it is a list, else an empty list."""
    v = record
    for k in keys:
        v = v.get(k) if isinstance(v, dict) else None
    return v if isinstance(v, list) else []


def _lower_limit(values, *, default=0.5):
    """A bottom for a correlation axis: ``default``, or lower to show every finite value."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite or min(finite) >= default + 0.02:
        return default
    return max(-1.0, math.floor((min(finite) - 0.05) * 10) / 10)


def _save(fig, path):
    fig.tight_layout()
    atomic_savefig(fig, path)
    plt.close(fig)


def plot_angles(binary_rows, spread, path, *, ternary_rows=None):
    """Left: mean cos(W^c, W^b) per layer against d, theory's mean and +-1 sd
    band, the limit sqrt(2/pi) and the layers' i.i.d. prediction.  Right: the
    sd of the cosines against d, log-log, with the fitted and theoretical slopes."""
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.6))
        d_all = [r["d"] for r in binary_rows] + [r["d"] for r in (ternary_rows or [])]
        grid = np.unique(np.geomspace(max(1, min(d_all) / 1.5), max(d_all) * 1.5, 60).astype(int))
        mean = np.asarray(theory.mean_cos_value(grid), dtype=float)
        sd = np.sqrt(np.asarray(theory.var_cos_value(grid), dtype=float))
        ax.fill_between(grid, mean - sd, mean + sd, color="C0", alpha=0.2, label="theory, mean +- 1 sd")
        ax.plot(grid, mean, color="C0", lw=1)
        ax.axhline(theory.LIMIT_COS_VALUE, color="k", ls=":", lw=1, label="limit sqrt(2/pi)")
        d = [r["d"] for r in binary_rows]
        ax.errorbar(d, [r["mean_cos"] for r in binary_rows], yerr=[r["sd_cos"] for r in binary_rows],
                    fmt="o", color="C3", capsize=3, label="binary net, mean +- sd over units")
        ax.plot(d, [r["plugin_cos"] for r in binary_rows], "x", color="C3", ms=7,
                label="i.i.d. prediction from the layer's weights")
        # layers of similar d stack up: stagger their labels vertically, in order of the cosine
        order = sorted(range(len(binary_rows)), key=lambda k: binary_rows[k]["mean_cos"])
        for rank, k in enumerate(order):
            r = binary_rows[k]
            ax.annotate(r["name"], (r["d"], r["mean_cos"]), textcoords="offset points",
                        xytext=(8, -12 + 9 * (rank % 4)), fontsize=7)
        if ternary_rows:
            ax.errorbar([r["d"] for r in ternary_rows], [r["mean_cos"] for r in ternary_rows],
                        yerr=[r["sd_cos"] for r in ternary_rows], fmt="s", color="C2", capsize=3,
                        label="ternary net")
        ax.set_xscale("log")
        ax.set_xlabel("fan-in d")
        ax.set_ylabel("cos angle(W^c, W^b)")
        ax.set_title("latent against quantized weights, per layer")
        ax.legend(fontsize=7, loc="lower left")
        bx.loglog(grid, sd, color="C0", lw=1, label="theory sd, slope -1/2 at large d")
        bx.loglog(d, [r["sd_cos"] for r in binary_rows], "o", color="C3", label="measured sd")
        if math.isfinite(spread["slope"]):
            fitted = np.exp(spread["intercept"]) * grid.astype(float) ** spread["slope"]
            bx.loglog(grid, fitted, "--", color="C3", lw=1,
                      label=f"fit: slope {spread['slope']:.2f} +- {spread['se_slope']:.2f}")
        bx.set_xlabel("fan-in d")
        bx.set_ylabel("sd of cos over units")
        bx.set_title("spread of the angles against d")
        bx.legend(fontsize=7)
        _save(fig, path)


def plot_correlations(rows, path, labels):
    """Grouped bars: per layer and correlation, measured (with se), predicted
    from the measured C, and the isotropic theory."""
    with plt.rc_context(_STYLE):
        kinds = list(labels)
        fig, axes = plt.subplots(1, len(kinds), figsize=(10, 3.4), sharey=True)
        for ax, kind in zip(axes, kinds):
            x = np.arange(len(rows))
            meas = [r[kind]["measured"] for r in rows]
            se = [r[kind]["se"] for r in rows]
            ax.bar(x - 0.27, meas, 0.27, yerr=se, capsize=2, color="C3", label="measured")
            ax.bar(x, [r[kind]["predicted"] for r in rows], 0.27, color="C1", label="predicted from C")
            ax.bar(x + 0.27, [r[kind]["isotropic"] for r in rows], 0.27, color="C0", label="isotropic theory")
            ax.set_xticks(x, [f"{r['name']}\nd={r['d']}" for r in rows], fontsize=7)
            ax.set_title(labels[kind])
            ax.set_ylim(0.5, 1.0)
        axes[0].set_ylabel("correlation")
        axes[0].legend(fontsize=7, loc="lower left")
        _save(fig, path)


def plot_scope(rows, path):
    """Per layer: corr(continuous, binary) pre-activations, one layer or all."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(5.5, 3.2))
        x = np.arange(len(rows))
        for k, (scope, label) in enumerate((("one_layer", "only this layer continuous"),
                                            ("all_layers", "whole network continuous"))):
            ax.bar(x + (k - 0.5) * 0.38, [r[scope]["mean"] for r in rows], 0.38,
                   yerr=[r[scope]["se"] for r in rows], capsize=2, color=f"C{k}", label=label)
        ax.set_xticks(x, [r["name"] for r in rows])
        ax.set_ylabel("corr(continuous, binary)")
        ax.set_ylim(0.5, 1.0)
        ax.set_title("binary pre-activations against continuous ones")
        ax.legend(fontsize=7, loc="lower left")
        _save(fig, path)


def plot_first_layer(accuracy, path):
    """Test accuracy by first layer (mean +- sd over seeds) and its cost."""
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(8, 3.2))
        names = list(accuracy)
        x = np.arange(len(names))
        ax.bar(x, [accuracy[k]["mean"] for k in names], 0.6, yerr=[accuracy[k]["sd"] for k in names],
               capsize=3, color=["C3", "C1", "C0"][: len(names)])
        for i, k in enumerate(names):
            ax.plot(np.full(len(accuracy[k]["values"]), i), accuracy[k]["values"], "k.", ms=4)
        ax.set_xticks(x, names)
        ax.set_ylabel("test accuracy")
        lo = min(min(v["values"]) for v in accuracy.values())
        ax.set_ylim(max(0.0, lo - 0.1), 1.0)
        ax.set_title(f"first layer: accuracy over {accuracy[names[0]]['seeds']} seeds")
        mults = [accuracy[k]["ops"]["float_mults"] for k in names]
        adds = [accuracy[k]["ops"]["float_adds"] for k in names]
        bx.bar(x - 0.2, mults, 0.4, label="float multiply-adds")
        bx.bar(x + 0.2, adds, 0.4, label="float additions")
        bx.set_xticks(x, names)
        bx.set_ylabel("operations per input")
        bx.set_title("first-layer cost")
        bx.legend(fontsize=7)
        _save(fig, path)


def plot_twins(rows, path):
    """Per layer: cos(latent, continuous twin) and each network's cosine to
    the shared initialization, with the band of unrelated random vectors."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(5.5, 3.2))
        x = np.arange(len(rows))
        ax.bar(x - 0.27, [r["weights"]["mean_cos"] for r in rows], 0.27,
               yerr=[r["weights"]["sd_cos"] for r in rows], capsize=2, color="C3",
               label="cos(binary latent, continuous), +- sd")
        ax.bar(x, [r["moved"]["binary"] for r in rows], 0.27, color="C1", label="cos(binary, init)")
        ax.bar(x + 0.27, [r["moved"]["continuous"] for r in rows], 0.27, color="C2", label="cos(continuous, init)")
        for i, r in enumerate(rows):
            ax.fill_between([i - 0.45, i + 0.45], -2 * r["random_sd"], 2 * r["random_sd"], color="C0", alpha=0.25,
                            label="unrelated vectors, +-2 sd" if i == 0 else None)
        ax.axhline(0, color="k", lw=0.5)
        ax.set_xticks(x, [f"{r['name']}\nd={r['d']}" for r in rows], fontsize=7)
        ax.set_ylabel("cosine")
        ax.set_title("latent weights against a continuous twin")
        ax.legend(fontsize=7, loc="upper right")
        _save(fig, path)


def plot_permutation(variants, path, labels, *, weight_cos=None):
    """Experiment 5.  Left: the first layer's correlations per input variant
    (pixels as they are, one fixed permutation, a permutation per sample),
    mean +- se over units, beside the weights' own cos(W^c, W^b), which
    corr(A.W^c, A.W^b) equals for isotropic inputs.  Right: how far the input
    covariance is from a multiple of the identity, ||C - cI||_F / ||C||_F, of
    the layer's patches and of whole images."""
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.4), gridspec_kw={"width_ratios": [3, 2]})
        names = list(variants)
        x = np.arange(len(names))
        ticks = [VARIANT_LABELS.get(m, m) for m in names]
        kinds = list(labels)
        step = 0.6 / max(1, len(kinds))
        drawn = []
        for k, kind in enumerate(kinds):
            mean = [_num(variants[m], "correlations", kind, "mean") for m in names]
            se = [_num(variants[m], "correlations", kind, "se") for m in names]
            ax.errorbar(x + (k - (len(kinds) - 1) / 2) * step, mean, yerr=se, fmt="o", capsize=3, color=f"C{k}",
                        label=labels[kind] + ", mean +- se")
            drawn += [v - (s if math.isfinite(s) else 0.0) for v, s in zip(mean, se)]
        w = _num(weight_cos)
        if math.isfinite(w):
            ax.axhline(w, color="k", ls=":", lw=1, label=f"weights' own cos(W^c, W^b) = {w:.3f}")
            drawn.append(w)
        ax.set_xticks(x, ticks)
        ax.set_xlim(-0.5, len(names) - 0.5)
        ax.set_ylabel("correlation over units")
        ax.set_ylim(_lower_limit(drawn, default=0.6), 1.0)
        ax.set_title("first layer: correlations by input order")
        ax.legend(fontsize=7, loc="lower left")
        for k, (key, label) in enumerate((("patch_isotropy", "patches"), ("image_isotropy", "whole images"))):
            d = [_num(variants[m], key, "d") for m in names]
            d = next((int(v) for v in d if math.isfinite(v)), None)
            bx.bar(x + (k - 0.5) * 0.38, [_num(variants[m], key, "relative_distance") for m in names], 0.38,
                   color=f"C{k + 3}", label=label + (f" (d = {d})" if d is not None else ""))
        bx.set_xticks(x, ticks)
        bx.set_ylabel("||C - cI||_F / ||C||_F")
        bx.set_ylim(0.0, 1.25)  # the distance is at most 1; the legend sits above
        bx.set_title("input covariance: distance from isotropy")
        bx.legend(fontsize=7, loc="upper center", ncol=2)
        _save(fig, path)


def plot_xnor(training, bn_layers, path, labels, *, prediction_changes=None, eps=None):
    """Experiment 6.  Left: test accuracy trained without and with XNOR-Net's
    alpha (mean +- sd over seeds, each seed a dot).  Middle: per layer the
    correlations of both networks, mean +- se over units.  Right: per layer
    of the main network, the largest change alpha makes to the batch-normalized
    output, relative to the largest output, log scale (exact zeros are not
    drawn)."""
    with plt.rc_context(_STYLE):
        fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(12, 3.5), gridspec_kw={"width_ratios": [2, 3, 3]})
        names = list(training)
        x = np.arange(len(names))
        ticks = [f"{m} alpha" for m in names]
        ax.bar(x, [_num(training[m], "accuracy", "mean") for m in names], 0.6,
               yerr=[_num(training[m], "accuracy", "sd") for m in names], capsize=3,
               color=["0.45", "0.7", "0.85"][: len(names)])
        values = []
        for i, m in enumerate(names):
            seeds = [_num(v) for v in _list(training[m], "accuracy", "values")]
            values += seeds
            ax.plot(np.full(len(seeds), i), seeds, "k.", ms=4)
        finite = [v for v in values + [_num(training[m], "accuracy", "mean") for m in names] if math.isfinite(v)]
        ax.set_ylim(max(0.0, min(finite, default=0.1) - 0.1), 1.0)
        ax.set_xticks(x, ticks)
        ax.set_ylabel("test accuracy, mean +- sd (dots: seeds)")
        seeds_n = next((int(v) for v in (_num(training[m], "accuracy", "seeds") for m in names)
                        if math.isfinite(v)), None)
        ax.set_title("accuracy" + (f" over {seeds_n} seeds" if seeds_n else ""))

        layers = [r if isinstance(r, dict) else {} for r in _list(training, names[0], "correlations")] if names else []
        lx = np.arange(len(layers))
        kinds = list(labels)
        step = 0.8 / max(1, len(kinds) * len(names))
        drawn = []
        for k, kind in enumerate(kinds):
            for j, m in enumerate(names):
                mean = [_num(training[m], "correlations", i, kind, "mean") for i in range(len(layers))]
                se = [_num(training[m], "correlations", i, kind, "se") for i in range(len(layers))]
                drawn += mean
                offset = (k * len(names) + j - (len(kinds) * len(names) - 1) / 2) * step
                bx.errorbar(lx + offset, mean, yerr=se, fmt="os"[j % 2], color=f"C{k}", capsize=2, ms=4,
                            mfc="none" if j % 2 else None, label=f"{labels[kind]}, {m} alpha")
        bx.set_xticks(lx, [f"{r.get('name', i)}\nd={r.get('d', '?')}" for i, r in enumerate(layers)], fontsize=7)
        bx.set_ylabel("correlation, mean +- se")
        bx.set_ylim(_lower_limit(drawn, default=0.8), 1.0)
        bx.set_title("correlations, trained without and with alpha")
        bx.legend(fontsize=6, loc="lower right")

        cx_x = np.arange(len(bn_layers))
        top = [_num(r, "max_abs_output") for r in bn_layers]
        kinds_bn = (("max_abs_diff_network", "o", "network (engine), its eps"),
                    ("max_abs_diff_eps", "s", "float64, eps" + (f" = {_num(eps):g}" if math.isfinite(_num(eps))
                                                                else "")),
                    ("max_abs_diff_eps0", "^", "float64, eps = 0"))
        for k, (key, marker, label) in enumerate(kinds_bn):
            rel = np.array([_num(r, key) / t if t > 0 else math.nan for r, t in zip(bn_layers, top)])
            rel[~(rel > 0)] = np.nan  # a log axis shows no zeros
            cx.plot(cx_x, rel, marker, color=f"C{k}", label=label)
        cx.set_yscale("log")
        cx.axhline(np.finfo(np.float32).eps, color="k", ls=":", lw=1, label="float32 rounding")
        cx.axhline(np.finfo(np.float64).eps, color="k", ls="--", lw=1, label="float64 rounding")
        cx.set_xticks(cx_x, [r.get("name", str(i)) for i, r in enumerate(bn_layers)], fontsize=7)
        cx.set_ylabel("max |BN(alpha z) - BN(z)| / max |BN(z)|")
        changes = _num(prediction_changes)
        cx.set_title("main network: batch norm absorbs alpha" + (f"\n({100 * changes:.2f}% of predictions changed)"
                                                   if math.isfinite(changes) else ""))
        cx.legend(fontsize=6, loc="center right")
        _save(fig, path)


def plot_ternary(angle_rows, corr_rows, path, labels):
    """Experiment 8.  Left: per layer of the ternary network, the mean cosine
    between latent and ternarized weights (+- se over units), the i.i.d.
    prediction from the layer's own weights, and theory's ternary_cos(tau)
    for Gaussian coordinates at the threshold used (tau in units of the
    layer's weight sd, a line per layer), beside the best Gaussian value.
    Right: the layer's three correlations, mean +- se over units, and the
    metric-C prediction of corr(A.W^c, A.W^b)."""
    with plt.rc_context(_STYLE):
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6))
        x = np.arange(len(angle_rows))
        ticks = [f"{r.get('name', i)}\nd={r.get('d', '?')}" for i, r in enumerate(angle_rows)]
        mean = [_num(r, "mean_cos") for r in angle_rows]
        tau = [_num(r, "tau") for r in angle_rows]
        cos_theory = [float(theory.ternary_cos_value(t)) if math.isfinite(t) else _num(r, "theory_mean_cos")
                      for r, t in zip(angle_rows, tau)]
        ax.hlines(cos_theory, x - 0.35, x + 0.35, color="C0", lw=2,
                  label="theory ternary_cos(tau)")
        for i, (c, t) in enumerate(zip(cos_theory, tau)):
            if math.isfinite(c) and math.isfinite(t):
                ax.annotate(f"tau {t:.2f}", (i, c), textcoords="offset points", xytext=(0, -10), ha="center",
                            fontsize=7, color="C0")
        ax.axhline(theory.TERNARY_COS_OPT_VALUE, color="k", ls=":", lw=1,
                   label=f"best Gaussian (tau {theory.TERNARY_TAU_OPT_VALUE:.2f})")
        ax.errorbar(x, mean, yerr=[_num(r, "se_mean_cos") for r in angle_rows], fmt="s", color="C2", capsize=3,
                    label="measured, mean +- se")
        ax.plot(x, [_num(r, "plugin_cos") for r in angle_rows], "x", color="C2", ms=7,
                label="i.i.d. from the layer's weights")
        drawn = mean + cos_theory + [theory.TERNARY_COS_OPT_VALUE]
        finite = [v for v in drawn if math.isfinite(v)]
        ax.set_ylim(min(finite, default=0.8) - 0.08, 1.0)
        ax.set_xticks(x, ticks, fontsize=7)
        ax.set_xlim(-0.5, max(1, len(angle_rows)) - 0.5)
        ax.set_ylabel("cos angle(W^c, W^b); tau = threshold / sd")
        ax.set_title("latent against ternarized weights W^b, per layer")
        ax.legend(fontsize=7, loc="lower center", ncol=2)

        cx = np.arange(len(corr_rows))
        kinds = list(labels)
        step = 0.6 / max(1, len(kinds))
        drawn = []
        for k, kind in enumerate(kinds):
            meas = [_num(r, kind, "measured") for r in corr_rows]
            se = [_num(r, kind, "se") for r in corr_rows]
            drawn += [v - (s if math.isfinite(s) else 0.0) for v, s in zip(meas, se)]
            bx.errorbar(cx + (k - (len(kinds) - 1) / 2) * step, meas, yerr=se, fmt="o", capsize=3, color=f"C{k}",
                        label=labels[kind] + ", mean +- se")
        if kinds:
            pred = [_num(r, kinds[0], "predicted") for r in corr_rows]
            bx.plot(cx - (len(kinds) - 1) / 2 * step, pred, "_", color="k", ms=12, mew=1.5,
                    label=f"{labels[kinds[0]]} predicted from C")
        bx.set_xticks(cx, [f"{r.get('name', i)}\nd={r.get('d', '?')}" for i, r in enumerate(corr_rows)], fontsize=7)
        bx.set_xlim(-0.5, max(1, len(corr_rows)) - 0.5)
        bx.set_ylabel("correlation over units")
        bx.set_ylim(_lower_limit(drawn, default=0.8), 1.0)
        bx.set_title("ternary net: dot-product correlations")
        bx.legend(fontsize=7, loc="lower left")
        _save(fig, path)
