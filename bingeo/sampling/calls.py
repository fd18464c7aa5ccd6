"""Cutting a long sampling run into kernel calls that return to Python often.

A numba kernel holds the interpreter until it returns, so Ctrl-C (a
``KeyboardInterrupt``) waits for the end of the call.  The CPU wrappers
therefore run a sample in calls of about ``CALL_SECONDS`` each: a batch of
whole chunks when a chunk holds several trials, or, when a chunk is one long
trial, a segment of coordinates of a group of trials, whose running sums
and stream states are kept between calls.  A call carries on the sums in
the same order, so how a run is cut changes no bit of the result; the cut
adapts to the measured time of the calls before.

Examples
--------
>>> calls = []
>>> run_chunk_batches(lambda c0, c1: calls.append((c0, c1)), n_chunks=5, chunk_draws=10)
>>> calls[0][0], calls[-1][1]
(0, 5)
"""

from __future__ import annotations

import time
from typing import Callable

import numba

__all__ = ["CALL_SECONDS", "FIRST_CALL_DRAWS", "CallBudget", "run_chunk_batches", "run_segments"]

CALL_SECONDS = 0.1
"""Target duration of one kernel call: Ctrl-C answers within about this."""

FIRST_CALL_DRAWS = 1 << 21
"""Draws per thread in the first call of a run (a few milliseconds), before
any call has been timed."""

MAX_CALL_DRAWS: int | None = None
"""If set, a cap on the draws of any call (tests set it to cut small runs
into many calls)."""


class CallBudget:
    """Draws per kernel call, adapted to the measured speed.

    After each call of ``draws`` draws taking ``seconds``, the next call gets
    about ``CALL_SECONDS`` worth, at most 4 times and at least a quarter of
    the last budget.

    >>> b = CallBudget(threads=2)
    >>> b.draws
    4194304
    >>> b.record(4194304, 0.01); b.draws
    16777216
    """

    def __init__(self, threads: int | None = None):
        self.threads = max(1, int(numba.get_num_threads() if threads is None else threads))
        self.draws = self._capped(self.threads * FIRST_CALL_DRAWS)

    @staticmethod
    def _capped(draws: float) -> int:
        draws = max(1, int(draws))
        return draws if MAX_CALL_DRAWS is None else min(draws, int(MAX_CALL_DRAWS))

    def record(self, draws: int, seconds: float) -> None:
        """Adapt the budget to a call of ``draws`` draws that took ``seconds``."""
        if seconds <= 0.0 or draws <= 0:
            factor = 4.0
        else:
            factor = min(4.0, max(0.25, CALL_SECONDS * draws / (seconds * self.draws)))
        self.draws = self._capped(self.draws * factor)

    def group(self, draws_each: int, remaining: int) -> int:
        """How many units of ``draws_each`` draws the next call takes: the
        budget's worth, rounded down to a multiple of the thread count (at
        least one per thread), at most ``remaining``."""
        n = max(self.threads, (self.draws // max(1, draws_each)) // self.threads * self.threads)
        if MAX_CALL_DRAWS is not None:
            n = max(1, min(n, int(MAX_CALL_DRAWS) // max(1, draws_each)))
        return min(n, remaining)


def _timed(budget: CallBudget, draws: int, call: Callable, *args) -> None:
    start = time.perf_counter()
    call(*args)
    budget.record(draws, time.perf_counter() - start)


def run_chunk_batches(call: Callable[[int, int], object], *, n_chunks: int, chunk_draws: int,
                      budget: CallBudget | None = None) -> None:
    """``call(c0, c1)`` on successive ranges of whole chunks covering
    ``0 .. n_chunks``, each of about one call's budget of draws
    (``chunk_draws`` per chunk)."""
    budget = CallBudget() if budget is None else budget
    c0 = 0
    while c0 < n_chunks:
        c1 = c0 + budget.group(chunk_draws, n_chunks - c0)
        _timed(budget, (c1 - c0) * chunk_draws, call, c0, c1)
        c0 = c1


def run_segments(call: Callable[[int, int, int, int], object], *, n_trials: int, d: int,
                 budget: CallBudget | None = None) -> None:
    """``call(t0, t1, begin, count)`` over groups of trials ``t0 .. t1`` and,
    within a group, successive coordinate segments ``begin .. begin+count``
    covering ``0 .. d``, each call about one budget of draws."""
    budget = CallBudget() if budget is None else budget
    t0 = 0
    while t0 < n_trials:
        t1 = t0 + budget.group(d, n_trials - t0)
        begin = 0
        while begin < d:
            count = min(d - begin, max(1, budget.draws // (t1 - t0)))
            _timed(budget, (t1 - t0) * count, call, t0, t1, begin, count)
            begin += count
        t0 = t1
