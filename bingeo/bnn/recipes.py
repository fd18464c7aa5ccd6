"""Named training recipes, and the latent-weight learning-rate rules they use.

A claim about the geometry of trained weights is a claim about a recipe:
how far latent weights move, and whether they pile up at the clip, depends
on the rate multipliers, the schedule and the initialization.  Each recipe
here reproduces a published setting by name.

``binarynet``
    Courbariaux, Hubara, Soudry, El-Yaniv & Bengio (2016), the published
    Theano scripts (``Train-time/mnist.py``, ``cifar10.py``, ``svhn.py`` with
    ``binary_net.py``): latent weights in [-H, H] with H = 1, initialized
    U[-H, H]; each layer's Adam step multiplied by
    ``W_LR_scale = 1 / sqrt(1.5 / (fan_in + fan_out))`` (rule ``glorot``),
    then the weights clipped to [-H, H]; Adam (Lasagne's, no gradient
    clipping) at a rate decayed per epoch by ``(LR_fin / LR_start) ** (1 /
    num_epochs)`` from ``LR_start = 3e-3`` to ``LR_fin = 3e-7`` (MNIST);
    squared hinge loss, mean over all entries; batch norm with epsilon 1e-4
    and moving-average factor 0.1 (momentum 0.9); batches of 100 (MNIST).
``anderson-berg``
    Anderson & Berg (2018), their code: Adam at 1e-3 decayed per epoch by
    ``(3e-7 / 1e-3) ** (1 / 500)`` (the decay of a 500-epoch run, whatever
    the run's length), no rate multiplier (rule ``none``), Glorot-uniform
    initialization, squared hinge loss, batch norm with shift and epsilon
    1e-3, gradients clipped elementwise to [-1, 1], batches of 50, latent
    weights clipped to [-1, 1].  The running statistics' momentum is not
    among the published settings; bingeo assumes 0.99, the default of Keras,
    whose other defaults (Glorot-uniform, epsilon 1e-3) the code follows.

What bingeo does not reproduce, for both: dropout (BinaryNet's MNIST
script drops 20% of the inputs and 50% of the hidden units), batch norm's
learned scale gamma (the sign after it ignores a positive scale; the output
layer keeps scale 1), and Lasagne's running average of the inverse standard
deviation (bingeo keeps the running unbiased variance).  The number of
epochs is a run's choice (the scripts train 500 to 1000 epochs on 50,000
images); a recipe fixes everything else.

Weight learning-rate rules (:data:`WEIGHT_LR_SCALES`), with fan_in and
fan_out as in :func:`bingeo.bnn.initialization.glorot_fans`:

=================  ================================  ==========================================
rule               multiplier of a layer's rate      where it comes from
=================  ================================  ==========================================
``glorot``         sqrt((fan_in + fan_out) / 1.5)    BinaryNet's ``W_LR_scale = "Glorot"``
``none``           1                                 Anderson & Berg; BinaryNet's ``W_LR_scale = 1.``
``glorot-squared`` (fan_in + fan_out) / 1.5          the square of BinaryNet's: bingeo 0.1's
                                                     default, kept to reproduce its runs
=================  ================================  ==========================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .initialization import glorot_fans

__all__ = ["Recipe", "RECIPES", "DEFAULT_RECIPE", "WEIGHT_LR_SCALES", "weight_lr_scale"]

WEIGHT_LR_SCALES = ("glorot", "none", "glorot-squared")
"""The rules of :func:`weight_lr_scale`."""


def weight_lr_scale(rule: str, fan_in: int, fan_out: int) -> float:
    """Multiplier of a layer's latent-weight learning rate under ``rule``.

    ``glorot``: sqrt((fan_in + fan_out) / 1.5); ``none``: 1;
    ``glorot-squared``: (fan_in + fan_out) / 1.5.

    Examples
    --------
    >>> weight_lr_scale("glorot", 9, 36)            # BinaryNet, a 3x3 conv 1 -> 4 channels
    5.477225575051661
    >>> weight_lr_scale("glorot-squared", 9, 36), weight_lr_scale("none", 9, 36)
    (30.0, 1.0)
    """
    total = int(fan_in) + int(fan_out)
    if rule == "glorot":
        return math.sqrt(total / 1.5)
    if rule == "none":
        return 1.0
    if rule == "glorot-squared":
        return total / 1.5
    raise ValueError(f"weight_lr_scale: expected one of {', '.join(WEIGHT_LR_SCALES)}, got {rule!r}")


@dataclass(frozen=True)
class Recipe:
    """Every setting of a published training recipe except the number of epochs.

    Attributes
    ----------
    name : str
    weight_lr_scale : str
        rule of :func:`weight_lr_scale`.
    init : str
        initialization scheme (:data:`bingeo.bnn.initialization.INITS`).
    lr_start, lr_end : float
        the rate of the first epoch, and the rate it decays towards.
    lr_decay_epochs : int or None
        the rate of epoch e (from 0) is ``lr_start * (lr_end / lr_start) **
        (e / lr_decay_epochs)``; None: the run's number of epochs.
    batch_size : int
    loss : str
        ``"hinge"`` (squared hinge) or ``"softmax"``.
    grad_clip : float or None
        gradients clipped elementwise to [-grad_clip, grad_clip] before Adam;
        None: not clipped.
    bn_eps : float
        batch normalization's epsilon.
    bn_momentum : float
        running statistics' momentum.
    source : str
        where the settings come from.
    """

    name: str
    weight_lr_scale: str
    init: str
    lr_start: float
    lr_end: float
    lr_decay_epochs: int | None
    batch_size: int
    loss: str
    grad_clip: float | None
    bn_eps: float
    bn_momentum: float
    source: str

    def weight_lr_scale_of(self, plan) -> float:
        """The multiplier of layer ``plan``'s latent-weight rate under this recipe."""
        return weight_lr_scale(self.weight_lr_scale, *glorot_fans(plan))


RECIPES = {
    "binarynet": Recipe(
        name="binarynet", weight_lr_scale="glorot", init="uniform", lr_start=3e-3, lr_end=3e-7,
        lr_decay_epochs=None, batch_size=100, loss="hinge", grad_clip=None, bn_eps=1e-4, bn_momentum=0.9,
        source="Courbariaux et al. 2016, BinaryNet Train-time/mnist.py and binary_net.py (H = 1, "
               "W_LR_scale = 'Glorot', LR 3e-3 -> 3e-7, batch 100, epsilon 1e-4, alpha 0.1)"),
    "anderson-berg": Recipe(
        name="anderson-berg", weight_lr_scale="none", init="glorot-uniform", lr_start=1e-3, lr_end=3e-7,
        lr_decay_epochs=500, batch_size=50, loss="hinge", grad_clip=1.0, bn_eps=1e-3, bn_momentum=0.99,
        source="Anderson & Berg 2018, their code (Adam 1e-3 decayed by (3e-7/1e-3)^(1/500) per epoch, "
               "batch 50, Glorot-uniform, squared hinge, batch norm eps 1e-3, gradients clipped to [-1, 1])"),
}
"""The recipes by name."""

DEFAULT_RECIPE = "binarynet"
"""The recipe of a :class:`bingeo.bnn.TrainConfig` that names none."""
