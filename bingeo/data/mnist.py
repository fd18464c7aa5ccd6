"""MNIST and Fashion-MNIST from their IDX files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arguments import check_bool
from .dataset import Dataset
from .files import RemoteFile, data_root, find_or_download
from .idx import read_idx
from .scaling import scale_pixels

__all__ = ["FASHION_MNIST_FILES", "MNIST_FILES", "load_fashion_mnist", "load_mnist"]

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

FASHION_MNIST_CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def load_mnist(*, data_dir=None, download: bool = True) -> Dataset:
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
    """
    return _load_idx_dataset("mnist", MNIST_FILES, "MNIST", tuple(str(i) for i in range(10)),
                             data_dir=data_dir, download=download)


def load_fashion_mnist(*, data_dir=None, download: bool = True) -> Dataset:
    """Fashion-MNIST: 60,000 training and 10,000 test clothing images, 28x28.

    Same files, names, scaling and folders as :func:`load_mnist`, with
    ``fashion_mnist`` for ``mnist`` and torchvision's
    ``<root>/FashionMNIST/raw``.
    """
    return _load_idx_dataset("fashion_mnist", FASHION_MNIST_FILES, "FashionMNIST",
                             FASHION_MNIST_CLASS_NAMES, data_dir=data_dir, download=download)


def _load_idx_dataset(name, files: IdxFiles, torchvision_name, class_names, *, data_dir, download) -> Dataset:
    download = check_bool(download, "download")
    root = data_root(data_dir)
    folders = [root / name, root, root / torchvision_name / "raw"]

    def read(remote):
        return read_idx(find_or_download(remote, folders, dataset=name, download=download)), remote.name

    parts = []
    for images_file, labels_file in ((files.train_images, files.train_labels),
                                     (files.test_images, files.test_labels)):
        (images, images_name), (labels, labels_name) = read(images_file), read(labels_file)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise ValueError(f"{name}: {images_name} must hold uint8 images (N, H, W), "
                             f"got {images.dtype} {images.shape}")
        if labels.ndim != 1 or len(labels) != len(images):
            raise ValueError(f"{name}: {labels_name} must hold {len(images)} labels to match "
                             f"{images_name}, got shape {labels.shape}")
        if labels.size and labels.max() >= len(class_names):
            raise ValueError(f"{name}: {labels_name} holds label {int(labels.max())}; "
                             f"expected 0..{len(class_names) - 1}")
        parts.append((scale_pixels(images, 255)[:, None], labels.astype(np.int64)))
    (x_train, y_train), (x_test, y_test) = parts
    return Dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                   num_classes=len(class_names), name=name, class_names=class_names)
