"""Fetching data files: a whole-or-nothing download checked against a
published MD5, with progress on stderr."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

__all__ = ["ChecksumError", "download_file", "file_md5", "urlopen"]

urlopen = urllib.request.urlopen
"""The opener ``download_file`` calls (``urllib.request.urlopen``); looked up
at each call, so a test can replace it."""

DOWNLOAD_TIMEOUT_S = 60.0
"""Seconds a connection may stay silent before a download gives up."""

_CHUNK = 1 << 20


class ChecksumError(ValueError):
    """A downloaded file does not have its published checksum."""


def file_md5(path) -> str:
    """The MD5 digest of a file, as 32 lowercase hex digits.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "f")
    ...     _ = open(p, "wb").write(b"abc")
    ...     file_md5(p)
    '900150983cd24fb0d6963f7d28e17f72'
    """
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def download_file(url: str, dest, *, md5: str, progress: bool = True) -> Path:
    """Download ``url`` to the file ``dest``, whole or not at all.

    The bytes stream into a temporary file beside ``dest`` while their MD5 is
    computed; only when the digest equals ``md5`` is the temporary file
    renamed to ``dest``.  On a checksum mismatch, a network error or an
    interruption the temporary file is deleted and ``dest`` is left as it was.

    Parameters
    ----------
    url : str
        Any URL ``urllib`` opens (``https://``, ``file://``).
    dest : str or path-like
        The file to create; its folder is created if missing.
    md5 : str
        The published MD5 digest of the file (32 hex digits).
    progress : bool
        Print a progress line (percent and megabytes) on stderr.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    ChecksumError
        The downloaded bytes have another MD5; the message names the URL and
        both digests.
    OSError
        The URL could not be read (``urllib.error.URLError`` is one).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     src = pathlib.Path(d, "src.bin"); _ = src.write_bytes(b"abc")
    ...     out = download_file(src.as_uri(), pathlib.Path(d, "copy.bin"),
    ...                         md5="900150983cd24fb0d6963f7d28e17f72", progress=False)
    ...     out.read_bytes()
    b'abc'
    """
    dest = Path(dest)
    md5 = str(md5).lower()
    if len(md5) != 32 or any(c not in "0123456789abcdef" for c in md5):
        raise ValueError(f"md5 must be 32 hexadecimal digits, got {md5!r}")
    with urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            _stream_checked(response, fd, tmp, dest, url=url, md5=md5, progress=progress)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return dest


def _stream_checked(response, fd, tmp: Path, dest: Path, *, url, md5, progress):
    """Copy ``response`` into the open temporary file ``fd``, check the MD5,
    rename the temporary file to ``dest``."""
    digest = hashlib.md5()
    with os.fdopen(fd, "wb") as out:
        total = _content_length(response)
        meter = _ProgressLine(url, total) if progress else None
        done = 0
        for block in iter(lambda: response.read(_CHUNK), b""):
            out.write(block)
            digest.update(block)
            done += len(block)
            if meter:
                meter.update(done)
        if meter:
            meter.close(done)
    got = digest.hexdigest()
    if got != md5:
        raise ChecksumError(f"{dest.name} downloaded from {url} has MD5 {got}, expected {md5}; "
                            f"the file was not kept (a corrupt or changed mirror?)")
    os.replace(tmp, dest)


def _content_length(response) -> int | None:
    try:
        value = response.headers.get("Content-Length")
        return int(value) if value else None
    except (AttributeError, TypeError, ValueError):
        return None


class _ProgressLine:
    """One updating line on stderr: ``downloading URL: 45% (12.3 / 27.1 MB)``."""

    def __init__(self, url: str, total: int | None, *, every_s: float = 0.5):
        self.url, self.total, self.every_s = url, total, every_s
        self.last = -float("inf")

    def update(self, done: int, *, force: bool = False):
        now = time.monotonic()
        if not force and now - self.last < self.every_s:
            return
        self.last = now
        if self.total:
            text = f"{100 * done / self.total:5.1f}% ({done / 1e6:.1f} / {self.total / 1e6:.1f} MB)"
        else:
            text = f"{done / 1e6:.1f} MB"
        sys.stderr.write(f"\rdownloading {self.url}: {text}")
        sys.stderr.flush()

    def close(self, done: int):
        self.update(done, force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()
