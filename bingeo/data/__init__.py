"""Data sets the binary neural network trains on; this module only re-exports.

``load_dataset(name, ...)`` returns a :class:`Dataset`; :data:`DATASETS`
lists the names.
"""

from .cifar import load_cifar10, read_cifar_batch, read_cifar_label_names
from .dataset import Dataset
from .digits import load_digits
from .download import ChecksumError, download_file
from .files import DATA_DIR_ENV, DataFileNotFoundError, data_root
from .idx import read_idx
from .mnist import load_fashion_mnist, load_mnist
from .registry import DATASETS, load_dataset
from .split import stratified_split
from .synthetic import GaussianMixtureSample, load_synthetic, make_gaussian_mixture, pixel_correlation

__all__ = [
    "DATASETS", "DATA_DIR_ENV", "ChecksumError", "DataFileNotFoundError", "Dataset",
    "data_root", "download_file", "load_cifar10", "load_dataset", "load_digits",
    "load_fashion_mnist", "load_mnist", "read_cifar_batch", "read_cifar_label_names",
    "read_idx", "stratified_split", "GaussianMixtureSample", "load_synthetic",
    "make_gaussian_mixture", "pixel_correlation",
]
