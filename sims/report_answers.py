"""The report's first section: what it answers about the paper's claims, one line each.

Every line is assembled from the same tests as the sections below it
(:mod:`sims.report_summary`), so an answer is "not resolved" exactly when
its test is; the lines sit between two markers so that the documentation
can show the answers of several reports side by side.
"""

from __future__ import annotations

from bingeo.uncertainty import chance_count
from sims.report_text import count_verdicts, diff_cell, layer_list, span, verdict

__all__ = ["ANSWERS_START", "ANSWERS_END", "answers"]

ANSWERS_START = "<!-- answers-start -->"
ANSWERS_END = "<!-- answers-end -->"


def _counts(tests, more: str, less: str, same: str = "not resolved", names=None) -> str:
    """``k more, m less, n same (of N)``; with ``names``, each count followed by its layers."""
    groups = {"more": [], "less": [], "same": [], "untested": []}
    for i, t in enumerate(tests):
        key = "untested" if not t else "same" if not t["resolved"] else "more" if t["diff"] > 0 else "less"
        groups[key].append(names[i] if names else "")
    parts = [f"{len(groups[k])} {word}" + (f" ({layer_list(groups[k])})" if names else "")
             for k, word in (("more", more), ("less", less), ("same", same)) if groups[k]]
    return ", ".join(parts) + f" (of {len(tests)})"


def _chance(tests) -> str:
    """Whether a family of tests of a prediction claimed exact resolves more than chance would."""
    c = count_verdicts(tests)
    off, n = c["more"] + c["less"], len(tests)
    return ("as many resolved as chance gives for an exact prediction" if off <= chance_count(n)
            else "more resolved than chance gives for an exact prediction")


def _dynamics_line(dyn: dict) -> str:
    ends = []
    for v in dyn.values():
        c = count_verdicts([r["final_vs_theory"] for r in v["layers"]])
        ends.append(f"`{v['recipe']}` from {v['init']}: {c['more']} above, {c['less']} below, {c['same']} not "
                    "resolved")
    return "; ".join(ends)


def answers(s: dict, ctx: dict) -> list[str]:
    """The answers section (between :data:`ANSWERS_START` and :data:`ANSWERS_END`)."""
    a = s["angles"]["layers"]
    corr = s["correlations"][1:]
    both = [r["wc_abwb"] for r in corr]
    fl = s["first_layer"]
    x = s["xnor"]
    scope = s["scope"][1:]
    perm = s["permutation"]["per_sample_vs_none"]
    te = s["ternary"]["angles"]
    dyn = s["dynamics"]
    main = s["training"]["main/binary"]
    lines = [
        f"**Main network**: test accuracy {main['mean']:.3f} ± {main['sd']:.3f} over {main['seeds']} seeds "
        f"(`{ctx['plan']['main_arch']}`, {ctx['plan']['main_epochs']} epochs of `{ctx['recipe']}`).",
        f"- **Angle preservation.** Trained layers against the Gaussian 37 degrees at their fan-in: "
        f"{_counts([r['vs_theory'] for r in a], 'above', 'below', names=[r['name'] for r in a])}; mean angles "
        f"{span([r['angle_deg']['mean'] for r in a], '.1f')} degrees (section 1).",
        f"- **Training decides the geometry.** At the end of `{ctx['plan']['dynamics_arch']}`'s "
        f"{ctx['plan']['dynamics_epochs']} epochs, layers against the Gaussian cosine: {_dynamics_line(dyn)} "
        "(section 9).",
        f"- **Dot-product preservation.** corr(A.W^c, A^b.W^b) in the hidden layers: "
        f"{span([r['measured']['mean'] for r in both])}; against the isotropic theory "
        f"{_counts([r['vs_isotropic'] for r in both], 'higher', 'lower')}; the Gaussian arcsine prediction "
        f"{_counts([r['vs_gaussian'] for r in both], 'over', 'under', 'not resolved')}, the second-moment "
        f"prediction {_counts([r['vs_second_moment'] for r in both], 'over', 'under', 'not resolved')}, "
        f"{_chance([r['vs_second_moment'] for r in both])} (section 2).",
        "- **Every layer binarized, not one.** One layer continuous against the whole network continuous: "
        + _counts([r["test"] for r in scope], "higher with one layer", "lower with one layer",
                  names=[r["name"] for r in scope]) + " (section 3).",
        f"- **XNOR-Net's scale under batch norm.** Accuracy with alpha minus without: "
        f"{diff_cell(x['accuracy_test'], '.4f')}, {verdict(x['accuracy_test'], 'higher', 'lower', 'not resolved')}"
        " (section 6).",
        f"- **The first layer.** Rotated minus binary first layer in accuracy: "
        f"{diff_cell(fl['accuracy_vs_binary']['rotated'], '.4f')} "
        f"({verdict(fl['accuracy_vs_binary']['rotated'], 'better', 'worse', 'not resolved')}); continuous minus "
        f"binary: {diff_cell(fl['accuracy_vs_binary']['continuous'], '.4f')} "
        f"({verdict(fl['accuracy_vs_binary']['continuous'], 'better', 'worse', 'not resolved')}); the rotated "
        f"weights' cosine is {verdict(fl['rotated_vs_theory'], 'above', 'below', 'consistent with')} the "
        f"isotropic theory (section 4).",
        f"- **Permuting the inputs per sample.** The first layer's corr(A.W^c, A.W^b) moves by "
        f"{diff_cell(perm)} ({'resolved' if perm['resolved'] else 'not resolved'}) (section 5).",
        f"- **Ternary.** Layers against ternary theory at their threshold: "
        f"{_counts([r['vs_theory'] for r in te], 'above', 'below', names=[r['name'] for r in te])} (section 8).",
    ]
    return ["## What this report answers", "", ANSWERS_START, ""] + [line for line in lines] + ["", ANSWERS_END, ""]
