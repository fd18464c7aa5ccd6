"""Writers of tiny files in the real formats, independent of the readers
under test: IDX (gzip'd or not), CIFAR-10 python batches and archive."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np

IDX_CODES = {np.dtype("uint8"): 0x08, np.dtype("int8"): 0x09, np.dtype("int16"): 0x0B,
             np.dtype("int32"): 0x0C, np.dtype("float32"): 0x0D, np.dtype("float64"): 0x0E}


def idx_bytes(array) -> bytes:
    """The IDX encoding of ``array``: magic 0, 0, type, ndim; big-endian
    uint32 sizes; big-endian values, written value by value."""
    array = np.asarray(array)
    code = IDX_CODES[array.dtype]
    out = bytearray([0, 0, code, array.ndim])
    for size in array.shape:
        out += struct.pack(">I", size)
    fmt = {0x08: ">B", 0x09: ">b", 0x0B: ">h", 0x0C: ">i", 0x0D: ">f", 0x0E: ">d"}[code]
    for value in array.reshape(-1).tolist():
        out += struct.pack(fmt, value)
    return bytes(out)


def write_idx(path, array, *, compress: bool) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def mnist_like_arrays(n_train=6, n_test=4, side=28, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, side, side), dtype=np.uint8),
            rng.integers(0, 10, n_train).astype(np.uint8),
            rng.integers(0, 256, (n_test, side, side), dtype=np.uint8),
            rng.integers(0, 10, n_test).astype(np.uint8))


def write_mnist_files(folder, arrays, *, compress: bool):
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    for name, array in zip(names, arrays):
        write_idx(Path(folder) / (name + (".gz" if compress else "")), array, compress=compress)


def cifar_batch_bytes(images, labels) -> bytes:
    """A batch as the CIFAR python files hold it: b'data' (N, 3072) uint8,
    b'labels' a list of ints, plus b'batch_label' and b'filenames'."""
    images = np.asarray(images, np.uint8)
    return pickle.dumps({
        b"batch_label": b"testing batch",
        b"labels": [int(v) for v in labels],
        b"data": images.reshape(len(images), 3072),
        b"filenames": [f"img_{i}.png".encode() for i in range(len(images))],
    }, protocol=2)


CLASS_NAMES = [b"airplane", b"automobile", b"bird", b"cat", b"deer",
               b"dog", b"frog", b"horse", b"ship", b"truck"]


def cifar_batches(per_batch=3, seed=0):
    """name -> (images (n, 3, 32, 32) uint8, labels) for the six batches."""
    rng = np.random.default_rng(seed)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    return {n: (rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8),
                rng.integers(0, 10, per_batch)) for n in names}


def cifar_files(batches) -> dict[str, bytes]:
    files = {name: cifar_batch_bytes(*batch) for name, batch in batches.items()}
    files["batches.meta"] = pickle.dumps({b"label_names": CLASS_NAMES, b"num_vis": 3072,
                                          b"num_cases_per_batch": 3}, protocol=2)
    return files


def write_cifar_folder(folder, batches) -> Path:
    folder = Path(folder) / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in cifar_files(batches).items():
        (folder / name).write_bytes(data)
    return folder


def cifar_archive_bytes(batches) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in cifar_files(batches).items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
