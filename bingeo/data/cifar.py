"""CIFAR-10's python pickle batches, from the official archive or its
extracted folder."""

from __future__ import annotations

import io
import os
import pickle
import tarfile

import numpy as np

from .arguments import check_bool
from .dataset import Dataset
from .files import RemoteFile, data_root, find_or_download
from .scaling import scale_pixels

__all__ = ["CIFAR10_ARCHIVE", "CIFAR10_CLASS_NAMES", "load_cifar10", "read_cifar_batch",
           "read_cifar_label_names"]

CIFAR10_ARCHIVE = RemoteFile(
    name="cifar-10-python.tar.gz",
    md5="c58f30108f718f92721af3b95e74349a",
    urls=("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
)
"""The official archive and its published MD5 (the one torchvision checks)."""

CIFAR10_FOLDER = "cifar-10-batches-py"
"""The folder the archive unpacks to."""

CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_META = "batches.meta"

CIFAR10_CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
                       "dog", "frog", "horse", "ship", "truck")
"""Class names in label order (as ``batches.meta`` lists them)."""

_SAFE_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("copy_reg", "_reconstructor"), ("copyreg", "_reconstructor"),
    ("_codecs", "encode"),  # how Python 3 writes bytes at pickle protocol 2
}


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only: a batch file cannot
    run code."""

    def find_class(self, module, name):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a CIFAR batch")


def _unpickle(source, label: str) -> dict:
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                content = _BatchUnpickler(f, encoding="bytes").load()
        else:
            content = _BatchUnpickler(source, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{label}: not a CIFAR python batch ({error})") from None
    if not isinstance(content, dict):
        raise ValueError(f"{label}: not a CIFAR python batch (holds a {type(content).__name__}, not a dict)")
    return content


def read_cifar_batch(source):
    """Read one CIFAR-10 python batch (``data_batch_1`` ... ``test_batch``).

    A batch is a pickled dict with ``b"data"``, a (N, 3072) uint8 array whose
    rows hold the red, green and blue 32x32 planes in turn, and
    ``b"labels"``, a list of N ints in 0..9.

    Parameters
    ----------
    source : str, path-like, or binary file object

    Returns
    -------
    images : numpy.ndarray, uint8, shape (N, 3, 32, 32)
    labels : numpy.ndarray, int64, shape (N,)

    Examples
    --------
    >>> import io, pickle, numpy as np
    >>> batch = {b"data": np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072),
    ...          b"labels": [3, 7], b"batch_label": b"toy"}
    >>> images, labels = read_cifar_batch(io.BytesIO(pickle.dumps(batch)))
    >>> images.shape, labels.tolist(), int(images[0, 1, 0, 0])
    ((2, 3, 32, 32), [3, 7], 0)
    """
    label = str(getattr(source, "name", source)) if not isinstance(source, io.BytesIO) else "CIFAR batch"
    content = _unpickle(source, label)
    for key in (b"data", b"labels"):
        if key not in content:
            raise ValueError(f"{label}: CIFAR batch lacks the key {key!r} (has {sorted(content)})")
    data = np.asarray(content[b"data"])
    labels = np.asarray(content[b"labels"])
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(f"{label}: b'data' must be a (N, 3072) uint8 array, got {data.dtype} {data.shape}")
    if labels.ndim != 1 or len(labels) != len(data) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{label}: b'labels' must be {len(data)} integers, got {labels.dtype} {labels.shape}")
    return data.reshape(-1, 3, 32, 32).copy(), labels.astype(np.int64)


def read_cifar_label_names(source) -> tuple[str, ...]:
    """The class names from ``batches.meta`` (its ``b"label_names"`` list).

    >>> import io, pickle
    >>> read_cifar_label_names(io.BytesIO(pickle.dumps({b"label_names": [b"cat", b"dog"]})))
    ('cat', 'dog')
    """
    label = str(getattr(source, "name", source)) if not isinstance(source, io.BytesIO) else "CIFAR meta"
    content = _unpickle(source, label)
    if b"label_names" not in content:
        raise ValueError(f"{label}: CIFAR meta file lacks the key b'label_names'")
    return tuple(n.decode() if isinstance(n, bytes) else str(n) for n in content[b"label_names"])


def load_cifar10(*, data_dir=None, download: bool = True) -> Dataset:
    """CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, 10 classes.

    Pixel values ``p`` in 0..255 are scaled to ``x = p / 127.5 - 1`` in
    [-1, 1]; images have shape (N, 3, 32, 32) (red, green, blue planes);
    the official split and order are kept.

    The files are looked up in ``<root>/cifar10`` and then ``<root>``, where
    ``<root>`` is ``data_dir``, else ``$BINGEO_DATA_DIR``, else
    ``~/.cache/bingeo``.  In each folder the extracted ``cifar-10-batches-py``
    folder is preferred, then the archive ``cifar-10-python.tar.gz`` (read
    without unpacking); a folder holding the batch files themselves also
    works.  If none is there and ``download`` is true, the archive (163 MB)
    is downloaded into ``<root>/cifar10`` and its MD5 checked.

    Raises
    ------
    bingeo.data.files.DataFileNotFoundError
        No files and no download; the message says how to provide them.
    """
    download = check_bool(download, "download")
    root = data_root(data_dir)
    folders = [root / "cifar10", root]
    for folder in folders:
        for batches in (folder / CIFAR10_FOLDER, folder):
            if (batches / CIFAR10_TEST_BATCH).is_file():
                return _cifar10_dataset(lambda name, b=batches: open(b / name, "rb"), str(batches))
    archive = find_or_download(CIFAR10_ARCHIVE, folders, dataset="cifar10", download=download)
    with tarfile.open(archive, "r:*") as tar:
        def member(name):
            path = f"{CIFAR10_FOLDER}/{name}"
            try:
                f = tar.extractfile(path)
            except KeyError:
                f = None
            if f is None:
                raise ValueError(f"{archive}: archive lacks {path}; is it the CIFAR-10 python archive?")
            return f
        return _cifar10_dataset(member, str(archive))


def _cifar10_dataset(open_member, where: str) -> Dataset:
    parts = []
    for names in (CIFAR10_TRAIN_BATCHES, (CIFAR10_TEST_BATCH,)):
        images, labels = [], []
        for name in names:
            try:
                f = open_member(name)
            except FileNotFoundError:
                raise ValueError(f"{where}: CIFAR-10 batch {name} is missing") from None
            with f:
                x, y = read_cifar_batch(f)
            images.append(x)
            labels.append(y)
        parts.append((scale_pixels(np.concatenate(images), 255), np.concatenate(labels)))
    class_names = CIFAR10_CLASS_NAMES
    try:
        with open_member(CIFAR10_META) as f:
            class_names = read_cifar_label_names(f)
    except (FileNotFoundError, ValueError):
        pass
    (x_train, y_train), (x_test, y_test) = parts
    return Dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                   num_classes=10, name="cifar10", class_names=class_names)
