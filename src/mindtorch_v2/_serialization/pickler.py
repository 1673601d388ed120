"""Writing ``data.pkl`` the way torch.save does.

Tensors reduce to torch's rebuild functions, storages become persistent ids
``('storage', <torch storage type>, key, location, numel)`` (legacy files append a view
field), and dtypes / devices / sizes use torch's global names.  The pure-Python pickler is
used because the C one refuses globals that do not resolve to the object being pickled;
``data.pkl`` holds metadata only (bytes go to separate records), so speed is not at stake.
"""
from __future__ import annotations

import collections
import pickle

from .. import _dtype as D
from .._device import device as _device_cls
from .._storage import TypedStorage, UntypedStorage
from .._tensor import Size, Tensor
from . import names as N
from .location import location_tag

__all__ = ["StorageTable", "TorchPickler"]

_GLOBAL = pickle.GLOBAL
_STACK_GLOBAL = pickle.STACK_GLOBAL


class StorageTable:
    """The storages met while pickling, keyed in order of first appearance.

    ``entries`` holds (key, storage, dtype); an NPU storage is copied to the host once.
    """

    def __init__(self, legacy=False):
        self.legacy = legacy
        self._keys = {}     # id(storage) -> key
        self._dtypes = {}   # id(storage) -> dtype it was first saved with
        self.entries = []
        self._alive = []    # keep storages alive so ids stay unique while saving

    def persistent_id(self, storage, dtype, typed):
        sid = id(storage)
        key = self._keys.get(sid)
        if key is None:
            key = str(len(self.entries))
            self._keys[sid] = key
            self._dtypes[sid] = dtype
            self._alive.append(storage)
            self.entries.append((key, storage, dtype))
        elif storage.nbytes() and self._dtypes[sid] is not dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        if typed:
            stype = N.TorchGlobal("torch", N.storage_type_name(dtype))
            numel = storage.nbytes() // dtype.itemsize
        else:
            stype, numel = N.UNTYPED_STORAGE, storage.nbytes()
        pid = ("storage", stype, key, location_tag(storage), numel)
        return pid + (None,) if self.legacy else pid


def _plain(t):
    """``t`` as a plain Tensor over the same storage (what torch pickles as ``.data``)."""
    return Tensor._from_storage(t.untyped_storage(), t.shape, t.stride(), t.storage_offset(),
                                t.dtype)


def _reduce_plain(t):
    """(rebuild function, args) for the data of tensor ``t``, ignoring class and state."""
    size, stride, rg = tuple(t.shape), tuple(t.stride()), t.requires_grad
    if t.device.type == "meta":
        return N.REBUILD_META, (t.dtype, size, stride, rg)
    st = t.untyped_storage()
    if N.storage_type_name(t.dtype) is not None:
        storage = TypedStorage(wrap_storage=st, dtype=t.dtype, _internal=True)
        return N.REBUILD_TENSOR_V2, (storage, t.storage_offset(), size, stride, rg,
                                     collections.OrderedDict())
    # dtypes without a torch typed storage class (uint16, float8...): v3 with the dtype
    return N.REBUILD_TENSOR_V3, (st, t.storage_offset(), size, stride, rg,
                                 collections.OrderedDict(), t.dtype)


def _is_parameter(t):
    return any(c.__name__ == "Parameter" and c.__module__.startswith("mindtorch_v2")
               for c in type(t).__mro__)


def reduce_tensor(t):
    """torch's reduction of a tensor: plain, Parameter, or subclass / with attributes."""
    if t.requires_grad and t.grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, "
                           "since autograd does not support crossing process boundaries.  "
                           "If you just want to transfer the data, call detach() on the "
                           "tensor before serializing (e.g., putting it on the queue).")
    state = dict(t.__dict__) if t.__dict__ else None
    if _is_parameter(t):
        hooks = collections.OrderedDict()
        if state is None:
            return N.REBUILD_PARAMETER, (_plain(t), t.requires_grad, hooks)
        return N.REBUILD_PARAMETER_STATE, (_plain(t), t.requires_grad, hooks, state)
    func, args = _reduce_plain(t)
    if type(t) is Tensor and state is None:
        return func, args
    cls = N.TENSOR if type(t) is Tensor else type(t)
    return N.REBUILD_FROM_TYPE, (func, cls, args, state or {})


class TorchPickler(pickle._Pickler):
    """A pickler writing torch's global names; storages go to a StorageTable."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol)
        self._storages = storages

    def persistent_id(self, obj):
        if isinstance(obj, TypedStorage):
            if obj.device.type == "meta":
                raise RuntimeError("Cannot save a storage on the meta device")
            return self._storages.persistent_id(obj._untyped_storage, obj.dtype,
                                                N.storage_type_name(obj.dtype) is not None)
        if isinstance(obj, UntypedStorage):
            if obj.device.type == "meta":
                raise RuntimeError("Cannot save a storage on the meta device")
            return self._storages.persistent_id(obj, D.uint8, False)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return reduce_tensor(obj)
        t = type(obj)
        if t is Size:
            return N.SIZE, (tuple(obj),)
        if t is _device_cls:
            return N.DEVICE, ((obj.type,) if obj.index is None else (obj.type, obj.index))
        if t.__name__ == "layout" and t.__module__ == "mindtorch_v2":
            return N.GET_LAYOUT, (repr(obj),)
        return NotImplemented

    def save_torch_global(self, obj):
        module, name = obj.module, obj.name
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(_STACK_GLOBAL)
        else:
            self.write(_GLOBAL + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n")
        self.memoize(obj)

    dispatch[N.TorchGlobal] = save_torch_global

    def save_dtype(self, obj):
        self.save(N.dtype_global(obj))

    dispatch[D.dtype] = save_dtype


def dumps(obj, protocol, storages):
    """``obj`` pickled with torch's names; storages are recorded in ``storages``."""
    import io
    buf = io.BytesIO()
    TorchPickler(buf, protocol, storages).dump(obj)
    return buf.getvalue()
