"""Helpers shared by the layer tests: float32 comparison bounds, float64
central-difference gradient checks, and small hypothesis strategies.

The bounds come from tests/tolerances.py; nothing here is tuned by hand.
"""

from __future__ import annotations

import numpy as np

from bingeo.testing.strategies import float_arrays
from tests.tolerances import FD_STEP, fd_atol, sum_rtol32

TINY32 = float(np.finfo(np.float32).smallest_subnormal)
"""One float32 subnormal step: a product that underflows may round either way
(fused multiply-add in BLAS, a plain product in the reference), so each term of
a sum adds at most this much absolute difference."""


def assert_sums_close32(actual, expected, abs_terms, n_terms):
    """Assert ``|actual - expected| <= sum_rtol32(n) * abs_terms + n * TINY32``
    elementwise, ``abs_terms`` being the sum of |terms| behind each element
    (for ``x @ w`` it is ``|x| @ |w|``), computed in float64."""
    actual = np.asarray(actual, np.float64)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    bound = sum_rtol32(n_terms) * np.asarray(abs_terms, np.float64) + n_terms * TINY32
    err = np.abs(actual - expected)
    worst = np.unravel_index(np.argmax(err - bound), err.shape) if err.size else ()
    assert np.all(err <= bound), (
        f"float32 sums differ beyond their rounding bound at {worst}: "
        f"{actual[worst]} vs {expected[worst]} (bound {bound[worst]})"
    )


def check_directional_derivatives(
    f, args, grads, *, n_terms, magnitude, curvature=0.0, directions=3, seed=0
):
    """Compare each analytic gradient with float64 central differences.

    ``f(*args)`` is a float64 scalar; ``grads[i]`` is its gradient with respect
    to ``args[i]`` (None to skip).  Along ``directions`` random unit-variance
    directions ``v`` the central difference ``(f(a + h v) - f(a - h v)) / 2h``
    with ``h = FD_STEP`` must match ``<grad, v>`` within
    :func:`tests.tolerances.fd_atol` (rounding of ``n_terms`` terms whose
    absolute values sum to ``magnitude``, plus ``curvature * h**2 / 6``).
    """
    rng = np.random.default_rng(seed)
    args = [np.asarray(a, np.float64) for a in args]
    tol = fd_atol(n_terms, magnitude, curvature)
    for i, g in enumerate(grads):
        if g is None:
            continue
        for _ in range(directions):
            v = rng.standard_normal(args[i].shape)
            plus = list(args)
            minus = list(args)
            plus[i] = args[i] + FD_STEP * v
            minus[i] = args[i] - FD_STEP * v
            fd = (f(*plus) - f(*minus)) / (2 * FD_STEP)
            analytic = float(np.sum(np.asarray(g, np.float64) * v))
            assert abs(fd - analytic) <= tol, (
                f"argument {i}: central difference {fd} vs gradient {analytic} "
                f"(tolerance {tol})"
            )


def float32_arrays(shape, low=-4.0, high=4.0):
    """Hypothesis strategy: float32 arrays of ``shape`` with finite elements in
    [low, high], hypothesis' own edge values (+-0.0, subnormals) included
    (``bingeo.testing.strategies.float_arrays`` with these defaults)."""
    return float_arrays(shape, dtype=np.float32, min_value=low, max_value=high)


def random_float32(rng, shape, scale=1.0):
    """Standard normal float32 array times ``scale``, C-contiguous."""
    return (scale * rng.standard_normal(shape)).astype(np.float32)
