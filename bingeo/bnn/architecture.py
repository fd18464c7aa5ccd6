"""Architecture descriptions: ``"c32-c32-p-c64-c64-p-d256"`` to a layer plan.

Grammar
-------
Tokens separated by ``-``:

``cF``
    a 3x3 convolution with F filters, stride 1, zero "same" padding,
    followed by batch normalization and the activation;
``p``
    a 2x2 max pool with stride 2 of the preceding convolution's output,
    applied before that convolution's batch normalization and activation
    (BinaryNet's order: conv, pool, batch norm, activation).  Since the
    activations are non-decreasing, pooling before or after the activation
    gives the same forward values; pooling first routes the gradient to the
    true maximum instead of the first of several tied +1s;
``dM``
    a dense layer with M units, followed by batch normalization and the
    activation (the first dense layer flattens the NCHW feature map).

The output layer (dense, ``num_classes`` units, batch normalization, no
activation) is always appended; the description never names it.  All
convolutions come before all dense layers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DEFAULT_ARCHITECTURE", "PAPER_CIFAR10_ARCHITECTURE", "LayerPlan",
           "parse_architecture", "plan_layers", "training_memory_bytes"]

DEFAULT_ARCHITECTURE = "c32-c32-p-c64-c64-p-d256"
"""The default for the 8x8 digits: two conv stages and one hidden dense layer."""

PAPER_CIFAR10_ARCHITECTURE = "c128-c128-p-c256-c256-p-c512-c512-p-d1024-d1024"
"""The architecture Anderson & Berg (after Courbariaux et al.) use on CIFAR-10."""

_TOKEN = re.compile(r"^(?:(c|d)([1-9][0-9]*)|p)$")


@dataclass(frozen=True)
class LayerPlan:
    """One weighted layer of a network, with the shapes it sees.

    Attributes
    ----------
    index : int
        position among the weighted layers, 0 for the first.
    name : str
        ``conv1``, ``conv2``, ..., ``dense1``, ..., ``output``.
    kind : str
        ``"conv"`` or ``"dense"``.
    input_shape : tuple of int
        shape of one sample's input, (C, H, W) for conv, (K,) for dense.
    weight_shape : tuple of int
        (F, C, 3, 3) for conv, (K, M) for dense.
    pools : int
        2x2 max pools applied to the layer's output before its batch norm.
    output_shape : tuple of int
        one sample's shape after the pools, (F, H', W') or (M,).
    activation : bool
        False only for the output layer (batch norm, then nothing).
    """

    index: int
    name: str
    kind: str
    input_shape: tuple
    weight_shape: tuple
    pools: int
    output_shape: tuple
    activation: bool

    @property
    def fan_in(self) -> int:
        """Inputs per output unit: C*9 for conv, K for dense."""
        if self.kind == "conv":
            return self.weight_shape[1] * 9
        return self.weight_shape[0]

    @property
    def units(self) -> int:
        """Output units (filters for conv)."""
        return self.weight_shape[0] if self.kind == "conv" else self.weight_shape[1]


def parse_architecture(text: str) -> list[tuple[str, int]]:
    """Split an architecture description into ``(kind, size)`` tokens.

    ``kind`` is ``"c"``, ``"d"`` or ``"p"`` (size 0 for a pool).

    Raises
    ------
    ValueError
        naming ``architecture`` on an unknown token, a pool that does not
        follow a convolution, or a convolution after a dense layer.

    Examples
    --------
    >>> parse_architecture("c32-p-d64")
    [('c', 32), ('p', 0), ('d', 64)]
    >>> parse_architecture("")
    []
    """
    text = str(text).strip()
    if not text:
        return []
    tokens = []
    seen_dense = False
    for raw in text.split("-"):
        tok = raw.strip()
        match = _TOKEN.match(tok)
        if match is None:
            raise ValueError(
                f"architecture: unknown token {tok!r} in {text!r}; expected cF "
                "(3x3 conv, F >= 1 filters), p (2x2 max pool) or dM (dense, M >= 1 units)")
        kind = match.group(1) or "p"
        size = int(match.group(2)) if match.group(2) else 0
        if kind == "p" and (not tokens or tokens[-1][0] == "d"):
            raise ValueError(f"architecture: a pool 'p' must follow a convolution in {text!r}")
        if kind == "c" and seen_dense:
            raise ValueError(f"architecture: convolution {tok!r} after a dense layer in {text!r}")
        seen_dense = seen_dense or kind == "d"
        tokens.append((kind, size))
    return tokens


def plan_layers(architecture: str, input_shape, num_classes: int) -> list[LayerPlan]:
    """The weighted layers of ``architecture`` on inputs of ``input_shape``.

    Parameters
    ----------
    architecture : str
        description in the module's grammar.
    input_shape : tuple of int
        (C, H, W) of one image.
    num_classes : int
        units of the appended output layer, >= 2.

    Raises
    ------
    ValueError
        when the architecture does not fit the image size (a pool of a map
        smaller than 2x2), or on a bad description, shape or class count.

    Examples
    --------
    >>> [(p.name, p.weight_shape, p.output_shape) for p in plan_layers("c4-p-d16", (1, 8, 8), 10)]
    [('conv1', (4, 1, 3, 3), (4, 4, 4)), ('dense1', (64, 16), (16,)), ('output', (16, 10), (10,))]
    """
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape: expected (C, H, W) with positive sizes, got {tuple(input_shape)}")
    if int(num_classes) < 2:
        raise ValueError(f"num_classes: expected >= 2, got {num_classes}")
    tokens = parse_architecture(architecture)
    plans: list[LayerPlan] = []
    counts = {"c": 0, "d": 0}
    current = shape
    for kind, size in tokens:
        if kind == "p":
            last = plans[-1]
            c, h, w = last.output_shape
            if h < 2 or w < 2:
                raise ValueError(
                    f"architecture: {architecture!r} does not fit {shape[1]}x{shape[2]} images: "
                    f"pool {last.pools + 1} after {last.name} sees a {h}x{w} map (needs at least 2x2)")
            plans[-1] = LayerPlan(last.index, last.name, last.kind, last.input_shape, last.weight_shape,
                                  last.pools + 1, (c, h // 2, w // 2), True)
            current = plans[-1].output_shape
            continue
        counts[kind] += 1
        if kind == "c":
            c, h, w = current
            plans.append(LayerPlan(len(plans), f"conv{counts['c']}", "conv", current,
                                   (size, c, 3, 3), 0, (size, h, w), True))
        else:
            k = 1
            for s in current:
                k *= s
            plans.append(LayerPlan(len(plans), f"dense{counts['d']}", "dense", (k,),
                                   (k, size), 0, (size,), True))
        current = plans[-1].output_shape
    k = 1
    for s in current:
        k *= s
    plans.append(LayerPlan(len(plans), "output", "dense", (k,), (k, int(num_classes)), 0,
                           (int(num_classes),), False))
    return plans


TRAINING_BYTES_PER_WEIGHT = 4 * 6
"""float32 latent weight, its quantized copy, its gradient, Adam's two
moments, and the copy a checkpoint is written from."""

TRAINING_BYTES_PER_ACTIVATION = 4 * 4
"""float32 per unit and sample: the layer's input kept for backward, the
pre-activation, the output, and the gradient flowing back."""


def training_memory_bytes(plans: list[LayerPlan], batch_size: int) -> int:
    """An estimate of the memory training holds, in bytes:
    ``TRAINING_BYTES_PER_WEIGHT`` per weight plus, per sample of a batch,
    ``TRAINING_BYTES_PER_ACTIVATION`` per unit of every layer's input and
    output and 4 bytes per entry of a convolution's 3x3 patch matrix.

    A lower bound within a small factor (buffers of the kernels and of numpy
    come on top): enough to refuse, before anything is allocated, a network
    that cannot fit.

    Examples
    --------
    >>> plans = plan_layers("d100000000", (1, 8, 8), 10)
    >>> round(training_memory_bytes(plans, 64) / 2**30, 1)
    356.1
    """
    weights = 0
    activations = 0
    for plan in plans:
        n = 1
        for s in plan.weight_shape:
            n *= s
        weights += n
        units_in = 1
        for s in plan.input_shape:
            units_in *= s
        units_out = 1
        for s in plan.output_shape:
            units_out *= s
        activations += TRAINING_BYTES_PER_ACTIVATION * (units_in + units_out)
        if plan.kind == "conv":  # im2col: C*9 entries per output position
            c, h, w = plan.input_shape
            activations += 4 * c * 9 * h * w
    return TRAINING_BYTES_PER_WEIGHT * weights + int(batch_size) * activations
