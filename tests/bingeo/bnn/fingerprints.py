"""Fingerprints of the network engine's results: one SHA-256 per array, for
every layer's forward and backward pass and for two training steps of small
networks.

``python -m tests.bingeo.bnn.fingerprints`` prints them as JSON.  The
determinism tests run it in fresh interpreters under different thread
counts and numba CPU targets (both are read when numba starts) and compare
the bytes.  The inputs are fixed, and sized so that every kernel splits its
work into several blocks (more than two threads' worth).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from bingeo.bnn import ModelConfig, Network
from bingeo.bnn import layers as L
from bingeo.bnn.optim import Adam
from bingeo.bnn.train import train_step, weight_lr_scales


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _plus_minus_one(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


def layer_fingerprints() -> dict:
    """Every primitive on fixed inputs, for each kernel the values select."""
    rng = np.random.default_rng(2024)
    out = {}
    x = rng.standard_normal((7, 6, 9, 11)).astype(np.float32)
    s = _plus_minus_one(rng, x.shape)
    w = rng.standard_normal((5, 6, 3, 3)).astype(np.float32)
    sw = _plus_minus_one(rng, w.shape)
    dy = rng.standard_normal((7, 5, 9, 11)).astype(np.float32)
    for name, (a, b) in {"float": (x, w), "signed_weights": (x, sw), "signed_both": (s, sw),
                         "signed_inputs": (s, w)}.items():
        out[f"conv2d_forward/{name}"] = _digest(L.conv2d_forward(a, b))
        out[f"conv2d_backward/{name}"] = _digest(*L.conv2d_backward(a, b, dy))
    xd = rng.standard_normal((9, 70)).astype(np.float32)
    wd = rng.standard_normal((70, 13)).astype(np.float32)
    gd = rng.standard_normal((9, 13)).astype(np.float32)
    out["dense"] = _digest(L.dense_forward(xd, wd), *L.dense_backward(xd, wd, gd))
    beta = rng.standard_normal(5).astype(np.float32)
    y, mean, var, cache = L.batchnorm_forward_train(dy, beta, 1e-5)
    out["batchnorm_train"] = _digest(y, mean, var, *L.batchnorm_backward(x[:, :5].copy(), cache))
    out["batchnorm_eval"] = _digest(L.batchnorm_forward_eval(dy, mean, var, beta, 1e-5))
    pooled, arg = L.maxpool2d_forward(x)
    out["maxpool2d"] = _digest(pooled, arg, L.maxpool2d_backward(pooled, arg, x.shape))
    out["activations"] = _digest(L.sign_forward(x), L.hardtanh_forward(x), L.ternary_forward(x, 0.3),
                                 L.sign_backward(x, x))
    scores = rng.standard_normal((9, 10)).astype(np.float32) * 3
    labels = rng.integers(0, 10, 9)
    targets = np.where(np.arange(10)[None, :] == labels[:, None], 1.0, -1.0).astype(np.float32)
    hinge, dh = L.squared_hinge_loss(scores, targets)
    soft, ds = L.softmax_cross_entropy(scores, labels)
    out["losses"] = _digest(np.array([hinge, soft]), dh, ds)
    return out


def training_fingerprints() -> dict:
    """Two training steps of small networks: binary, its continuous twin,
    and binary with the softmax loss."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (24, 2, 8, 8)).astype(np.float32)
    labels = rng.integers(0, 10, 24)
    out = {}
    for name, binary, loss in (("binary", True, "hinge"), ("continuous", False, "hinge"),
                               ("binary_softmax", True, "softmax")):
        cfg = ModelConfig(architecture="c8-c12-p-c16-p-d24", input_shape=(2, 8, 8), num_classes=10,
                          binary=binary, seed=3)
        net = Network(cfg)
        opt = Adam(net.parameters(), lr_scales=weight_lr_scales(net))
        values = [train_step(net, opt, x, labels, loss=loss, lr=0.01)[0] for _ in range(2)]
        state = net.state_dict()
        moments = opt.state_dict()
        out[f"train_step/{name}"] = _digest(np.array(values), *(state[k] for k in sorted(state)),
                                            *(np.asarray(moments[k]) for k in sorted(moments)))
    return out


def main() -> None:
    print(json.dumps({**layer_fingerprints(), **training_fingerprints()}, sort_keys=True))


if __name__ == "__main__":
    main()
