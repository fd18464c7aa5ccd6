"""One full training step of the network in plain numpy: the slow, obvious reference.

``reference_train_step`` re-derives everything :class:`bingeo.bnn.Network`,
:class:`bingeo.bnn.optim.Adam` and :func:`bingeo.bnn.train.train_step`
compute together, written out in one place with the numpy primitives of
:mod:`bingeo.bnn.reference_ops`: quantize the weights, run every layer
forward (op, pools, batch norm with batch statistics, activation), take the
loss, run backward with the straight-through rules, update with Adam
(gradients optionally clipped, to [-1, 1] by default) and clip the latent weights to [-1, 1].  It
works on the plain arrays of ``Network.state_dict()`` and
``Adam.state_dict()``, and returns new ones; the tests compare it with the
fast step, and ``python -m sims.bench bnn`` times it beside the fast one.
"""

from __future__ import annotations

import numpy as np

from . import reference_ops
from .architecture import plan_layers
from .config import ModelConfig
from .weights import rotated_columns

__all__ = ["reference_train_step", "reference_forward"]


def _quantize(v, levels, threshold):
    return reference_ops.sign_forward(v) if levels == 2 else reference_ops.ternary_forward(v, threshold)


def _effective_weights(w, cfg: ModelConfig, rotation):
    """(product weights q, XNOR scale alpha or None, backward function) of latent ``w``,
    as :mod:`bingeo.bnn.weights`: the product uses q, alpha scales its output per unit."""
    cols = w.reshape(w.shape[0], -1).T if w.ndim == 4 else w           # (fan_in, units)

    def quantize(v):
        return _quantize(v, cfg.levels, cfg.threshold)

    q = quantize(cols) if rotation is None else rotated_columns(cols, rotation, quantize)
    alpha = np.abs(cols).mean(axis=0).astype(np.float32) if cfg.xnor_scale else None

    def back(g_q, dalpha):
        dw = g_q.reshape(g_q.shape[0], -1).T if g_q.ndim == 4 else g_q   # straight through q
        if alpha is not None:                                          # d alpha / dw = sign(w) / n
            dw = dw + reference_ops.sign_forward(cols) * dalpha[None, :] / cols.shape[0]
        return (dw.T.reshape(w.shape) if w.ndim == 4 else dw).astype(np.float32)

    q = (q.T.reshape(w.shape) if w.ndim == 4 else q).astype(np.float32)
    return np.ascontiguousarray(q), alpha, back


def reference_forward(state: dict, x: np.ndarray, cfg: ModelConfig, *, training: bool = True):
    """Forward pass; returns ``(output, tape)`` where the tape keeps, per layer,
    what the backward pass needs.  With ``training`` batch statistics are used
    (running statistics are not updated here), else the running ones."""
    plans = plan_layers(cfg.architecture, cfg.input_shape, cfg.num_classes)
    eps = np.float32(cfg.bn_eps)
    tape = []
    a = np.ascontiguousarray(x, np.float32)
    signal = a
    for plan in plans:
        i, name = plan.index, plan.name
        if plan.kind == "dense":
            a, signal = a.reshape(len(a), -1), signal.reshape(len(signal), -1)
        w = state[f"{name}.w"]
        quantized = cfg.binary and not (i == 0 and cfg.first_layer == "continuous")
        if quantized:
            w_eff, alpha, w_back = _effective_weights(w, cfg, state.get(f"{name}.rotation"))
        else:
            w_eff, alpha, w_back = w, None, (lambda g, dalpha: g)
        product = (reference_ops.conv2d_forward(a, w_eff) if plan.kind == "conv"
                   else reference_ops.dense_forward(a, w_eff))
        # batch norm of alpha * product, as batch norm of the product with epsilon eps / alpha^2
        unit_eps = eps if alpha is None else np.float64(eps) / np.maximum(alpha.astype(np.float64), 1e-38) ** 2
        z = product
        pools = []
        for _ in range(plan.pools):
            pools.append(z.shape)
            z, arg = reference_ops.maxpool2d_forward(z)
            pools[-1] = (pools[-1], arg)
        if training:
            y, _, _, bn = reference_ops.batchnorm_forward_train(z, state[f"{name}.beta"], unit_eps)
        else:
            y, bn = reference_ops.batchnorm_forward_eval(z, state[f"{name}.running_mean"],
                                                         state[f"{name}.running_var"], state[f"{name}.beta"],
                                                         unit_eps), None
        tape.append(dict(plan=plan, a=a, signal=signal, w_eff=w_eff, alpha=alpha, product=product,
                         w_back=w_back, pools=pools, bn=bn, y_shape=y.shape))
        if plan.activation:
            signal = y
            if not cfg.binary:
                a = reference_ops.hardtanh_forward(y)
            elif cfg.levels == 3:
                a = reference_ops.ternary_forward(y, np.float32(cfg.threshold))
            else:
                a = reference_ops.sign_forward(y)
    return y, tape


def reference_train_step(state: dict, adam_state: dict, x: np.ndarray, labels: np.ndarray,
                         cfg: ModelConfig, *, lr: float, loss: str = "hinge",
                         lr_scales: dict | None = None, grad_clip: float | None = 1.0,
                         beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
    """One training step on a batch, returning new arrays (the inputs are not changed).

    Parameters
    ----------
    state : dict
        ``Network.state_dict()`` arrays (latent weights, shifts, rotations;
        running statistics are carried over unchanged here).
    adam_state : dict
        ``Adam.state_dict()`` arrays (``m/NAME``, ``v/NAME``, ``t``).
    x : ndarray, (N, C, H, W)
    labels : ndarray of int, (N,)
    cfg : ModelConfig
    lr : float
    loss : ``"hinge"`` or ``"softmax"``
    lr_scales : dict, optional
        learning-rate multiplier per parameter name (default 1).
    grad_clip : float or None
        gradients clipped elementwise to [-grad_clip, grad_clip] before Adam;
        None: not clipped.

    Returns
    -------
    new_state, new_adam_state : dict
    loss_value : float
    grads : dict
        the gradients before clipping, by parameter name.

    Examples
    --------
    >>> from bingeo.bnn import Network
    >>> from bingeo.bnn.optim import Adam
    >>> cfg = ModelConfig(architecture="c2-p-d4", input_shape=(1, 4, 4), num_classes=2)
    >>> net = Network(cfg)
    >>> x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(4, 1, 4, 4)
    >>> new, adam, value, grads = reference_train_step(net.state_dict(), Adam(net.parameters()).state_dict(),
    ...                                                x, np.array([0, 1, 0, 1]), cfg, lr=0.01)
    >>> int(adam["t"]), sorted(grads) == sorted(net.parameters())
    (1, True)
    """
    labels = np.asarray(labels, np.int64)
    out, tape = reference_forward(state, x, cfg, training=True)
    if loss == "hinge":
        targets = np.where(np.arange(out.shape[1])[None, :] == labels[:, None], 1, -1).astype(np.float32)
        value, dy = reference_ops.squared_hinge_loss(out, targets)
    else:
        value, dy = reference_ops.softmax_cross_entropy(out, labels)
    grads = {}
    for rec in reversed(tape):
        plan = rec["plan"]
        dz, dbeta = reference_ops.batchnorm_backward(dy, rec["bn"])
        for shape, arg in reversed(rec["pools"]):
            dz = reference_ops.maxpool2d_backward(dz, arg, shape)
        dalpha = None
        if rec["alpha"] is not None:                                   # d/d alpha of BN(alpha * product)
            axes = (0,) + tuple(range(2, dz.ndim))
            dalpha = (dz.astype(np.float64) * rec["product"]).sum(axis=axes) / rec["alpha"]
        if plan.kind == "conv":
            da, dw_eff = reference_ops.conv2d_backward(rec["a"], rec["w_eff"], dz)
        else:
            da, dw_eff = reference_ops.dense_backward(rec["a"], rec["w_eff"], dz)
        grads[f"{plan.name}.w"] = rec["w_back"](dw_eff, dalpha)
        grads[f"{plan.name}.beta"] = dbeta
        if plan.index > 0:
            # straight-through: the activation passes the gradient where |signal| <= 1
            dy = reference_ops.sign_backward(rec["signal"], da.reshape(rec["signal"].shape))
            dy = dy.reshape(tape[plan.index - 1]["y_shape"])
    new_state = {k: v.copy() for k, v in state.items()}
    new_adam = {k: np.array(v, copy=True) for k, v in adam_state.items()}
    t = int(adam_state["t"]) + 1
    new_adam["t"] = np.array(t, np.int64)
    for name, g in grads.items():
        if grad_clip is not None:
            g = np.clip(g, -grad_clip, grad_clip)
        m = beta1 * adam_state[f"m/{name}"] + (1 - beta1) * g
        v = beta2 * adam_state[f"v/{name}"] + (1 - beta2) * g * g
        rate = lr * (lr_scales or {}).get(name, 1.0)
        step = rate * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        new_adam[f"m/{name}"], new_adam[f"v/{name}"] = m.astype(np.float32), v.astype(np.float32)
        p = state[name] - step
        new_state[name] = (np.clip(p, -1, 1) if name.endswith(".w") else p).astype(np.float32)
    return new_state, new_adam, value, grads
