"""python -m sims.bnn evaluate --packed: the float evaluation's output, computed
on the packed path; an unsupported model is one line and exit status 2."""

from __future__ import annotations

import json

from bingeo.bnn import TrainConfig, save_model, train_model
from sims import bnn as cli

from .digits_data import digits


def test_packed_evaluation_prints_and_writes_what_the_float_one_does(tmp_path, capsys):
    result = train_model(TrainConfig(architecture="c4-p-d16", epochs=1, batch_size=64), digits())
    save_model(tmp_path / "run", result.network)
    outputs = {}
    for flag in ([], ["--packed"]):
        assert cli.main(["evaluate", str(tmp_path / "run"), "--json", str(tmp_path / "e.json"), *flag]) == 0
        record = json.loads((tmp_path / "e.json").read_text())
        assert record.pop("metadata")["arguments"]["packed"] is bool(flag)
        outputs[bool(flag)] = (capsys.readouterr().out, record)
    assert outputs[True] == outputs[False]
    assert f"test accuracy {result.test_accuracy:.4f}" in outputs[True][0]


def test_an_unsupported_model_is_one_line_and_status_2(tmp_path, capsys):
    net = train_model(TrainConfig(architecture="d8", epochs=1, batch_size=128, levels=3), digits()).network
    save_model(tmp_path / "ternary", net)
    assert cli.main(["evaluate", str(tmp_path / "ternary"), "--packed"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--packed: net: the network is ternary (levels=3)" in err
