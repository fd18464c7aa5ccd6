"""Whole-or-nothing file writes.

A file is written to a temporary file in its own folder, flushed to disk, and
renamed over the target (``os.replace``, atomic on POSIX and Windows), so a
reader, a crash or a Ctrl-C never leaves a half-written model, checkpoint,
table or figure behind: the target holds either its old or its new content.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["atomic_write"]


def _mode_for_new_files() -> int:
    """0o666 less the process's umask, the mode ``open(path, "w")`` gives."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp creates the file private (0600); give it the mode a
            # plain open() would have given it
            if hasattr(os, "fchmod"):  # POSIX; elsewhere mkstemp's mode stands
                os.fchmod(fh.fileno(), _mode_for_new_files())
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
