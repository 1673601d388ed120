"""The safetensors file format for dicts of tensors, written from its specification.

A file is: an 8-byte little-endian header length N; N bytes of UTF-8 JSON mapping each
tensor name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` (plus an optional
``"__metadata__"`` dict of strings), padded with spaces to a multiple of 8; then the raw
little-endian, row-major bytes of every tensor, offsets relative to the end of the header.
The writer orders tensors by dtype rank, then name, as the reference implementation
does, so files are byte-identical to ``safetensors.torch.save`` (the reference writes a
metadata dict of several keys in hash order; here its keys are sorted).
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

from . import _dtype as D

__all__ = ["save", "save_file", "load", "load_file", "safe_open", "SafetensorError"]

_CODE = {D.float64: "F64", D.float32: "F32", D.float16: "F16", D.bfloat16: "BF16",
         D.int64: "I64", D.int32: "I32", D.int16: "I16", D.int8: "I8", D.uint8: "U8",
         D.bool: "BOOL", D.uint64: "U64", D.uint32: "U32", D.uint16: "U16",
         D.complex64: "C64", D.float8_e4m3fn: "F8_E4M3", D.float8_e5m2: "F8_E5M2",
         D.float8_e4m3fnuz: "F8_E4M3FNUZ", D.float8_e5m2fnuz: "F8_E5M2FNUZ"}
_DTYPE = {v: k for k, v in _CODE.items()}
# the reference writer orders tensors by this dtype rank (descending), then by name
_RANK = {c: i for i, c in enumerate(
    ("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16",
     "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"))}
_MAX_HEADER = 100_000_000  # the reference reader's limit


class SafetensorError(Exception):
    """A malformed file or an unsupported input (safetensors' own error type)."""


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------

def _tensor_bytes(t):
    """Row-major host bytes of ``t`` as a 1-D uint8 array."""
    arr = np.ascontiguousarray(t.detach().cpu().numpy())
    return arr.reshape(-1).view(np.uint8)


def _serialize(tensors, metadata):
    from ._tensor import Tensor
    if not isinstance(tensors, dict):
        raise SafetensorError(f"Expected a dict of [str, Tensor] but received {type(tensors)}")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorError("metadata must be a dict of str to str")
    for k, v in tensors.items():
        if not isinstance(k, str):
            raise SafetensorError(f"Key `{k}` is invalid, expected str")
        if not isinstance(v, Tensor):
            raise SafetensorError(f"Key `{k}` is invalid, expected Tensor but received "
                                  f"{type(v)}")
        if v.dtype not in _CODE:
            raise SafetensorError(f"Key `{k}` has dtype {v.dtype}, which the safetensors "
                                  "format cannot store")
        if v.device.type == "meta":
            raise SafetensorError(f"Key `{k}` is on the meta device and has no data")
    order = sorted(tensors.items(), key=lambda kv: (-_RANK[_CODE[kv[1].dtype]], kv[0]))
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    chunks, pos = [], 0
    for name, t in order:
        b = _tensor_bytes(t)
        header[name] = {"dtype": _CODE[t.dtype], "shape": list(t.shape),
                        "data_offsets": [pos, pos + b.size]}
        chunks.append(b)
        pos += b.size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, chunks


def save(tensors, metadata=None):
    """The safetensors bytes of a dict of tensors."""
    head, chunks = _serialize(tensors, metadata)
    return head + b"".join(c.tobytes() for c in chunks)


def save_file(tensors, filename, metadata=None):
    """Write a dict of tensors to ``filename`` in the safetensors format."""
    head, chunks = _serialize(tensors, metadata)
    with open(filename, "wb") as f:
        f.write(head)
        for c in chunks:
            f.write(memoryview(c))


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------

def _parse_header(buf):
    """(entries {name: (dtype, shape, begin, end)}, metadata, data start) of ``buf``."""
    if len(buf) < 8:
        raise SafetensorError("Error while deserializing header: HeaderTooSmall")
    (n,) = struct.unpack("<Q", bytes(buf[:8]))
    if n > _MAX_HEADER:
        raise SafetensorError("Error while deserializing header: HeaderTooLarge")
    if 8 + n > len(buf):
        raise SafetensorError("Error while deserializing header: InvalidHeaderLength")
    raw = bytes(buf[8:8 + n])
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SafetensorError("Error while deserializing header: InvalidHeaderDeserialization"
                              ) from None
    if not raw.startswith(b"{") or not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: InvalidHeaderStart")
    metadata = header.pop("__metadata__", None)
    data_len = len(buf) - 8 - n
    entries = {}
    for name, info in header.items():
        try:
            code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise SafetensorError("Error while deserializing header: "
                                  f"InvalidHeaderDeserialization ({name})") from None
        dtype = _DTYPE.get(code)
        if dtype is None:
            raise SafetensorError(f"Error while deserializing header: unknown dtype {code} "
                                  f"({name})")
        numel = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end < begin or numel * dtype.itemsize != end - begin:
            raise SafetensorError(f"Error while deserializing header: TensorInvalidInfo "
                                  f"({name})")
        entries[name] = (dtype, tuple(shape), begin, end)
    pos = 0  # the byte ranges must tile the data section exactly
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda kv: kv[1][2:]):
        if begin != pos:
            raise SafetensorError(f"Error while deserializing header: InvalidOffset({name})")
        pos = end
    if pos != data_len:
        raise SafetensorError("Error while deserializing header: MetadataIncompleteBuffer")
    return entries, metadata, 8 + n


def _make_tensor(buf, start, entry, device):
    from ._tensor import Tensor
    dtype, shape, begin, end = entry
    arr = np.frombuffer(buf, dtype=np.uint8, count=end - begin, offset=start + begin).copy()
    t = Tensor._from_np(arr.view(dtype.np).reshape(shape), dtype)
    return t if str(device) == "cpu" else t.to(device)


def load(data):
    """The dict of tensors held in safetensors bytes."""
    entries, _, start = _parse_header(data)
    return {name: _make_tensor(data, start, e, "cpu") for name, e in entries.items()}


def load_file(filename, device="cpu"):
    """The dict of tensors in a safetensors file, on ``device``."""
    with safe_open(filename, framework="pt", device=device) as f:
        return {k: f.get_tensor(k) for k in f.keys()}


class safe_open:
    """Lazy access to a safetensors file: ``keys()``, ``get_tensor(name)``, ``metadata()``.

    The file is memory-mapped; each tensor read is copied out of the mapping.
    """

    def __init__(self, filename, framework="pt", device="cpu"):
        self._device = device
        size = os.path.getsize(filename)
        self._buf = np.memmap(filename, dtype=np.uint8, mode="r") if size else b""
        self._entries, self._metadata, self._start = _parse_header(self._buf)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._buf = None

    def keys(self):
        return sorted(self._entries)

    def metadata(self):
        return self._metadata

    def get_tensor(self, name):
        if name not in self._entries:
            raise SafetensorError(f"File does not contain tensor {name}")
        return _make_tensor(self._buf, self._start, self._entries[name], self._device)
