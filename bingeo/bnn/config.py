"""What a network is (``ModelConfig``) and how it is trained (``TrainConfig``).

Both are frozen dataclasses that round-trip through JSON (``to_dict`` /
``from_dict``); ``from_dict`` rejects unknown keys and bad values with an
error naming the field and its accepted range.  A ``TrainConfig`` holds the
``ModelConfig`` of the network it trains and a named recipe
(:mod:`bingeo.bnn.recipes`) that supplies every setting the run does not
give.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .architecture import DEFAULT_ARCHITECTURE, parse_architecture, plan_layers
from .initialization import INITS
from .recipes import DEFAULT_RECIPE, RECIPES, WEIGHT_LR_SCALES

__all__ = ["ModelConfig", "TrainConfig", "FIRST_LAYER_MODES", "LOSSES", "MODEL_FIELDS", "RECIPE_FIELDS"]

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
    if cfg.init not in INITS:
        raise ValueError(f"init: expected one of {', '.join(INITS)}, got {cfg.init!r}")
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
        XNOR-Net scale alpha = mean |w| per output unit of the quantized
        weights, applied to the product: z_u = alpha_u (a . q(w_u)).
    init : str
        initial latent weights (:mod:`bingeo.bnn.initialization`):
        ``uniform``, ``glorot-uniform``, ``gaussian`` or ``glorot-normal``.
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
    init: str = "uniform"
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


MODEL_FIELDS = tuple(f.name for f in dataclasses.fields(ModelConfig))
"""The fields of :class:`ModelConfig`; a :class:`TrainConfig` reads them from its model."""



RECIPE_FIELDS = ("batch_size", "lr_start", "lr_end", "lr_decay_epochs", "loss", "weight_lr_scale", "grad_clip")
"""The training settings a recipe supplies when a :class:`TrainConfig` leaves them out."""

MODEL_RECIPE_FIELDS = ("init", "bn_eps", "bn_momentum")
"""The model settings a recipe supplies when the model is given by its fields."""

FROM_RECIPE = "recipe"
"""The default of every recipe-supplied field: take the recipe's value."""


@dataclass(frozen=True, init=False)
class TrainConfig:
    """A training run: the network, a named recipe, and the run's own choices.

    Parameters
    ----------
    model : ModelConfig, optional
        the network (its ``input_shape`` and ``num_classes`` are replaced by
        the data set's when training).  Without it, the network is built
        from the keyword fields of :class:`ModelConfig` given here
        (``architecture=``, ``binary=``, ...), and the recipe supplies its
        ``init``, ``bn_eps`` and ``bn_momentum`` unless given.
    recipe : str
        a name in :data:`bingeo.bnn.recipes.RECIPES` (default ``binarynet``).
    epochs : int
        epochs of this run (>= 1).
    batch_size, lr_start, lr_end, lr_decay_epochs, loss, weight_lr_scale, grad_clip
        the recipe's values unless given (see :class:`bingeo.bnn.recipes.Recipe`);
        ``grad_clip=None`` turns gradient clipping off.
    seed : int, optional
        the run's seed: the shuffling and the network's initialization (it
        replaces ``model.seed``; default ``model.seed``, else 0).
    **model_fields
        fields of :class:`ModelConfig` (applied on top of ``model`` when both are given).

    Notes
    -----
    Every field is resolved at construction, so :meth:`to_dict` records the
    whole recipe; the model's fields read through (``cfg.architecture`` is
    ``cfg.model.architecture``).

    Examples
    --------
    >>> cfg = TrainConfig(epochs=3)
    >>> cfg.recipe, cfg.weight_lr_scale, cfg.batch_size, cfg.model.init
    ('binarynet', 'glorot', 100, 'uniform')
    >>> ab = TrainConfig(recipe="anderson-berg", architecture="d64", epochs=2)
    >>> ab.weight_lr_scale, ab.grad_clip, ab.model.init, ab.model.bn_eps, ab.architecture
    ('none', 1.0, 'glorot-uniform', 0.001, 'd64')
    >>> TrainConfig.from_dict(ab.to_dict()) == ab
    True
    >>> dataclasses.replace(ab, seed=4).model.seed      # one seed: initialization and shuffling
    4
    >>> TrainConfig(epochs=0)
    Traceback (most recent call last):
    ...
    ValueError: epochs: expected an integer >= 1, got 0
    """

    model: ModelConfig
    recipe: str
    epochs: int
    batch_size: int
    lr_start: float
    lr_end: float
    lr_decay_epochs: int | None
    loss: str
    weight_lr_scale: str
    grad_clip: float | None
    seed: int

    def __init__(self, model: ModelConfig | None = None, *, recipe: str = DEFAULT_RECIPE, epochs: int = 60,
                 batch_size=FROM_RECIPE, lr_start=FROM_RECIPE, lr_end=FROM_RECIPE, lr_decay_epochs=FROM_RECIPE,
                 loss=FROM_RECIPE, weight_lr_scale=FROM_RECIPE, grad_clip=FROM_RECIPE, seed: int | None = None,
                 **model_fields):
        if recipe not in RECIPES:
            raise ValueError(f"recipe: expected one of {', '.join(RECIPES)}, got {recipe!r}")
        unknown = sorted(set(model_fields) - set(MODEL_FIELDS))
        if unknown:
            raise TypeError(f"TrainConfig: unknown field(s) {', '.join(unknown)}")
        base = RECIPES[recipe]
        if model is None:
            seed = 0 if seed is None else seed
            defaults = {k: getattr(base, k) for k in MODEL_RECIPE_FIELDS}
            model = ModelConfig(**{**defaults, "seed": seed, **model_fields})
        elif not isinstance(model, ModelConfig):
            raise TypeError(f"model: expected a ModelConfig, got {type(model).__name__}")
        else:
            # one seed per run: the network's initialization follows the run's seed
            seed = model.seed if seed is None else seed
            model = dataclasses.replace(model, **{**model_fields, "seed": seed})
        given = dict(batch_size=batch_size, lr_start=lr_start, lr_end=lr_end, lr_decay_epochs=lr_decay_epochs,
                     loss=loss, weight_lr_scale=weight_lr_scale, grad_clip=grad_clip)
        values = {k: getattr(base, k) if v == FROM_RECIPE and isinstance(v, str) else v for k, v in given.items()}
        for name, value in dict(model=model, recipe=recipe, epochs=epochs, seed=seed, **values).items():
            object.__setattr__(self, name, value)
        self._check()

    def _check(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
        for name in ("lr_start", "lr_end"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0.0 < float(value) <= 1.0):
                raise ValueError(f"{name}: expected 0 < {name} <= 1, got {value!r}")
        d = self.lr_decay_epochs
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1):
            raise ValueError(f"lr_decay_epochs: expected an integer >= 1 or None (the run's epochs), got {d!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss: expected one of {', '.join(LOSSES)}, got {self.loss!r}")
        if self.weight_lr_scale not in WEIGHT_LR_SCALES:
            raise ValueError(f"weight_lr_scale: expected one of {', '.join(WEIGHT_LR_SCALES)}, "
                             f"got {self.weight_lr_scale!r}")
        c = self.grad_clip
        if c is not None and (isinstance(c, bool) or not isinstance(c, (int, float)) or not float(c) > 0.0):
            raise ValueError(f"grad_clip: expected a number > 0 or None (no clipping), got {c!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed: expected an integer >= 0, got {self.seed!r}")

    def __getattr__(self, name):
        # the model's fields read through: cfg.architecture is cfg.model.architecture
        if name in MODEL_FIELDS and "model" in self.__dict__:
            return getattr(self.__dict__["model"], name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def model_config(self, input_shape, num_classes: int) -> ModelConfig:
        """The :class:`ModelConfig` of this run on images of ``input_shape``."""
        return dataclasses.replace(self.model, input_shape=tuple(input_shape), num_classes=int(num_classes))

    def learning_rate(self, epoch: int) -> float:
        """``lr_start * (lr_end / lr_start) ** (epoch / D)``, epoch counted from 0,
        D = ``lr_decay_epochs`` or the run's epochs (BinaryNet's per-epoch decay).

        >>> cfg = TrainConfig(epochs=4, lr_start=1e-2, lr_end=1e-6)
        >>> [round(cfg.learning_rate(e), 9) for e in range(4)]
        [0.01, 0.001, 0.0001, 1e-05]
        """
        horizon = self.lr_decay_epochs or self.epochs
        return float(self.lr_start * (self.lr_end / self.lr_start) ** (epoch / horizon))

    def to_dict(self) -> dict:
        """Plain JSON-ready dict, the model as a nested dict."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["model"] = self.model.to_dict()
        return d

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Inverse of :meth:`to_dict`; unknown keys raise ValueError."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
        if "model" not in data:
            raise ValueError(f"{cls.__name__}: missing field model")
        values = dict(data)
        return cls(ModelConfig.from_dict(values.pop("model")), **values)
