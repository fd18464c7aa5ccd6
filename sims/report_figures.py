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

__all__ = ["plot_angles", "plot_correlations", "plot_scope", "plot_first_layer", "plot_twins"]

_STYLE = {"figure.dpi": 100, "font.size": 9, "axes.titlesize": 10, "axes.grid": True, "grid.alpha": 0.3}


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
        ax.plot(d, [r["iid_cos"] for r in binary_rows], "x", color="C3", ms=7,
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
