"""MNIST and Fashion-MNIST from tiny IDX files on disk."""

import numpy as np
import pytest

from bingeo.data import (DATA_DIR_ENV, DataFileNotFoundError, load_dataset, load_fashion_mnist,
                         load_mnist)

from .formats import mnist_like_arrays, write_mnist_files


def check(ds, arrays, name):
    train_images, train_labels, test_images, test_labels = arrays
    assert ds.name == name and ds.num_classes == 10
    assert ds.x_train.shape == (6, 1, 28, 28) and ds.x_test.shape == (4, 1, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    np.testing.assert_array_equal(ds.x_train[:, 0], (train_images / 127.5 - 1).astype(np.float32))
    np.testing.assert_array_equal(ds.x_test[:, 0], (test_images / 127.5 - 1).astype(np.float32))
    np.testing.assert_array_equal(ds.y_train, train_labels)
    np.testing.assert_array_equal(ds.y_test, test_labels)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("subfolder", ["mnist", "", "MNIST/raw"])
def test_mnist_from_each_folder(tmp_path, compress, subfolder):
    arrays = mnist_like_arrays()
    write_mnist_files(tmp_path / subfolder, arrays, compress=compress)
    check(load_mnist(data_dir=tmp_path, download=False), arrays, "mnist")


def test_fashion_mnist_via_load_dataset(tmp_path):
    arrays = mnist_like_arrays(seed=5)
    write_mnist_files(tmp_path / "fashion_mnist", arrays, compress=True)
    ds = load_dataset("fashion-mnist", data_dir=tmp_path, download=False)
    check(ds, arrays, "fashion_mnist")
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"
    np.testing.assert_array_equal(load_fashion_mnist(data_dir=tmp_path, download=False).x_test, ds.x_test)


def test_environment_variable_names_the_folder(tmp_path, monkeypatch):
    arrays = mnist_like_arrays(seed=2)
    write_mnist_files(tmp_path / "mnist", arrays, compress=True)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    check(load_mnist(download=False), arrays, "mnist")


def test_missing_file_names_file_folders_and_remedy(tmp_path):
    arrays = mnist_like_arrays()
    write_mnist_files(tmp_path, arrays, compress=True)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataFileNotFoundError) as info:
        load_mnist(data_dir=tmp_path, download=False)
    message = str(info.value)
    assert message.startswith("mnist: data file t10k-labels-idx1-ubyte.gz")
    assert str(tmp_path / "mnist") in message and str(tmp_path / "MNIST" / "raw") in message
    assert "--data-dir" in message and DATA_DIR_ENV in message


@pytest.mark.parametrize("broken, message", [
    ("labels_count", "must hold 6 labels"),
    ("label_value", "label 10"),
    ("image_dtype", "uint8 images"),
])
def test_inconsistent_files_are_named(tmp_path, broken, message):
    train_images, train_labels, test_images, test_labels = mnist_like_arrays()
    if broken == "labels_count":
        train_labels = train_labels[:5]
    elif broken == "label_value":
        train_labels[0] = 10
    else:
        train_images = train_images.astype(np.int16)
    write_mnist_files(tmp_path, (train_images, train_labels, test_images, test_labels), compress=True)
    with pytest.raises(ValueError, match=message):
        load_mnist(data_dir=tmp_path, download=False)


def test_bad_data_dir_is_named():
    with pytest.raises(ValueError, match="data_dir"):
        load_mnist(data_dir=3, download=False)
    with pytest.raises(ValueError, match="data_dir"):
        load_dataset("mnist", data_dir="", download=False)


def test_bad_download_and_seed_are_named(tmp_path):
    with pytest.raises(ValueError, match="^download must be True or False"):
        load_mnist(data_dir=tmp_path, download="no")
    with pytest.raises(ValueError, match="^seed must be"):
        load_dataset("mnist", data_dir=tmp_path, seed=-1, download=False)
