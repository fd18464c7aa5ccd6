"""Whole-or-nothing file writes.

A file is written to a temporary file in its own folder, flushed to disk, and
renamed over the target (``os.replace``, atomic on POSIX and Windows), so a
reader, a crash or a Ctrl-C never leaves a half-written model, checkpoint,
table or figure behind: the target holds either its old or its new content.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["atomic_write"]


def _create_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new, uniquely named file beside the target, opened for writing.

    Created with mode 0o666 like any ``open(path, "w")``, so the process's
    umask decides its permissions (``tempfile.mkstemp`` would make it
    private, 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # a 64-bit name taken: draw another
            continue


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(fh)`` on a binary file handle, then put its bytes at ``path``.

    The parent folder is created if missing.  If ``write`` raises (or the
    process is interrupted), ``path`` is left as it was and the temporary
    file is removed.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> atomic_write(target, lambda fh: fh.write(b"whole")).read_bytes()
    b'whole'
    >>> def broken(fh):
    ...     fh.write(b"half")
    ...     raise RuntimeError("interrupted")
    >>> try:
    ...     atomic_write(target, broken)
    ... except RuntimeError:
    ...     pass
    >>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'whole', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
