"""``load_dataset``: one entry point that loads any data set by name."""

from __future__ import annotations

import inspect

from .dataset import Dataset
from .arguments import check_seed
from .cifar import load_cifar10
from .digits import load_digits
from .mnist import load_fashion_mnist, load_mnist
from .synthetic import load_synthetic

__all__ = ["DATASETS", "load_dataset"]

_LOADERS = {
    "digits": load_digits,
    "mnist": load_mnist,
    "fashion_mnist": load_fashion_mnist,
    "cifar10": load_cifar10,
    "synthetic": load_synthetic,
}

DATASETS = tuple(_LOADERS)
"""The names ``load_dataset`` accepts."""


def load_dataset(name: str, *, data_dir=None, seed=0, **options) -> Dataset:
    """Load the data set called ``name``.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`; ``-`` is read as ``_`` (``"fashion-mnist"``).
    data_dir : str or path-like, optional
        Folder holding (or receiving) the data files of the file-based sets;
        ignored by the sets that need no files.
    seed : int >= 0 or numpy.random.SeedSequence
        Passed to the sets that draw (the digits split, the synthetic task,
        the split of MNIST or Fashion-MNIST drawn from their test files
        when the training files are missing); ignored by an official split.
    **options
        Keyword options of the loader (for example ``test_fraction`` for
        ``"digits"``); an option the loader does not take is an error.

    Examples
    --------
    >>> load_dataset("digits", seed=1)
    Dataset(name='digits', train=1438, test=359, image=(1, 8, 8), num_classes=10)
    >>> load_dataset("digts")
    Traceback (most recent call last):
    ...
    ValueError: name must be one of digits, mnist, fashion_mnist, cifar10, synthetic, got 'digts'
    """
    key = str(name).strip().lower().replace("-", "_") if isinstance(name, str) else None
    if key not in _LOADERS:
        raise ValueError(f"name must be one of {', '.join(DATASETS)}, got {name!r}")
    check_seed(seed)
    loader = _LOADERS[key]
    accepted = inspect.signature(loader).parameters
    given = dict(options)
    if "data_dir" in accepted:
        given["data_dir"] = data_dir
    if "seed" in accepted:
        given["seed"] = seed
    for option in options:
        if option not in accepted:
            allowed = sorted(p for p in accepted if p not in ("data_dir", "seed"))
            raise TypeError(f"{option!r} is not an option of data set {key!r}; "
                            f"accepted options: {', '.join(allowed) or 'none'}")
    return loader(**given)
