"""The digits data set the network tests train on, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

from bingeo.data import load_dataset


@lru_cache(maxsize=None)
def digits():
    """``load_dataset("digits", seed=0)``: 1,438 training and 359 test images."""
    return load_dataset("digits", seed=0)
