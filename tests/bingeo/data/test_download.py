"""Downloads from local file:// URLs and a replaced opener: whole or not at
all, MD5-checked, progress on stderr; and the loaders' first-use download."""

import hashlib
import io
import urllib.error

import numpy as np
import pytest

import bingeo.data.download as download_module
from bingeo.data import ChecksumError, DataFileNotFoundError, download_file, load_cifar10, load_mnist
from bingeo.data.cifar import CIFAR10_ARCHIVE
from bingeo.data.files import RemoteFile, find_or_download
from bingeo.data.mnist import MNIST_FILES

from .formats import cifar_archive_bytes, cifar_batches, mnist_like_arrays, write_mnist_files


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_file_url_download_is_checked_and_whole(tmp_path, capsys):
    payload = bytes(range(256)) * 4000  # 1 MB: more than one read chunk
    src = tmp_path / "src.bin"
    src.write_bytes(payload)
    dest = tmp_path / "cache" / "out.bin"
    assert download_file(src.as_uri(), dest, md5=md5(payload)) == dest
    assert dest.read_bytes() == payload
    assert sorted(p.name for p in dest.parent.iterdir()) == ["out.bin"]
    err = capsys.readouterr().err
    assert "downloading " + src.as_uri() in err and "100.0%" in err


def test_checksum_mismatch_keeps_nothing(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"not the published file")
    dest = tmp_path / "cache" / "out.bin"
    with pytest.raises(ChecksumError) as info:
        download_file(src.as_uri(), dest, md5="0" * 32, progress=False)
    message = str(info.value)
    assert md5(b"not the published file") in message and "0" * 32 in message and src.as_uri() in message
    assert list(dest.parent.iterdir()) == []


def test_checksum_mismatch_leaves_an_older_file_alone(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"new")
    dest = tmp_path / "out.bin"
    dest.write_bytes(b"old")
    with pytest.raises(ChecksumError):
        download_file(src.as_uri(), dest, md5=md5(b"other"), progress=False)
    assert dest.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "src.bin"]


class BrokenStream(io.BytesIO):
    """Serves some bytes, then fails as a dropped connection does."""

    headers = {"Content-Length": "1000"}

    def read(self, size=-1):
        if self.tell() >= 10:
            raise ConnectionResetError("connection dropped")
        return super().read(10)


def test_interrupted_download_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(download_module, "urlopen", lambda url, timeout: BrokenStream(b"x" * 1000))
    with pytest.raises(ConnectionResetError):
        download_file("https://example.invalid/f", tmp_path / "f", md5="0" * 32, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_url_creates_no_folder(tmp_path):
    with pytest.raises(urllib.error.URLError):
        download_file((tmp_path / "absent").as_uri(), tmp_path / "new" / "f", md5="0" * 32)
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("digest", ["abc", "g" * 32, None])
def test_bad_md5_argument(tmp_path, digest):
    with pytest.raises(ValueError, match="md5 must be 32 hexadecimal digits"):
        download_file("file:///nothing", tmp_path / "f", md5=digest)


def test_mirrors_are_tried_in_order(tmp_path, capsys):
    good = tmp_path / "good.bin"
    good.write_bytes(b"payload")
    remote = RemoteFile("f.bin", md5=md5(b"payload"),
                        urls=((tmp_path / "absent.bin").as_uri(), good.as_uri()))
    path = find_or_download(remote, [tmp_path / "cache"], dataset="toy")
    assert path == tmp_path / "cache" / "f.bin" and path.read_bytes() == b"payload"


def test_offline_error_lists_each_failed_url(tmp_path):
    remote = RemoteFile("f.bin", md5="0" * 32, urls=((tmp_path / "a").as_uri(), (tmp_path / "b").as_uri()))
    with pytest.raises(DataFileNotFoundError) as info:
        find_or_download(remote, [tmp_path / "x", tmp_path / "y"], dataset="toy")
    message = str(info.value)
    assert (tmp_path / "a").as_uri() in message and (tmp_path / "b").as_uri() in message
    assert f"{tmp_path / 'x'}, {tmp_path / 'y'}" in message and "--data-dir" in message


def serve(monkeypatch, files: dict[str, bytes]):
    """Replace the opener with one serving ``files`` by URL; records the URLs asked."""
    asked = []

    def opener(url, timeout):
        asked.append(url)
        if url not in files:
            raise urllib.error.URLError("no route to host")
        response = io.BytesIO(files[url])
        response.headers = {"Content-Length": str(len(files[url]))}
        return response

    monkeypatch.setattr(download_module, "urlopen", opener)
    return asked


def test_mnist_first_use_downloads_into_the_cache(tmp_path, monkeypatch):
    arrays = mnist_like_arrays(seed=3)
    write_mnist_files(tmp_path / "served", arrays, compress=True)
    served, md5s = {}, {}
    for remote in vars(MNIST_FILES).values():
        data = (tmp_path / "served" / remote.name).read_bytes()
        served[remote.urls[1]] = data  # only the second mirror answers
        md5s[remote.name] = md5(data)
    # the published MD5s are those of the real files: tiny fixtures fail them
    asked = serve(monkeypatch, served)
    with pytest.raises(ChecksumError, match="train-images-idx3-ubyte.gz"):
        load_mnist(data_dir=tmp_path / "data")
    assert not any((tmp_path / "data" / "mnist").iterdir())
    # with the fixtures' own MD5s the download goes through, into <root>/mnist
    patched = type(MNIST_FILES)(*(RemoteFile(r.name, md5s[r.name], r.urls, r.local_names)
                                  for r in vars(MNIST_FILES).values()))
    monkeypatch.setattr("bingeo.data.mnist.MNIST_FILES", patched)
    asked.clear()
    ds = load_mnist(data_dir=tmp_path / "data")
    assert sorted(p.name for p in (tmp_path / "data" / "mnist").iterdir()) == sorted(md5s)
    assert len(asked) == 8  # each file: the first mirror fails, the second serves
    np.testing.assert_array_equal(ds.y_test, arrays[3])
    # a second call finds the files and asks nothing
    asked.clear()
    load_mnist(data_dir=tmp_path / "data")
    assert asked == []


def test_cifar10_first_use_downloads_the_archive(tmp_path, monkeypatch):
    batches = cifar_batches(per_batch=2)
    archive = cifar_archive_bytes(batches)
    serve(monkeypatch, {CIFAR10_ARCHIVE.urls[0]: archive})
    with pytest.raises(ChecksumError, match="cifar-10-python.tar.gz"):
        load_cifar10(data_dir=tmp_path)
    assert list((tmp_path / "cifar10").iterdir()) == []
    monkeypatch.setattr("bingeo.data.cifar.CIFAR10_ARCHIVE",
                        RemoteFile(CIFAR10_ARCHIVE.name, md5(archive), CIFAR10_ARCHIVE.urls))
    ds = load_cifar10(data_dir=tmp_path)
    assert (tmp_path / "cifar10" / "cifar-10-python.tar.gz").read_bytes() == archive
    np.testing.assert_array_equal(ds.y_test, batches["test_batch"][1])
