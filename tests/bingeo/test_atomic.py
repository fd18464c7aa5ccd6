"""Whole-or-nothing writes keep the permissions an ordinary write would give."""

from __future__ import annotations

import os
import stat

from bingeo.atomic import atomic_write


def test_written_file_has_the_mode_of_a_plain_open(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"x")
    target = atomic_write(tmp_path / "atomic.txt", lambda fh: fh.write(b"x"))
    assert stat.S_IMODE(os.stat(target).st_mode) == stat.S_IMODE(os.stat(plain).st_mode)


def test_mode_follows_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        target = atomic_write(tmp_path / "private.txt", lambda fh: fh.write(b"x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_symlink_is_followed_and_kept(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write(link, lambda fh: fh.write(b"new"))
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "sub" / "target.json")
    atomic_write(link, lambda fh: fh.write(b"x"))
    assert link.is_symlink() and (tmp_path / "sub" / "target.json").read_bytes() == b"x"


def test_a_fifo_is_written_in_place(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, lambda fh: fh.write(b"through the pipe"))
    reader.join()
    assert got == [b"through the pipe"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_full_device_reports_the_error_and_stays_a_device():
    import errno

    import pytest

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with pytest.raises(OSError) as info:
        atomic_write("/dev/full", lambda fh: fh.write(b"x" * 10))
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
