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
