"""The IDX file format of MNIST and Fashion-MNIST."""

from __future__ import annotations

import gzip
import io
import math
import os
import struct

import numpy as np

__all__ = ["IDX_DTYPES", "read_idx"]

IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""IDX type codes (the magic number's third byte) and their big-endian dtypes."""

_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(source) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) into a numpy array.

    Layout: a magic number of four bytes ``0, 0, type, ndim``, then ``ndim``
    big-endian uint32 sizes, then the values, big-endian, in C order.  The
    type codes are those of :data:`IDX_DTYPES` (0x08 uint8, 0x09 int8, 0x0B
    int16, 0x0C int32, 0x0D float32, 0x0E float64).  Compression is
    recognized by the gzip magic bytes, not by the file name.

    Parameters
    ----------
    source : str, path-like, bytes, or binary file object

    Returns
    -------
    numpy.ndarray
        Shape = the header's sizes, dtype = the type's, native byte order.

    Raises
    ------
    ValueError
        The bytes are not IDX (bad magic, unknown type, zero dimensions) or
        hold more or fewer values than the header states.

    Examples
    --------
    >>> import struct
    >>> raw = bytes([0, 0, 0x08, 2]) + struct.pack(">II", 2, 3) + bytes(range(6))
    >>> read_idx(raw)
    array([[0, 1, 2],
           [3, 4, 5]], dtype=uint8)
    """
    label, data = _read_all(source)
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ValueError(f"{label}: damaged gzip data ({error})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{label}: not an IDX file: the magic number must start with two zero bytes, "
                         f"got {data[:4].hex() or 'an empty file'}")
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise ValueError(f"{label}: unknown IDX type code 0x{code:02X}; expected one of {known}")
    if ndim < 1:
        raise ValueError(f"{label}: IDX header states {ndim} dimensions; expected at least 1")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{label}: IDX header cut short: {ndim} sizes need {header} bytes, file has {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_DTYPES[code]
    count = math.prod(shape)
    if len(data) - header != count * dtype.itemsize:
        raise ValueError(f"{label}: IDX header states shape {shape} of {dtype.name} "
                         f"({count * dtype.itemsize} bytes of values), file holds {len(data) - header}")
    values = np.frombuffer(data, dtype=dtype, count=count, offset=header)
    return values.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def _read_all(source) -> tuple[str, bytes]:
    """The bytes of ``source`` and a label naming it in error messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "IDX bytes", bytes(source)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return str(source), f.read()
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return getattr(source, "name", "IDX stream"), source.read()
    raise TypeError(f"source must be a path, bytes or a binary file object, got {type(source).__name__}")
