"""read_idx against an independent writer, and its errors."""

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bingeo.data import read_idx

from .formats import IDX_CODES, idx_bytes, write_idx


def test_hand_written_uint8_file():
    raw = bytes([0, 0, 0x08, 3]) + struct.pack(">III", 2, 1, 2) + bytes([0, 255, 7, 128])
    array = read_idx(raw)
    assert array.dtype == np.uint8 and array.shape == (2, 1, 2)
    assert array.reshape(-1).tolist() == [0, 255, 7, 128]


def test_big_endian_values_come_back_native():
    raw = bytes([0, 0, 0x0C, 1]) + struct.pack(">I", 2) + struct.pack(">ii", -2, 70000)
    array = read_idx(raw)
    assert array.tolist() == [-2, 70000] and array.dtype.isnative


@pytest.mark.parametrize("compress", [False, True])
def test_files_plain_and_gzipped(tmp_path, compress):
    labels = np.array([5, 0, 4, 1, 9], np.uint8)
    # the name does not decide: compression is recognized by its magic bytes
    path = write_idx(tmp_path / "labels.bin", labels, compress=compress)
    np.testing.assert_array_equal(read_idx(path), labels)
    with open(path, "rb") as f:
        np.testing.assert_array_equal(read_idx(f), labels)


dtypes = st.sampled_from(sorted(IDX_CODES, key=str))


@settings(deadline=None, max_examples=40)
@given(hnp.arrays(dtypes, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4),
                  elements={"allow_nan": False}))
def test_round_trip_every_type(array):
    back = read_idx(idx_bytes(array))
    assert back.dtype == array.dtype.newbyteorder("=") and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_edge_values_survive():
    values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300], np.float64)
    back = read_idx(gzip.compress(idx_bytes(values)))
    np.testing.assert_array_equal(back, values)
    assert np.signbit(back[1]) and not np.signbit(back[0])


@pytest.mark.parametrize("raw, message", [
    (b"", "two zero bytes"),
    (bytes([1, 0, 8, 1]) + struct.pack(">I", 0), "two zero bytes"),
    (bytes([0, 0, 0x07, 1]) + struct.pack(">I", 0), "type code 0x07"),
    (bytes([0, 0, 0x08, 0]), "0 dimensions"),
    (bytes([0, 0, 0x08, 2]) + struct.pack(">I", 3), "cut short"),
    (bytes([0, 0, 0x08, 1]) + struct.pack(">I", 3) + b"\x01\x02", r"shape \(3,\).*holds 2"),
    (bytes([0, 0, 0x08, 1]) + struct.pack(">I", 1) + b"\x01\x02", r"shape \(1,\).*holds 2"),
    (b"\x1f\x8b\x08\x00garbage", "gzip"),
])
def test_malformed_input_is_named(raw, message):
    with pytest.raises(ValueError, match=message):
        read_idx(raw)


def test_error_names_the_file(tmp_path):
    path = tmp_path / "broken-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05\x01")
    with pytest.raises(ValueError, match="broken-idx1-ubyte"):
        read_idx(path)
    with pytest.raises(TypeError, match="source"):
        read_idx(3)
