"""check_quantizer: a property suite for any quantizer, run by hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, currently_in_test_context, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.data.arguments import check_bool, check_int, check_real
from bingeo.testing.quantizer_properties import Case, Claims, check_case
from bingeo.testing.quantizer_specs import is_quantizer_spec, quantizer_claims, quantizer_function
from bingeo.testing.strategies import check_float_dtype, dims, float_elements

__all__ = ["check_quantizer", "DEFAULT_CLAIMS"]

DEFAULT_CLAIMS = {
    "elementwise": True, "monotone": True, "idempotent": True, "odd": True, "sign_of_zero": 1,
    "scale_equivariant": False, "scale_invariant": False,
}
"""What :func:`check_quantizer` assumes a callable claims, unless told otherwise."""


class _Claimed:
    """Default of the options of :func:`check_quantizer`: what the
    quantizer claims (a bingeo spec's stated properties, else
    :data:`DEFAULT_CLAIMS`)."""

    def __repr__(self):
        return "CLAIMED"


CLAIMED = _Claimed()


def _claims(q, options: dict) -> Claims:
    claimed = dict(DEFAULT_CLAIMS)
    if is_quantizer_spec(q):
        claimed.update(quantizer_claims(q))
    for name, value in options.items():
        if value is CLAIMED:
            continue
        if name == "sign_of_zero":
            if value is not None and (isinstance(value, bool) or value not in (-1, 0, 1)):
                raise ValueError(f"sign_of_zero must be +1, 0, -1 or None, got {value!r}")
            claimed[name] = None if value is None else int(value)
        else:
            claimed[name] = check_bool(value, name)
    if claimed["scale_equivariant"] and claimed["scale_invariant"]:
        raise ValueError("scale_invariant and scale_equivariant cannot both be True (only q = 0 has both)")
    return Claims(**claimed)


_ROUND_VALUES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
"""Values where quantizers put their edges and levels, drawn often."""


def _entries(dtype, max_abs: float, allow_subnormal: bool):
    """Entries over the whole range, over [-4, 4] (the unit scale of
    thresholds and levels, rarely hit by a draw over +-1e6) and round values
    with their negatives and both zeros, a third of the draws each."""
    unit = min(max_abs, 4.0)
    rounds = [v for r in _ROUND_VALUES if r <= max_abs for v in (r, -r)] + [0.0, -0.0]
    return st.one_of(float_elements(dtype, min_value=-max_abs, max_value=max_abs, allow_subnormal=allow_subnormal),
                     float_elements(dtype, min_value=-unit, max_value=unit, allow_subnormal=allow_subnormal),
                     st.sampled_from(rounds))


@st.composite
def _cases(draw, dtype, max_d: int, max_abs: float, allow_subnormal: bool) -> Case:
    x = draw(hnp.arrays(dtype, dims(max_d=max_d), elements=_entries(dtype, max_abs, allow_subnormal)))
    d = x.size
    perm = np.array(draw(st.permutations(range(d))), dtype=np.intp)
    return Case(x, perm, draw(st.integers(1, d)), draw(st.integers(-8, 8)), draw(st.floats(1 / 64, 64)))


def check_quantizer(q, *, elementwise=CLAIMED, monotone=CLAIMED, idempotent=CLAIMED, odd=CLAIMED,
                    sign_of_zero=CLAIMED, scale_equivariant=CLAIMED, scale_invariant=CLAIMED,
                    dtype=np.float64, max_d: int = 16, max_abs: float = 1e6, max_examples: int = 100,
                    data=None) -> None:
    """Check the properties a quantizer claims on inputs hypothesis draws,
    and raise AssertionError with a falsifying example if one fails.

    ``q`` maps a 1-D float array x (length 1 to ``max_d``, finite entries in
    [-max_abs, max_abs], of ``dtype``) to an array of its shape.  The search
    is derandomized and keeps no example database.  Checked:

    * finite output for finite input (always);
    * ``elementwise``: q(x)_i depends on x_i alone: q commutes with
      permutations, q(x[:m]) = q(x)[:m];
    * ``monotone``: x_i <= x_j implies q(x)_i <= q(x)_j;
    * ``idempotent``: q(q(x)) = q(x);
    * ``odd``: q(-x) = -q(x) away from cell edges and from x_i = 0;
    * ``sign_of_zero`` (+1, 0, -1; None: no convention): q(0.0) = q(-0.0)
      and sign(q(0)) is the stated one (bingeo's sign(0) = +1 gives +1);
    * ``scale_equivariant``: q(a x) = a q(x) for a > 0;
    * ``scale_invariant``: q(a x) = q(x) for a > 0.

    Equalities are exact, except where a scale computed from the d
    coordinates rounds: q(a x) for a scale a that is not a power of two, and
    q(q(x)) for a quantizer that is not elementwise, agree within
    4 (d + 2) eps relative.  A coordinate is excused where q jumps within 8
    relative ulps of it (see :mod:`bingeo.testing.quantizer_properties`).

    Parameters
    ----------
    q : callable or quantizer spec
        a function of an array, or a spec of :mod:`bingeo.sampling.specs`
        (then checked as :func:`bingeo.testing.quantizer_specs.quantizer_function`
        makes it, against the properties it claims).
    elementwise, monotone, idempotent, odd, scale_equivariant, scale_invariant : bool
        default: what ``q`` claims: for a spec, its properties
        (:func:`~bingeo.testing.quantizer_specs.quantizer_claims`); for a
        callable, :data:`DEFAULT_CLAIMS` (all True but the two scale laws).
    sign_of_zero : {+1, 0, -1, None}
        default: claimed, +1 for a callable.
    dtype : float32 or float64
    max_d : int
        1 <= max_d <= 4096.
    max_abs : float
        0 < max_abs <= the dtype's largest float / 2^10.
    max_examples : int
        inputs to draw, >= 1.
    data : hypothesis ``st.data()`` object, optional
        inside a ``@given`` test (where hypothesis cannot nest another),
        one input is drawn from it instead of a search of its own.

    Examples
    --------
    >>> from bingeo import sign, ternarize
    >>> check_quantizer(sign, scale_invariant=True)
    >>> check_quantizer(lambda x: ternarize(x, 0.5), sign_of_zero=0)

    A ternary quantizer whose thresholds are shifted, -0.25 and 0.75, fails,
    with the falsifying example hypothesis shrank to:

    >>> check_quantizer(lambda x: ternarize(x - 0.25, 0.5), sign_of_zero=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: q is not odd away from its cell edges: q(-x)[0] = -1.0 but q(x)[0] = 0.0 at x[0] = 0.5, x = array([0.5], dtype=float64)...
    """
    if not (callable(q) or is_quantizer_spec(q)):
        raise ValueError(f"q must be a callable or a quantizer spec, got {type(q).__name__}")
    claims = _claims(q, dict(elementwise=elementwise, monotone=monotone, idempotent=idempotent, odd=odd,
                             sign_of_zero=sign_of_zero, scale_equivariant=scale_equivariant,
                             scale_invariant=scale_invariant))
    dt = check_float_dtype(dtype)
    max_d = check_int(max_d, "max_d", low=1, high=4096)
    max_abs = check_real(max_abs, "max_abs", low=0.0, high=float(np.finfo(dt).max) / 2**10, low_open=True)
    max_examples = check_int(max_examples, "max_examples", low=1)
    func = quantizer_function(q) if is_quantizer_spec(q) else q
    # Non-elementwise quantizers (rotations, row scales) mix coordinates,
    # where a subnormal entry underflows in products to a cell edge no probe
    # of a single coordinate can see.
    cases = _cases(dt, max_d, max_abs, claims.elementwise)
    if data is not None:
        if not hasattr(data, "draw"):
            raise ValueError(f"data must be a hypothesis st.data() object, got {type(data).__name__}")
        check_case(func, data.draw(cases, label="check_quantizer input"), claims)
        return
    if currently_in_test_context():
        raise ValueError("data must be given when check_quantizer runs inside a @given test (hypothesis cannot "
                         "nest a search of its own there): pass data=, drawn with st.data()")

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              report_multiple_bugs=False, phases=(Phase.generate, Phase.shrink),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(cases)
    def check_quantizer_properties(case):
        check_case(func, case, claims)

    check_quantizer_properties()
