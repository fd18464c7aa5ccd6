"""Where data files live: the data folder, the search for a file in it, and
the download of a missing one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .arguments import check_bool
from .download import ChecksumError, download_file, file_md5

__all__ = ["DATA_DIR_ENV", "DataFileNotFoundError", "RemoteFile", "check_md5", "data_root", "find_file",
           "find_or_download"]

DATA_DIR_ENV = "BINGEO_DATA_DIR"
"""Environment variable naming the data folder when ``data_dir`` is not given."""

DEFAULT_DATA_DIR = Path("~/.cache/bingeo")
"""The data folder when neither ``data_dir`` nor ``$BINGEO_DATA_DIR`` is set."""


class DataFileNotFoundError(FileNotFoundError):
    """A data file is neither on disk nor downloadable."""


@dataclass(frozen=True)
class RemoteFile:
    """A published data file: its name, the MD5 its publisher states, the
    URLs it can be fetched from (tried in order), and other names the same
    content may have on disk (for example the file unpacked from gzip)."""

    name: str
    md5: str
    urls: tuple[str, ...]
    local_names: tuple[str, ...] = ()


def data_root(data_dir=None) -> Path:
    """The data folder: ``data_dir`` if given, else ``$BINGEO_DATA_DIR`` if
    set and not empty, else ``~/.cache/bingeo``; ``~`` is expanded.

    The folder need not exist yet (a download creates it), but a path that
    names an existing file is an error.

    >>> str(data_root("/data/sets"))
    '/data/sets'
    """
    if data_dir is not None:
        if not isinstance(data_dir, (str, os.PathLike)) or not str(data_dir):
            raise ValueError(f"data_dir must be a folder path (str or path-like), got {data_dir!r}")
        root, source = Path(data_dir).expanduser(), "data_dir"
    else:
        env = os.environ.get(DATA_DIR_ENV, "")
        root = Path(env).expanduser() if env else DEFAULT_DATA_DIR.expanduser()
        source = f"${DATA_DIR_ENV}" if env else None
    if root.exists() and not root.is_dir():
        # otherwise every lookup below it fails and the error would only list folders that cannot exist
        raise ValueError(f"{source or 'the data folder'} must be a folder, got {root}, which is a file")
    return root


def find_file(remote: RemoteFile, folders) -> Path | None:
    """The path of ``remote`` on disk, or None: each folder of ``folders`` is
    searched in order for ``remote.name`` and then its ``local_names``; the
    first hit wins.  Nothing is downloaded.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = RemoteFile("labels.gz", md5="0" * 32, urls=(), local_names=("labels",))
    ...     print(find_file(f, [pathlib.Path(d)]))
    None
    """
    for folder in folders:
        for name in (remote.name, *remote.local_names):
            path = Path(folder) / name
            if path.is_file():
                return path
    return None


def check_md5(path, remote: RemoteFile, *, dataset: str) -> Path:
    """Return ``path`` if its MD5 is the one published for ``remote``.

    Raises
    ------
    bingeo.data.download.ChecksumError
        The digests differ; the message names the file and both digests.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "f.gz"); _ = p.write_bytes(b"abc")
    ...     f = RemoteFile("f.gz", md5="900150983cd24fb0d6963f7d28e17f72", urls=())
    ...     check_md5(p, f, dataset="toy").name
    'f.gz'
    """
    path = Path(path)
    got = file_md5(path)
    if got != remote.md5:
        raise ChecksumError(f"{dataset}: {path} has MD5 {got}, but the published {remote.name} has "
                            f"{remote.md5}: the file is damaged or not the published one; replace it "
                            f"with the published file")
    return path


def find_or_download(remote: RemoteFile, folders, *, dataset: str, download: bool = True,
                     progress: bool = True) -> Path:
    """Return the path of ``remote`` on disk, downloading it if needed.

    Each folder of ``folders`` is searched in order for ``remote.name`` and
    then its ``local_names``; the first hit wins.  If none is found and
    ``download`` is true, the file is downloaded (MD5-checked, whole or not
    at all) into the first folder, trying each URL in turn.

    Raises
    ------
    DataFileNotFoundError
        The file is not on disk and could not be downloaded; the message
        names the file, the folders searched, why the download failed, and
        how to provide the file.
    bingeo.data.download.ChecksumError
        A download completed with the wrong MD5 (the file is not kept).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "labels").write_bytes(b"")
    ...     f = RemoteFile("labels.gz", md5="0" * 32, urls=(), local_names=("labels",))
    ...     find_or_download(f, [pathlib.Path(d)], dataset="toy").name
    'labels'
    """
    download = check_bool(download, "download")
    folders = [Path(f) for f in folders]
    names = (remote.name, *remote.local_names)
    path = find_file(remote, folders)
    if path is not None:
        return path
    searched = ", ".join(str(f) for f in folders)
    wanted = " or ".join(names)
    if not download:
        reason = "download=False"
    else:
        failures = []
        for url in remote.urls:
            try:
                return download_file(url, folders[0] / remote.name, md5=remote.md5, progress=progress)
            except OSError as error:  # URLError, HTTPError, timeouts, disk errors
                failures.append(f"{url}: {getattr(error, 'reason', None) or error}")
        reason = "download failed (" + "; ".join(failures) + ")" if failures else "no download URL"
    raise DataFileNotFoundError(
        f"{dataset}: data file {wanted} not found in {searched}, and {reason}. "
        f"Provide it offline: put {remote.name} (from {remote.urls[0] if remote.urls else 'its publisher'}, "
        f"MD5 {remote.md5}) in {folders[0]}, or pass data_dir (--data-dir on the command line) "
        f"naming a folder that holds it, or set ${DATA_DIR_ENV}.")
