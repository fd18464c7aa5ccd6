"""Training: a short run learns digits, seeds reproduce, resume equals uninterrupted."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn import CheckpointError, TrainConfig, load_model, train_model
from bingeo.bnn.train import epoch_permutation

from .digits_data import digits

SHORT = TrainConfig(architecture="c8-p-d64", epochs=5, batch_size=32, lr_start=3e-3, lr_end=3e-5,
                    loss="hinge", seed=0)

ACCURACY_FLOOR = 0.75
"""Test accuracy the short binary run must reach on digits (359 test images).

Chance is 0.10.  At seed 0 the run measured 0.875 (train 0.905); the
binomial standard error of a test accuracy near 0.87 on 359 images is 0.018,
and the floor sits more than 6 such errors lower, which leaves room for the
float32 rounding differences of other (equally correct) kernels to change
the trajectory, while a broken gradient (accuracy near chance) fails it."""


def test_short_training_reaches_the_floor(tmp_path):
    result = train_model(SHORT, digits(), out_dir=tmp_path)
    assert result.test_accuracy >= ACCURACY_FLOOR
    assert len(result.history) == SHORT.epochs
    assert [h["epoch"] for h in result.history] == [1, 2, 3, 4, 5]
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert {p.name for p in tmp_path.iterdir()} == {"config.json", "model.npz", "checkpoint.npz"}
    back = load_model(tmp_path)
    np.testing.assert_array_equal(back.predict(digits().x_test), result.network.predict(digits().x_test))


def test_same_seed_same_weights_other_seed_other_weights():
    cfg = TrainConfig(architecture="c4-p-d16", epochs=2, batch_size=64, seed=7)
    a = train_model(cfg, digits()).network.state_dict()
    b = train_model(cfg, digits()).network.state_dict()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    c = train_model(TrainConfig(architecture="c4-p-d16", epochs=2, batch_size=64, seed=8), digits())
    assert not np.array_equal(a["conv1.w"], c.network.state_dict()["conv1.w"])


class Stop(Exception):
    pass


@pytest.mark.parametrize("options", [dict(), dict(binary=False, loss="softmax", first_layer="rotated")])
def test_resume_after_an_interruption_equals_the_uninterrupted_run(tmp_path, options):
    cfg = TrainConfig(architecture="c4-p-d16", epochs=4, batch_size=64, seed=3, **options)
    whole = train_model(cfg, digits())

    def stop_after_two(record):
        if record["epoch"] == 2:
            raise Stop
    with pytest.raises(Stop):
        train_model(cfg, digits(), out_dir=tmp_path, callback=stop_after_two)
    assert not (tmp_path / "model.npz").exists()
    resumed = train_model(cfg, digits(), out_dir=tmp_path, resume=True)
    assert resumed.resumed_from == 2
    for key, value in whole.network.state_dict().items():
        np.testing.assert_array_equal(resumed.network.state_dict()[key], value, err_msg=key)
    assert resumed.history == whole.history
    assert resumed.test_accuracy == whole.test_accuracy


def test_resume_without_a_checkpoint_starts_fresh_and_a_finished_run_stays(tmp_path):
    cfg = TrainConfig(architecture="d8", epochs=1, batch_size=128)
    first = train_model(cfg, digits(), out_dir=tmp_path, resume=True)
    assert first.resumed_from == 0
    again = train_model(cfg, digits(), out_dir=tmp_path, resume=True)
    assert again.resumed_from == 1 and again.history == first.history
    np.testing.assert_array_equal(again.network.weights[0], first.network.weights[0])


def test_resume_with_another_configuration_is_refused(tmp_path):
    train_model(TrainConfig(architecture="d8", epochs=1, batch_size=128), digits(), out_dir=tmp_path)
    with pytest.raises(CheckpointError, match="epochs: saved 1, given 2"):
        train_model(TrainConfig(architecture="d8", epochs=2, batch_size=128), digits(),
                    out_dir=tmp_path, resume=True)


def test_shuffling_depends_on_seed_and_epoch_only():
    assert np.array_equal(epoch_permutation(1, 5, 100), epoch_permutation(1, 5, 100))
    assert not np.array_equal(epoch_permutation(1, 5, 100), epoch_permutation(1, 6, 100))
    assert not np.array_equal(epoch_permutation(1, 5, 100), epoch_permutation(2, 5, 100))


@pytest.mark.parametrize("kwargs, words", [
    (dict(epochs=0), "epochs: expected an integer >= 1"),
    (dict(batch_size=0), "batch_size: expected an integer >= 1"),
    (dict(lr_start=0.0), "lr_start: expected 0 < lr_start <= 1"),
    (dict(loss="l2"), "loss: expected one of hinge, softmax"),
    (dict(levels=4), "levels: expected 2 (binary) or 3"),
    (dict(threshold=1.5), "threshold: expected 0 <= threshold < 1"),
    (dict(first_layer="rot"), "first_layer: expected one of binary, continuous, rotated"),
    (dict(architecture="c8-x"), "architecture: unknown token 'x'"),
])
def test_bad_configuration_is_named(kwargs, words):
    with pytest.raises(ValueError) as info:
        TrainConfig(**kwargs)
    assert words in str(info.value)


def test_architecture_that_does_not_fit_the_images():
    with pytest.raises(ValueError, match="does not fit 8x8 images: pool 4 after conv1 sees a 1x1 map"):
        train_model(TrainConfig(architecture="c4-p-p-p-p", epochs=1), digits())
    with pytest.raises(ValueError, match="batch_size: expected <= 1438"):
        train_model(TrainConfig(architecture="d4", epochs=1, batch_size=5000), digits())


def test_same_weights_whatever_the_number_of_threads(tmp_path):
    """A run on one numba thread (a fresh process) ends with the weights of a run on all of them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = ("from bingeo.bnn import TrainConfig, train_model\n"
            "from bingeo.data import load_dataset\n"
            "import sys\n"
            "train_model(TrainConfig(architecture='c8-p-c16-d32', epochs=1, batch_size=64, seed=5),\n"
            "            load_dataset('digits'), out_dir=sys.argv[1])\n")
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=root, env=env, check=True)
    here = train_model(TrainConfig(architecture="c8-p-c16-d32", epochs=1, batch_size=64, seed=5), digits())
    one_thread = load_model(tmp_path).state_dict()
    for key, value in here.network.state_dict().items():
        np.testing.assert_array_equal(one_thread[key], value, err_msg=key)
