"""Seeds to streams: one independent random stream per fixed-size chunk.

Every function in bingeo that draws takes ``seed`` (an int >= 0 or a
``numpy.random.SeedSequence``).  Work is cut into chunks whose size never
depends on the number of threads, and chunk ``i`` draws from its own stream,
the ``i``-th child of the seed's ``SeedSequence`` (what
``SeedSequence.spawn`` would return, computed without advancing the parent,
so the same ``SeedSequence`` object gives the same numbers on every call).
The same seed therefore gives the same numbers whatever the number of
threads, on the CPU and on the GPU.

Child keys are grouped by *purpose* so that independent uses of one seed
never share a stream: purpose 0 holds the per-chunk sampling streams, purpose
1 the one-off draws of a call (a Haar rotation, say).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_seed_sequence",
    "child_seed_sequence",
    "chunk_seed_sequences",
    "chunk_generators",
    "chunk_sfc64_states",
    "auxiliary_generator",
    "chunk_count",
    "make_generator",
    "CHUNK_PURPOSE",
    "AUXILIARY_PURPOSE",
]

CHUNK_PURPOSE = 0
"""Spawn-key element of the per-chunk sampling streams."""

AUXILIARY_PURPOSE = 1
"""Spawn-key element of a call's one-off draws (e.g. a Haar rotation)."""


def as_seed_sequence(seed) -> np.random.SeedSequence:
    """The ``SeedSequence`` behind a ``seed`` argument.

    Parameters
    ----------
    seed : int or numpy.random.SeedSequence
        an integer >= 0, or a SeedSequence (returned as is).

    Raises
    ------
    ValueError
        when ``seed`` is negative, a bool, or of another type.

    Examples
    --------
    >>> as_seed_sequence(7).entropy
    7
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if int(seed) < 0:
            raise ValueError(f"seed: must be an integer >= 0 or a numpy SeedSequence, got {seed}")
        return np.random.SeedSequence(int(seed))
    raise ValueError(f"seed: must be an integer >= 0 or a numpy SeedSequence, got {type(seed).__name__}")


def child_seed_sequence(seed, *key: int) -> np.random.SeedSequence:
    """The child of ``seed`` with spawn key ``seed.spawn_key + key``.

    ``child_seed_sequence(s, i)`` equals ``s.spawn(i + 1)[i]`` for a fresh
    ``s``, but leaves ``s`` untouched.

    Examples
    --------
    >>> a = child_seed_sequence(3, 5).generate_state(2)
    >>> b = np.random.SeedSequence(3).spawn(6)[5].generate_state(2)
    >>> bool((a == b).all())
    True
    """
    ss = as_seed_sequence(seed)
    return np.random.SeedSequence(entropy=ss.entropy, spawn_key=tuple(ss.spawn_key) + tuple(int(k) for k in key),
                                  pool_size=ss.pool_size)


def chunk_seed_sequences(seed, n_chunks: int) -> list:
    """The ``n_chunks`` per-chunk SeedSequences of ``seed`` (purpose 0)."""
    ss = as_seed_sequence(seed)
    return [child_seed_sequence(ss, CHUNK_PURPOSE, i) for i in range(int(n_chunks))]


def make_generator(seed_sequence: np.random.SeedSequence) -> np.random.Generator:
    """The ``numpy.random.Generator`` of one stream, on numpy's SFC64 bit
    generator (the CPU kernels run the same stream from its 4-word state,
    see :func:`chunk_sfc64_states`)."""
    return np.random.Generator(np.random.SFC64(seed_sequence))


def chunk_sfc64_states(seed, n_chunks: int) -> np.ndarray:
    """The starting SFC64 states of the chunk streams, shape (n_chunks, 4),
    uint64: row ``i`` is the state of ``chunk_generators(seed, n)[i]``.

    Examples
    --------
    >>> s = chunk_sfc64_states(0, 3)
    >>> s.shape, bool((s[1] == chunk_generators(0, 3)[1].bit_generator.state["state"]["state"]).all())
    ((3, 4), True)
    """
    out = np.empty((int(n_chunks), 4), dtype=np.uint64)
    for i, s in enumerate(chunk_seed_sequences(seed, n_chunks)):
        out[i] = np.random.SFC64(s).state["state"]["state"]
    return out


def chunk_generators(seed, n_chunks: int) -> list:
    """One ``numpy.random.Generator`` per chunk, chunk ``i`` from child
    ``(0, i)`` of ``seed``.

    Examples
    --------
    >>> g = chunk_generators(0, 3)
    >>> len(g), g[0].standard_normal() == chunk_generators(0, 1)[0].standard_normal()
    (3, True)
    """
    return [make_generator(s) for s in chunk_seed_sequences(seed, n_chunks)]


def auxiliary_generator(seed, index: int = 0) -> np.random.Generator:
    """A Generator for a call's one-off draws (purpose 1), independent of
    every chunk stream of the same seed.

    Examples
    --------
    >>> x = auxiliary_generator(0).standard_normal()
    >>> bool(x != chunk_generators(0, 1)[0].standard_normal())
    True
    """
    return make_generator(child_seed_sequence(seed, AUXILIARY_PURPOSE, index))


def chunk_count(trials: int, chunk_trials: int) -> int:
    """Number of chunks of ``chunk_trials`` trials covering ``trials``.

    >>> chunk_count(10, 4)
    3
    """
    return -(-int(trials) // int(chunk_trials))
