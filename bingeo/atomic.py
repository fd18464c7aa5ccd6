"""Whole-or-nothing file writes.

A file is written to a temporary file in its own folder, flushed to disk, and
renamed over the target (``os.replace``, atomic on POSIX and Windows), so a
reader, a crash or a Ctrl-C never leaves a half-written model, checkpoint,
table or figure behind: the target holds either its old or its new content.

As command-line tools do, a symbolic link is followed (its target is
replaced, the link stays) and a target that exists but is not a regular file
(a device such as ``/dev/null``, a named pipe) is written in place, since
renaming over it would replace the device or the pipe by a file.
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
    file is removed.  A symlink is followed; a device or pipe is written in
    place (see the module docstring).

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
    link = Path(path)
    path = Path(os.path.realpath(link)) if link.is_symlink() else link
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, "wb") as fh:  # a device or a pipe: no rename over it
            write(fh)
            fh.flush()
        return link
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
    return link
