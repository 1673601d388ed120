"""Load-time targets of the torch globals found in checkpoints.

``resolve(module, name)`` maps a global named in a pickle (torch's name) to the mindtorch
object that plays its role; the ``_rebuild_*`` functions take torch's argument lists.
"""
from __future__ import annotations

import collections
import importlib

from .. import _dtype as D
from .._storage import TypedStorage, UntypedStorage
from .._tensor import Size, Tensor, _as_subclass
from .names import DTYPE_BY_STORAGE_NAME, StorageType

__all__ = ["resolve", "TORCH_SAFE_NAMES"]


def _parameter_cls():
    from ..nn.parameter import Parameter  # lazy: nn imports the package being built
    return Parameter


def _set_obj_state(obj, state):
    """Apply a state pickled by torch's ``_get_obj_state``: a dict or (dict, slots dict)."""
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for k, v in (dict_state or {}).items():
        setattr(obj, k, v)
    for k, v in (slots_state or {}).items():
        setattr(obj, k, v)
    return obj


def _typed(storage):
    if isinstance(storage, TypedStorage):
        return storage._untyped_storage, storage.dtype
    return storage, D.uint8


def _tensor_over(untyped, dtype, offset, size, stride, requires_grad):
    t = Tensor._from_storage(untyped, tuple(size), tuple(stride), offset, dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    untyped, dtype = _typed(storage)
    return _tensor_over(untyped, dtype, storage_offset, size, stride, False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    # backward_hooks is always an empty OrderedDict (torch does not serialise hooks);
    # metadata only carries conj/neg bits, which mindtorch tensors do not have.
    untyped, dtype = _typed(storage)
    return _tensor_over(untyped, dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    untyped, _ = _typed(storage)
    return _tensor_over(untyped, dtype, storage_offset, size, stride, requires_grad)


def _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad):
    from .._ops.creation import empty_strided
    return empty_strided(tuple(size), tuple(stride), dtype=dtype, device="meta",
                         requires_grad=requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return _parameter_cls()(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(_parameter_cls()(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    if type(ret) is not new_type and isinstance(new_type, type) and \
            issubclass(new_type, Tensor):
        ret = _as_subclass(ret, new_type)
    # a subclass with its own __setstate__ gets the state; otherwise set attributes
    custom = getattr(type(ret), "__setstate__", None)
    if custom is not None and custom is not getattr(Tensor, "__setstate__", None):
        ret.__setstate__(state)
    elif state:
        _set_obj_state(ret, state)
    return ret


def _get_layout(name):
    import mindtorch_v2 as m
    return getattr(m, name.rpartition(".")[2])


def _device(*args):
    from .._device import device
    return device(*args)


_FIXED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "Counter"): collections.Counter,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
    ("torch._utils", "_rebuild_meta_tensor_no_storage"): _rebuild_meta_tensor_no_storage,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
    ("torch.serialization", "_get_layout"): _get_layout,
    ("torch", "Tensor"): Tensor,
    ("torch._tensor", "Tensor"): Tensor,
    ("torch", "Size"): Size,
    ("torch", "device"): _device,
    ("torch.storage", "UntypedStorage"): UntypedStorage,
    ("torch", "UntypedStorage"): UntypedStorage,
    ("torch.storage", "TypedStorage"): TypedStorage,
    ("_codecs", "encode"): __import__("codecs").encode,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "set"): set,
    ("builtins", "complex"): complex,
}
_FIXED.update({("torch", n): StorageType(dt) for n, dt in DTYPE_BY_STORAGE_NAME.items()})
_FIXED.update({("torch", dt.name): dt for dt in D._BY_NAME.values()})

# what torch's weights-only unpickler allows by default (the same set of names)
TORCH_SAFE_NAMES = frozenset(f"{m}.{n}" for m, n in _FIXED) | {"torch.nn.parameter.Parameter"}


def resolve(module, name):
    """The mindtorch object for global ``module.name``; None when it is not torch's."""
    obj = _FIXED.get((module, name))
    if obj is not None:
        return obj
    if (module, name) == ("torch.nn.parameter", "Parameter"):
        return _parameter_cls()
    if module == "torch" or module.startswith("torch."):
        # same layout below the package name (torch.nn.modules.linear.Linear...)
        try:
            mod = importlib.import_module("mindtorch_v2" + module[5:])
        except ImportError:
            return None
        obj = mod
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    return None
