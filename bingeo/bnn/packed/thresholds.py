"""Batch norm and sign folded into one integer threshold per unit.

A hidden layer of the float engine computes, in evaluation mode,

    a = sign(BN(z)),   BN(z) = float32((z - mean) / sqrt(var + eps) + beta)

(``batchnorm_forward_eval``: float64 arithmetic, one rounding to float32;
sign(0) = sign(-0.0) = +1), on an integer pre-activation z in
[-fan_in, fan_in].  BN is non-decreasing in z (a positive slope, and
rounding is monotone), so a = +1 exactly when z >= T for one integer T per
unit.

T is not derived from the formula (a float64 re-derivation could round a
tie at BN(z) = 0 the other way, e.g. a tiny negative float64 value that the
engine rounds to -0.0, whose sign is +1).  It is read off the engine
itself: :func:`sign_thresholds` evaluates the engine's own
``batchnorm_forward_eval`` and ``sign_forward`` on every candidate integer
z = -fan_in..fan_in of every unit and takes the first z that gives +1.
T = -fan_in means always +1; T = fan_in + 1 means always -1 (no reachable z
gives +1).
"""

from __future__ import annotations

import numpy as np

from .. import primitives

__all__ = ["sign_thresholds", "float_sign_thresholds", "CANDIDATES_PER_CALL"]

CANDIDATES_PER_CALL = 1 << 22
"""Candidate (z, unit) pairs evaluated per call of the engine's batch norm
(16 MiB of float32), so that wide layers with large fan-ins fold in bounded
memory."""


def _as_feature(name: str, v, units: int) -> np.ndarray:
    v = np.ascontiguousarray(v, dtype=np.float32)
    if v.shape != (units,):
        raise ValueError(f"{name}: expected shape ({units},) like running_mean, got {v.shape}")
    return v


def _engine_signs(z, mean, var, beta, eps, first_unit=0):
    """sign(BN(z)) by the engine's own functions, z (candidates, units) float32
    for units ``first_unit...``; raises where a sign is NaN (non-finite statistics)."""
    normalized = primitives.batchnorm_forward_eval(np.ascontiguousarray(z), mean, var, beta, eps)
    signs = primitives.sign_forward(normalized)
    nan = np.isnan(signs).any(axis=0)
    if nan.any():
        u = int(np.argmax(nan))
        raise ValueError(f"batch norm of unit {first_unit + u} gives NaN (running_mean {mean[u]}, "
                         f"running_var {var[u]}, beta {beta[u]}): no threshold reproduces it")
    return signs


def _refuse(unit, mean, var, beta):
    raise ValueError(f"batch norm of unit {unit} is not a non-decreasing function of its input "
                     f"(running_mean {mean[unit]}, running_var {var[unit]}, beta {beta[unit]}): "
                     "no threshold reproduces it")


def _features(running_mean, running_var, beta):
    mean = np.ascontiguousarray(running_mean, dtype=np.float32)
    if mean.ndim != 1 or mean.size == 0:
        raise ValueError(f"running_mean: expected shape (F,) with F >= 1, got {mean.shape}")
    return mean, _as_feature("running_var", running_var, mean.size), _as_feature("beta", beta, mean.size)


def sign_thresholds(running_mean, running_var, beta, eps, fan_in: int) -> np.ndarray:
    """The integer T per unit with ``sign(BN(z)) = +1  <=>  z >= T`` for
    every integer z in [-fan_in, fan_in].

    Parameters
    ----------
    running_mean, running_var, beta : array_like, float32, (F,)
        the layer's batch-norm statistics and shift, as the network holds them.
    eps : float
        the network's batch-norm epsilon, passed to the engine as the
        network passes it (``np.float32(config.bn_eps)``).
    fan_in : int
        largest |z|, >= 1 (C*9 for a conv layer, K for a dense one).

    Returns
    -------
    ndarray, int32, (F,), values in [-fan_in, fan_in + 1]

    Raises
    ------
    ValueError
        if some unit's batch norm is NaN or not non-decreasing on the
        candidates (non-finite statistics): no threshold reproduces it.

    Examples
    --------
    Mean 0.5, unit variance, no shift: BN(z) >= 0 from z = 1 on.  A shift of
    -10 puts the threshold out of reach (always -1), +10 below it (always +1).

    >>> f32 = lambda *v: np.array(v, np.float32)
    >>> sign_thresholds(f32(0.5, 0.5, 0.5), f32(1, 1, 1), f32(0, -10, 10), np.float32(1e-4), 3)
    array([ 1,  4, -3], dtype=int32)
    """
    if isinstance(fan_in, bool) or not isinstance(fan_in, (int, np.integer)) or not 1 <= fan_in < 1 << 24:
        raise ValueError(f"fan_in: expected an integer in 1..2**24 - 1 (exact in float32), got {fan_in!r}")
    mean, var, shift = _features(running_mean, running_var, beta)
    units = mean.size
    candidates = np.arange(-int(fan_in), int(fan_in) + 1, dtype=np.float32)
    chunk = max(1, CANDIDATES_PER_CALL // candidates.size)
    out = np.empty(units, np.int32)
    for u0 in range(0, units, chunk):
        u1 = min(units, u0 + chunk)
        z = np.broadcast_to(candidates[:, None], (candidates.size, u1 - u0))
        part = (mean[u0:u1].copy(), var[u0:u1].copy(), shift[u0:u1].copy())
        signs = _engine_signs(z, *part, eps, u0)
        falling = (np.diff(signs, axis=0) < 0).any(axis=0)
        if falling.any():
            _refuse(u0 + int(np.argmax(falling)), mean, var, shift)
        positive = signs > 0
        first = np.where(positive.any(axis=0), np.argmax(positive, axis=0), candidates.size)
        out[u0:u1] = first - int(fan_in)
    return out


# float32 values as integers in their order: -0.0 just below +0.0
def _float_key(v: np.ndarray) -> np.ndarray:
    bits = np.asarray(v, np.float32).view(np.int32).astype(np.int64)
    return np.where(bits >= 0, bits, -(bits & 0x7FFFFFFF) - 1)


def _key_float(key: np.ndarray) -> np.ndarray:
    key = np.asarray(key, np.int64)
    bits = np.where(key >= 0, key, (-key - 1) | 0x80000000)
    return bits.astype(np.uint32).view(np.float32)


def float_sign_thresholds(running_mean, running_var, beta, eps) -> np.ndarray:
    """The float32 T per unit with ``sign(BN(z)) = +1  <=>  z >= T`` for
    every finite float32 z (the first layer's continuous sums).

    Found by bisection over the finite float32 values in their order, each
    step one call of the engine's ``batchnorm_forward_eval`` and
    ``sign_forward`` for all units at once (32 steps); T = -inf means always
    +1, T = +inf never.  The result is checked: sign(BN(T)) = +1 and
    sign(BN(the float below T)) = -1.

    Examples
    --------
    >>> f32 = lambda *v: np.array(v, np.float32)
    >>> float_sign_thresholds(f32(0.25, 0, 0), f32(1, 1e30, 1e30), f32(0, -1e30, 1e30), np.float32(1e-4))
    array([0.25,  inf, -inf], dtype=float32)
    """
    mean, var, shift = _features(running_mean, running_var, beta)
    lowest, highest = _float_key(np.finfo(np.float32).min), _float_key(np.finfo(np.float32).max)

    def positive(keys):
        return _engine_signs(_key_float(keys)[None, :], mean, var, shift, eps)[0] > 0

    lo = np.full(mean.size, lowest, np.int64)       # invariant: the answer is in (lo, hi]
    hi = np.full(mean.size, highest, np.int64)
    always = positive(lo)
    never = ~positive(hi)
    while (hi - lo > 1).any():
        mid = lo + (hi - lo) // 2
        up = positive(mid)
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    if not (positive(hi) | never).all() or (positive(lo) & ~always).any():
        _refuse(int(np.argmax(positive(lo) & ~always)), mean, var, shift)
    out = _key_float(hi)
    out[always] = -np.inf
    out[never] = np.inf
    return out
