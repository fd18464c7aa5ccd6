"""python -m sims.bnn train|evaluate: outputs, resume, one-line errors (the benchmark: test_bench_bnn.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bingeo.bnn import load_model
from sims import bnn as cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--arch", "c4-p-d16", "--epochs", "2", "--batch-size", "64", "--quiet"]


def test_train_writes_model_config_and_metrics_then_evaluate_reads_them(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), "--loss", "softmax", *SMALL]) == 0
    assert {p.name for p in out.iterdir()} == {"model.npz", "config.json", "metrics.json", "checkpoint.npz"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) >= {"metadata", "test_accuracy", "train_accuracy", "history"}
    assert metrics["metadata"]["command"] == "sims.bnn train" and metrics["metadata"]["seed"] == 0
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    assert 0.1 < metrics["test_accuracy"] <= 1.0
    assert json.loads((out / "config.json").read_text())["training"]["loss"] == "softmax"
    assert "test accuracy" in capsys.readouterr().out

    assert cli.main(["evaluate", str(out), "--json", str(tmp_path / "eval.json")]) == 0
    text = capsys.readouterr().out
    assert f"test accuracy {metrics['test_accuracy']:.4f} on digits (359 images)" in text
    result = json.loads((tmp_path / "eval.json").read_text())
    matrix = np.array(result["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == 359
    assert np.trace(matrix) / 359 == pytest.approx(metrics["test_accuracy"])


def test_variants_train_and_resume_continues(tmp_path):
    out = tmp_path / "float"
    args = ["train", "--out", str(out), "--float", "--first-layer", "rotated", *SMALL]
    assert cli.main(args) == 0
    assert load_model(out).config.binary is False
    assert cli.main(args + ["--resume"]) == 0                       # finished: reloads, no new epoch
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] == 2 and len(metrics["history"]) == 2
    out3 = tmp_path / "ternary"
    assert cli.main(["train", "--out", str(out3), "--levels", "3", "--threshold", "0.4", "--xnor-scale", *SMALL]) == 0
    cfg = load_model(out3).config
    assert (cfg.levels, cfg.threshold, cfg.xnor_scale) == (3, 0.4, True)


@pytest.mark.parametrize("argv, words", [
    (["train", "--out", "{tmp}/a", "--epochs", "0"], "--epochs: expected a positive integer, got 0"),
    (["train", "--out", "{tmp}/a", "--dataset", "nope"], "argument --dataset: invalid choice"),
    (["train", "--out", "{tmp}/a", "--arch", "c8-p-p-p-p"], "does not fit 8x8 images"),
    (["train", "--out", "{tmp}/a", "--arch", "c8-q"], "unknown token 'q'"),
    (["train", "--out", "{tmp}/a", "--threshold", "1.5"], "--threshold: expected a number in [0, 1)"),
    (["train", "--out", "{tmp}/a", "--lr-start", "0"], "--lr-start: expected a number in (0, 1]"),
    (["train", "--out", "{tmp}/a", "--binary", "--float"], "not allowed with argument"),
    (["train", "--out", "{tmp}/a", "--batch-size", "5000", "--epochs", "1"], "--batch-size: expected <= 1438"),
    (["train", "--out", "{tmp}/a", "--dataset", "mnist", "--data-dir", "{tmp}/none"], "mnist: data file"),
    (["train"], "the following arguments are required: --out"),
    (["evaluate", "{tmp}/missing"], "no such folder"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, words, monkeypatch):
    import bingeo.data.download

    def offline(*args, **kwargs):
        raise OSError("no network in this test")
    monkeypatch.setattr(bingeo.data.download, "urlopen", offline)    # a missing file stays missing
    monkeypatch.setenv("BINGEO_DATA_DIR", str(tmp_path / "none"))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    try:
        code = cli.main(argv)
    except SystemExit as exc:                                     # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_corrupt_model_and_existing_run_are_one_line_errors(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), *SMALL]) == 0
    capsys.readouterr()
    assert cli.main(["train", "--out", str(out), *SMALL]) == 2
    assert "holds a run already; pass --resume" in capsys.readouterr().err
    longer = ["--arch", "c4-p-d16", "--epochs", "3", "--batch-size", "64", "--quiet"]
    assert cli.main(["train", "--out", str(out), *longer, "--resume"]) == 2
    assert "epochs: saved 2, given 3" in capsys.readouterr().err
    (out / "model.npz").write_bytes(b"PK\x03\x04 not really a zip")
    assert cli.main(["evaluate", str(out)]) == 2
    err = capsys.readouterr().err
    assert "model.npz: not a readable .npz file" in err and len(err.strip().splitlines()) == 1


def test_killed_training_resumes_to_the_uninterrupted_result(tmp_path):
    """A real process killed (SIGKILL) after its first checkpoint resumes with --resume
    and ends with the weights of an uninterrupted run."""
    args = ["--arch", "c8-p-d32", "--epochs", "10", "--batch-size", "32", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    whole = tmp_path / "whole"
    assert cli.main(["train", "--out", str(whole), *args]) == 0
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "sims.bnn", "train", "--out", str(killed), *args],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (killed / "checkpoint.npz").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (killed / "checkpoint.npz").exists()
    done = int(np.load(killed / "checkpoint.npz")["epochs_done"])
    assert 1 <= done < 10, "the process was not stopped in the middle of its run"
    assert cli.main(["train", "--out", str(killed), *args, "--resume"]) == 0
    metrics = json.loads((killed / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] == done
    a, b = load_model(whole).state_dict(), load_model(killed).state_dict()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
