"""torch's legacy (non-zip) checkpoint format: ``_use_new_zipfile_serialization=False``.

One stream of consecutive pickles: the magic number, the protocol version, a system-info
dict, the object (storages as persistent ids ``('storage', type, key, location, numel,
view)``), the list of storage keys; then per key an int64 element count and the raw
little-endian bytes.
"""
from __future__ import annotations

import pickle
import struct
import sys

import numpy as np

from .. import _dtype as D
from .._storage import TypedStorage, UntypedStorage
from .pickler import StorageTable, dumps
from .unpickler import make_unpickler

__all__ = ["save_legacy", "load_legacy"]

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_SYS_INFO = {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
             "type_sizes": {"short": 2, "int": 4, "long": 4}}


def save_legacy(obj, f, protocol):
    table = StorageTable(legacy=True)
    body = dumps(obj, protocol, table)
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, _SYS_INFO):
        pickle.dump(header, f, protocol=protocol)
    f.write(body)
    pickle.dump([key for key, _, _ in table.entries], f, protocol=protocol)
    for _, storage, dtype in table.entries:
        data = storage._cpu_bytes()
        f.write(struct.pack("<q", data.size // dtype.itemsize))
        f.write(memoryview(np.ascontiguousarray(data)))


def _read_exact(f, n):
    out = np.empty(n, dtype=np.uint8)
    view, got = memoryview(out), 0
    while got < n:
        chunk = f.read(n - got)
        if not chunk:
            raise RuntimeError("unexpected end of file while reading a storage")
        view[got:got + len(chunk)] = chunk
        got += len(chunk)
    return out


def _parse_pid(saved_id):
    typename = saved_id[0].decode("ascii") if isinstance(saved_id[0], bytes) else saved_id[0]
    if typename == "module":   # nn.Module source records of very old files: the class
        return None
    if typename != "storage":
        raise RuntimeError(f"Unknown saved id type: {saved_id[0]}")
    stype, key, location, numel, view = saved_id[1:]
    dtype = D.uint8 if stype is UntypedStorage else stype.dtype
    if isinstance(location, bytes):
        location = location.decode("ascii")
    return dtype, key, location, numel, view


def load_legacy(f, restore, weights_only, pickle_module, **kwargs):
    """Read a legacy checkpoint from seekable ``f``; ``restore(storage, location)`` maps."""
    def header():
        return make_unpickler(f, _no_pid, weights_only=weights_only,
                              pickle_module=pickle_module, **kwargs).load()
    if header() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = header()
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    header()  # system info: sizes are fixed on every platform mindtorch runs on
    body_start = f.tell()

    # pass 1: CPU storages (filled after the pickle, where their bytes are)
    roots, views, locations = {}, {}, {}

    def pid_cpu(saved_id):
        parsed = _parse_pid(saved_id)
        if parsed is None:
            return saved_id[1]
        dtype, key, location, numel, view = parsed
        if key not in roots:
            roots[key] = TypedStorage(
                wrap_storage=UntypedStorage._wrap_cpu(np.empty(numel * dtype.itemsize,
                                                               np.uint8)), dtype=dtype)
            locations[key] = location
        root = roots[key]
        if view is None:
            return root
        vkey, offset, size = view
        if vkey not in views:
            isz = root.dtype.itemsize
            buf = root._untyped_storage._data[offset * isz:(offset + size) * isz]
            views[vkey] = (TypedStorage(wrap_storage=UntypedStorage._wrap_cpu(buf),
                                        dtype=root.dtype), location)
        return views[vkey][0]

    result = make_unpickler(f, pid_cpu, weights_only=weights_only,
                            pickle_module=pickle_module, **kwargs).load()
    keys = header()
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        st = roots[key]
        data = _read_exact(f, numel * st.dtype.itemsize)
        st._untyped_storage._data[:data.size] = data

    restored = {k: restore(st._untyped_storage, locations[k]) for k, st in roots.items()}
    if all(restored[k] is st._untyped_storage for k, st in roots.items()) and \
            all(restore(v._untyped_storage, loc) is v._untyped_storage
                for v, loc in views.values()):
        return result

    # pass 2: some storage moved (map_location / device tag): rebuild over the moved ones
    moved = {k: TypedStorage(wrap_storage=restored[k], dtype=roots[k].dtype) for k in roots}
    moved_views = {}

    def pid_moved(saved_id):
        parsed = _parse_pid(saved_id)
        if parsed is None:
            return saved_id[1]
        _, key, _, _, view = parsed
        if view is None:
            return moved[key]
        vkey = view[0]
        if vkey not in moved_views:
            st, loc = views[vkey]
            moved_views[vkey] = TypedStorage(wrap_storage=restore(st._untyped_storage, loc),
                                             dtype=st.dtype)
        return moved_views[vkey]

    end = f.tell()
    f.seek(body_start)
    result = make_unpickler(f, pid_moved, weights_only=weights_only,
                            pickle_module=pickle_module, **kwargs).load()
    f.seek(end)
    return result


def _no_pid(saved_id):
    raise pickle.UnpicklingError("A load persistent id instruction was encountered, but no "
                                 "persistent_load function was specified.")
