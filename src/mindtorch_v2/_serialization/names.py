"""The names PyTorch checkpoints use for globals, and how they map to mindtorch objects.

Saving writes torch's names (``torch._utils._rebuild_tensor_v2``, ``torch FloatStorage``...)
so real PyTorch can load the file; loading maps those names back to mindtorch objects, so
no real torch is needed at load time.
"""
from __future__ import annotations

from .. import _dtype as D

__all__ = ["TorchGlobal", "storage_type_name", "StorageType", "DTYPE_BY_STORAGE_NAME"]


class TorchGlobal:
    """A reference to ``module.name`` in torch; the pickler writes it as a GLOBAL opcode.

    (The standard pickler checks that a global resolves to the very object being pickled,
    which cannot hold for torch names written by mindtorch, hence this marker.)
    """

    __slots__ = ("module", "name")
    _cache: dict = {}

    def __new__(cls, module, name):
        key = (module, name)
        g = cls._cache.get(key)
        if g is None:
            g = object.__new__(cls)
            g.module, g.name = module, name
            cls._cache[key] = g
        return g

    def __repr__(self):
        return f"TorchGlobal({self.module}.{self.name})"

    def __call__(self, *args, **kwargs):  # pickle's save_reduce wants a callable
        raise TypeError(f"{self.module}.{self.name} is only a name written into checkpoints")


# Dtypes that have a legacy typed storage class (torch.FloatStorage...); the others are
# saved through torch.storage.UntypedStorage and _rebuild_tensor_v3 like torch does.
_LEGACY = (D.float64, D.float32, D.float16, D.int64, D.int32, D.int16, D.int8, D.uint8,
           D.bool, D.bfloat16, D.complex128, D.complex64)
DTYPE_BY_STORAGE_NAME = {dt.c10_name + "Storage": dt for dt in _LEGACY}


def storage_type_name(dtype):
    """``FloatStorage`` for float32...; None when torch has no typed storage class for it."""
    return dtype.c10_name + "Storage" if dtype in _LEGACY else None


class StorageType:
    """What a ``torch.<X>Storage`` global loads as: it only carries the dtype."""

    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


REBUILD_TENSOR_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
REBUILD_TENSOR_V3 = TorchGlobal("torch._utils", "_rebuild_tensor_v3")
REBUILD_PARAMETER = TorchGlobal("torch._utils", "_rebuild_parameter")
REBUILD_PARAMETER_STATE = TorchGlobal("torch._utils", "_rebuild_parameter_with_state")
REBUILD_META = TorchGlobal("torch._utils", "_rebuild_meta_tensor_no_storage")
REBUILD_FROM_TYPE = TorchGlobal("torch._tensor", "_rebuild_from_type_v2")
TENSOR = TorchGlobal("torch", "Tensor")
SIZE = TorchGlobal("torch", "Size")
DEVICE = TorchGlobal("torch", "device")
UNTYPED_STORAGE = TorchGlobal("torch.storage", "UntypedStorage")
GET_LAYOUT = TorchGlobal("torch.serialization", "_get_layout")


def dtype_global(dtype):
    return TorchGlobal("torch", dtype.name)
