"""PyTorch's zip checkpoint container.

Layout (all records stored, uncompressed, under one top-level folder ``<archive>/``):
``data.pkl``, ``.format_version``, ``.storage_alignment``, ``byteorder``, ``data/<key>``
per storage, ``version``, ``.data/serialization_id``.  Every record's payload starts at a
multiple of 64 bytes from the archive start, which torch gets by padding the local header
with an extra field ``FB<len16>`` -- mmap loading relies on it.
"""
from __future__ import annotations

import struct
import zipfile
import zlib

import numpy as np

__all__ = ["ZipWriter", "ZipReader", "is_zipfile"]

ALIGNMENT = 64
_LOCAL_HEADER = 30          # fixed part of a zip local file header
_ZIP64_EXTRA = 20           # the zip64 extra field zipfile adds for big records
_DATE = (1980, 1, 1, 0, 0, 0)


def is_zipfile(f):
    """True when the stream starts with a zip local header (position unchanged)."""
    pos = f.tell()
    head = f.read(4)
    f.seek(pos)
    return head == b"PK\x03\x04"


class ZipWriter:
    """Writes records under ``<archive_name>/`` with 64-byte aligned payloads."""

    def __init__(self, f, archive_name):
        self._zf = zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True)
        self._prefix = archive_name + "/"
        self._crc = 0
        self._size = 0

    def write_record(self, name, data):
        """Write ``data`` (bytes, or a 1-D uint8 NumPy array) as record ``name``."""
        buf = memoryview(data).cast("B") if not isinstance(data, bytes) else data
        n = len(buf)
        zi = zipfile.ZipInfo(self._prefix + name, date_time=_DATE)
        zi.compress_type = zipfile.ZIP_STORED
        zi.file_size = n
        zip64 = n * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own rule for the local header
        offset = self._zf.fp.tell() - getattr(self._zf, "_start_disk", 0)
        start = (offset + _LOCAL_HEADER + len(zi.filename.encode("utf-8")) + 4
                 + (_ZIP64_EXTRA if zip64 else 0))
        pad = -start % ALIGNMENT
        zi.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        with self._zf.open(zi, "w", force_zip64=zip64) as w:
            w.write(buf)
        self._crc = zlib.crc32(buf, self._crc)
        self._size += n

    def close(self):
        # torch records an id of the contents; it is informational (never validated)
        self.write_record(".data/serialization_id",
                          f"{self._crc:020d}{self._size % 10 ** 20:020d}".encode())
        self._zf.close()


class ZipReader:
    """Reads the records of a torch zip checkpoint (paths relative to its folder)."""

    def __init__(self, f):
        try:
            self._zf = zipfile.ZipFile(f)
        except zipfile.BadZipFile as e:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: "
                               f"{e}") from None
        infos = self._zf.infolist()
        if not infos:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: "
                               "failed finding central directory")
        first = infos[0].filename
        prefix = first[:first.index("/") + 1] if "/" in first else ""
        self._records = {i.filename[len(prefix):]: i for i in infos
                         if i.filename.startswith(prefix)}
        self._fp = self._zf.fp

    def has_record(self, name):
        return name in self._records

    def _info(self, name):
        info = self._records.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: "
                               "file not found")
        return info

    def get_record(self, name):
        return self._zf.read(self._info(name))

    def record_offset(self, name):
        """Absolute position of a stored record's payload in the underlying file."""
        info = self._info(name)
        self._fp.seek(info.header_offset)
        head = self._fp.read(_LOCAL_HEADER)
        if head[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading record {name}: "
                               "bad local header")
        nlen, xlen = struct.unpack("<HH", head[26:30])
        return info.header_offset + _LOCAL_HEADER + nlen + xlen

    def record_size(self, name):
        return self._info(name).file_size

    def read_array(self, name, nbytes):
        """A fresh writable uint8 array with the first ``nbytes`` of record ``name``."""
        info = self._info(name)
        if info.file_size < nbytes:
            raise RuntimeError(f"PytorchStreamReader: record {name} holds {info.file_size} "
                               f"bytes, expected {nbytes}")
        out = np.empty(nbytes, dtype=np.uint8)
        if nbytes == 0:
            return out
        if info.compress_type != zipfile.ZIP_STORED or not hasattr(self._fp, "readinto"):
            out[:] = np.frombuffer(self._zf.read(info), dtype=np.uint8)[:nbytes]
            return out
        self._fp.seek(self.record_offset(name))
        view = memoryview(out)
        got = 0
        while got < nbytes:
            k = self._fp.readinto(view[got:])
            if not k:
                raise RuntimeError(f"PytorchStreamReader failed reading record {name}: "
                                   "unexpected end of file")
            got += k
        return out

    def close(self):
        self._zf.close()
