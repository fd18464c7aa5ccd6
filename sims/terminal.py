"""What a command shows a person: a progress bar on stderr, aligned text
tables, and byte counts and durations in words.

Part of the commands' shared pieces; :mod:`sims.cli` re-exports every name.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from typing import Iterable, Sequence

__all__ = ["Progress", "format_table", "format_bytes", "format_seconds"]


class Progress:
    """A minimal progress bar on stderr.

    Silent when ``quiet`` is true or stderr is not a terminal, and before
    ``delay`` seconds have passed, so quick runs print nothing.  ``total``
    and the steps of :meth:`update` are units of work (rows, epochs, or
    draws).  :meth:`status` names what is happening before the first step
    (``"compiling"`` while numba compiles), shown once ``delay`` has passed.
    The time left is estimated from the steps after the first, which holds
    the compilation: from the rate of the first alone it can be off by 20
    times.

    Examples
    --------
    >>> with Progress(3, "dims", quiet=True) as bar:
    ...     bar.status("compiling")
    ...     for _ in range(3):
    ...         bar.update(1, note="d=10")
    """

    def __init__(self, total: int, label: str = "", *, quiet: bool = False,
                 delay: float = 0.5, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        is_tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = (not quiet) and is_tty
        self.delay = delay
        self.done = 0
        self.start = time.perf_counter()
        self._first: tuple[float, int] | None = None  # (time, done) at the end of the first step
        self._drawn = False
        self._timer: threading.Timer | None = None

    def _write(self, text: str) -> None:
        self.stream.write(f"\r{text}".rstrip() + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def status(self, text: str) -> None:
        """Show ``text`` (``"compiling"``) once ``delay`` has passed, until the next step."""
        self._cancel()
        if not self.enabled:
            return
        self._timer = threading.Timer(max(0.0, self.delay - (time.perf_counter() - self.start)),
                                      lambda: self._write(f"{self.label}: {text}"))
        self._timer.daemon = True
        self._timer.start()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def seconds_left(self, now: float | None = None) -> float | None:
        """The time left from the rate of the steps after the first, or None
        before a second step.

        >>> bar = Progress(10, quiet=True)
        >>> bar.start, bar._first, bar.done = 0.0, (25.0, 1), 3
        >>> bar.seconds_left(now=27.0)
        7.0
        """
        now = time.perf_counter() if now is None else now
        if self._first is None or self.done <= self._first[1] or now <= self._first[0]:
            return None
        rate = (self.done - self._first[1]) / (now - self._first[0])
        return (self.total - self.done) / rate

    def update(self, n: int = 1, note: str = "") -> None:
        self._cancel()
        self.done += n
        now = time.perf_counter()
        if self._first is None:
            self._first = (now, self.done)
        if not self.enabled:
            return
        elapsed = now - self.start
        if elapsed < self.delay and self.done < self.total:
            return
        width = 30
        frac = min(self.done / self.total, 1.0)
        bar = "#" * int(round(width * frac)) + "-" * (width - int(round(width * frac)))
        left = self.seconds_left(now)
        eta_text = f"{left:5.1f}s left" if left is not None and self.done < self.total else ""
        count = f"{self.done}/{self.total}" if self.total <= 100_000 else f"{100 * frac:3.0f}%"
        self._write(f"{self.label} [{bar}] {count} {elapsed:5.1f}s {eta_text} {note}")

    def close(self) -> None:
        self._cancel()
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def format_table(headers: Sequence[str], rows: Iterable[Sequence], *, formats: Sequence[str] | None = None) -> str:
    """A plain aligned text table.

    ``formats`` holds one format spec per column (``""`` for str()); a value
    of None prints as ``-``.
    """
    rows = list(rows)
    formats = list(formats) if formats is not None else [""] * len(headers)
    cells = [[_fmt(v, f) for v, f in zip(row, formats)] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)


def _fmt(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if spec:
        return format(value, spec)
    return str(value)


def format_bytes(n: float) -> str:
    """A byte count with a binary prefix.

    >>> format_bytes(80_000_000_000_000), format_bytes(512)
    ('72.8 TiB', '512 B')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def format_seconds(seconds: float) -> str:
    """A duration for people.

    >>> format_seconds(42), format_seconds(5400), format_seconds(3e7)
    ('42 s', '90 minutes', '347 days')
    """
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    if seconds < 2 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365.25 * 86400):.3g} years"
