"""Training: a named recipe (:mod:`bingeo.bnn.recipes`) on a :class:`bingeo.data.Dataset`.

Per epoch ``e`` (counted from 0): the learning rate is
``TrainConfig.learning_rate(e)``; the training images are shuffled by a
permutation drawn from ``SeedSequence(seed, spawn_key=(SHUFFLE_STREAM, e))``
and cut into mini-batches of ``batch_size`` (an incomplete last batch is
dropped, so batch normalization always sees ``batch_size`` samples); each
batch takes one step: forward in training mode, loss, backward, Adam with
gradients clipped to [-grad_clip, grad_clip] (when the recipe clips) and each
layer's weight rate multiplied by the recipe's rule (:func:`weight_lr_scales`),
then the latent weights clipped to [-1, 1].

With ``out_dir`` a checkpoint is written atomically after every epoch; a
resumed run reloads network, optimizer and epoch count, and since the
shuffling depends only on (seed, epoch), it computes exactly the weights of
an uninterrupted run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from . import primitives
from .checkpoint import (CHECKPOINT_FILE, CONFIG_FILE, CheckpointError, load_checkpoint,
                         read_config, save_checkpoint, save_model, write_config)
from .config import TrainConfig
from .evaluate import accuracy
from .initialization import glorot_fans
from .memory import retain_freed_memory
from .network import Network
from .optim import Adam
from .recipes import weight_lr_scale

__all__ = ["SHUFFLE_STREAM", "TrainResult", "train_model", "train_step", "clip_latent_weights",
           "weight_lr_scales", "make_optimizer",
           "epoch_permutation", "loss_and_gradient"]

SHUFFLE_STREAM = 0x5348
"""First spawn key of the shuffling streams (the network's draws use others)."""

BLAS_THREADS = 1
"""BLAS threads while training.  The layers' own loops are serial (see
:mod:`bingeo.bnn.layers.conv2d` for why) and only their matrix products go to
BLAS; for the default digits network at batch 32 those products are too small
for a second thread to pay: ``python -m sims.bench bnn`` trained at 4,840 to
4,880 images/s with one BLAS thread and 4,900 to 5,010 with two on a 2-core
machine, within its run-to-run noise.  One thread keeps training from
competing with other work on the machine.  Results do not depend on it (BLAS
computes each output element in one thread)."""


def epoch_permutation(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the ``n`` training samples in epoch ``epoch``.

    Examples
    --------
    >>> epoch_permutation(0, 3, 5).tolist() == epoch_permutation(0, 3, 5).tolist()
    True
    >>> sorted(epoch_permutation(0, 3, 5).tolist())
    [0, 1, 2, 3, 4]
    """
    ss = np.random.SeedSequence(int(seed), spawn_key=(SHUFFLE_STREAM, int(epoch)))
    return np.random.default_rng(ss).permutation(int(n))


def weight_lr_scales(network: Network, rule: str = "glorot") -> dict[str, float]:
    """Per-layer multipliers of the latent weights' learning rate under ``rule``.

    ``rule`` is one of :data:`bingeo.bnn.recipes.WEIGHT_LR_SCALES`:
    ``glorot`` (BinaryNet's ``W_LR_scale = 1 / sqrt(1.5 / (fan_in +
    fan_out))``, with H = 1 so the latent weights live in [-1, 1] as here),
    ``none`` (1, Anderson & Berg) or ``glorot-squared`` ((fan_in + fan_out) /
    1.5, the square of BinaryNet's); fan_out = 9 F for a 3x3 conv layer
    (:func:`bingeo.bnn.recipes.weight_lr_scale`).  Shifts (beta) keep the
    plain rate.

    Examples
    --------
    >>> from bingeo.bnn import ModelConfig
    >>> net = Network(ModelConfig(architecture="c4-d8", input_shape=(1, 4, 4), num_classes=2))
    >>> {k: round(v, 4) for k, v in weight_lr_scales(net).items()}
    {'conv1.w': 5.4772, 'dense1.w': 6.9282, 'output.w': 2.582}
    >>> weight_lr_scales(net, "glorot-squared")
    {'conv1.w': 30.0, 'dense1.w': 48.0, 'output.w': 6.666666666666667}
    """
    return {f"{plan.name}.w": weight_lr_scale(rule, *glorot_fans(plan)) for plan in network.layers}


def make_optimizer(network: Network, config: TrainConfig) -> Adam:
    """The Adam of ``config``'s recipe for ``network``: its gradient clip and
    its latent-weight rate multipliers (:func:`weight_lr_scales`)."""
    return Adam(network.parameters(), clip=config.grad_clip,
                lr_scales=weight_lr_scales(network, config.weight_lr_scale))


def clip_latent_weights(network: Network) -> None:
    """Clip every layer's latent weights to [-1, 1] in place (BinaryConnect)."""
    for w in network.weights:
        np.clip(w, -1.0, 1.0, out=w)


def loss_and_gradient(out: np.ndarray, labels: np.ndarray, loss: str):
    """``(loss, dloss/dout)`` for ``loss`` ``"hinge"`` (squared hinge on +-1
    targets, mean over all N*M entries) or ``"softmax"`` (cross-entropy, mean over N)."""
    labels = np.asarray(labels, np.int64)
    if loss == "hinge":
        targets = np.full(out.shape, -1.0, np.float32)
        targets[np.arange(len(labels)), labels] = 1.0
        return primitives.squared_hinge_loss(out, targets)
    if loss == "softmax":
        return primitives.softmax_cross_entropy(out, labels)
    raise ValueError(f"loss: expected hinge or softmax, got {loss!r}")


def train_step(network: Network, optimizer: Adam, x: np.ndarray, labels: np.ndarray, *,
               loss: str, lr: float) -> tuple[float, int]:
    """One training step on a batch; returns (loss, correctly classified in the batch)."""
    out = network.forward(x, training=True)
    value, dout = loss_and_gradient(out, labels, loss)
    grads = network.backward(dout)
    optimizer.step(grads, lr)
    clip_latent_weights(network)
    return value, int(np.sum(np.argmax(out, axis=1) == labels))


@dataclass
class TrainResult:
    """What :func:`train_model` returns.

    Attributes
    ----------
    network : Network
        the trained network.
    config : TrainConfig
    history : list of dict
        per epoch: ``epoch`` (from 1), ``lr``, ``loss`` (mean over the
        epoch's batches), ``train_accuracy`` (of the training-mode batches),
        ``test_accuracy`` (evaluation mode).
    train_accuracy, test_accuracy : float
        evaluation mode, whole sets, after the last epoch.
    resumed_from : int
        epochs already done when the run started (0 for a fresh run).
    """

    network: Network
    config: TrainConfig
    history: list = field(default_factory=list)
    train_accuracy: float = float("nan")
    test_accuracy: float = float("nan")
    resumed_from: int = 0


def train_model(config: TrainConfig, dataset, *, out_dir=None, resume: bool = False,
                callback: Callable[[dict], None] | None = None,
                measure: Callable[[Network], object] | None = None) -> TrainResult:
    """Train a network on ``dataset`` following ``config``.

    Parameters
    ----------
    config : TrainConfig
    dataset : bingeo.data.Dataset
        x_train (N, C, H, W) float32, y_train, x_test, y_test, num_classes.
    out_dir : path, optional
        writes ``config.json`` first, ``checkpoint.npz`` after every epoch
        and ``model.npz`` at the end (see :mod:`bingeo.bnn.checkpoint`).
    resume : bool
        continue from ``out_dir``'s checkpoint (from scratch if it has none);
        the saved configuration must equal ``config``.
    callback : callable, optional
        called with each epoch's history record after its checkpoint is
        written; an exception it raises stops training (the checkpoint stays).
    measure : callable, optional
        called with the network after each epoch; what it returns (JSON-ready)
        is stored in that epoch's history record under ``"measure"``, e.g.
        :func:`bingeo.analysis.layer_weight_geometry` for training dynamics.

    Returns
    -------
    TrainResult

    Notes
    -----
    Calls :func:`bingeo.bnn.memory.retain_freed_memory` (glibc only): from
    then on the process keeps the memory it frees for reuse, so each step's
    arrays take the last step's pages instead of fresh ones, and the process
    keeps its peak memory until it exits.

    Examples
    --------
    >>> from bingeo.data import load_dataset
    >>> ds = load_dataset("digits")
    >>> cfg = TrainConfig(architecture="d32", epochs=2, batch_size=64)
    >>> result = train_model(cfg, ds)
    >>> len(result.history), result.test_accuracy > 0.5
    (2, True)
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config: expected a TrainConfig, got {type(config).__name__}")
    model_config = config.model_config(dataset.image_shape, dataset.num_classes)
    n = len(dataset.x_train)
    if n < config.batch_size:
        raise ValueError(f"batch_size: expected <= {n} (the training set), got {config.batch_size}")
    network = Network(model_config)
    optimizer = make_optimizer(network, config)
    retain_freed_memory()                 # each step's arrays reuse the last step's memory
    history: list = []
    start = 0
    if resume and out_dir is None:
        raise ValueError("resume: needs out_dir")
    if out_dir is not None:
        out_dir = Path(out_dir)
        if resume and (out_dir / CONFIG_FILE).is_file():
            saved_model, saved_training = read_config(out_dir)
            if saved_training != config or saved_model != model_config:
                raise CheckpointError(f"{out_dir / CONFIG_FILE}: --resume with a different configuration "
                                      f"than the saved run ({_diff(saved_training, config)})")
            if (out_dir / CHECKPOINT_FILE).is_file():
                start, history = load_checkpoint(out_dir, network, optimizer)
        write_config(out_dir, model_config, config)
    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        result = _train_epochs(config, dataset, network, optimizer, history, start, out_dir, callback, measure)
    if out_dir is not None:
        save_model(out_dir, network, config)
    return result


def _train_epochs(config, dataset, network, optimizer, history, start, out_dir, callback, measure) -> TrainResult:
    x, y = dataset.x_train, dataset.y_train
    n = len(x)
    batches = n // config.batch_size
    for epoch in range(start, config.epochs):
        lr = config.learning_rate(epoch)
        order = epoch_permutation(config.seed, epoch, n)
        total_loss, correct = 0.0, 0
        for b in range(batches):
            idx = order[b * config.batch_size:(b + 1) * config.batch_size]
            value, right = train_step(network, optimizer, x[idx], y[idx], loss=config.loss, lr=lr)
            total_loss += value
            correct += right
        record = {"epoch": epoch + 1, "lr": lr, "loss": total_loss / batches,
                  "train_accuracy": correct / (batches * config.batch_size),
                  "test_accuracy": accuracy(network, dataset.x_test, dataset.y_test)
                  if len(dataset.y_test) else float("nan")}
        if measure is not None:
            record["measure"] = measure(network)
        history.append(record)
        if out_dir is not None:
            save_checkpoint(out_dir, network, optimizer, epoch + 1, history)
        if callback is not None:
            callback(record)
    result = TrainResult(network=network, config=config, history=history, resumed_from=start,
                         train_accuracy=accuracy(network, x, y),
                         test_accuracy=accuracy(network, dataset.x_test, dataset.y_test)
                         if len(dataset.y_test) else float("nan"))
    return result


def _diff(saved: TrainConfig | None, current: TrainConfig) -> str:
    if saved is None:
        return "the saved run has no training configuration"
    a, b = saved.to_dict(), current.to_dict()
    return ", ".join(f"{k}: saved {a[k]!r}, given {b[k]!r}" for k in a if a[k] != b[k]) or "model differs"
