"""CIFAR-10 batches, folder and archive, through read_cifar_batch and load_cifar10."""

import io
import pickle

import numpy as np
import pytest

from bingeo.data import (DataFileNotFoundError, load_cifar10, load_dataset, read_cifar_batch,
                         read_cifar_label_names)

from .formats import cifar_archive_bytes, cifar_batch_bytes, cifar_batches, write_cifar_folder


def test_batch_planes_are_red_green_blue():
    image = np.zeros((1, 3, 32, 32), np.uint8)
    image[0, 0, 0, 1] = 10   # red plane, row 0, column 1: byte 1 of the row
    image[0, 1, 2, 0] = 20   # green plane starts at byte 1024; row 2 at +64
    image[0, 2, 31, 31] = 30  # last byte of the blue plane
    row = image.reshape(-1)
    assert row[1] == 10 and row[1024 + 64] == 20 and row[3071] == 30
    images, labels = read_cifar_batch(io.BytesIO(cifar_batch_bytes(image, [4])))
    np.testing.assert_array_equal(images, image)
    assert labels.dtype == np.int64 and labels.tolist() == [4]


def test_batch_from_path(tmp_path):
    batches = cifar_batches(per_batch=4)
    folder = write_cifar_folder(tmp_path, batches)
    images, labels = read_cifar_batch(folder / "data_batch_3")
    np.testing.assert_array_equal(images, batches["data_batch_3"][0])
    np.testing.assert_array_equal(labels, batches["data_batch_3"][1])
    assert read_cifar_label_names(folder / "batches.meta")[:2] == ("airplane", "automobile")


def expected_dataset(batches):
    train = [batches[f"data_batch_{i}"] for i in range(1, 6)]
    x_train = np.concatenate([b[0] for b in train]) / 127.5 - 1
    y_train = np.concatenate([b[1] for b in train])
    return x_train, y_train, batches["test_batch"][0] / 127.5 - 1, batches["test_batch"][1]


def check_cifar(ds, batches):
    x_train, y_train, x_test, y_test = expected_dataset(batches)
    assert ds.name == "cifar10" and ds.num_classes == 10
    assert ds.x_train.shape == (15, 3, 32, 32) and ds.x_train.dtype == np.float32
    np.testing.assert_array_equal(ds.x_train, x_train.astype(np.float32))
    np.testing.assert_array_equal(ds.x_test, x_test.astype(np.float32))
    np.testing.assert_array_equal(ds.y_train, y_train)
    np.testing.assert_array_equal(ds.y_test, y_test)
    assert ds.class_names[-1] == "truck"


def test_load_from_extracted_folder(tmp_path):
    batches = cifar_batches()
    write_cifar_folder(tmp_path, batches)
    check_cifar(load_cifar10(data_dir=tmp_path, download=False), batches)
    # a folder that holds the batch files themselves also works
    check_cifar(load_dataset("cifar10", data_dir=tmp_path / "cifar-10-batches-py", download=False),
                batches)


def test_load_from_archive(tmp_path):
    batches = cifar_batches(seed=1)
    (tmp_path / "cifar10").mkdir()
    (tmp_path / "cifar10" / "cifar-10-python.tar.gz").write_bytes(cifar_archive_bytes(batches))
    check_cifar(load_cifar10(data_dir=tmp_path, download=False), batches)


def test_scaling_hits_both_ends(tmp_path):
    batches = cifar_batches()
    batches["test_batch"][0][0, 0, 0, 0] = 0
    batches["test_batch"][0][0, 0, 0, 1] = 255
    write_cifar_folder(tmp_path, batches)
    ds = load_cifar10(data_dir=tmp_path, download=False)
    assert ds.x_test[0, 0, 0, 0] == -1.0 and ds.x_test[0, 0, 0, 1] == 1.0
    assert ds.x_test.min() >= -1 and ds.x_test.max() <= 1


def test_missing_files_say_how_to_provide_them(tmp_path):
    with pytest.raises(DataFileNotFoundError) as info:
        load_cifar10(data_dir=tmp_path, download=False)
    message = str(info.value)
    assert "cifar-10-python.tar.gz" in message and str(tmp_path / "cifar10") in message
    assert "--data-dir" in message and "download=False" in message


def test_missing_batch_is_named(tmp_path):
    folder = write_cifar_folder(tmp_path, cifar_batches())
    (folder / "data_batch_4").unlink()
    with pytest.raises(ValueError, match="data_batch_4"):
        load_cifar10(data_dir=tmp_path, download=False)


@pytest.mark.parametrize("content, message", [
    ({b"labels": [1]}, "b'data'"),
    ({b"data": np.zeros((1, 3072), np.uint8)}, "b'labels'"),
    ({b"data": np.zeros((1, 100), np.uint8), b"labels": [1]}, r"\(N, 3072\)"),
    ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [1]}, "2 integers"),
    ([1, 2], "not a dict"),
])
def test_malformed_batches(content, message):
    with pytest.raises(ValueError, match=message):
        read_cifar_batch(io.BytesIO(pickle.dumps(content, protocol=2)))


class Payload:
    def __reduce__(self):
        return (print, ("unpickling ran code",))


def test_batches_cannot_run_code():
    with pytest.raises(ValueError, match="builtins.print is not allowed"):
        read_cifar_batch(io.BytesIO(pickle.dumps({b"data": Payload(), b"labels": []})))


def test_bad_download_is_named(tmp_path):
    write_cifar_folder(tmp_path, cifar_batches())
    with pytest.raises(ValueError, match="^download must be True or False"):
        load_cifar10(data_dir=tmp_path, download=1)
