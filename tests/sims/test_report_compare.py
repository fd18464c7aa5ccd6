"""python -m sims.report_compare: verdicts of two reports' tests side by side."""

from __future__ import annotations

import copy
import json

import pytest

from sims import report_compare

from tests.sims.test_report_conclusions import DATA


def _summary():
    return json.loads(DATA.read_text())["summary"]


def test_a_report_agrees_with_itself_and_not_with_its_flip():
    from tests.sims.test_report_conclusions import _flip

    s = _summary()
    same = report_compare.compare(s, copy.deepcopy(s))
    assert same["agree"] == same["total"] > 20
    flipped = report_compare.compare(s, _flip(s))
    assert flipped["agree"] == 0 and flipped["total"] == same["total"]


def test_verdicts_read_sign_and_resolution():
    s = {"layers": [{"name": "conv1", "t": {"diff": 0.1, "resolved": True}},
                    {"name": "dense1", "t": {"diff": 0.1, "resolved": False}},
                    {"name": "output", "t": {"diff": -0.1, "resolved": True}}]}
    assert report_compare.verdicts(s) == {"layers/conv1/t": "+", "layers/dense1/t": "0", "layers/output/t": "-"}


def test_command_writes_markdown(tmp_path, capsys):
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"summary": _summary()}))
    out = tmp_path / "cmp.md"
    assert report_compare.main([str(a), str(a), "--out", str(out), "--labels", "--seed 0", "--seed 1"]) == 0
    text = out.read_text()
    assert "Every verdict agrees." in text and "`--seed 0` and `--seed 1`" in text


@pytest.mark.parametrize("content", ["{}", "not json", '{"summary": 3}'])
def test_a_file_that_is_not_a_report_is_one_line(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code = report_compare.main([str(bad), str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "not a report.json" in err and len(err.strip().splitlines()) == 1
