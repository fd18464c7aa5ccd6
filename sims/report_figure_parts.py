"""Shared pieces of the report's figures: style, the walk through a summary that tolerates holes, axes helpers.

Used by :mod:`sims.report_figures` and :mod:`sims.report_figures_training`.
"""

from __future__ import annotations

import functools
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from sims.cli import atomic_savefig  # noqa: E402

_STYLE = {"figure.dpi": 100, "font.size": 9, "axes.titlesize": 10, "axes.grid": True, "grid.alpha": 0.3}
SD = "mean ± sd over seeds"
UNIFORM_COS = math.sqrt(3) / 2  # cos(w, sign w) of i.i.d. uniform coordinates (Glorot-uniform) as d grows

VARIANT_LABELS = {"none": "as is", "fixed": "fixed\npermutation", "per_sample": "per-sample\npermutation"}


def _num(record, *keys) -> float:
    """``record[k1][k2]...`` as a float; NaN where a key, a value or a number is missing (None, NaN, inf), so
    that a figure draws what exists."""
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
    return float(v) if math.isfinite(v) else math.nan


def _list(record, *keys, kind=list):
    """``record[k1][k2]...`` if it is a list (or ``kind``), else an empty one; a numpy array (a
    summary straight from the runs, before JSON) counts as its list."""
    v = record
    for k in keys:
        v = v.get(k) if isinstance(v, dict) else None
    if kind is list and isinstance(v, np.ndarray):
        v = v.tolist()
    return v if isinstance(v, kind) else kind()


_dict = functools.partial(_list, kind=dict)  # the same walk, ending at a dict


def _rows(record, *keys) -> list[dict]:
    """The dicts of the list at ``keys``: a hole in a list of layers stays a row that draws nothing."""
    return [r if isinstance(r, dict) else {} for r in _list(record, *keys)]


def _floats(values) -> np.ndarray:
    return np.array([_num(v) for v in values], dtype=float)


def _mean_sd(rows, *keys) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the seed mean and sd (0 where unknown: no bar) of the spread at ``keys``, or the number there."""
    at = [_dict(r, *keys) for r in rows]
    mean = [_num(a, "mean") if a else _num(r, *keys) for a, r in zip(at, rows)]
    return np.array(mean, dtype=float), np.nan_to_num([_num(a, "sd") for a in at], nan=0.0)


def _fmt(value, spec=".3f") -> str:
    return format(value, spec) if math.isfinite(value) else "?"


def _ticks(rows) -> list[str]:
    return [f"{r.get('name', i)}\nd={_fmt(_num(r, 'd'), '.0f')}" for i, r in enumerate(rows)]


def _test_text(test) -> str:
    """A stated test as ``diff ± SE``, starred when resolved."""
    return "" if not isinstance(test, dict) else (
        f"{_fmt(_num(test, 'diff'), '+.3f')} ± {_fmt(_num(test, 'se'))}{' *' if test.get('resolved') else ''}")


def _lower_limit(values, *, default=0.5):
    """A bottom for a correlation axis: ``default``, or lower to show every finite value."""
    low = min([v for v in np.ravel(values) if math.isfinite(v)], default=math.inf)
    return default if low >= default + 0.02 else max(-1.0, math.floor((low - 0.05) * 10) / 10)


def _degree_axis(ax):
    """The cosine ticks labelled again on the right as degrees (arccos would crowd its own ticks near 1)."""
    sec = ax.secondary_yaxis("right", ylabel="angle (degrees)")
    sec.yaxis.set_major_formatter(FuncFormatter(lambda c, _: f"{math.degrees(math.acos(min(1, max(-1, c)))):.1f}"))


def _plain_log(axis):
    """Plain numbers on a log axis (0.02, not 2 x 10^-2); minor ticks labelled only within one decade."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if np.ptp(np.log10(axis.get_view_interval())) < 1
                                           else ""))


def _legend(ax, below=None, **kw):
    """A legend, or none where every series is a hole; ``below`` puts it under the axes, that far down."""
    if below is not None:
        kw = {"loc": "upper center", "bbox_to_anchor": (0.5, -below), "ncol": 2, **kw}
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**{"fontsize": 7, **kw})


def _save(fig, path):
    fig.tight_layout()
    atomic_savefig(fig, path, bbox_inches="tight")  # keeps the legends placed outside the axes
    plt.close(fig)


def _bars(ax, rows, series, *, width=0.76, ticks=None):
    """Per row, a bar of each seed spread of ``series`` ((key, colour, label), ...) with +- sd."""
    x, step = np.arange(len(rows)), width / max(1, len(series))
    for k, (key, colour, label) in enumerate(series):
        mean, sd = _mean_sd(rows, key)
        ax.bar(x + (k - (len(series) - 1) / 2) * step, mean, step, yerr=sd, capsize=2, color=colour, label=label)
    ax.set_xticks(x, ticks or _ticks(rows), fontsize=9 if ticks else 7)


def _points(ax, rows, series, *, width=0.8, ticks=None):
    """Per row, seed spreads side by side, ``series`` of (keys, marker, colour, label[, hollow]); returns lows."""
    x, step, drawn = np.arange(len(rows)), width / max(1, len(series)), []
    for k, (keys, marker, colour, label, *hollow) in enumerate(series):
        mean, sd = _mean_sd(rows, *keys)
        ax.errorbar(x + (k - (len(series) - 1) / 2) * step, mean, yerr=sd, fmt=marker, color=colour, capsize=2,
                    ms=5, label=label, mfc="none" if hollow and hollow[0] else None)
        drawn += list(mean - sd)
    ax.set_xticks(x, ticks or _ticks(rows), fontsize=9 if ticks else 7)
    ax.set_xlim(-0.5, max(1, len(rows)) - 0.5)
    return drawn
