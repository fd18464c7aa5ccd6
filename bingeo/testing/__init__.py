"""bingeo.testing: property tests of quantizers and Monte Carlo claims, for
any project's test suite; this module only re-exports.

``check_quantizer(q)`` runs a property suite against a quantizer and raises
AssertionError with a falsifying example; ``assert_mc_agrees`` checks an
estimate against an exact value within z standard errors, z from a stated
false-failure rate (``z_bound``); :mod:`bingeo.testing.strategies` holds
hypothesis strategies for quantizer specs, coordinate laws, dimensions and
vectors.  It needs hypothesis: ``pip install "bingeo[testing]"``.
"""

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess without hypothesis
    raise ImportError(
        "bingeo.testing needs hypothesis, which bingeo itself does not; install the 'testing' extra: "
        "python -m pip install \"bingeo[testing]\"") from error

from bingeo.testing import strategies
from bingeo.testing.monte_carlo import FALSE_FAILURE_RATE, assert_mc_agrees, z_bound
from bingeo.testing.quantizer_checks import DEFAULT_CLAIMS, check_quantizer
from bingeo.testing.quantizer_specs import quantizer_claims, quantizer_function

__all__ = ["strategies", "check_quantizer", "DEFAULT_CLAIMS", "assert_mc_agrees", "z_bound",
           "FALSE_FAILURE_RATE", "quantizer_function", "quantizer_claims"]
