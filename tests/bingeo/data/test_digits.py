"""scikit-learn's digits through load_digits and load_dataset."""

import numpy as np
import pytest
from sklearn.datasets import load_digits as sklearn_digits

from bingeo.data import Dataset, load_dataset, load_digits, stratified_split


@pytest.fixture(scope="module")
def digits():
    return load_digits(seed=0)


def test_shapes_dtypes_and_range(digits):
    assert isinstance(digits, Dataset)
    assert digits.x_train.shape[1:] == (1, 8, 8) and digits.x_test.shape[1:] == (1, 8, 8)
    assert len(digits.x_train) + len(digits.x_test) == 1797
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    assert digits.y_test.dtype == np.int64
    for x in (digits.x_train, digits.x_test):
        assert x.min() == -1.0 and x.max() == 1.0
    assert digits.num_classes == 10 and digits.name == "digits"
    assert digits.class_names == tuple("0123456789")


def test_scaling_maps_raw_values_exactly(digits):
    raw = sklearn_digits()
    train, test = stratified_split(raw.target, test_fraction=0.2, seed=0)
    np.testing.assert_array_equal(digits.x_test[:, 0] * 8 + 8, raw.images[test])
    np.testing.assert_array_equal(digits.y_train, raw.target[train])
    # the raw values are the 17 integers 0..16, so the scaled ones are k/8 - 1
    assert set(np.unique(digits.x_train * 8 + 8).tolist()) == set(range(17))


def test_split_is_a_stratified_partition(digits):
    raw = sklearn_digits()
    counts = np.bincount(raw.target, minlength=10)
    np.testing.assert_array_equal(np.bincount(digits.y_test, minlength=10),
                                  [round(0.2 * n) for n in counts])
    train, test = stratified_split(raw.target, test_fraction=0.2, seed=0)
    assert np.intersect1d(train, test).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(1797))


def test_split_is_determined_by_seed(digits):
    same = load_digits(seed=0)
    np.testing.assert_array_equal(same.x_train, digits.x_train)
    np.testing.assert_array_equal(same.y_test, digits.y_test)
    other = load_digits(seed=1)
    assert not np.array_equal(other.x_test, digits.x_test)
    from_sequence = load_digits(seed=np.random.SeedSequence(0))
    np.testing.assert_array_equal(from_sequence.x_test, digits.x_test)


def test_load_dataset_matches_load_digits(digits):
    ds = load_dataset("digits", seed=0)
    np.testing.assert_array_equal(ds.x_train, digits.x_train)
    np.testing.assert_array_equal(ds.y_test, digits.y_test)
    half = load_dataset("digits", seed=0, test_fraction=0.5)
    assert abs(len(half.x_test) - 1797 / 2) <= 10


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.9])
def test_stratified_split_counts_by_class(fraction):
    labels = np.repeat(np.arange(4), [2, 5, 10, 40])
    train, test = stratified_split(labels, test_fraction=fraction, seed=3)
    for c, n_c in enumerate([2, 5, 10, 40]):
        expected = min(max(round(fraction * n_c), 1), n_c - 1)
        assert np.sum(labels[test] == c) == expected
        assert np.sum(labels[train] == c) == n_c - expected


@pytest.mark.parametrize("call, argument", [
    (lambda: load_digits(seed=-1), "seed"),
    (lambda: load_digits(seed=1.5), "seed"),
    (lambda: load_digits(test_fraction=0.0), "test_fraction"),
    (lambda: load_digits(test_fraction=1.0), "test_fraction"),
    (lambda: load_digits(test_fraction=float("nan")), "test_fraction"),
    (lambda: load_dataset("digts"), "name"),
    (lambda: load_dataset(3), "name"),
])
def test_bad_arguments_name_themselves(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_unknown_option_is_named():
    with pytest.raises(TypeError, match="'rho'.*digits.*test_fraction"):
        load_dataset("digits", rho=0.5)


def test_dataset_checks_its_fields():
    x = np.zeros((2, 1, 2, 2), np.float32)
    with pytest.raises(ValueError, match="y_train"):
        Dataset(x_train=x, y_train=np.array([0, 5]), x_test=x, y_test=np.array([0, 1]),
                num_classes=2, name="toy")
    with pytest.raises(ValueError, match="x_train"):
        Dataset(x_train=x[0], y_train=np.array([0, 1]), x_test=x, y_test=np.array([0, 1]),
                num_classes=2, name="toy")
    with pytest.raises(ValueError, match="class_names"):
        Dataset(x_train=x, y_train=np.array([0, 1]), x_test=x, y_test=np.array([0, 1]),
                num_classes=2, name="toy", class_names=("a",))
    ds = Dataset(x_train=x, y_train=np.array([0, 1]), x_test=x, y_test=np.array([0, 1]),
                 num_classes=2, name="toy")
    with pytest.raises(AttributeError):
        ds.name = "other"
