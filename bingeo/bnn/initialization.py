"""Initial latent weights of a layer.

Latent weights live in [-1, 1] (they are clipped there after every update),
so every scheme draws in that range:

==================  =====================================================  =========================
``init``            law of each latent weight                              source
==================  =====================================================  =========================
``uniform``         U[-1, 1]                                               BinaryNet with H = 1
                                                                           (``lasagne.init.Uniform((-H, H))``)
``glorot-uniform``  U[-s, s], s = sqrt(6 / (fan_in + fan_out))              Glorot & Bengio 2010;
                                                                           Anderson & Berg's code (Keras default)
``gaussian``        N(0, (1/3)^2), clipped to [-1, 1]                      three sd fill the clip range:
                                                                           0.27% of the draws are clipped
``glorot-normal``   N(0, 2 / (fan_in + fan_out)), clipped to [-1, 1]       Glorot & Bengio 2010, normal form
==================  =====================================================  =========================

``fan_in`` and ``fan_out`` count connections as BinaryNet and Keras do: a
dense layer (K, M) has fan_in = K, fan_out = M; a 3x3 convolution (F, C, 3,
3) has fan_in = 9 C and fan_out = 9 F.  The uniform laws give
cos(w, sign w) -> sqrt(3)/2 = 0.866 at large fan-in, the Gaussian ones
sqrt(2/pi) = 0.798 (``theory.limit_cos_value``).
"""

from __future__ import annotations

import math

import numpy as np

from .architecture import LayerPlan

__all__ = ["INITS", "glorot_fans", "initial_weights"]

INITS = ("uniform", "glorot-uniform", "gaussian", "glorot-normal")
"""The initialization schemes, in the order of the table above."""

GAUSSIAN_SD = 1.0 / 3.0
"""Standard deviation of the ``gaussian`` scheme, in units of the clip."""


def glorot_fans(plan: LayerPlan) -> tuple[int, int]:
    """``(fan_in, fan_out)``: (K, M) for dense, (9 C, 9 F) for a 3x3 conv.

    Examples
    --------
    >>> from bingeo.bnn.architecture import plan_layers
    >>> [glorot_fans(p) for p in plan_layers("c4-d8", (2, 4, 4), 3)]
    [(18, 36), (64, 8), (8, 3)]
    """
    if plan.kind == "conv":
        return plan.fan_in, 9 * plan.units
    return plan.fan_in, plan.units


def initial_weights(plan: LayerPlan, init: str, rng: np.random.Generator) -> np.ndarray:
    """Latent weights of shape ``plan.weight_shape``, float32, drawn by scheme ``init``.

    Parameters
    ----------
    plan : LayerPlan
    init : str
        one of :data:`INITS`.
    rng : numpy.random.Generator

    Examples
    --------
    >>> from bingeo.bnn.architecture import plan_layers
    >>> plan = plan_layers("d100", (1, 10, 10), 2)[0]
    >>> w = initial_weights(plan, "glorot-uniform", np.random.default_rng(0))
    >>> w.shape, w.dtype, bool(np.abs(w).max() <= np.sqrt(6 / 200))
    ((100, 100), dtype('float32'), True)
    """
    shape = plan.weight_shape
    fan_in, fan_out = glorot_fans(plan)
    if init == "uniform":
        w = rng.uniform(-1.0, 1.0, shape)
    elif init == "glorot-uniform":
        s = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-s, s, shape)
    elif init == "gaussian":
        w = np.clip(rng.normal(0.0, GAUSSIAN_SD, shape), -1.0, 1.0)
    elif init == "glorot-normal":
        w = np.clip(rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape), -1.0, 1.0)
    else:
        raise ValueError(f"init: expected one of {', '.join(INITS)}, got {init!r}")
    return w.astype(np.float32)
