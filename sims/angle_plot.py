"""The figure of ``sims.angle``: the angle between w and q(w) concentrating
as d grows, against theory, and its spread shrinking like d^(-1/2).

Left: at each d, the distribution of the angle (a violin) with the theory
mean and +-1 sd band, the large-d limit (about 37 degrees for sign), and the
angle between two independent random vectors, which concentrates at 90
degrees.  Right: the sd of both angles against d on log-log axes, with the
d^(-1/2) slope.
"""

from __future__ import annotations

import math

import numpy as np

from theory import angle_moments, pair_angle_moments

__all__ = ["angle_figure"]

_Q_COLOR = "#1f5fa8"
_PAIR_COLOR = "#c0392b"
_THEORY_COLOR = "#222222"


def angle_figure(records: dict, angles_deg: dict, pair_angles_deg: dict, theory_obj):
    """A matplotlib Figure from the records of ``sims.angle.run``.

    ``angles_deg`` and ``pair_angles_deg`` map each d to the sampled angles
    in degrees; ``theory_obj`` is the :class:`theory.AngleTheory`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = records["rows"]
    dims = np.array([r["d"] for r in rows], dtype=np.float64)
    x = np.log10(dims)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 6.2), gridspec_kw={"width_ratios": [1.35, 1]})
    label_q = records["quantizer"]
    label_w = records["dist"]

    # ---- left: the distributions ------------------------------------------------
    span = (x.max() - x.min()) if len(x) > 1 else 1.0
    width = max(0.6 * span / max(len(x), 1), 0.08)
    lo, hi = dims.min(), dims.max()
    if lo == hi:  # one d: draw theory over a factor of 2 either side
        lo, hi = max(1.0, lo / 2), hi * 2
    fine_d = np.unique(np.round(np.logspace(math.log10(lo), math.log10(hi), 200)).astype(np.int64))
    fine_x = np.log10(fine_d)
    _violins(left, x, [angles_deg[int(d)] for d in dims], width, _Q_COLOR)
    _violins(left, x, [pair_angles_deg[int(d)] for d in dims], width, _PAIR_COLOR)
    mean_cos = theory_obj.mean_cos(fine_d)
    var_cos = theory_obj.var_cos(fine_d)
    kind = theory_obj.kind
    if mean_cos is not None and var_cos is not None:
        m, s = angle_moments(mean_cos, var_cos)
        m, s = np.degrees(m), np.degrees(s)
        name = "theory" if kind == "exact" else "large-d theory"
        left.fill_between(fine_x, m - s, m + s, color=_Q_COLOR, alpha=0.18, lw=0, label=f"{name}: mean $\\pm$ 1 sd")
        left.plot(fine_x, m, color=_THEORY_COLOR, lw=1.2, label=f"{name}: mean angle")
    limit = theory_obj.limit_angle_deg
    if limit is not None:
        left.axhline(limit, color=_Q_COLOR, ls="--", lw=1.2,
                     label=f"limit d$\\to\\infty$: {limit:.2f}$^\\circ$")
    pair_mean, pair_sd = pair_angle_moments(fine_d)
    pm, ps = np.degrees(pair_mean), np.degrees(pair_sd)
    left.fill_between(fine_x, pm - ps, pm + ps, color=_PAIR_COLOR, alpha=0.15, lw=0,
                      label="random pair: 90$^\\circ$ $\\pm$ 1 sd")
    left.axhline(90.0, color=_PAIR_COLOR, ls=":", lw=1.2)
    left.plot([], [], color=_Q_COLOR, lw=6, alpha=0.5, label=f"angle(w, q(w)), sampled")
    left.plot([], [], color=_PAIR_COLOR, lw=6, alpha=0.5, label="angle(u, v), sampled")
    ticks = np.arange(math.floor(x.min()), math.ceil(x.max()) + 1)
    left.set_xticks(ticks, [f"$10^{{{int(t)}}}$" for t in ticks])
    left.set_xlim(min(x.min() - width, fine_x.min()), max(x.max() + width, fine_x.max()))
    left.set_ylim(0, 180)
    left.set_yticks(np.arange(0, 181, 15))
    left.set_xlabel("dimension d")
    left.set_ylabel("angle (degrees)")
    left.set_title(f"Angle between w and q(w): w ~ {label_w}, q = {label_q}")
    left.grid(True, axis="y", alpha=0.3)
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, ncol=3, frameon=False)

    # ---- right: the spread ------------------------------------------------------
    sd_q = np.array([r["sd_angle_deg"] for r in rows], dtype=np.float64)
    sd_pair = np.array([r["pair_sd_angle_deg"] for r in rows], dtype=np.float64)
    ok = sd_q > 0
    right.loglog(dims[ok], sd_q[ok], "o", color=_Q_COLOR, label="sd of angle(w, q(w))")
    right.loglog(dims, sd_pair, "s", color=_PAIR_COLOR, label="sd of angle(u, v)")
    if var_cos is not None:
        _, s = angle_moments(mean_cos, var_cos)
        right.loglog(fine_d, np.degrees(s), color=_THEORY_COLOR, lw=1.2, label="theory (delta method)")
    right.loglog(fine_d, ps, color=_PAIR_COLOR, lw=1.0, ls=":", label="delta method: 1/$\\sqrt{d}$ rad")
    if kind == "exact":
        from theory import ANGLE_SD_LEADING_DEG

        right.loglog(fine_d, ANGLE_SD_LEADING_DEG / np.sqrt(fine_d), color="#888888", ls="--", lw=1.0,
                     label=f"leading term {ANGLE_SD_LEADING_DEG:.2f}$^\\circ$ $d^{{-1/2}}$")
    elif ok.any():
        anchor_d, anchor_sd = dims[ok][-1], sd_q[ok][-1]
        right.loglog(fine_d, anchor_sd * np.sqrt(anchor_d / fine_d), color="#888888", ls="--", lw=1.0,
                     label="slope $d^{-1/2}$ through the last point")
    right.set_xlabel("dimension d")
    right.set_ylabel("sd of the angle (degrees)")
    right.set_title("Spread shrinks like $d^{-1/2}$")
    right.grid(True, which="both", alpha=0.25)
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def _violins(ax, positions, samples, width, color):
    keep = [(p, s) for p, s in zip(positions, samples) if len(s) > 1 and np.ptp(s) > 0]
    if keep:
        parts = ax.violinplot([s for _, s in keep], positions=[p for p, _ in keep], widths=width,
                              showextrema=False, showmeans=False)
        for body in parts["bodies"]:
            body.set_facecolor(color)
            body.set_edgecolor(color)
            body.set_alpha(0.45)
    means = [float(np.mean(s)) for s in samples]
    ax.plot(positions, means, "o", color=color, ms=3.5, zorder=3)
