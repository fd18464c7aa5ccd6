"""Hypothesis strategies for bingeo's objects: quantizer specs, coordinate
laws, dimensions, float arrays and rotation-invariant vectors.

Every strategy checks its arguments when it is called, not when it is drawn
from, and raises a ValueError that names the argument and the accepted range.
Defaults are small, so a property test stays fast.

Examples
--------
>>> from hypothesis import find, given, settings
>>> from bingeo import sample_cos
>>> @settings(max_examples=5, deadline=None)
... @given(quantizers(), iid_laws(), dims(max_d=8))
... def test_cosines_are_at_most_one(quantizer, dist, d):
...     c = sample_cos(d, 3, quantizer=quantizer, dist=dist, seed=0)
...     assert not (abs(c) > 1.0).any()
>>> test_cosines_are_at_most_one()

``hypothesis.find`` gives the simplest value a strategy holds:

>>> find(quantizers(), lambda q: q.kind == "kbit" and q.k > 2)
KBit(k=3, clip=1.0)
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.data.arguments import check_bool, check_int, check_real
from bingeo.sampling.specs import AnisotropicNormal, KBit, Laplace, Normal, RotatedSign, Sign, StudentT, Ternary, \
    Uniform, XnorSign

__all__ = ["QUANTIZER_KINDS", "LAW_KINDS", "dims", "quantizers", "iid_laws", "float_arrays", "float_elements",
           "rotation_invariant_vectors"]

QUANTIZER_KINDS = ("sign", "ternary", "kbit", "rotated-sign", "xnor")
"""The quantizer kinds :func:`quantizers` draws from (``kind`` of the specs)."""

LAW_KINDS = ("normal", "uniform", "laplace", "t", "aniso")
"""The coordinate laws :func:`iid_laws` draws from (``kind`` of the specs)."""

_FLOAT_DTYPES = {np.dtype(np.float32): 32, np.dtype(np.float64): 64}


def _check_kinds(kinds, known: tuple, name: str) -> tuple:
    if isinstance(kinds, str):
        kinds = (kinds,)
    try:
        kinds = tuple(kinds)
    except TypeError:
        raise ValueError(f"{name} must be a non-empty collection of {known}, got {kinds!r}") from None
    if not kinds or any(k not in known for k in kinds):
        raise ValueError(f"{name} must be a non-empty collection of {known}, got {kinds!r}")
    return tuple(dict.fromkeys(kinds))


def _check_int_or_strategy(value, name: str, low: int):
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(check_int(value, name, low=low))


def dims(*, min_d: int = 1, max_d: int = 64) -> st.SearchStrategy[int]:
    """Dimensions d, integers in [min_d, max_d] (hypothesis favours the ends
    and small values, where the edge cases of a d-dimensional formula sit).

    Parameters
    ----------
    min_d : int
        >= 1.
    max_d : int
        >= min_d.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(dims(min_d=2, max_d=4), lambda d: d > 2)
    3
    """
    min_d = check_int(min_d, "min_d", low=1)
    max_d = check_int(max_d, "max_d", low=min_d)
    return st.integers(min_d, max_d)


def quantizers(*, kinds=QUANTIZER_KINDS, max_tau: float = 3.0, max_bits: int = 8,
               min_clip: float = 0.25, max_clip: float = 8.0) -> st.SearchStrategy:
    """Quantizer specs of :mod:`bingeo.sampling.specs` with their parameters
    drawn: ``Sign()``, ``Ternary(tau)`` with tau in [0, max_tau],
    ``KBit(k, clip)`` with k in [1, max_bits] and clip in [min_clip, max_clip],
    ``RotatedSign()`` and ``XnorSign()``.  Thresholds are in units of the
    coordinates' standard deviation, as ``bingeo.sample_cos`` reads them.

    Parameters
    ----------
    kinds : collection of str
        a non-empty subset of :data:`QUANTIZER_KINDS`.
    max_tau : float
        finite, >= 0.
    max_bits : int
        1 <= max_bits <= 16.
    min_clip, max_clip : float
        finite, 0 < min_clip <= max_clip.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(quantizers(kinds=["ternary"], max_tau=1.0), lambda q: q.tau > 0.5)
    Ternary(tau=1.0)
    """
    kinds = _check_kinds(kinds, QUANTIZER_KINDS, "kinds")
    max_tau = check_real(max_tau, "max_tau", low=0.0)
    max_bits = check_int(max_bits, "max_bits", low=1, high=16)
    min_clip = check_real(min_clip, "min_clip", low=0.0, low_open=True)
    max_clip = check_real(max_clip, "max_clip", low=min_clip)
    options = {
        "sign": st.just(Sign()),
        "ternary": st.builds(Ternary, st.floats(0.0, max_tau)),
        "kbit": st.builds(KBit, st.integers(1, max_bits), st.floats(min_clip, max_clip)),
        "rotated-sign": st.just(RotatedSign()),
        "xnor": st.just(XnorSign()),
    }
    return st.one_of([options[k] for k in kinds])


def iid_laws(*, kinds=LAW_KINDS, max_nu: float = 30.0, max_ratio: float = 100.0) -> st.SearchStrategy:
    """Coordinate laws of :mod:`bingeo.sampling.specs`: ``Normal()``,
    ``Uniform()``, ``Laplace()``, ``StudentT(nu)`` with 2 < nu <= max_nu (a
    finite standard deviation, which threshold quantizers need), and
    ``AnisotropicNormal(ratio=R)`` with R in [1 / max_ratio, max_ratio].

    Parameters
    ----------
    kinds : collection of str
        a non-empty subset of :data:`LAW_KINDS`.
    max_nu : float
        finite, > 2.
    max_ratio : float
        finite, >= 1.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(iid_laws(kinds=["t"]), lambda law: True)
    StudentT(nu=3.0)
    """
    kinds = _check_kinds(kinds, LAW_KINDS, "kinds")
    max_nu = check_real(max_nu, "max_nu", low=2.0, low_open=True)
    max_ratio = check_real(max_ratio, "max_ratio", low=1.0)
    options = {
        "normal": st.just(Normal()),
        "uniform": st.just(Uniform()),
        "laplace": st.just(Laplace()),
        "t": st.builds(StudentT, st.floats(2.0, max_nu, exclude_min=True)),
        "aniso": st.builds(AnisotropicNormal, ratio=st.floats(1.0 / max_ratio, max_ratio)),
    }
    return st.one_of([options[k] for k in kinds])


def check_float_dtype(dtype) -> np.dtype:
    """``dtype`` as a numpy dtype if it is float32 or float64, else a ValueError naming it."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _FLOAT_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    return dt


def _inside(value: float, dtype: np.dtype, toward: float) -> float:
    """``value`` rounded to ``dtype``, moved toward ``toward`` if rounding
    carried it outside (hypothesis needs bounds the dtype holds exactly)."""
    v = dtype.type(value)
    if (float(v) - value) * (toward - value) < 0:
        v = np.nextafter(v, dtype.type(toward))
    return float(v)


def float_arrays(shape=None, *, dtype=np.float64, min_value=None, max_value=None,
                 allow_nan: bool = False, allow_infinity: bool = False,
                 allow_subnormal: bool | None = None) -> st.SearchStrategy[np.ndarray]:
    """Float arrays of ``shape``: finite by default, with hypothesis' edge
    values (+-0.0, subnormals, the bounds) among the elements.

    Parameters
    ----------
    shape : int, tuple of int, or strategy of those
        default: vectors whose length is drawn from ``dims(max_d=16)``.
    dtype : float32 or float64
    min_value, max_value : float or None
        finite bounds on the elements (min_value <= max_value), rounded
        inward to ``dtype``.
    allow_nan, allow_infinity : bool
        allow_infinity needs at most one bound.
    allow_subnormal : bool or None
        None: subnormals wherever the bounds admit them.

    Examples
    --------
    >>> from hypothesis import find
    >>> x = find(float_arrays((2, 3), dtype="float32", min_value=-1.0, max_value=1.0), lambda x: x.min() < 0)
    >>> x.shape, x.dtype, bool(abs(x).max() <= 1)
    ((2, 3), dtype('float32'), True)
    """
    dt = check_float_dtype(dtype)
    if shape is None:
        shape = dims(max_d=16)
    elif not isinstance(shape, st.SearchStrategy):
        dims_ = (shape,) if isinstance(shape, (int, np.integer)) else shape
        try:
            shape = tuple(check_int(s, "shape", low=0) for s in dims_)
        except TypeError:
            raise ValueError(f"shape must be an int, a tuple of ints >= 0 or a strategy, got {shape!r}") from None
    elements = float_elements(dt, min_value=min_value, max_value=max_value, allow_nan=allow_nan,
                              allow_infinity=allow_infinity, allow_subnormal=allow_subnormal)
    return hnp.arrays(dt, shape, elements=elements)


def float_elements(dtype=np.float64, *, min_value=None, max_value=None, allow_nan: bool = False,
                   allow_infinity: bool = False, allow_subnormal: bool | None = None) -> st.SearchStrategy[float]:
    """The entries :func:`float_arrays` draws: floats of ``dtype`` (its
    arguments, checked the same way).

    Examples
    --------
    >>> from hypothesis import find
    >>> find(float_elements(np.float32, min_value=0.1, max_value=0.3), lambda v: v < 0.2)
    0.125
    """
    dt = check_float_dtype(dtype)
    lo = None if min_value is None else check_real(min_value, "min_value", low=-np.inf)
    hi = None if max_value is None else check_real(max_value, "max_value", low=-np.inf if lo is None else lo)
    allow_nan = check_bool(allow_nan, "allow_nan")
    allow_infinity = check_bool(allow_infinity, "allow_infinity")
    if allow_subnormal is not None:
        allow_subnormal = check_bool(allow_subnormal, "allow_subnormal")
    if allow_infinity and lo is not None and hi is not None:
        raise ValueError("allow_infinity must be False when both min_value and max_value are given")
    lo_in = None if lo is None else _inside(lo, dt, np.inf)
    hi_in = None if hi is None else _inside(hi, dt, -np.inf)
    if lo_in is not None and hi_in is not None and lo_in > hi_in:
        raise ValueError(f"max_value must leave a {dt} number in [min_value, max_value] = [{lo}, {hi}]")
    return st.floats(lo_in, hi_in, allow_nan=allow_nan, allow_infinity=allow_infinity,
                     allow_subnormal=allow_subnormal, width=_FLOAT_DTYPES[dt])


def _scaled_normals(args, batch_shape, dtype):
    d, seed, scale = args
    return (scale * np.random.default_rng(seed).standard_normal(tuple(batch_shape) + (d,))).astype(dtype)


def rotation_invariant_vectors(d, *, batch_shape=(), min_scale: float = 1e-3, max_scale: float = 1e3,
                               dtype=np.float64) -> st.SearchStrategy[np.ndarray]:
    """Arrays of shape ``batch_shape + (d,)`` whose rows are drawn from a
    rotation-invariant law: s * g with g ~ N(0, I_d) from a drawn seed and
    one drawn scale s in [min_scale, max_scale] per array.  For any
    orthogonal R, R g has the law of g, so every row, and the array taken
    row by row, keeps its law under a rotation.  Rows are finite and (with
    probability one) nonzero.

    Parameters
    ----------
    d : int or strategy of int
        dimension, >= 1 (e.g. :func:`dims`).
    batch_shape : tuple of int or strategy of tuples
        sides >= 1; ``()`` gives one vector.
    min_scale, max_scale : float
        finite, 0 < min_scale <= max_scale.
    dtype : float32 or float64

    Examples
    --------
    >>> from hypothesis import find
    >>> find(rotation_invariant_vectors(dims(max_d=8), batch_shape=(3,)), lambda w: w.shape[-1] > 4).shape
    (3, 5)
    """
    d = _check_int_or_strategy(d, "d", low=1)
    if not isinstance(batch_shape, st.SearchStrategy):
        try:
            batch_shape = st.just(tuple(check_int(s, "batch_shape", low=1) for s in batch_shape))
        except TypeError:
            raise ValueError(f"batch_shape must be a tuple of ints >= 1 or a strategy, got {batch_shape!r}") from None
    min_scale = check_real(min_scale, "min_scale", low=0.0, low_open=True)
    max_scale = check_real(max_scale, "max_scale", low=min_scale)
    dt = check_float_dtype(dtype)
    draws = st.tuples(d, st.integers(0, 2**32 - 1), st.floats(min_scale, max_scale))
    return st.tuples(draws, batch_shape).map(lambda a: _scaled_normals(a[0], a[1], dt))
