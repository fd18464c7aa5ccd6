"""MNIST and Fashion-MNIST from their IDX files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arguments import check_bool, check_real, check_seed
from .dataset import Dataset
from .files import DataFileNotFoundError, RemoteFile, check_md5, data_root, find_file, find_or_download
from .idx import read_idx
from .scaling import scale_pixels
from .split import stratified_split

__all__ = ["FASHION_MNIST_FILES", "MNIST_FILES", "TEST_FILES_SPLIT_FRACTION", "load_fashion_mnist", "load_mnist"]

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
"""Where the MNIST files are fetched from, in order (torchvision's mirrors)."""

FASHION_MNIST_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
"""Where the Fashion-MNIST files are fetched from (Zalando Research's bucket)."""


@dataclass(frozen=True)
class IdxFiles:
    """The four IDX files of an MNIST-like data set."""

    train_images: RemoteFile
    train_labels: RemoteFile
    test_images: RemoteFile
    test_labels: RemoteFile


def _idx_files(mirrors, md5s) -> IdxFiles:
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    return IdxFiles(*(RemoteFile(name=f"{n}.gz", md5=m, urls=tuple(u + f"{n}.gz" for u in mirrors),
                                 local_names=(n, n.replace("-idx", ".idx")))
                      for n, m in zip(names, md5s)))


MNIST_FILES = _idx_files(MNIST_MIRRORS, (
    "f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
    "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"))
"""MNIST's gzip'd IDX files and their published MD5s (as torchvision checks them)."""

FASHION_MNIST_FILES = _idx_files(FASHION_MNIST_MIRRORS, (
    "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
    "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"))
"""Fashion-MNIST's gzip'd IDX files and their published MD5s."""

TEST_FILES_SPLIT_FRACTION = 0.2
"""Share of each class that goes to the test part when the split is drawn
from the test files alone (the training files missing): 8,000 / 2,000 of
the 10,000 test images."""

FASHION_MNIST_CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def load_mnist(*, data_dir=None, download: bool = True, seed=0,
               test_fraction: float = TEST_FILES_SPLIT_FRACTION) -> Dataset:
    """MNIST: 60,000 training and 10,000 test handwritten digits, 28x28.

    Pixel values ``p`` in 0..255 are scaled to ``x = p / 127.5 - 1`` in
    [-1, 1], shape (N, 1, 28, 28); the official split and order are kept.

    The four files (``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte.gz``, or the same names unpacked, without
    ``.gz``) are looked up in ``<root>/mnist``, ``<root>``, and
    torchvision's ``<root>/MNIST/raw``, where ``<root>`` is ``data_dir``,
    else ``$BINGEO_DATA_DIR``, else ``~/.cache/bingeo``.  Missing files are
    downloaded into ``<root>/mnist`` when ``download`` is true, and their MD5
    checked.

    **Test files alone.** When the t10k pair is on disk but a training file
    is not, nothing is downloaded: the 10,000 test images are split, class
    by class, by :func:`bingeo.data.split.stratified_split` drawn from
    ``seed`` (``round(test_fraction * n_c)`` images of each class ``c`` to
    the test part, 8,000 / 2,000 at the default 0.2; both parts keep the
    files' order).  The gzip'd t10k files are checked against their
    published MD5 (unpacked copies have no published digest), and the
    returned ``Dataset.note`` says what was done.

    Parameters
    ----------
    data_dir : str or path-like, optional
    download : bool
        Download missing files (only when the t10k pair is missing too).
    seed : int >= 0 or numpy.random.SeedSequence
        Chooses the split from the test files alone; the official split
        ignores it.
    test_fraction : float in (0, 1)
        Share of each class in the test part of that split; the official
        split ignores it.

    Examples
    --------
    Two tiny unpacked t10k files, five images of each digit:

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> def idx(a):
    ...     return bytes([0, 0, 8, a.ndim]) + np.array(a.shape, ">u4").tobytes() + a.tobytes()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     labels = np.repeat(np.arange(10, dtype=np.uint8), 5)
    ...     _ = pathlib.Path(d, "t10k-images-idx3-ubyte").write_bytes(idx(np.zeros((50, 28, 28), np.uint8)))
    ...     _ = pathlib.Path(d, "t10k-labels-idx1-ubyte").write_bytes(idx(labels))
    ...     ds = load_mnist(data_dir=d, seed=0)
    >>> ds
    Dataset(name='mnist', train=40, test=10, image=(1, 28, 28), num_classes=10)
    >>> print(ds.note.split(": ", 1)[1])  # doctest: +NORMALIZE_WHITESPACE
    a seeded stratified split (seed 0) of the 50 official test images
    (unpacked t10k files, MD5 not checked), 40 train / 10 test
    """
    return _load_idx_dataset("mnist", MNIST_FILES, "MNIST", "MNIST", tuple(str(i) for i in range(10)),
                             data_dir=data_dir, download=download, seed=seed, test_fraction=test_fraction)


def load_fashion_mnist(*, data_dir=None, download: bool = True, seed=0,
                       test_fraction: float = TEST_FILES_SPLIT_FRACTION) -> Dataset:
    """Fashion-MNIST: 60,000 training and 10,000 test clothing images, 28x28.

    Same files, names, scaling, folders and options as :func:`load_mnist`,
    with ``fashion_mnist`` for ``mnist`` and torchvision's
    ``<root>/FashionMNIST/raw``; with its t10k pair alone the split is drawn
    from its 10,000 test images (1,000 per class: 8,000 / 2,000 at the
    default ``test_fraction``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     load_fashion_mnist(data_dir=d, download=False)
    Traceback (most recent call last):
    ...
    bingeo.data.files.DataFileNotFoundError: fashion_mnist: data file train-images-idx3-ubyte.gz ...
    """
    return _load_idx_dataset("fashion_mnist", FASHION_MNIST_FILES, "Fashion-MNIST", "FashionMNIST",
                             FASHION_MNIST_CLASS_NAMES, data_dir=data_dir, download=download, seed=seed,
                             test_fraction=test_fraction)


def _load_idx_dataset(name, files: IdxFiles, title, torchvision_name, class_names, *, data_dir, download,
                      seed, test_fraction) -> Dataset:
    download = check_bool(download, "download")
    seed = check_seed(seed)
    test_fraction = check_real(test_fraction, "test_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
    root = data_root(data_dir)
    folders = [root / name, root, root / torchvision_name / "raw"]
    train_pair = (files.train_images, files.train_labels)
    test_pair = (files.test_images, files.test_labels)
    train_paths = [find_file(remote, folders) for remote in train_pair]
    test_paths = [find_file(remote, folders) for remote in test_pair]
    if None not in test_paths and None in train_paths:
        # no download here: the t10k pair on disk makes the set usable offline, where
        # trying every mirror first would only wait for their time-outs
        missing = [remote.name for remote, path in zip(train_pair, train_paths) if path is None]
        return _split_test_files(name, title, test_pair, test_paths, class_names, missing=missing,
                                 folders=folders, seed=seed, test_fraction=test_fraction)
    parts = []
    for pair in (train_pair, test_pair):
        try:
            paths = [find_or_download(remote, folders, dataset=name, download=download) for remote in pair]
        except DataFileNotFoundError as error:
            hint = ""
            if None in train_paths:
                hint = (f" With the training files missing, the test pair ({test_pair[0].name}, "
                        f"{test_pair[1].name}) alone is enough: its images are then split into train and test.")
            raise DataFileNotFoundError(f"{error}{hint}") from None
        parts.append(_read_pair(name, pair, paths, class_names))
    (x_train, y_train), (x_test, y_test) = parts
    return Dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                   num_classes=len(class_names), name=name, class_names=class_names)


def _read_pair(name, pair, paths, class_names):
    """Images (N, 1, H, W) scaled to [-1, 1] and int64 labels from an
    images file and its labels file, with their shapes checked."""
    (images_name, labels_name), (images_path, labels_path) = (r.name for r in pair), paths
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"{name}: {images_name} must hold uint8 images (N, H, W), "
                         f"got {images.dtype} {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(f"{name}: {labels_name} must hold {len(images)} labels to match "
                         f"{images_name}, got shape {labels.shape}")
    if labels.size and labels.max() >= len(class_names):
        raise ValueError(f"{name}: {labels_name} holds label {int(labels.max())}; "
                         f"expected 0..{len(class_names) - 1}")
    return scale_pixels(images, 255)[:, None], labels.astype(np.int64)


def _split_test_files(name, title, test_pair, test_paths, class_names, *, missing, folders, seed,
                      test_fraction) -> Dataset:
    """The test pair alone, split by ``stratified_split``; the note says so."""
    unchecked = []
    for remote, path in zip(test_pair, test_paths):
        if path.name == remote.name:
            check_md5(path, remote, dataset=name)
        else:
            unchecked.append(path.name)
    x, y = _read_pair(name, test_pair, test_paths, class_names)
    train, test = stratified_split(y, test_fraction=test_fraction, seed=seed)
    what = f"{title} training files" if len(missing) == 2 else f"{title} training file {missing[0]}"
    if not unchecked:
        checked = "MD5-checked"
    elif len(unchecked) == len(test_paths):
        checked = "unpacked t10k files, MD5 not checked"
    else:
        checked = f"{unchecked[0]} unpacked, MD5 not checked"
    note = (f"{what} not found in {', '.join(str(f) for f in folders)}: a seeded stratified split "
            f"({_describe_seed(seed)}) of the {len(y):,} official test images ({checked}), "
            f"{len(train):,} train / {len(test):,} test")
    return Dataset(x_train=x[train], y_train=y[train], x_test=x[test], y_test=y[test],
                   num_classes=len(class_names), name=name, class_names=class_names, note=note)


def _describe_seed(seed) -> str:
    if isinstance(seed, np.random.SeedSequence):
        # its repr spans several lines; the note must stay on one
        return f"seed SeedSequence(entropy={seed.entropy}, spawn_key={seed.spawn_key})"
    return f"seed {seed}"
