"""The report's conclusions follow from its tests: other outcomes, other words."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from sims import report

DATA = Path(__file__).parent / "data" / "report_summary_quick.json"

CTX = {"command": "--quick", "time_utc": "2026-01-01T00:00:00Z", "version": "0", "seed": 0, "recipe": "binarynet",
       "machine": {"cpu": "cpu", "cpu_flags": ["avx2"], "logical_cpus": 2, "numba_threads": 2,
                   "numba_cpu_name": "", "blas": [], "platform": "p", "versions": {"numpy": "2"}},
       "seconds": 1.0, "workers": 2}


@pytest.fixture(scope="module")
def result():
    return json.loads(DATA.read_text())


def _ctx(result):
    return {**CTX, "plan": result["plan"], "dataset": result["dataset"]}


def _conclusions(text: str) -> dict:
    """Each section's conclusion paragraph, by section heading."""
    out, heading = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line
        elif line.startswith("**Conclusion.**"):
            out[heading] = line
    return out


def _flip(obj):
    """Every test outcome reversed (resolved <-> not), the numbers kept."""
    if isinstance(obj, dict):
        out = {k: _flip(v) for k, v in obj.items()}
        if isinstance(out.get("resolved"), bool):
            out["resolved"] = not out["resolved"]
        return out
    if isinstance(obj, list):
        return [_flip(v) for v in obj]
    return obj


def test_every_section_has_a_conclusion(result):
    text = report.markdown(result, _ctx(result))
    headings = [line for line in text.splitlines() if re.match(r"## \d+\.", line)]
    assert len(headings) == 10
    assert set(_conclusions(text)) == set(headings)


def test_every_tested_conclusion_changes_with_its_tests(result):
    before = _conclusions(report.markdown(result, _ctx(result)))
    flipped = copy.deepcopy(result)
    flipped["summary"] = _flip(flipped["summary"])
    after = _conclusions(report.markdown(flipped, _ctx(flipped)))
    for heading, sentence in before.items():
        if heading.startswith("## 10."):             # a description of r, which has no test
            continue
        assert after[heading] != sentence, heading


def test_the_answers_follow_their_tests(result):
    from sims.report_answers import ANSWERS_END, ANSWERS_START

    def block(r):
        text = report.markdown(r, _ctx(r))
        return text[text.index(ANSWERS_START):text.index(ANSWERS_END)]

    flipped = copy.deepcopy(result)
    flipped["summary"] = _flip(flipped["summary"])
    before, after = block(result).splitlines(), block(flipped).splitlines()
    changed = [b != a for b, a in zip(before, after) if b.startswith("- ")]
    assert len(changed) == 8 and all(changed)


def test_angle_conclusion_counts_the_layers_above_and_below(result):
    changed = copy.deepcopy(result)
    for layer in changed["summary"]["angles"]["layers"]:
        layer["vs_theory"] = {"diff": -0.05, "se": 0.01, "z_score": -5.0, "resolved": True, "rule": ""}
    n = len(changed["summary"]["angles"]["layers"])
    text = _conclusions(report.markdown(changed, _ctx(changed)))["## 1. Weight angles per layer"]
    assert f"0 of {n} layers sit above it (resolved), {n} below and 0 are not resolved" in text


def test_identities_are_labelled_as_checks(result):
    text = report.markdown(result, _ctx(result))
    assert "check: plug-in gap" in text and "an identity on pooled moments, not a prediction" in text
    assert "an identity of second moments: a check" in text
    assert "*Check* (an identity, not evidence)" in text
