"""The network against the plain numpy reference step, its switches and records.

Tolerance of the step comparison
--------------------------------
The forward pass of a binary network on digits is exact up to batch
normalization: images are multiples of 1/8, quantized weights are +-1 and
quantized activations +-1, so every conv/dense sum is a small multiple of 1/8,
exact in float32 in any order; batch means over N*H*W = a power of two are
exact too.  The two implementations can differ first in 1/sqrt(var + eps),
by a few ulps, which scales but never flips a sign.  The backward pass is
plain float32 arithmetic: along the chain, gradients go through sums of
length ``fan_in`` (dx), ``units`` (dx of the next layer) and ``N*H*W``
(dw, dbeta, batch-norm means); two summation orders of ``n`` terms differ by
at most ``sum_rtol32(n)`` times the sum of the absolute terms
(tests/tolerances.py).  The error grows at most additively along the chain,
so each gradient array is compared with ``atol = sum_rtol32(S) * max|g|``
where S adds up the summation lengths of every layer.  For the continuous
twin the forward pass is not exact, but it is continuous except at the
hard-tanh corners and pooling ties; the test checks that both sides take the
same discrete decisions (quantized inputs, straight-through masks) before it
compares the continuous values.  Adam's first step is ``lr * g / (|g| + eps)``, whose
derivative in g is at most ``lr * eps / (|g| + eps)**2`` (lr times the
layer's rate scale); the parameter check uses that slope times the gradient
tolerance, plus 4 ulps of the parameter and 4 ulps of the rate.
"""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn import ModelConfig, Network
from bingeo.bnn.optim import Adam
from bingeo.bnn.reference_step import reference_forward, reference_train_step
from bingeo.bnn.train import loss_and_gradient, train_step, weight_lr_scales
from tests.tolerances import EPS32, sum_rtol32

from .digits_data import digits

ARCH = "c8-p-c16-p-d32"
BATCH = 16


def chain_length(net: Network, batch: int) -> int:
    """S: the summation lengths met along the forward and backward chain."""
    total = 0
    for plan in net.layers:
        spatial = 1
        for s in plan.output_shape[1:]:
            spatial *= s
        pre_spatial = spatial * 4 ** plan.pools
        total += plan.fan_in + plan.units * (9 if plan.kind == "conv" else 1) + batch * pre_spatial
    return total


VARIANTS = [
    dict(),
    dict(binary=False),
    dict(levels=3, threshold=0.5),
    dict(first_layer="rotated"),
    # The XNOR scale applies to the exact integer product and batch norm
    # centres the unscaled sums (BN(alpha z; eps) = BN(z; eps / alpha^2)), so
    # exact ties are decided as without the scale: no fixture needs to avoid them.
    dict(xnor_scale=True),
    dict(first_layer="continuous", xnor_scale=True, seed=1, architecture="c8-p-c16-d32"),
]


@pytest.mark.parametrize("loss", ["hinge", "softmax"])
@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "binary")
def test_one_training_step_equals_the_reference_step(options, loss):
    ds = digits()
    x, y = ds.x_train[:BATCH], ds.y_train[:BATCH]
    options = {"seed": 3, "architecture": ARCH, **options}
    cfg = ModelConfig(input_shape=(1, 8, 8), num_classes=10, **options)
    net = Network(cfg)
    scales = weight_lr_scales(net)
    opt = Adam(net.parameters(), lr_scales=scales)
    lr = 0.001
    new_state, new_adam, ref_loss, ref_grads = reference_train_step(
        net.state_dict(), opt.state_dict(), x, y, cfg, lr=lr, loss=loss, lr_scales=scales)

    # both take the same discrete decisions: quantized inputs and straight-through masks
    _, tape = reference_forward(net.state_dict(), x, cfg, training=True)
    out, records = net.forward(x, training=True, record=True)
    rtol = sum_rtol32(chain_length(net, BATCH))
    for rec, ref in zip(records[1:], tape[1:]):
        if rec.binarized_input:
            np.testing.assert_array_equal(rec.input, ref["a"], err_msg=rec.name)
        else:
            np.testing.assert_allclose(rec.input, ref["a"], rtol=0, atol=rtol, err_msg=rec.name)
        np.testing.assert_array_equal(np.abs(rec.input_signal) <= 1, np.abs(ref["signal"]) <= 1)

    fast_loss, dout = loss_and_gradient(out, y, loss)
    grads = net.backward(dout)
    assert abs(fast_loss - ref_loss) <= rtol * abs(ref_loss)
    assert sorted(grads) == sorted(ref_grads)
    for name, g in grads.items():
        atol = rtol * float(np.abs(ref_grads[name]).max())
        np.testing.assert_allclose(g, ref_grads[name], rtol=0, atol=atol, err_msg=name)

    # the full step: optimizer and clipping
    net2 = Network(cfg)
    opt2 = Adam(net2.parameters(), lr_scales=scales)
    train_step(net2, opt2, x, y, loss=loss, lr=lr)
    eps = opt2.eps
    for name, p in net2.parameters().items():
        rate = np.float32(lr * scales.get(name, 1.0))
        g = np.clip(ref_grads[name], -1, 1)
        gtol = rtol * float(np.abs(ref_grads[name]).max())
        slope = rate * eps / (np.abs(g) + eps) ** 2
        atol = slope * gtol + 4 * np.spacing(np.abs(new_state[name]).astype(np.float32)) + 4 * np.spacing(rate)
        assert np.all(np.abs(p - new_state[name]) <= atol), name
    # Adam's moments after one step: m = 0.1 g, v = 0.001 g^2, so their tolerances follow from the gradient's
    state = opt2.state_dict()
    for name, g_ref in ref_grads.items():
        gmax = float(np.abs(np.clip(g_ref, -1, 1)).max())
        gtol = rtol * float(np.abs(g_ref).max())
        np.testing.assert_allclose(state[f"m/{name}"], new_adam[f"m/{name}"], rtol=0,
                                   atol=0.1 * gtol + 4 * EPS32 * 0.1 * gmax, err_msg=name)
        np.testing.assert_allclose(state[f"v/{name}"], new_adam[f"v/{name}"], rtol=0,
                                   atol=0.001 * (2 * gmax * gtol + gtol ** 2) + 4 * EPS32 * 0.001 * gmax ** 2,
                                   err_msg=name)


def test_evaluation_forward_equals_the_reference():
    ds = digits()
    cfg = ModelConfig(architecture=ARCH, input_shape=(1, 8, 8), num_classes=10, seed=1)
    net = Network(cfg)
    for _ in range(3):
        net.forward(ds.x_train[:BATCH], training=True)     # move the running statistics
    out = net.forward(ds.x_test[:BATCH])
    ref, _ = reference_forward(net.state_dict(), ds.x_test[:BATCH], cfg, training=False)
    np.testing.assert_allclose(out, ref, rtol=0, atol=sum_rtol32(chain_length(net, BATCH)) * np.abs(ref).max())


def test_running_statistics_follow_the_stated_momentum():
    cfg = ModelConfig(architecture="d4", input_shape=(1, 2, 2), num_classes=2, bn_momentum=0.75)
    net = Network(cfg)
    x = np.arange(24, dtype=np.float32).reshape(6, 1, 2, 2) / 24
    z = x.reshape(6, 4) @ net.effective_weights(0)
    net.forward(x, training=True)
    # the layer and numpy sum the 4 products in other orders, and a mean can
    # cancel to rounding noise: an absolute bound from the summation length
    noise = 0.25 * sum_rtol32(4) * float((np.abs(x.reshape(6, 4)) @ np.abs(net.effective_weights(0))).max())
    np.testing.assert_allclose(net.running_mean[0], 0.25 * z.mean(axis=0), rtol=1e-5, atol=noise)
    np.testing.assert_allclose(net.running_var[0], 0.75 + 0.25 * z.var(axis=0, ddof=1), rtol=1e-5)


def small_net(**options):
    return Network(ModelConfig(architecture="c4-p-d8", input_shape=(1, 8, 8), num_classes=10, **options))


def test_records_expose_inputs_weights_and_preactivations():
    x = digits().x_test[:5]
    net = small_net()
    out, rec = net.forward(x, record=True)
    assert [r.name for r in rec] == ["conv1", "dense1", "output"]
    assert rec[0].input.shape == (5, 1, 8, 8) and np.array_equal(rec[0].input, x)
    assert rec[1].input.shape == (5, 64) and set(np.unique(rec[1].input)) <= {-1.0, 1.0}
    assert np.array_equal(rec[1].input, np.where(rec[1].input_signal >= 0, 1, -1))
    for r in rec:
        assert set(np.unique(r.weights_effective)) <= {-1.0, 1.0}
        assert np.array_equal(r.weights_latent, net.weights[r.index])
        assert r.weights_latent is not net.weights[r.index]
    np.testing.assert_array_equal(rec[1].preactivation, rec[1].input @ rec[1].weights_effective)
    np.testing.assert_array_equal(rec[-1].output, out)
    assert rec[0].preactivation.shape == (5, 4, 8, 8) and rec[0].output.shape == (5, 4, 4, 4)


def test_switches_by_index_or_name_and_the_continuous_run():
    x = digits().x_test[:5]
    net = small_net()
    _, rec = net.forward(x, record=True, binarize_weights={"dense1": False}, binarize_inputs={2: False})
    assert [r.binarized_weights for r in rec] == [True, False, True]
    assert [r.binarized_input for r in rec] == [False, True, False]
    assert np.array_equal(rec[1].weights_effective, net.weights[1])
    np.testing.assert_array_equal(rec[2].input, np.clip(rec[2].input_signal, -1, 1))
    cont = net.forward(x, continuous=True)
    off = net.forward(x, binarize_weights={i: False for i in range(3)}, binarize_inputs={i: False for i in range(3)})
    np.testing.assert_array_equal(cont, off)
    _, rec = net.forward(x, record=True, continuous=True)
    assert not any(r.binarized_weights or r.binarized_input for r in rec)


def test_defaults_of_the_first_layer_modes_and_the_twin():
    assert small_net(first_layer="continuous").default_weight_switches() == [False, True, True]
    assert small_net(binary=False).default_weight_switches() == [False] * 3
    assert small_net(binary=False).default_input_switches() == [False] * 3
    net = small_net(first_layer="rotated")
    r = net.rotations[0]
    np.testing.assert_allclose(r @ r.T, np.eye(9), atol=1e-5)
    w = net.effective_weights(0)
    cols = net.weights[0].reshape(4, 9).T
    np.testing.assert_allclose(w.reshape(4, 9).T, r.T @ np.where(r @ cols >= 0, 1, -1), atol=1e-6)


def test_ternary_network_uses_three_levels():
    net = small_net(levels=3, threshold=0.5)
    _, rec = net.forward(digits().x_test[:20], record=True)
    assert set(np.unique(rec[1].input)) == {-1.0, 0.0, 1.0}
    assert set(np.unique(rec[1].weights_effective)) == {-1.0, 0.0, 1.0}


@pytest.mark.parametrize("call, error, words", [
    (lambda n: n.forward(np.zeros((2, 1, 7, 8), np.float32)), ValueError, "x: expected shape (N, 1, 8, 8)"),
    (lambda n: n.forward(np.zeros((2, 1, 8, 8)), binarize_weights={"conv9": True}), KeyError, "layer"),
    (lambda n: n.forward(np.zeros((2, 1, 8, 8)), binarize_inputs={3: True}), KeyError, "0..2"),
    (lambda n: n.forward(np.zeros((2, 1, 8, 8)), binarize_inputs=[True]), TypeError, "binarize_inputs"),
    (lambda n: n.backward(np.zeros((2, 10), np.float32)), RuntimeError, "training=True"),
    (lambda n: n.load_state_dict({}), ValueError, "missing arrays"),
])
def test_bad_calls_name_the_argument(call, error, words):
    with pytest.raises(error, match=None) as info:
        call(small_net())
    assert words in str(info.value)


def test_state_dict_round_trip_and_mismatch():
    a, b = small_net(seed=1), small_net(seed=2)
    assert not np.array_equal(a.weights[0], b.weights[0])
    b.load_state_dict(a.state_dict())
    for key, value in a.state_dict().items():
        np.testing.assert_array_equal(value, b.state_dict()[key])
    bad = a.state_dict()
    bad["dense1.w"] = bad["dense1.w"][:, :4]
    with pytest.raises(ValueError, match="dense1.w has shape"):
        b.load_state_dict(bad)


def test_all_zero_images_give_finite_outputs_and_gradients():
    """A constant batch: every sample is the same, so every batch variance is 0 and
    batch norm gives 0 / sqrt(eps) = 0 then beta; sign(0) = +1.  Outputs and loss
    equal the reference; the weight gradients are 0 up to rounding (the batch-norm
    backward subtracts the mean of dy, and every sample has the same input), so
    only their finiteness is checked."""
    cfg = ModelConfig(architecture=ARCH, input_shape=(1, 8, 8), num_classes=10, seed=2)
    net = Network(cfg)
    x = np.zeros((BATCH, 1, 8, 8), np.float32)
    y = np.arange(BATCH) % 10
    _, _, ref_loss, _ = reference_train_step(net.state_dict(), Adam(net.parameters()).state_dict(),
                                             x, y, cfg, lr=0.0, loss="softmax")
    out, records = net.forward(x, training=True, record=True)
    assert np.array_equal(records[1].input, np.ones_like(records[1].input))
    np.testing.assert_array_equal(out, np.zeros_like(out))          # beta = 0 at the start
    loss, dout = loss_and_gradient(out, y, "softmax")
    assert loss == pytest.approx(ref_loss, rel=sum_rtol32(10)) and loss == pytest.approx(np.log(10))
    grads = net.backward(dout)
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    np.testing.assert_allclose(grads["output.beta"], dout.sum(axis=0), rtol=sum_rtol32(BATCH))


def _tied_pool_windows(pre: np.ndarray) -> int:
    """2x2 pooling windows of (N, F, H, W) whose maximum is attained more than once."""
    n, f, h, w = pre.shape
    win = pre[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, f, h // 2, 2, w // 2, 2)
    win = win.transpose(0, 1, 2, 4, 3, 5).reshape(n, f, h // 2, w // 2, 4)
    return int(np.sum((win == win.max(axis=-1, keepdims=True)).sum(axis=-1) > 1))


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_xnor_scale_decides_exact_ties_as_exact_arithmetic(seed):
    """alpha > 0 per unit changes no sign: BN(alpha z) - with zero shifts, as at
    initialization - has the sign of z - mean(z) exactly, pooling picks the same
    maxima, so the XNOR network takes every discrete decision of its unscaled
    twin, on a batch that holds exact batch-norm ties (z equal to the batch
    mean, output exactly 0, sign +1) and tied pooling windows.  Scaling the
    weights before the product (sums of alpha-multiples in float32) broke
    such ties by rounding."""
    import dataclasses

    x = digits().x_train[:32]
    cfg = ModelConfig(architecture=ARCH, input_shape=(1, 8, 8), num_classes=10, seed=seed, xnor_scale=True)
    net = Network(cfg)
    twin = Network(dataclasses.replace(cfg, xnor_scale=False), state=net.state_dict())
    out, rec = net.forward(x, training=True, record=True)
    twin_out, twin_rec = twin.forward(x, training=True, record=True)
    bn_ties = sum(int(np.sum(r.output == 0)) for r in twin_rec[:-1])
    pool_ties = sum(_tied_pool_windows(r.preactivation) for r in twin_rec if r.kind == "conv")
    assert bn_ties > 0 and pool_ties > 0, "the fixture must hold exact ties"
    for a, b in zip(rec[1:], twin_rec[1:]):
        np.testing.assert_array_equal(a.input, b.input, err_msg=a.name)
    for a, b in zip(rec, twin_rec):
        # the same integer sums, scaled per unit by alpha in the record
        alpha = net.output_scale(a.index).reshape((1, -1) + (1,) * (b.preactivation.ndim - 2))
        np.testing.assert_array_equal(a.preactivation, (b.preactivation * alpha).astype(np.float32))
    # the output layer's values differ through eps / alpha^2, but not their signs
    np.testing.assert_array_equal(out >= 0, twin_out >= 0)
