"""The properties :func:`bingeo.testing.check_quantizer` checks, each on one
drawn input, each raising AssertionError with the falsifying example.

A quantizer here is a function q from a 1-D float array x of length d to an
array of the same shape.  Quantizers are piecewise constant, so equalities
are exact; where floating point makes an equality fail at a jump (q(-x) at a
cell edge, a scaled input landing on an edge), the coordinate is excused
only if q(x) itself changes there: when x_i moves by 8 relative units of
the last place (from 0: to +-the smallest normal float), q(x)_i changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Claims", "Case", "check_case"]

_PROBE_ULPS = 8
"""A coordinate lies on a cell edge when q changes within this many relative
ulps of it: more than the 2 or 3 floats that can share one rounded quotient
x / s (the k-bit quantizer's floor(x / s) at a multiple of s)."""

_MAX_PROBED = 8
"""Coordinates probed for an edge before a failure is reported (bounds the
work on a quantizer that fails everywhere)."""


@dataclass(frozen=True)
class Claims:
    """What a quantizer claims (see :func:`bingeo.testing.check_quantizer`)."""

    elementwise: bool
    monotone: bool
    idempotent: bool
    odd: bool
    sign_of_zero: int | None
    scale_equivariant: bool
    scale_invariant: bool


@dataclass(frozen=True)
class Case:
    """One drawn input: the vector x, a permutation and a prefix length of
    it, a power-of-two exponent and a scale factor."""

    x: np.ndarray
    permutation: np.ndarray
    prefix: int
    power: int
    scale: float


def show(a) -> str:
    """An array as a list of shortest round-trip numbers (its dtype kept)."""
    a = np.asarray(a)
    body = ", ".join(str(v) for v in a.ravel())
    return f"array([{body}], dtype={a.dtype})"


def apply(q, x: np.ndarray) -> np.ndarray:
    """q(x) as an array of x's shape (q gets a copy: it may write to it)."""
    y = np.asarray(q(x.copy()))
    if y.shape != x.shape:
        raise AssertionError(f"q(x) has shape {y.shape} for x of shape {x.shape}: x = {show(x)}")
    return y


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Indices where a != b (NaN differs from everything; -0.0 equals 0.0)."""
    return np.flatnonzero(~(a == b))


def _probe(v, step_sign: int, dtype: np.dtype):
    if v == 0:
        return dtype.type(step_sign) * np.finfo(dtype).tiny
    return v * (dtype.type(1) + dtype.type(step_sign * _PROBE_ULPS) * np.finfo(dtype).eps)


def on_edge(q, x: np.ndarray, i: int, y: np.ndarray) -> bool:
    """Whether q(x)_i (= y[i]) changes when x_i alone moves by
    ``_PROBE_ULPS`` relative ulps either way."""
    for step_sign in (-1, 1):
        moved = x.copy()
        moved[i] = _probe(x[i], step_sign, x.dtype)
        if apply(q, moved)[i] != y[i]:
            return True
    return False


def _first_unexcused(bad, excused) -> int | None:
    for i in bad[:_MAX_PROBED]:
        if not excused(int(i)):
            return int(i)
    return None


def check_finite(x, y) -> None:
    if not np.all(np.isfinite(y)):
        i = int(np.flatnonzero(~np.isfinite(y))[0])
        raise AssertionError(f"q(x) is not finite for a finite x: q(x)[{i}] = {y[i]} at x[{i}] = {x[i]}, "
                             f"x = {show(x)}")


def check_elementwise(q, case: Case, y) -> None:
    """q(x)_i depends on x_i alone: q commutes with permutations of x and
    q(x[:m]) = q(x)[:m]."""
    x, perm, m = case.x, case.permutation, case.prefix
    bad = _differs(apply(q, x[perm]), y[perm])
    if bad.size:
        i = int(bad[0])
        raise AssertionError(f"q is not elementwise: it does not commute with a permutation p of x: "
                             f"q(x[p])[{i}] = {apply(q, x[perm])[i]} but q(x)[p][{i}] = {y[perm][i]}, "
                             f"x = {show(x)}, p = {perm.tolist()}")
    bad = _differs(apply(q, x[:m]), y[:m])
    if bad.size:
        i = int(bad[0])
        raise AssertionError(f"q is not elementwise: q(x[:{m}])[{i}] = {apply(q, x[:m])[i]} but "
                             f"q(x)[{i}] = {y[i]}, x = {show(x)}")


def check_monotone(x, y) -> None:
    """x_i <= x_j implies q(x)_i <= q(x)_j (and equal x give equal q)."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    rising = xs[1:] > xs[:-1]
    bad = np.flatnonzero(np.where(rising, ys[1:] < ys[:-1], ~(ys[1:] == ys[:-1])))
    if bad.size:
        i, j = int(order[bad[0]]), int(order[bad[0] + 1])
        raise AssertionError(f"q is not monotone non-decreasing: x[{i}] = {x[i]} <= x[{j}] = {x[j]} but "
                             f"q(x)[{i}] = {y[i]} > q(x)[{j}] = {y[j]} (or unequal for equal x), x = {show(x)}")


def scale_rtol(x: np.ndarray) -> float:
    """4 (d + 2) eps: the relative rounding of a scale computed from at most a
    sum over the d coordinates of x (a mean |x|, a norm), and one product."""
    return 4 * (x.size + 2) * float(np.finfo(x.dtype).eps)


def check_idempotent(q, x, y, rtol: float) -> None:
    """q(q(x)) = q(x), within ``rtol`` relative."""
    yy = apply(q, np.ascontiguousarray(y, dtype=x.dtype))
    bad = np.flatnonzero(~(np.abs(yy - y) <= rtol * np.abs(y)))
    if bad.size:
        i = int(bad[0])
        raise AssertionError(f"q is not idempotent: q(q(x))[{i}] = {yy[i]} but q(x)[{i}] = {y[i]} "
                             f"(relative tolerance {rtol:.3g}) at x[{i}] = {x[i]}, x = {show(x)}")


def check_odd(q, x, y) -> None:
    """q(-x) = -q(x) away from cell edges; zero coordinates follow the
    sign(0) convention instead."""
    neg = -x
    yn = apply(q, neg)
    bad = _differs(yn, -y)
    bad = bad[x[bad] != 0]
    i = _first_unexcused(bad, lambda i: on_edge(q, x, i, y) or on_edge(q, neg, i, yn))
    if i is not None:
        raise AssertionError(f"q is not odd away from its cell edges: q(-x)[{i}] = {yn[i]} but "
                             f"q(x)[{i}] = {y[i]} at x[{i}] = {x[i]}, x = {show(x)}")


def check_sign_of_zero(q, claims: Claims, x) -> None:
    """q(+0.0) and q(-0.0), planted at x[0], are equal and of the stated
    sign; for a quantizer that is not elementwise, a zero output row (a scale
    of 0) carries no sign and is skipped."""
    values = []
    for zero in (0.0, -0.0):
        z = x.copy()
        z[0] = zero
        qz = apply(q, z)
        if not claims.elementwise and claims.sign_of_zero != 0 and np.all(qz == 0):
            return
        values.append(qz[0])
    plus, minus = values
    if not (plus == minus and np.sign(plus) == claims.sign_of_zero):
        raise AssertionError(f"q breaks the stated sign(0) convention sign(q(0)) = {claims.sign_of_zero:+d} "
                             f"(for 0.0 and -0.0 alike): q(x)[0] = {plus} for x[0] = 0.0 and {minus} for "
                             f"x[0] = -0.0, x = {show(x)} with x[0] set to each zero")


def check_scaling(q, case: Case, power: int) -> None:
    """q(a x) = a^power q(x) for a = 2^case.power (exactly: scaling by a
    power of two is exact) and for a = case.scale (within
    :func:`scale_rtol` relative).
    Coordinates too small to scale without underflow are set to 0 first."""
    x = case.x
    dt = x.dtype
    fi = np.finfo(dt)
    xs = np.where(np.abs(x) < fi.tiny * 2.0**10, dt.type(0), x)
    ys = apply(q, xs)
    for a, tol in ((dt.type(2.0**case.power), 0.0), (dt.type(case.scale), scale_rtol(x))):
        xa = a * xs
        ya = apply(q, xa)
        want = (a**power) * ys.astype(np.float64)
        bad = np.flatnonzero(~(np.abs(ya - want) <= tol * np.abs(want)))
        i = _first_unexcused(bad, lambda i: on_edge(q, xa, i, ya) or on_edge(q, xs, i, ys))
        if i is not None:
            law = "a q(x)" if power == 1 else "q(x)"
            raise AssertionError(f"q(a x) != {law} for a = {a}: q(a x)[{i}] = {ya[i]} but {law}[{i}] = {want[i]} "
                                 f"(relative tolerance {tol:.3g}) at x[{i}] = {xs[i]}, x = {show(xs)}")


def check_case(q, case: Case, claims: Claims) -> None:
    """Every claimed property of q on the input of ``case``."""
    x = case.x
    y = apply(q, x)
    check_finite(x, y)
    if claims.elementwise:
        check_elementwise(q, case, y)
    if claims.monotone:
        check_monotone(x, y)
    if claims.idempotent:
        # a quantizer that is not elementwise may rescale by a mean, which
        # rounds: mean(v, ..., v) need not be v
        check_idempotent(q, x, y, 0.0 if claims.elementwise else scale_rtol(x))
    if claims.odd:
        check_odd(q, x, y)
    if claims.sign_of_zero is not None:
        check_sign_of_zero(q, claims, x)
    if claims.scale_equivariant:
        check_scaling(q, case, 1)
    if claims.scale_invariant:
        check_scaling(q, case, 0)
