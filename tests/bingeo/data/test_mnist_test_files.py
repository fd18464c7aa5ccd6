"""MNIST and Fashion-MNIST from their t10k pair alone: a seeded, stratified
split of the test images, no download, and a note saying so."""

import hashlib
import urllib.error

import numpy as np
import pytest

import bingeo.data.download as download_module
import bingeo.data.files as files_module
import bingeo.data.mnist as mnist_module
from bingeo.data import (ChecksumError, DataFileNotFoundError, Dataset, load_dataset, load_fashion_mnist,
                         load_mnist, stratified_split)
from bingeo.data.files import RemoteFile

from .formats import mnist_like_arrays, write_idx, write_mnist_files

CLASS_COUNTS = [20 + 3 * c for c in range(10)]  # 20..47 images per class, 335 in all
N = sum(CLASS_COUNTS)


def t10k_arrays(seed=0):
    """Images whose first two pixels hold their index (so each image can be
    traced back to its place in the file), and labels in shuffled order
    with CLASS_COUNTS images per class."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (N, 28, 28), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(N) % 256, np.arange(N) // 256
    images[0, 5, 5], images[1, 5, 5] = 0, 255  # both ends of the pixel range
    labels = rng.permutation(np.repeat(np.arange(10), CLASS_COUNTS)).astype(np.uint8)
    return images, labels


def write_t10k(folder, arrays, *, compress=True):
    suffix = ".gz" if compress else ""
    write_idx(folder / f"t10k-images-idx3-ubyte{suffix}", arrays[0], compress=compress)
    write_idx(folder / f"t10k-labels-idx1-ubyte{suffix}", arrays[1], compress=compress)


def use_md5s_of(monkeypatch, attribute, folder):
    """The published MD5s are those of the real files, which tiny fixtures
    fail: make the loader expect the digests of the files in ``folder``."""
    files = getattr(mnist_module, attribute)
    patched = []
    for remote in vars(files).values():
        path = folder / remote.name
        md5 = hashlib.md5(path.read_bytes()).hexdigest() if path.is_file() else remote.md5
        patched.append(RemoteFile(remote.name, md5, remote.urls, remote.local_names))
    monkeypatch.setattr(mnist_module, attribute, type(files)(*patched))


@pytest.fixture
def no_download(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a download was attempted: {args}")
    monkeypatch.setattr(files_module, "download_file", refuse)
    monkeypatch.setattr(download_module, "urlopen", refuse)


def image_index(x):
    """The file positions of images written by t10k_arrays, read back from
    their first two pixels."""
    pixels = np.rint((x[:, 0, 0, :2].astype(np.float64) + 1) * 127.5).astype(np.int64)
    return pixels[:, 0] + 256 * pixels[:, 1]


@pytest.mark.parametrize("subfolder", ["mnist", "", "MNIST/raw"])
def test_t10k_pair_alone_is_split_without_download(tmp_path, monkeypatch, no_download, subfolder):
    images, labels = t10k_arrays()
    write_t10k(tmp_path / subfolder, (images, labels))
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path / subfolder)
    ds = load_mnist(data_dir=tmp_path)  # download left at its default, True
    assert ds.name == "mnist" and ds.num_classes == 10 and ds.class_names[3] == "3"
    assert ds.x_train.shape == (268, 1, 28, 28) and ds.x_test.shape == (67, 1, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    both = np.concatenate([ds.x_train, ds.x_test])
    assert both.min() == -1.0 and both.max() == 1.0
    train, test = image_index(ds.x_train), image_index(ds.x_test)
    np.testing.assert_array_equal(ds.x_train[:, 0], (images[train] / 127.5 - 1).astype(np.float32))
    np.testing.assert_array_equal(ds.x_test[:, 0], (images[test] / 127.5 - 1).astype(np.float32))
    np.testing.assert_array_equal(ds.y_train, labels[train])
    np.testing.assert_array_equal(ds.y_test, labels[test])
    # disjoint, every image once, the file's order kept
    assert not set(train) & set(test)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(N))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    # the split is stratified_split's, drawn from the seed
    expected_train, expected_test = stratified_split(labels, test_fraction=0.2, seed=0)
    np.testing.assert_array_equal(train, expected_train)
    np.testing.assert_array_equal(test, expected_test)


def test_split_is_stratified(tmp_path, monkeypatch, no_download):
    write_t10k(tmp_path, t10k_arrays())
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path)
    for test_fraction in (0.2, 0.5):
        ds = load_mnist(data_dir=tmp_path, test_fraction=test_fraction)
        for c, n_c in enumerate(CLASS_COUNTS):
            n_test = int(np.sum(ds.y_test == c))
            assert n_test == round(test_fraction * n_c)
            assert n_test + int(np.sum(ds.y_train == c)) == n_c


def test_split_follows_the_seed(tmp_path, monkeypatch, no_download):
    write_t10k(tmp_path, t10k_arrays())
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path)
    first = load_dataset("mnist", data_dir=tmp_path, seed=0)
    again = load_dataset("mnist", data_dir=tmp_path, seed=0)
    other = load_dataset("mnist", data_dir=tmp_path, seed=1)
    np.testing.assert_array_equal(image_index(first.x_test), image_index(again.x_test))
    np.testing.assert_array_equal(first.x_train, again.x_train)
    assert not np.array_equal(image_index(first.x_test), image_index(other.x_test))
    assert len(other.y_test) == len(first.y_test)
    assert "(seed 0)" in first.note and "(seed 1)" in other.note


def test_note_says_what_was_done(tmp_path, monkeypatch, no_download):
    write_t10k(tmp_path / "mnist", t10k_arrays())
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path / "mnist")
    note = load_mnist(data_dir=tmp_path, seed=7).note
    folders = f"{tmp_path / 'mnist'}, {tmp_path}, {tmp_path / 'MNIST' / 'raw'}"
    assert note == (f"MNIST training files not found in {folders}: a seeded stratified split (seed 7) "
                    f"of the 335 official test images (MD5-checked), 268 train / 67 test")
    sequence = load_mnist(data_dir=tmp_path, seed=np.random.SeedSequence(5)).note
    assert "\n" not in sequence and "SeedSequence(entropy=5, spawn_key=())" in sequence


def test_one_training_file_missing_is_named(tmp_path, monkeypatch, no_download):
    write_t10k(tmp_path, t10k_arrays())
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", mnist_like_arrays()[0], compress=True)
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path)
    ds = load_mnist(data_dir=tmp_path)
    assert len(ds.y_train) + len(ds.y_test) == N
    assert ds.note.startswith(f"MNIST training file train-labels-idx1-ubyte.gz not found in {tmp_path / 'mnist'}")


def test_t10k_md5_is_checked(tmp_path, no_download):
    write_t10k(tmp_path, t10k_arrays())
    with pytest.raises(ChecksumError) as info:
        load_mnist(data_dir=tmp_path)
    message = str(info.value)
    assert message.startswith(f"mnist: {tmp_path / 't10k-images-idx3-ubyte.gz'} has MD5 ")
    assert "9fb629c4189551a2d022fa330f9573f3" in message  # the published digest


def test_unpacked_t10k_pair_is_used_and_the_note_says_unchecked(tmp_path, no_download):
    images, labels = t10k_arrays()
    write_t10k(tmp_path, (images, labels), compress=False)
    ds = load_mnist(data_dir=tmp_path)  # unpacked files have no published digest to fail
    assert len(ds.y_train) == 268 and len(ds.y_test) == 67
    assert "(unpacked t10k files, MD5 not checked)" in ds.note


def test_fashion_mnist_takes_the_same_path(tmp_path, monkeypatch, no_download):
    images, labels = t10k_arrays(seed=4)
    write_t10k(tmp_path / "fashion_mnist", (images, labels))
    use_md5s_of(monkeypatch, "FASHION_MNIST_FILES", tmp_path / "fashion_mnist")
    ds = load_dataset("fashion-mnist", data_dir=tmp_path, seed=3)
    assert ds.name == "fashion_mnist" and ds.class_names[9] == "Ankle boot"
    assert (len(ds.y_train), len(ds.y_test)) == (268, 67)
    expected_train, _ = stratified_split(labels, seed=3)
    np.testing.assert_array_equal(image_index(ds.x_train), expected_train)
    assert ds.note.startswith("Fashion-MNIST training files not found in ")
    assert "MNIST training" not in ds.note.replace("Fashion-MNIST training", "")
    np.testing.assert_array_equal(load_fashion_mnist(data_dir=tmp_path, seed=3).y_test, ds.y_test)


def test_all_four_files_keep_the_official_split(tmp_path, monkeypatch, no_download):
    arrays = mnist_like_arrays(seed=6)
    write_mnist_files(tmp_path, arrays, compress=True)
    use_md5s_of(monkeypatch, "MNIST_FILES", tmp_path)
    for seed in (0, 1):
        ds = load_dataset("mnist", data_dir=tmp_path, seed=seed)
        assert ds.note == "" and (len(ds.y_train), len(ds.y_test)) == (6, 4)
        np.testing.assert_array_equal(ds.y_train, arrays[1])
        np.testing.assert_array_equal(ds.y_test, arrays[3])


def test_download_is_tried_only_without_the_t10k_pair(tmp_path, monkeypatch):
    asked = []

    def offline(url, timeout):
        asked.append(url)
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(download_module, "urlopen", offline)
    images, labels = t10k_arrays()
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images, compress=True)  # the labels file missing
    with pytest.raises(DataFileNotFoundError) as info:
        load_mnist(data_dir=tmp_path)
    assert asked and "download failed" in str(info.value)
    assert "the test pair (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) alone is enough" in str(info.value)


def test_bad_folder_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataFileNotFoundError) as info:
        load_mnist(data_dir=empty, download=False)
    message = str(info.value)
    assert message.startswith("mnist: data file train-images-idx3-ubyte.gz")
    assert str(empty / "mnist") in message and "download=False" in message and "t10k" in message
    a_file = tmp_path / "file"
    a_file.write_bytes(b"")
    with pytest.raises(ValueError, match="^data_dir must be a folder, got .*which is a file"):
        load_mnist(data_dir=a_file, download=False)


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, float("nan"), "0.2", True])
def test_bad_test_fraction_is_named(tmp_path, value):
    with pytest.raises(ValueError, match=r"^test_fraction must be a real number in \(0.0, 1.0\)"):
        load_mnist(data_dir=tmp_path, download=False, test_fraction=value)


def test_note_must_be_one_line():
    x, y = np.zeros((2, 1, 2, 2), np.float32), np.array([0, 1])
    assert Dataset(x, y, x, y, num_classes=2, name="toy").note == ""
    for bad in ("two\nlines", 3):
        with pytest.raises(ValueError, match="^note must be a string of one line"):
            Dataset(x, y, x, y, num_classes=2, name="toy", note=bad)
