"""Data sets the binary neural network trains on; this module only re-exports.

``load_dataset(name, ...)`` returns a :class:`Dataset`; :data:`DATASETS`
lists the names.
"""

from .dataset import Dataset
from .digits import load_digits
from .registry import DATASETS, load_dataset
from .split import stratified_split

__all__ = ["DATASETS", "Dataset", "load_dataset", "load_digits", "stratified_split"]
