"""python -m sims.analyze: every sub-command on a tiny model, and its errors."""

from __future__ import annotations

import json

import pytest

from sims import analyze


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from bingeo.bnn import TrainConfig
    from bingeo.bnn.train import train_model
    from tests.bingeo.analysis.conftest import tiny_digits

    out = tmp_path_factory.mktemp("model")
    train_model(TrainConfig(architecture="c4-p-d16", epochs=1, batch_size=32), tiny_digits(), out_dir=out)
    return out


@pytest.mark.parametrize("command", analyze.MODEL_COMMANDS)
def test_model_commands_write_json(model_dir, tmp_path, capsys, command):
    path = tmp_path / "out.json"
    code = analyze.main([command, "--model", str(model_dir), "--samples", "24", "--json", str(path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.strip()
    data = json.loads(path.read_text())
    assert data["metadata"]["command"] == "sims.analyze"
    assert data["metadata"]["arguments"]["command"] == command
    assert data["results"]


def test_angles_table_has_theory_beside_measurement(model_dir, capsys):
    assert analyze.main(["angles", "--model", str(model_dir)]) == 0
    out = capsys.readouterr().out
    assert "theory" in out and "conv1" in out and "log-log slope" in out


def test_twins_command(tmp_path, capsys):
    code = analyze.main(["twins", "--arch", "d8", "--epochs", "1", "--samples", "20"])
    assert code == 0
    assert "random sd" in capsys.readouterr().out


@pytest.mark.parametrize("argv, needle", [
    (["angles", "--model", "no-such-dir"], "--model"),
    (["angles"], "--model"),
    (["correlations", "--model", "x", "--samples", "0"], "--samples"),
    (["train-xnor", "--arch", "q9"], "architecture"),
    (["nonsense"], "invalid choice"),
    (["angles", "--model", "no-such-dir", "--json", "/proc/a.json"], "--json /proc/a.json: cannot write in /proc"),
    (["angles", "--model", "no-such-dir", "--json", ""], "--json: expected a file path"),
])
def test_errors_are_one_line_with_status_2(argv, needle, capsys):
    try:
        code = analyze.main(argv)
    except SystemExit as exc:  # argparse errors exit from parse_args
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_model_commands_default_to_the_training_data(tmp_path):
    from sims import bnn

    model = tmp_path / "m"
    assert bnn.main(["train", "--dataset", "synthetic", "--arch", "d8", "--epochs", "1", "--seed", "3",
                     "--quiet", "--out", str(model)]) == 0
    path = tmp_path / "c.json"
    assert analyze.main(["correlations", "--model", str(model), "--samples", "30", "--json", str(path)]) == 0
    args = json.loads(path.read_text())["metadata"]["arguments"]
    assert (args["dataset"], args["seed"]) == ("synthetic", 3)


@pytest.mark.parametrize("command", analyze.MODEL_COMMANDS)
def test_model_commands_refuse_non_finite_weights(model_dir, tmp_path, capsys, command):
    """A diverged run (or a damaged file) would otherwise be measured without a word."""
    import shutil

    import numpy as np

    broken = tmp_path / "nan"
    shutil.copytree(model_dir, broken)
    with np.load(broken / "model.npz") as data:
        arrays = {k: data[k] for k in data.files}
    name = next(k for k, v in arrays.items() if v.dtype.kind == "f" and v.size > 1)
    odd = np.arange(arrays[name].size).reshape(arrays[name].shape) % 2 == 1
    arrays[name] = np.where(odd, np.inf, np.nan).astype(arrays[name].dtype)
    np.savez(broken / "model.npz", **arrays)
    code = analyze.main([command, "--model", str(broken), "--samples", "24"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    err = captured.err
    assert "non-finite" in err and name in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_model_without_metrics_is_analysed_on_its_own_split(tmp_path):
    """config.json records the run's seed: without metrics.json the analysis
    still uses that split, not seed 0's (whose test set holds training images)."""
    from sims import bnn

    out = tmp_path / "m"
    assert bnn.main(["train", "--arch", "d8", "--epochs", "1", "--seed", "5", "--quiet", "--out", str(out)]) == 0
    (out / "metrics.json").unlink()
    assert analyze.training_data_args(out) == ("digits", 5, None)
