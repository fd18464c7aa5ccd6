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


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small trained run, shared by the checks of evaluate below."""
    out = tmp_path_factory.mktemp("bnn") / "run"
    assert cli.main(["train", "--out", str(out), "--seed", "0", *SMALL]) == 0
    return out


def _one_line_error(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_resume_of_an_empty_or_missing_folder_is_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    for folder in ("empty", "missing"):
        err = _one_line_error(["train", "--out", str(tmp_path / folder), *SMALL, "--resume"], capsys)
        assert "--resume" in err and "nothing to resume" in err
    assert not (tmp_path / "missing").exists() and list((tmp_path / "empty").iterdir()) == []


def test_unwritable_out_and_json_are_refused_before_any_work(tmp_path, capsys, trained, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setattr(cli, "train_model", lambda *a, **k: pytest.fail("trained before checking --out"))
    for out, why in [(tmp_path / "file" / "run", "is a file, not a folder"), (Path("/proc/run"), "cannot write in /proc")]:
        err = _one_line_error(["train", "--out", str(out), *SMALL], capsys)
        assert "--out" in err and why in err
    monkeypatch.setattr(cli, "load_model", lambda *a, **k: pytest.fail("evaluated before checking --json"))
    err = _one_line_error(["evaluate", str(trained), "--json", str(tmp_path / "file" / "e.json")], capsys)
    assert "--json" in err and "not a folder" in err


def test_a_huge_architecture_is_refused_with_its_memory_estimate(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train_model", lambda *a, **k: pytest.fail("allocated before estimating"))
    err = _one_line_error(["train", "--out", str(tmp_path / "big"), "--arch", "d100000000", "--quiet"], capsys)
    assert "--arch d100000000 needs about" in err and "GiB of memory" in err


def test_evaluate_uses_the_split_of_the_run(trained, capsys):
    err = _one_line_error(["evaluate", str(trained), "--seed", "3"], capsys)
    assert "--seed 3" in err and "seed 0" in err and "training images" in err
    assert cli.main(["evaluate", str(trained), "--seed", "0"]) == 0  # the run's own split: fine
    capsys.readouterr()


def test_evaluate_without_metrics_uses_the_seed_in_config(tmp_path, capsys):
    """Without metrics.json the run's seed is read from config.json: split 0's
    test set would hold the training images of a run on seed 5."""
    out = tmp_path / "run5"
    assert cli.main(["train", "--out", str(out), "--seed", "5", *SMALL]) == 0
    trained_on = json.loads((out / "metrics.json").read_text())
    (out / "metrics.json").unlink()
    capsys.readouterr()
    assert cli.main(["evaluate", str(out), "--json", str(tmp_path / "e.json")]) == 0
    result = json.loads((tmp_path / "e.json").read_text())
    assert result["metadata"]["seed"] == 5 and result["dataset"] == "digits"
    assert result["test_accuracy"] == trained_on["test_accuracy"]
    err = _one_line_error(["evaluate", str(out), "--seed", "0"], capsys)
    assert "--seed 0" in err and "seed 5" in err and "training images" in err
    assert cli.main(["evaluate", str(out), "--seed", "5"]) == 0
    capsys.readouterr()


def test_evaluate_json_on_stdout_is_parseable_and_the_table_goes_to_stderr(trained, capsys):
    assert cli.main(["evaluate", str(trained), "--json", "-"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["dataset"] == "digits" and np.array(result["confusion_matrix"]).sum() == result["test_images"]
    assert "confusion matrix" in captured.err and "95% Wilson interval" in captured.err


def test_evaluate_seed_must_be_non_negative(trained, capsys):
    err = _one_line_error(["evaluate", str(trained), "--seed", "-1"], capsys)
    assert "--seed" in err and "non-negative integer" in err and "--dataset" not in err and "SeedSequence" not in err


def test_evaluate_refuses_non_finite_weights(trained, tmp_path, capsys):
    import shutil

    broken = tmp_path / "nan"
    shutil.copytree(trained, broken)
    with np.load(broken / "model.npz") as data:
        arrays = {k: data[k] for k in data.files}
    name = next(k for k, v in arrays.items() if v.dtype.kind == "f" and v.size > 1)
    arrays[name] = np.full_like(arrays[name], np.nan)
    np.savez(broken / "model.npz", **arrays)
    err = _one_line_error(["evaluate", str(broken)], capsys)
    assert "non-finite" in err and name in err


def test_accuracies_come_with_their_uncertainty(trained, tmp_path, capsys):
    from bingeo.uncertainty import binomial_se, wilson_interval

    assert cli.main(["evaluate", str(trained), "--json", str(tmp_path / "e.json")]) == 0
    text = capsys.readouterr().out
    result = json.loads((tmp_path / "e.json").read_text())
    n = result["test_images"]
    k = round(result["test_accuracy"] * n)
    assert result["test_accuracy_se"] == pytest.approx(binomial_se(k, n))
    assert result["test_accuracy_wilson95"] == pytest.approx(list(wilson_interval(k, n)))
    assert f"+- {binomial_se(k, n):.4f}" in text and "95% Wilson interval" in text
    metrics = json.loads((trained / "metrics.json").read_text())
    assert {"test_accuracy_se", "test_accuracy_wilson95", "train_accuracy_se", "train_accuracy_wilson95"} <= set(metrics)
