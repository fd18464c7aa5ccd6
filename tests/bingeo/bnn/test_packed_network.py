"""The exported packed network gives the float engine's evaluation-mode scores
bit for bit: on all of digits' test set after a short training, on random
networks whose sums tie at pooling and at batch-norm thresholds, for every
first layer and for odd shapes; the first layer's float thresholds equal its
batch norm and sign; memory; refusals; files."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn import CheckpointError, ModelConfig, Network, TrainConfig, train_model
from bingeo.bnn import primitives as P
from bingeo.bnn.packed import PackedNetwork, load_packed, pack_signs_channels_last, save_packed

from .digits_data import digits

CIFAR_SHAPED = "c32-c32-p-c64-c64-p-c128-c128-p-d256"


def _assert_same_as_engine(net, x):
    packed = net.export_packed()
    np.testing.assert_array_equal(packed.forward(x), net.forward(x))
    np.testing.assert_array_equal(packed.predict(x), net.predict(x))
    return packed


def _tied_statistics(net, x, seed):
    """Running means set to sums the network really computes on ``x``, and
    no shift, so BN(z) = 0 exactly (a tie, sign +1) for some inputs; the
    variances are spread so that other units' thresholds fall anywhere."""
    rng = np.random.default_rng(seed)
    for i in range(len(net.layers)):
        _, records = net.forward(x, record=True)
        z = records[i].preactivation
        for _ in range(net.layers[i].pools):
            z, _ = P.maxpool2d_forward(np.ascontiguousarray(z))
        per_unit = np.moveaxis(z, 1, 0).reshape(z.shape[1], -1)
        net.running_mean[i][:] = per_unit[np.arange(per_unit.shape[0]), rng.integers(0, per_unit.shape[1],
                                                                                  per_unit.shape[0])]
        net.running_var[i][:] = rng.uniform(0.5, 4 * net.layers[i].fan_in, net.running_var[i].shape)
        net.betas[i][:] = 0


def _ties(net, x):
    """How many hidden batch-norm outputs are exactly 0 (ties decided as +1),
    and how many pooling windows hold their maximum twice or more."""
    _, records = net.forward(x, record=True)
    at_threshold = sum(int((r.output == 0).sum()) for r in records[:-1])
    pooled = 0
    for plan, r in zip(net.layers, records):
        if plan.pools:
            n, f, h, w = r.preactivation.shape
            windows = r.preactivation[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, f, h // 2, 2, w // 2, 2)
            windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4)
            pooled += int(((windows == windows.max(axis=1, keepdims=True)).sum(axis=1) > 1).sum())
    return at_threshold, pooled


def test_digits_test_set_after_training():
    data = digits()
    result = train_model(TrainConfig(architecture="c8-p-d64", epochs=2, batch_size=32, seed=0), data)
    net = result.network
    packed = _assert_same_as_engine(net, data.x_test)
    assert (packed.predict(data.x_test) == data.y_test).mean() == pytest.approx(result.test_accuracy)
    _assert_same_as_engine(net, data.x_train)


@pytest.mark.parametrize("first_layer", ["binary", "rotated", "continuous"])
def test_random_networks_with_ties_on_digits(first_layer):
    x = digits().x_test[:64]
    net = Network(ModelConfig(architecture="c8-p-c70-d65", input_shape=(1, 8, 8), first_layer=first_layer,
                              seed=4))
    _tied_statistics(net, x, seed=5)
    at_threshold, in_pools = _ties(net, x)
    assert at_threshold > 0 and in_pools > 0
    _assert_same_as_engine(net, x)


@pytest.mark.parametrize("arch, shape", [
    ("c3-p-p-d5", (2, 7, 5)),        # two pools, odd sides: dropped rows and columns
    ("c65-c2-d3", (1, 1, 3)),        # one-pixel rows: every position a border, 65 channels
    ("d130-d64", (1, 3, 3)),         # a dense first layer, fan-ins 130 and 64
    ("", (3, 2, 2)),                 # the output layer alone
])
def test_odd_shapes_and_layouts(arch, shape):
    rng = np.random.default_rng(len(arch))
    x = (rng.integers(-8, 9, (40,) + shape) / 8).astype(np.float32)       # digits' values: ties
    net = Network(ModelConfig(architecture=arch, input_shape=shape, num_classes=4, seed=1))
    _tied_statistics(net, x, seed=2)
    _assert_same_as_engine(net, x)
    _assert_same_as_engine(net, rng.uniform(-1, 1, (40,) + shape).astype(np.float32))


@pytest.mark.parametrize("pixels", ["uniform", "eighths"])
def test_first_layer_thresholds_equal_batch_norm_and_sign(pixels):
    """The engine's sums against the float thresholds give the bits of the
    engine's batch norm and sign, also at sums that make the batch norm
    exactly 0."""
    rng = np.random.default_rng(9)
    x = rng.uniform(-1, 1, (16, 2, 6, 6)).astype(np.float32)
    if pixels == "eighths":
        x = (np.round(x * 8) / 8).astype(np.float32)    # digits' values: many equal sums
    for first_layer in ("binary", "rotated", "continuous"):
        net = Network(ModelConfig(architecture="c66-p-d4", input_shape=(2, 6, 6), first_layer=first_layer, seed=3))
        _tied_statistics(net, x, seed=10)
        packed = net.export_packed()
        y = packed._first_layer(x)
        assert (y == 0).any()
        np.testing.assert_array_equal(packed._first_signs(x), pack_signs_channels_last(y))


def test_pixels_that_could_overflow_the_first_layer_are_refused():
    packed = Network(ModelConfig(architecture="c4-d4")).export_packed()
    with pytest.raises(ValueError, match="^x: pixel values up to 3e[+]37 could overflow"):
        packed.forward(np.full((1, 1, 8, 8), 3e37, np.float32))


@pytest.mark.parametrize("arch, shape, floor", [
    ("c32-c32-p-c64-c64-p-d256", (1, 8, 8), 16),
    (CIFAR_SHAPED, (3, 32, 32), 16),
])
def test_weight_memory_is_at_least_16_times_smaller(arch, shape, floor):
    net = Network(ModelConfig(architecture=arch, input_shape=shape))
    packed = net.export_packed()
    assert packed.float_weight_nbytes == 4 * sum(w.size for w in net.weights)
    assert packed.float_weight_nbytes / packed.weight_nbytes >= floor


@pytest.mark.parametrize("options, words", [
    (dict(binary=False), "continuous twin (binary=False)"),
    (dict(levels=3), "ternary (levels=3)"),
    (dict(xnor_scale=True), "xnor_scale=True"),
])
def test_unsupported_networks_are_refused_naming_what_is_supported(options, words):
    net = Network(ModelConfig(architecture="c4-d4", **options))
    with pytest.raises(ValueError) as info:
        net.export_packed()
    message = str(info.value)
    assert message.startswith("net: ") and words in message and "supports binary networks" in message


def test_bad_input_is_named():
    packed = Network(ModelConfig(architecture="d4")).export_packed()
    with pytest.raises(ValueError, match=r"^x: expected shape \(N, 1, 8, 8\)"):
        packed.forward(np.zeros((2, 1, 8, 7), np.float32))
    with pytest.raises(ValueError, match="^x: expected finite"):
        packed.forward(np.full((1, 1, 8, 8), np.nan, np.float32))
    with pytest.raises(ValueError, match="^batch_size"):
        packed.predict(np.zeros((1, 1, 8, 8), np.float32), batch_size=0)


def test_save_and_load_round_trip_and_bad_files(tmp_path):
    x = digits().x_test[:50]
    net = Network(ModelConfig(architecture="c8-p-d16", first_layer="rotated", seed=9))
    path = save_packed(tmp_path / "net.npz", net.export_packed())
    back = load_packed(path)
    assert isinstance(back, PackedNetwork)
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    with pytest.raises(CheckpointError, match="no such file"):
        load_packed(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(CheckpointError, match="not a readable"):
        load_packed(tmp_path / "bad.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["dense1.words"] = arrays["dense1.words"][:1]
    np.savez(tmp_path / "short.npz", **arrays)
    with pytest.raises(CheckpointError, match="dense1.words is uint64"):
        load_packed(tmp_path / "short.npz")
    del arrays["dense1.words"]
    np.savez(tmp_path / "missing_array.npz", **arrays)
    with pytest.raises(CheckpointError, match=r"missing arrays \['dense1.words'\]"):
        load_packed(tmp_path / "missing_array.npz")
