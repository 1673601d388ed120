"""torch.save / torch.load in PyTorch's own checkpoint formats.

Files written here load in real PyTorch and files written by PyTorch load here, without
importing torch: see ``_serialization/`` for the pieces (pickling with torch's names, the
zip container, the legacy stream, map_location, the weights-only unpickler).
"""
from __future__ import annotations

import io
import os
import pickle
import sys
import warnings

import numpy as np

from ._storage import TypedStorage, UntypedStorage
from ._serialization import legacy as _legacy
from ._serialization.location import (default_restore_location, is_meta_location,
                                      location_tag, restore_location_fn)
from ._serialization.names import StorageType
from ._serialization.pickler import StorageTable, dumps
from ._serialization.unpickler import (add_safe_globals, clear_safe_globals,
                                       get_safe_globals, make_unpickler, safe_globals,
                                       weights_only_message)
from ._serialization.zip_format import ZipReader, ZipWriter, is_zipfile

__all__ = ["save", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "safe_globals", "default_restore_location", "location_tag", "StorageType",
           "DEFAULT_PROTOCOL", "SourceChangeWarning"]

DEFAULT_PROTOCOL = 2
_TRUE = ("1", "y", "yes", "true")


class SourceChangeWarning(Warning):
    pass


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


# ---------------------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------------------

def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` to a path or a writable binary file object, in PyTorch's format.

    Tensors keep their storage sharing, strides and offsets; each storage is written
    once, whole (like torch).  NPU storages are copied through the host.
    """
    if _is_path(f):
        path = os.fspath(f)
        archive = os.path.splitext(os.path.basename(path))[0]
        with open(path, "wb") as fh:
            _save(obj, fh, archive, pickle_protocol, _use_new_zipfile_serialization,
                  _disable_byteorder_record)
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with "
                             f"a 'write' attribute")
    _save(obj, f, "archive", pickle_protocol, _use_new_zipfile_serialization,
          _disable_byteorder_record)


def _save(obj, f, archive, protocol, use_zip, no_byteorder):
    if not use_zip:
        _legacy.save_legacy(obj, f, protocol)
        return
    table = StorageTable()
    data_pkl = dumps(obj, protocol, table)  # pickle first: errors leave no partial archive
    w = ZipWriter(f, archive)
    w.write_record("data.pkl", data_pkl)
    w.write_record(".format_version", b"1")
    w.write_record(".storage_alignment", b"64")
    if not no_byteorder:
        w.write_record("byteorder", sys.byteorder.encode())
    for key, storage, _ in table.entries:
        w.write_record(f"data/{key}", np.ascontiguousarray(storage._cpu_bytes()))
    w.write_record("version", b"3\n")
    w.close()


# ---------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------

def _resolve_weights_only(weights_only, pickle_module):
    not_set = weights_only is None
    if not_set:
        weights_only = pickle_module is None
    force_on = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    force_off = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    if force_on and force_off:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or "
                           "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should be set, but both were "
                           "set.")
    if force_on:
        weights_only = True
    elif force_off and not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since "
                      "the`weights_only` argument was not explicitly passed to `torch.load`, "
                      "forcing weights_only=False.", UserWarning, stacklevel=3)
        weights_only = False
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    return weights_only


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved with torch.save (by PyTorch or mindtorch).

    ``map_location`` (str, device, dict of tags, or ``callable(storage, location)``) moves
    storages; ``weights_only`` (the default, like torch 2.6+) allows only tensors,
    primitive containers and globals marked safe; ``mmap=True`` maps storages from the file
    instead of reading them (zip checkpoints given by path).
    """
    weights_only = _resolve_weights_only(weights_only, pickle_module)
    if weights_only and pickle_load_args:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)
    if _is_path(f):
        with open(f, "rb") as fh:
            return _load_stream(fh, f, map_location, pickle_module, weights_only, mmap,
                                pickle_load_args)
    return _load_stream(f, f, map_location, pickle_module, weights_only, mmap,
                        pickle_load_args)


def _load_safetensors(path, map_location):
    from . import safetensors
    if isinstance(map_location, dict) or (callable(map_location) and
                                          not isinstance(map_location, (str, bytes))
                                          and type(map_location).__name__ != "device"):
        kind = "dict" if isinstance(map_location, dict) else "callable"
        raise RuntimeError(f"Loading safetensors file with {kind} map_location is not "
                           "supported. Use a device string or torch.device instead.")
    return safetensors.load_file(path, device=str(map_location or "cpu"))


def _load_stream(fh, f, map_location, pickle_module, weights_only, mmap, kwargs):
    if not (hasattr(fh, "seek") and hasattr(fh, "tell")):
        raise RuntimeError("torch.load requires a seekable file-like object (seek and tell); "
                           "read it into an io.BytesIO first")
    if is_zipfile(fh):
        overall = None
        if mmap:
            if not _is_path(f):
                raise ValueError("f must be a file path in order to use the mmap argument")
            path = os.fspath(f)
            overall = UntypedStorage.from_file(path, False, os.path.getsize(path))
        return _guard(weights_only, _load_zip, ZipReader(fh), map_location, pickle_module,
                      weights_only, overall, kwargs)
    if mmap:
        name = "" if not isinstance(f, str) else f"{f}, "
        raise RuntimeError("mmap can only be used with files saved with "
                           f"`torch.save({name}_use_new_zipfile_serialization=True), please "
                           "torch.save your checkpoint with this option in order to use mmap.")
    return _guard(weights_only, _legacy.load_legacy, fh, restore_location_fn(map_location),
                  weights_only, pickle_module, **kwargs)


def _guard(weights_only, fn, *args, **kwargs):
    if not weights_only:
        return fn(*args, **kwargs)
    try:
        return fn(*args, **kwargs)
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(weights_only_message(str(e))) from None


def _load_zip(reader, map_location, pickle_module, weights_only, overall, kwargs):
    restore = restore_location_fn(map_location)
    meta_only = is_meta_location(map_location)
    swap = False
    if reader.has_record("byteorder"):
        order = reader.get_record("byteorder")
        if order not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + order.decode())
        swap = order.decode() != sys.byteorder
    loaded = {}

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple):
            raise pickle.UnpicklingError(f"saved_id must be a tuple, got "
                                         f"{type(saved_id).__name__}")
        typename = saved_id[0].decode("ascii") if isinstance(saved_id[0], bytes) \
            else saved_id[0]
        if typename != "storage":
            raise RuntimeError("Unknown typename for persistent_load, expected 'storage' but "
                               f"got '{typename}'")
        stype, key, location, numel = saved_id[1:]
        if key in loaded:
            return loaded[key]
        if isinstance(location, bytes):
            location = location.decode("ascii")
        dtype = stype.dtype if isinstance(stype, StorageType) else _uint8()
        nbytes = numel * dtype.itemsize
        name = f"data/{key}"
        if meta_only:
            storage = UntypedStorage(nbytes, device="meta")
        else:
            if overall is not None:
                off = reader.record_offset(name)
                storage = UntypedStorage._wrap_cpu(overall._data[off:off + nbytes])
                storage._resizable = False
            else:
                storage = UntypedStorage._wrap_cpu(reader.read_array(name, nbytes))
            if swap and dtype.itemsize > 1:
                arr = storage._data.view(dtype.np)
                arr.byteswap(inplace=True)
            storage = restore(storage, location)
        typed = TypedStorage(wrap_storage=storage, dtype=dtype)
        loaded[key] = typed
        return typed

    data = io.BytesIO(reader.get_record("data.pkl"))
    return make_unpickler(data, persistent_load, weights_only=weights_only,
                          pickle_module=pickle_module, **kwargs).load()


def _uint8():
    from ._dtype import uint8
    return uint8
