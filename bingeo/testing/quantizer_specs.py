"""bingeo's quantizer specs as array functions, and the properties each one
claims, for :func:`bingeo.testing.check_quantizer`.

A spec's thresholds are in units of the coordinates' standard deviation
(see :mod:`bingeo.sampling.specs`); the functions here act on coordinates of
standard deviation 1, so ``Ternary(0.5)`` is ``ternarize(x, 0.5)``.
"""

from __future__ import annotations

import numpy as np

from bingeo.quantize import haar_rotation, kbit_quantize, rotated_sign, sign, ternarize, xnor_sign
from bingeo.sampling import specs

__all__ = ["quantizer_function", "quantizer_claims"]

_SPEC_TYPES = (specs.Sign, specs.Ternary, specs.KBit, specs.RotatedSign, specs.XnorSign, specs.CustomQuantizer)


def is_quantizer_spec(q) -> bool:
    """Whether ``q`` is one of the quantizer specs of :mod:`bingeo.sampling.specs`."""
    return isinstance(q, _SPEC_TYPES)


def _rotated_sign_function(seed):
    rotations = {}

    def q_rotated_sign(x):
        x = np.asarray(x, dtype=np.float64)
        d = x.shape[-1]
        if d not in rotations:
            rotations[d] = haar_rotation(d, seed)
        return rotated_sign(x, rotations[d])

    return q_rotated_sign


def quantizer_function(spec, *, seed=0):
    """The quantizer of ``spec`` as a function of a float array (..., d),
    acting along the last axis, for coordinates of standard deviation 1.

    Parameters
    ----------
    spec : a quantizer spec of :mod:`bingeo.sampling.specs`
    seed : int or numpy.random.SeedSequence
        seeds the Haar rotation of ``RotatedSign`` (one per d), as
        ``bingeo.sample_cos`` does.

    Examples
    --------
    >>> quantizer_function(specs.Ternary(0.5))(np.array([-1.0, 0.2, 0.7]))
    array([-1.,  0.,  1.])
    """
    if not is_quantizer_spec(spec):
        raise ValueError(f"spec must be a quantizer spec of bingeo.sampling.specs, got {type(spec).__name__}")
    if spec.kind == "sign":
        return sign
    if spec.kind == "ternary":
        return lambda x: ternarize(x, spec.tau)
    if spec.kind == "kbit":
        return lambda x: kbit_quantize(x, spec.k, clip=spec.clip)
    if spec.kind == "rotated-sign":
        return _rotated_sign_function(seed)
    if spec.kind == "xnor":
        return xnor_sign
    return spec.func


def quantizer_claims(spec) -> dict:
    """The properties the quantizer of ``spec`` has, as keyword arguments of
    :func:`bingeo.testing.check_quantizer` (those that differ from its
    defaults for a callable).

    * sign: q(0) = q(-0.0) = +1, and q(a x) = q(x) for a > 0;
    * ternary t(x) = sign(x) 1{|x| > tau}: t(0) = 0; idempotent only for
      tau < 1 (t(1) = 0 when tau >= 1);
    * k-bit: q(0) = +s/2 (the +1 side of zero);
    * XNOR-Net's alpha sign(x), alpha = mean |x|: not elementwise (alpha
      depends on every coordinate), but order-preserving, and q(a x) = a q(x);
    * rotated sign R^T sign(R x): not elementwise and not monotone, no
      convention at a zero coordinate of x, and q(a x) = q(x).

    Examples
    --------
    >>> quantizer_claims(specs.Ternary(1.5))
    {'sign_of_zero': 0, 'idempotent': False}
    """
    if not is_quantizer_spec(spec):
        raise ValueError(f"spec must be a quantizer spec of bingeo.sampling.specs, got {type(spec).__name__}")
    if spec.kind == "sign":
        return {"scale_invariant": True}
    if spec.kind == "ternary":
        return {"sign_of_zero": 0, "idempotent": spec.tau < 1.0}
    if spec.kind == "kbit":
        return {}
    if spec.kind == "xnor":
        return {"elementwise": False, "scale_equivariant": True}
    if spec.kind == "rotated-sign":
        return {"elementwise": False, "monotone": False, "sign_of_zero": None, "scale_invariant": True}
    return {}
