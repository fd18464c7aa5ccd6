"""What a network is (``ModelConfig``) and how it is trained (``TrainConfig``).

Both are frozen dataclasses that round-trip through JSON (``to_dict`` /
``from_dict``); ``from_dict`` rejects unknown keys and bad values with an
error naming the field and its accepted range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .architecture import DEFAULT_ARCHITECTURE, parse_architecture, plan_layers

__all__ = ["ModelConfig", "TrainConfig", "FIRST_LAYER_MODES", "LOSSES"]

FIRST_LAYER_MODES = ("binary", "continuous", "rotated")
"""How the first layer's weights are quantized."""

LOSSES = ("hinge", "softmax")
"""Squared hinge on +-1 targets (BinaryNet's) and softmax cross-entropy."""


def _check_common(cfg) -> None:
    if not isinstance(cfg.architecture, str):
        raise ValueError(f"architecture: expected a string, got {cfg.architecture!r}")
    parse_architecture(cfg.architecture)
    if cfg.levels not in (2, 3):
        raise ValueError(f"levels: expected 2 (binary) or 3 (ternary), got {cfg.levels!r}")
    if not (0.0 <= float(cfg.threshold) < 1.0):
        raise ValueError(f"threshold: expected 0 <= threshold < 1, got {cfg.threshold!r}")
    if cfg.first_layer not in FIRST_LAYER_MODES:
        raise ValueError(f"first_layer: expected one of {', '.join(FIRST_LAYER_MODES)}, got {cfg.first_layer!r}")
    if not (0.0 < float(cfg.bn_eps) <= 1.0):
        raise ValueError(f"bn_eps: expected 0 < bn_eps <= 1, got {cfg.bn_eps!r}")
    if not (0.0 <= float(cfg.bn_momentum) < 1.0):
        raise ValueError(f"bn_momentum: expected 0 <= bn_momentum < 1, got {cfg.bn_momentum!r}")
    if isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int) or cfg.seed < 0:
        raise ValueError(f"seed: expected an integer >= 0, got {cfg.seed!r}")


def _from_dict(cls, data: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
    values = dict(data)
    if "input_shape" in values:
        values["input_shape"] = tuple(int(s) for s in values["input_shape"])
    return cls(**values)


@dataclass(frozen=True)
class ModelConfig:
    """A network: its architecture, input, classes and quantization.

    Attributes
    ----------
    architecture : str
        e.g. ``"c32-c32-p-c64-c64-p-d256"``; the output layer is appended
        (see :mod:`bingeo.bnn.architecture`).
    input_shape : tuple of int
        (C, H, W) of one image.
    num_classes : int
        output units, >= 2.
    binary : bool
        True: quantized weights and activations; False: the continuous twin
        (latent weights used as they are, hard-tanh activations).
    levels : int
        2 (sign) or 3 (ternary weights and activations, ``threshold``).
    threshold : float
        ternary threshold in [0, 1), used on the latent weights (in
        [-1, 1]) and on the batch-normalized signals.
    first_layer : str
        ``"binary"``, ``"continuous"`` or ``"rotated"`` (q_R(w) = R^T sign(R w),
        R Haar-random per layer, drawn from ``seed``).
    xnor_scale : bool
        XNOR-Net scale alpha = mean |w| per output unit on quantized weights.
    bn_eps : float
        added to the variance in batch normalization.
    bn_momentum : float
        running = momentum * running + (1 - momentum) * batch.
    seed : int
        draws the initial latent weights and the rotations.

    Examples
    --------
    >>> cfg = ModelConfig(architecture="c8-p-d32", input_shape=(1, 8, 8), num_classes=10)
    >>> ModelConfig.from_dict(cfg.to_dict()) == cfg
    True
    """

    architecture: str = DEFAULT_ARCHITECTURE
    input_shape: tuple = (1, 8, 8)
    num_classes: int = 10
    binary: bool = True
    levels: int = 2
    threshold: float = 0.5
    first_layer: str = "binary"
    xnor_scale: bool = False
    bn_eps: float = 1e-4
    bn_momentum: float = 0.9
    seed: int = 0

    def __post_init__(self):
        _check_common(self)
        object.__setattr__(self, "input_shape", tuple(int(s) for s in self.input_shape))
        plan_layers(self.architecture, self.input_shape, self.num_classes)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        d = dataclasses.asdict(self)
        d["input_shape"] = list(self.input_shape)
        return d

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        """Inverse of :meth:`to_dict`; unknown keys raise ValueError."""
        return _from_dict(cls, data)


@dataclass(frozen=True)
class TrainConfig:
    """A training run: the network options (less the data-set shape) and the recipe.

    The recipe is BinaryNet's: Adam, learning rate decaying exponentially
    from ``lr_start`` (first epoch) to ``lr_end`` (last epoch), gradients
    clipped to [-1, 1] elementwise, latent weights clipped to [-1, 1] after
    every update, mini-batches of ``batch_size`` shuffled by ``seed``.

    Examples
    --------
    >>> cfg = TrainConfig(epochs=3)
    >>> cfg.model_config((1, 8, 8), 10).architecture == cfg.architecture
    True
    >>> TrainConfig(epochs=0)
    Traceback (most recent call last):
    ...
    ValueError: epochs: expected an integer >= 1, got 0
    """

    architecture: str = DEFAULT_ARCHITECTURE
    binary: bool = True
    levels: int = 2
    threshold: float = 0.5
    first_layer: str = "binary"
    xnor_scale: bool = False
    bn_eps: float = 1e-4
    bn_momentum: float = 0.9
    epochs: int = 60
    batch_size: int = 32
    lr_start: float = 3e-3
    lr_end: float = 3e-5
    loss: str = "softmax"
    seed: int = 0

    def __post_init__(self):
        _check_common(self)
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
        for name in ("lr_start", "lr_end"):
            value = float(getattr(self, name))
            if not (0.0 < value <= 1.0):
                raise ValueError(f"{name}: expected 0 < {name} <= 1, got {getattr(self, name)!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss: expected one of {', '.join(LOSSES)}, got {self.loss!r}")

    def model_config(self, input_shape, num_classes: int) -> ModelConfig:
        """The :class:`ModelConfig` of this run on images of ``input_shape``."""
        return ModelConfig(architecture=self.architecture, input_shape=tuple(input_shape),
                           num_classes=int(num_classes), binary=self.binary, levels=self.levels,
                           threshold=self.threshold, first_layer=self.first_layer,
                           xnor_scale=self.xnor_scale, bn_eps=self.bn_eps,
                           bn_momentum=self.bn_momentum, seed=self.seed)

    def learning_rate(self, epoch: int) -> float:
        """``lr_start * (lr_end / lr_start) ** (epoch / (epochs - 1))``, epoch counted from 0.

        >>> round(TrainConfig(epochs=3, lr_start=1e-2, lr_end=1e-4).learning_rate(1), 9)
        0.001
        """
        if self.epochs == 1:
            return float(self.lr_start)
        frac = epoch / (self.epochs - 1)
        return float(self.lr_start * (self.lr_end / self.lr_start) ** frac)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Inverse of :meth:`to_dict`; unknown keys raise ValueError."""
        return _from_dict(cls, data)
