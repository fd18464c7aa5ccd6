"""Experiment 4's cost column: operations per input of a first layer.

A first layer maps ``positions`` input patches (1 for a dense layer; the
output's spatial size for a convolution) of ``d`` real coordinates to
``units`` outputs.  Per input (one sample):

* ``continuous``: ``positions * units * d`` float multiply-adds;
* ``binary`` (weights in {-1, +1}, real inputs): no multiplications, the
  same count of float additions/subtractions, ``positions * units * d``;
* ``rotated``: the generalized binarization ``q_R(w) = R^T sign(R w)`` with a
  dense ``d x d`` rotation ``R``.  Since ``x . R^T sign(R w) = (R x) .
  sign(R w)``, the network rotates each patch once (``positions * d * d``
  float multiply-adds, shared by every unit) and then adds and subtracts as
  the binary layer does.

Binary (XNOR/popcount) operations need binary inputs too, which a first
layer on real pixels does not have, so they count zero here; the later
layers of every variant are the same and are not counted.
"""

from __future__ import annotations

__all__ = ["FIRST_LAYER_KINDS", "first_layer_ops"]

FIRST_LAYER_KINDS = ("binary", "rotated", "continuous")


def first_layer_ops(kind: str, *, d: int, units: int, positions: int = 1) -> dict:
    """Operations per input of one first-layer variant.

    Returns ``float_mults`` (multiply-adds), ``float_adds`` (additions or
    subtractions without a multiplication), ``binary_ops`` (XNOR-popcount
    bit operations) and ``weight_bits`` (storage of the layer's weights,
    plus the rotation's float32 entries for ``rotated``).

    Examples
    --------
    >>> first_layer_ops("continuous", d=64, units=32)["float_mults"]
    2048
    >>> r = first_layer_ops("rotated", d=64, units=32)
    >>> r["float_mults"], r["float_adds"]
    (4096, 2048)
    """
    if kind not in FIRST_LAYER_KINDS:
        raise ValueError(f"kind: expected one of {FIRST_LAYER_KINDS}, got {kind!r}")
    for name, v in (("d", d), ("units", units), ("positions", positions)):
        if int(v) != v or v < 1:
            raise ValueError(f"{name}: must be an integer >= 1, got {v}")
    dots = positions * units * d
    if kind == "continuous":
        return {"float_mults": dots, "float_adds": 0, "binary_ops": 0, "weight_bits": 32 * units * d}
    rotation = positions * d * d if kind == "rotated" else 0
    extra_bits = 32 * d * d if kind == "rotated" else 0
    return {"float_mults": rotation, "float_adds": dots, "binary_ops": 0,
            "weight_bits": units * d + extra_bits}
