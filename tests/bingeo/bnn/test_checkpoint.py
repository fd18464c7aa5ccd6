"""Models on disk: round trip, and a clear error for every kind of bad file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bingeo.bnn import CheckpointError, ModelConfig, Network, load_model, save_model
from bingeo.bnn.checkpoint import load_checkpoint, save_checkpoint
from bingeo.bnn.optim import Adam


def make_net(**kw):
    options = dict(architecture="c4-p-d8", input_shape=(1, 8, 8), num_classes=10, first_layer="rotated")
    options.update(kw)
    return Network(ModelConfig(**options))


def test_round_trip_keeps_every_array_and_the_outputs(tmp_path):
    net = make_net(seed=4)
    net.betas[1][:] = 0.25
    net.running_var[0][:] = 2.0
    save_model(tmp_path, net)
    back = load_model(tmp_path)
    assert back.config == net.config
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key], value)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 1, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "model.npz"]


def test_truncated_model_file_is_a_clear_error(tmp_path):
    save_model(tmp_path, make_net())
    path = tmp_path / "model.npz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="model.npz: not a readable .npz file"):
        load_model(tmp_path)


def test_flipped_bytes_are_caught(tmp_path):
    save_model(tmp_path, make_net())
    path = tmp_path / "model.npz"
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="model.npz"):
        load_model(tmp_path)


def test_arrays_of_another_architecture_are_refused(tmp_path):
    save_model(tmp_path, make_net())
    cfg = json.loads((tmp_path / "config.json").read_text())
    cfg["model"]["architecture"] = "c4-p-d16"
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match=r"model.npz: does not match config.json .*dense1.w has shape"):
        load_model(tmp_path)


@pytest.mark.parametrize("edit, words", [
    (lambda c: c.update(format="other/9"), "format tag 'other/9'"),
    (lambda c: c["model"].update(levels=5), "levels: expected 2"),
    (lambda c: c["model"].update(colour="red"), "unknown field"),
    (lambda c: c.pop("model"), "model"),
])
def test_bad_configuration_is_named(tmp_path, edit, words):
    save_model(tmp_path, make_net())
    cfg = json.loads((tmp_path / "config.json").read_text())
    edit(cfg)
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="config.json: not a valid model configuration") as info:
        load_model(tmp_path)
    assert words in str(info.value)


def test_not_json_and_missing_files(tmp_path):
    with pytest.raises(CheckpointError, match="config.json: no such file"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not a valid model configuration"):
        load_model(tmp_path)
    save_model(tmp_path, make_net())
    (tmp_path / "model.npz").unlink()
    with pytest.raises(CheckpointError, match="model.npz: no such file"):
        load_model(tmp_path)


def test_checkpoint_round_trip_and_model_mismatch(tmp_path):
    net = make_net()
    opt = Adam(net.parameters())
    opt.step({k: np.ones_like(v) for k, v in net.parameters().items()}, 0.01)
    save_checkpoint(tmp_path, net, opt, 3, [{"epoch": 1}, {"epoch": 2}, {"epoch": 3}])
    other = make_net()
    other_opt = Adam(other.parameters())
    done, history = load_checkpoint(tmp_path, other, other_opt)
    assert done == 3 and history[-1] == {"epoch": 3} and other_opt.t == 1
    np.testing.assert_array_equal(other.weights[0], net.weights[0])
    for key, value in opt.state_dict().items():
        np.testing.assert_array_equal(other_opt.state_dict()[key], value)
    wrong = make_net(seed=1)
    with pytest.raises(CheckpointError, match="saved for a different model .*seed"):
        load_checkpoint(tmp_path, wrong, Adam(wrong.parameters()))


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    net = make_net()
    save_model(tmp_path, net)
    before = (tmp_path / "model.npz").read_bytes()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(KeyboardInterrupt):
        save_model(tmp_path, make_net(seed=9))
    assert (tmp_path / "model.npz").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
