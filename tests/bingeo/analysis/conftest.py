"""A tiny trained network and held-out images, shared by the experiment tests."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest


def tiny_digits(n_train=256, seed=0):
    from bingeo.data import load_dataset

    data = load_dataset("digits", seed=seed)
    keep = np.random.default_rng(seed).permutation(len(data.y_train))[:n_train]
    return dataclasses.replace(data, x_train=data.x_train[np.sort(keep)], y_train=data.y_train[np.sort(keep)])


@pytest.fixture(scope="session")
def digits_small():
    return tiny_digits()


@pytest.fixture(scope="session")
def tiny_trained(digits_small):
    """(network, held-out images): c4-p-d16 trained one epoch on 256 digits."""
    from bingeo.bnn import TrainConfig
    from bingeo.bnn.train import train_model

    cfg = TrainConfig(architecture="c4-p-d16", epochs=1, batch_size=32, lr_start=3e-2, lr_end=3e-2)
    return train_model(cfg, digits_small).network, digits_small.x_test[:60]
