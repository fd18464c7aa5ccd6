"""Shared pieces of the command-line experiments.

Every command in ``sims`` has ``build_parser()``, a pure ``run(args)`` that
returns records, and ``main(argv=None)`` that parses, runs and writes.  This
module holds what they share: the ``--dims`` grammar, the common flags, a
one-line error with exit status 2, checks of the outputs and of the memory
before any work, and whole-or-nothing file writes; it re-exports the
progress bar and tables of :mod:`sims.terminal` and the metadata block and
JSON values of :mod:`sims.records`, so that a command imports all of them
from here.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Callable, Sequence

from bingeo.atomic import atomic_write
from sims.records import json_ready, json_text, run_metadata
from sims.terminal import Progress, format_bytes, format_seconds, format_table

__all__ = [
    "CliError",
    "ArgumentParser",
    "parse_dims",
    "dims_type",
    "add_seed_flag",
    "checked_number",
    "nonnegative_int",
    "add_output_flags",
    "add_progress_flags",
    "atomic_write_text",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_savefig",
    "Progress",
    "run_metadata",
    "run_main",
    "format_table",
    "positive_int",
    "STDOUT",
    "output_path",
    "check_outputs",
    "check_figure_format",
    "available_memory",
    "check_memory",
    "format_bytes",
    "format_seconds",
    "json_ready",
]

STDOUT = "-"
"""The output path that means standard output."""

DEFAULT_NUM_DIMS = 13
"""Points of a log-spaced ``A..B`` grid when ``--num`` is not given."""

MAX_NUM_DIMS = 100_000
"""Most points of an ``A..B`` grid: each is a row of the table, and the grid
is built point by point (``--num 10000000000`` ran for an hour in silence)."""


class CliError(Exception):
    """A user error: printed as one line, exit status 2, no traceback."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line error message and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


# --------------------------------------------------------------------------
# The --dims grammar
# --------------------------------------------------------------------------

def parse_dims(spec: str, *, num: int | None = None) -> list[int]:
    """Parse a dimension spec into a sorted list of distinct integers >= 1.

    Grammar
    -------
    ``A..B``
        a log-spaced integer grid from A to B, both ends included, ``num``
        points (default 13); rounding can merge neighbours at small A, so the
        grid may hold fewer than ``num`` distinct values.
    ``d1,d2,...``
        a comma list.
    ``d``
        one integer.

    Raises
    ------
    CliError
        on a malformed spec (``..``, ``0..5``, ``10..5``, ``abc``, d < 1),
        or ``num`` outside 1 to ``MAX_NUM_DIMS``.

    Examples
    --------
    >>> parse_dims("10..1000", num=3)
    [10, 100, 1000]
    >>> parse_dims("10,27,1152")
    [10, 27, 1152]
    >>> parse_dims("7")
    [7]
    """
    text = str(spec).strip()
    if not text:
        raise CliError("--dims: empty spec; expected A..B, a comma list, or one integer")
    if ".." in text:
        parts = text.split("..")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise CliError(f"--dims: malformed range {spec!r}; expected A..B with integers 1 <= A <= B")
        a, b = (_parse_dim(p, spec) for p in parts)
        if a > b:
            raise CliError(f"--dims: range {spec!r} runs backwards; expected A <= B")
        n = DEFAULT_NUM_DIMS if num is None else int(num)
        if not 1 <= n <= MAX_NUM_DIMS:
            raise CliError(f"--num: must be >= 1 and <= {MAX_NUM_DIMS}, got {num}")
        if a == b or n == 1:
            return sorted({a, b})
        la, lb = math.log(a), math.log(b)
        # the ends exactly: above 2^53, exp(log(b)) is another integer than b
        inner = (int(round(math.exp(la + (lb - la) * i / (n - 1)))) for i in range(1, n - 1))
        return sorted({a, b, *(min(max(v, a), b) for v in inner)})
    items = [p for p in text.split(",")]
    if any(not p.strip() for p in items):
        raise CliError(f"--dims: malformed list {spec!r}; expected integers separated by commas")
    return sorted({_parse_dim(p, spec) for p in items})


def _parse_dim(token: str, spec: str) -> int:
    token = token.strip()
    try:
        value = int(token)
    except ValueError:
        raise CliError(f"--dims: {token!r} in {spec!r} is not an integer") from None
    if value < 1:
        raise CliError(f"--dims: dimension must be >= 1, got {value} in {spec!r}")
    return value


def dims_type(spec: str) -> str:
    """argparse ``type=`` that validates a dims spec early but keeps the text.

    The grid itself depends on ``--num``, so commands call :func:`parse_dims`
    again with it after parsing.
    """
    try:
        parse_dims(spec, num=2)
    except CliError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--dims: ")) from None
    return spec


# --------------------------------------------------------------------------
# Common flags
# --------------------------------------------------------------------------

def checked_number(convert: Callable[[str], float], accept: Callable[[float], bool], expected: str,
                   name: str | None = None) -> Callable[[str], float]:
    """An argparse ``type=``: ``convert(text)``, refused with the one-line
    message "expected EXPECTED, got ..." when it does not parse or when
    ``accept(value)`` is false.

    Examples
    --------
    >>> unit = checked_number(float, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")
    >>> unit("0.5")
    0.5
    >>> unit("1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number in [0, 1), got 1.0
    """
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    parse.__name__ = name or "number"
    parse.__doc__ = f"argparse ``type=`` for {expected}."
    return parse


nonnegative_int = checked_number(int, lambda v: v >= 0, "a non-negative integer", "nonnegative_int")
positive_int = checked_number(int, lambda v: v >= 1, "a positive integer", "positive_int")


def add_seed_flag(parser: argparse.ArgumentParser, default: int = 0) -> None:
    parser.add_argument("--seed", type=nonnegative_int, default=default,
                        help=f"random seed, a non-negative integer (default {default})")


def output_path(text: str) -> str:
    """argparse ``type=`` of an output path: any non-empty text (``-`` is
    standard output).

    >>> output_path("a.json")
    'a.json'
    >>> output_path("")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a file path, or - for standard output, got ''
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a file path, or - for standard output, got {text!r}")
    return text


def add_output_flags(parser: argparse.ArgumentParser, *, csv: bool = True, plot: bool = True) -> None:
    parser.add_argument("--json", metavar="PATH", type=output_path,
                        help="write the records as JSON to PATH (- for standard output)")
    if csv:
        parser.add_argument("--csv", metavar="PATH", type=output_path,
                            help="write the table as CSV to PATH (- for standard output)")
    if plot:
        parser.add_argument("--plot", metavar="PATH", type=output_path, help="write the figure to PATH (PNG)")


def add_progress_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar on stderr")


# --------------------------------------------------------------------------
# Output paths, checked before any work
# --------------------------------------------------------------------------

def _probe_folder(folder: Path) -> None:
    """Create and remove a file in ``folder``: the one sure test that a
    write there will succeed (permissions, read-only mounts, /proc, root)."""
    probe = folder / f".bingeo-probe-{secrets.token_hex(6)}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.unlink(probe)


def _check_output_path(flag: str, path: str) -> None:
    target = Path(os.path.realpath(path))  # a symlink is followed, dangling or not
    if target.is_dir():
        raise CliError(f"{flag} {path}: is a folder; give a file path")
    if target.exists() and not target.is_file():  # a device or a pipe: written in place
        if not os.access(target, os.W_OK):
            raise CliError(f"{flag} {path}: not writable")
        return
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise CliError(f"{flag} {path}: {folder} is a file, not a folder")
    try:
        _probe_folder(folder)
    except OSError as exc:
        raise CliError(f"{flag} {path}: cannot write in {folder} ({exc.strerror})") from None


def check_outputs(outputs: Sequence[tuple[str, str | None]]) -> None:
    """Check every (flag, path) an output will be written to, before any
    work: each must be writable (its folder, or the nearest existing one,
    accepts a new file; a device or pipe must be writable), no two may name
    the same file, and at most one may be ``-`` (standard output).

    Raises
    ------
    CliError
        naming the flag and the path.

    Examples
    --------
    >>> check_outputs([("--json", "-"), ("--csv", "-")])
    Traceback (most recent call last):
    ...
    sims.cli.CliError: --json and --csv both write to standard output; give one of them a file path
    """
    seen: dict[str, str] = {}
    for flag, path in outputs:
        if path is None:
            continue
        key = STDOUT if path == STDOUT else os.path.realpath(path)
        if key in seen:
            where = "standard output" if key == STDOUT else f"the same file {path}"
            raise CliError(f"{seen[key]} and {flag} both write to {where}; give "
                           f"{'one of them a file path' if key == STDOUT else 'each its own'}")
        seen[key] = flag
        if path != STDOUT:
            _check_output_path(flag, path)


def check_figure_format(flag: str, path: str | None) -> None:
    """Refuse a figure path whose suffix matplotlib cannot write (no suffix
    and ``-`` mean PNG).

    >>> try:
    ...     check_figure_format("--plot", "a.xyz")
    ... except CliError as exc:
    ...     print(str(exc).split(";")[0])
    --plot a.xyz: matplotlib cannot write '.xyz' figures
    """
    if path is None or path == STDOUT:
        return
    suffix = Path(path).suffix.lstrip(".").lower()
    if not suffix:
        return
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix not in formats:
        accepted = ", ".join(f".{f}" for f in sorted(formats))
        raise CliError(f"{flag} {path}: matplotlib cannot write '.{suffix}' figures; use one of {accepted}")
    if suffix == "pgf":  # matplotlib lists PGF, but draws it by running a TeX engine
        import matplotlib

        tex = matplotlib.rcParams["pgf.texsystem"]
        if shutil.which(tex) is None:
            raise CliError(f"{flag} {path}: PGF figures need {tex} (matplotlib's pgf.texsystem), which is not "
                           f"installed; use .pdf or .svg")


# --------------------------------------------------------------------------
# Memory and time, estimated before the work
# --------------------------------------------------------------------------

def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable,
    else free physical pages), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(needed: float, what: str) -> None:
    """Refuse, with the estimate, work that needs more memory than is
    available."""
    free = available_memory()
    if free is not None and needed > free:
        raise CliError(f"{what} needs about {format_bytes(needed)} of memory, more than the "
                       f"{format_bytes(free)} available")


# --------------------------------------------------------------------------
# Whole-or-nothing writes
# --------------------------------------------------------------------------

def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename
    (``-``: standard output); a failed write is a one-line CliError."""
    if str(path) == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return Path(STDOUT)
    try:
        return atomic_write(path, lambda fh: fh.write(data))
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, data) -> Path:
    """Write ``data`` as indented standard JSON (NaN and inf become null)."""
    return atomic_write_text(path, json_text(data) + "\n")


def atomic_savefig(fig, path, **kwargs) -> Path:
    """Save a matplotlib figure whole or not at all (format from the suffix,
    PNG without one or for ``-``)."""
    fmt = "png" if str(path) == STDOUT else (Path(path).suffix.lstrip(".") or "png")
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format=fmt, **kwargs)
    except (RuntimeError, ValueError) as exc:  # a backend's own failure, found only when drawing
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(f"cannot draw {path}: {first}") from None
    return atomic_write_bytes(path, buffer.getvalue())


# --------------------------------------------------------------------------
# main() plumbing
# --------------------------------------------------------------------------

def run_main(prog: str, body: Callable[[], int | None]) -> int:
    """Run a command's body; a :class:`CliError` or ValueError from argument
    checking becomes ``prog: error: message`` on stderr and exit status 2.

    Ctrl-C exits with status 130 and one line.  A reader of standard
    output that goes away (``| head``) ends the command quietly with status
    141, as a command killed by SIGPIPE.
    """
    try:
        code = body()
    except CliError as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{prog}: interrupted\n")
        return 130
    except BrokenPipeError:
        # stdout now leads to /dev/null, or Python's flush at exit would
        # raise again and print a traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    return 0 if code is None else int(code)
