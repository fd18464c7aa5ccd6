"""Slow, obvious versions of the network's internal kernels that only the
tests run, under the names of the functions they check.

The layers' own references (``*_reference`` beside each kernel) stay in the
library, where the reference training step and the analyses use them; the
helpers here check building blocks no library code references: the
interleaved lane sums, the tables of signed sums and the Adam update.
"""

from __future__ import annotations

import numpy as np

from bingeo.bnn.layers.lane_sums import LANES
from bingeo.bnn.layers.signed_sums import ENTRIES, GROUP


def lane_sum_reference(terms) -> float:
    """Reference of :func:`bingeo.bnn.layers.lane_sums.lane_sum` on
    precomputed float64 ``terms``: the eight lanes summed by plain Python in
    order, then the same tree."""
    lanes = [0.0] * LANES
    for p, t in enumerate(np.asarray(terms, np.float64).tolist()):
        lanes[p % LANES] += t
    s = lanes
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))


def signed_sums_reference(v):
    """Reference of :func:`bingeo.bnn.layers.signed_sums.store_signed_sums`
    for one lane: the 16 sums ``sum_l s_l v_l`` from their definition, shape
    (16,)."""
    v = np.asarray(v)
    signs = np.array([[1 if (e >> l) & 1 else -1 for l in range(GROUP)] for e in range(ENTRIES)])
    return (signs * v[None, :]).sum(axis=1)


def adam_update_reference(p, g, m, v, b1, a1, b2, a2, c2, eps, rate, clip):
    """:func:`bingeo.bnn.optim.adam_update` as a sequence of numpy float32
    operations, one per rounding, in place on ``p``, ``m``, ``v``."""
    g = np.array(g, dtype=np.float32)
    if clip > 0:
        np.clip(g, -clip, clip, out=g)
    m *= b1
    m += a1 * g
    v *= b2
    g *= g
    g *= a2
    v += g
    np.divide(v, c2, out=g)
    np.sqrt(g, out=g)
    g += eps
    np.divide(m, g, out=g)
    g *= rate
    p -= g
