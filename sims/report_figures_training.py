"""Figures of ``python -m sims.report`` about training: the latent weights' dynamics and the paper's figure.

Same conventions as :mod:`sims.report_figures`, which re-exports both functions.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D

from sims.report_figure_parts import (SD, UNIFORM_COS, _STYLE, _degree_axis, _dict, _floats, _fmt, _legend, _list,
                                      _num, _plain_log, _rows, _save, _ticks, plt)

__all__ = ["plot_dynamics", "plot_paper_figure"]


def plot_dynamics(dynamics, path):
    """Experiment 9 (dynamics.png): latent weights over training, per recipe and initialization.

    Above, each layer's mean cos(W^c, W^b) per epoch with the Gaussian theory at its d (dashed, same colour), its
    band +- 2 sd / sqrt(units) and sqrt(3)/2 of the uniform law; below, the share of latent weights at the clip."""
    records = [(k, v) for k, v in (dynamics.items() if isinstance(dynamics, dict) else ()) if isinstance(v, dict)]
    with plt.rc_context(_STYLE):
        fig, axes = plt.subplots(2, max(1, len(records)), figsize=(2.7 * max(1, len(records)) + 1.0, 6.0),
                                 sharex="col", sharey="row", squeeze=False)
        for (key, record), top, bottom in zip(records, axes[0], axes[1]):
            epochs = _floats(_list(record, "epochs"))
            for i, layer in enumerate(_rows(record, "layers")):
                for ax, field in ((top, "mean_cos"), (bottom, "clip_share")):
                    mean = _floats(_list(layer, "series", field, "mean"))
                    sd = np.nan_to_num(_floats(_list(layer, "series", field, "sd")), nan=0.0)
                    x = epochs[: mean.size] if epochs.size >= mean.size else np.arange(mean.size, dtype=float)
                    ax.plot(x, mean, color=f"C{i}", lw=1.5)
                    if sd.size == mean.size:  # a share is never negative, whatever its sd
                        ax.fill_between(x, mean - sd if field == "mean_cos" else np.maximum(mean - sd, 0), mean + sd,
                                        color=f"C{i}", alpha=0.25, lw=0)
                th, band = _num(layer, "theory_mean_cos"), _num(layer, "band")
                if math.isfinite(th):
                    top.axhline(th, color=f"C{i}", ls="--", lw=1)
                    top.axhspan(th - band, th + band, color=f"C{i}", alpha=0.08, lw=0)
            top.axhline(UNIFORM_COS, color="k", ls=":", lw=1)
            acc = _dict(record, "accuracy")
            top.set_title(f"{record.get('recipe', key)}\nfrom {record.get('init', '?')}\naccuracy "
                          f"{_fmt(_num(acc, 'mean'))} ± {_fmt(_num(acc, 'sd'))}", fontsize=9)
            bottom.set_xlabel("epoch")
        axes[0, 0].set_ylabel("mean cos(W^c, W^b) of the layer")
        axes[1, 0].set_ylabel("share of latent weights at the clip")
        _degree_axis(axes[0, -1])
        layers = next((_rows(v, "layers") for _, v in records), [])
        handles = [Line2D([], [], color=f"C{i}", lw=1.5, label=t.replace("\n", " (") + ")")
                   for i, t in enumerate(_ticks(layers))]
        handles += [Line2D([], [], color="0.5", alpha=0.4, lw=8, label=f"shaded: {SD}"),
                    Line2D([], [], color="0.3", ls="--", lw=1, label="Gaussian theory at d ± 2 sd / sqrt(units)"),
                    Line2D([], [], color="k", ls=":", lw=1, label="sqrt(3)/2: uniform law")]
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(handles), 6))
        _save(fig, path)


def plot_paper_figure(histograms, path):
    """Experiment 10 (paper_figure.png): the paper's figure, A.W^b against A.W^c, per layer.

    Over every unit, position and held-out sample of one seed: log colours (empty bins blank), fitted line, r."""
    layers = _rows(histograms, "layers")
    with plt.rc_context(_STYLE):
        shape = (math.ceil(max(1, len(layers)) / 4), min(4, max(1, len(layers))))  # deep networks wrap
        fig, axes = plt.subplots(*shape, figsize=(4.2 * shape[1], 3.4 * shape[0] + 0.3), squeeze=False)
        for ax in axes.flat[len(layers):]:
            ax.set_visible(False)
        for ax, layer in zip(axes.flat, layers):
            try:
                counts = np.array(layer.get("counts"), dtype=float)  # None (a hole) becomes NaN, drawn blank
            except (TypeError, ValueError):
                counts = np.empty((0, 0))
            edges = [_floats(_list(layer, key)) for key in ("x_edges", "y_edges")]
            filled = np.ma.masked_where(~(counts > 0), counts)
            ax.grid(False)
            if counts.ndim == 2 and filled.count() and all(e.size == n + 1 and np.all(np.diff(e) > 0)
                                                           for e, n in zip(edges, counts.shape)):
                (xe, ye), slope, intercept = edges, _num(layer, "slope"), _num(layer, "intercept")
                mesh = ax.pcolormesh(xe, ye, filled.T, norm=LogNorm(vmin=filled.min(), vmax=max(filled.max(), 1.0)))
                bar = fig.colorbar(mesh, ax=ax, label="points per bin (log scale)")
                _plain_log(bar.ax.yaxis)
                if math.isfinite(slope) and math.isfinite(intercept):
                    ax.plot(xe[[0, -1]], slope * xe[[0, -1]] + intercept, color="C3", lw=1,
                            label=f"least squares: y = {slope:.3f} x {'+-'[intercept < 0]} {abs(intercept):.3f}")
                    # the points lie along the line: the corner it leaves empty holds the legend
                    _legend(ax, loc="lower right" if slope >= 0 else "lower left")
                ax.set(xlim=(xe[0], xe[-1]), ylim=(ye[0], ye[-1]))
            ax.set(title=f"{layer.get('name', '?')} (d={_fmt(_num(layer, 'd'), '.0f')}): r = {_fmt(_num(layer, 'r'))}",
                   xlabel="A.W^c", ylabel="A.W^b")
        seed = _num(histograms, "seed")
        fig.suptitle("A.W^b against A.W^c, per layer" + (f" (seed {seed:.0f})" if math.isfinite(seed) else ""))
        _save(fig, path)
