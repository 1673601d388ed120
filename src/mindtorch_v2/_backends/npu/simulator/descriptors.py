"""aclTensor / aclScalar / aclIntArray / aclTensorList objects and their handle table.

An aclTensor is what aclCreateTensor describes: a view (shape, element strides, element
offset) over a storage (storage shape, base address) of one dtype and format. ``Memory``
resolves the storage base to device bytes; ``TensorDesc.array`` returns the NumPy view the
kernels read and write.
"""
from __future__ import annotations

import itertools
import threading

import numpy as np

from .. import acl
from . import status as st

try:
    import ml_dtypes as _mld
except ImportError:      # bf16 / fp8 need ml_dtypes; without it those dtypes are unsupported
    _mld = None

# aclDataType value -> NumPy dtype
NP_DTYPES = {
    acl.ACL_FLOAT: np.float32, acl.ACL_FLOAT16: np.float16, acl.ACL_DOUBLE: np.float64,
    acl.ACL_INT8: np.int8, acl.ACL_INT16: np.int16, acl.ACL_INT32: np.int32,
    acl.ACL_INT64: np.int64, acl.ACL_UINT8: np.uint8, acl.ACL_UINT16: np.uint16,
    acl.ACL_UINT32: np.uint32, acl.ACL_UINT64: np.uint64, acl.ACL_BOOL: np.bool_,
    acl.ACL_COMPLEX64: np.complex64, acl.ACL_COMPLEX128: np.complex128,
}
if _mld is not None:
    NP_DTYPES.update({acl.ACL_BF16: _mld.bfloat16, acl.ACL_FLOAT8_E5M2: _mld.float8_e5m2,
                      acl.ACL_FLOAT8_E4M3FN: _mld.float8_e4m3fn})
NP_DTYPES = {k: np.dtype(v) for k, v in NP_DTYPES.items()}
DTYPE_NAMES = {v: k for k, v in acl.ACL_DTYPES.items()}

# Plain (non-fractal) layouts: the storage is row-major in the view's own dimension order.
PLAIN_FORMATS = {-1: "UNDEFINED", 0: "NCHW", 1: "NHWC", 2: "ND", 27: "NDHWC", 30: "NCDHW",
                 35: "NC", 47: "NCL", 16: "HWCN"}


def np_dtype(code, what="dataType"):
    try:
        return NP_DTYPES[code]
    except KeyError:
        raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                          f"{what} {DTYPE_NAMES.get(code, code)} is not supported") from None


class TensorDesc:
    __slots__ = ("shape", "strides", "offset", "dtype_code", "dtype", "format", "storage_shape",
                 "data")

    def __init__(self, shape, strides, offset, dtype_code, fmt, storage_shape, data):
        self.shape, self.strides, self.offset = tuple(shape), tuple(strides), int(offset)
        self.dtype_code, self.dtype = dtype_code, np_dtype(dtype_code)
        self.format, self.storage_shape, self.data = fmt, tuple(storage_shape), data
        if len(self.strides) != len(self.shape):
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID, "stride and viewDims lengths differ")
        if fmt not in PLAIN_FORMATS:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                              f"format {fmt} (private/fractal layout) is not supported by the "
                              f"simulator")
        if any(d < 0 for d in self.shape) or any(d < 0 for d in self.storage_shape) \
                or self.offset < 0:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID, "negative dimension or offset")
        if self.numel and self.offset + sum((d - 1) * s for d, s in zip(self.shape, self.strides)
                                            if s > 0) >= self.storage_numel:
            raise st.SimError(st.ACLNN_ERR_PARAM_INVALID,
                              f"view shape {self.shape}, strides {self.strides}, offset "
                              f"{self.offset} exceeds storage shape {self.storage_shape}")

    @property
    def numel(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def storage_numel(self):
        return int(np.prod(self.storage_shape, dtype=np.int64))

    def array(self, memory):
        """The NumPy view of this tensor over simulated memory (writable)."""
        if self.numel == 0:
            return np.empty(self.shape, self.dtype)
        if not self.data:
            raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, "tensor data address is NULL")
        item = self.dtype.itemsize
        raw = memory.view(self.data, self.storage_numel * item)
        storage = raw.view(self.dtype)
        return np.lib.stride_tricks.as_strided(
            storage[self.offset:], shape=self.shape,
            strides=tuple(s * item for s in self.strides))

    def __repr__(self):
        return (f"aclTensor(shape={self.shape}, strides={self.strides}, offset={self.offset}, "
                f"dtype={DTYPE_NAMES.get(self.dtype_code)}, storage={self.storage_shape}, "
                f"data={self.data:#x})" if self.data else "aclTensor(data=NULL)")


class ScalarDesc:
    __slots__ = ("value", "dtype_code")

    def __init__(self, value, dtype_code):
        self.value, self.dtype_code = value, dtype_code


class IntArrayDesc(tuple):
    pass


class TensorListDesc(tuple):
    pass


class Handles:
    """Opaque C pointers for Python objects: fake, non-null, never reused addresses."""

    def __init__(self, start):
        self._objs = {}
        self._ids = itertools.count(start, 16)
        self._lock = threading.Lock()

    def add(self, obj):
        with self._lock:
            h = next(self._ids)
            self._objs[h] = obj
        return h

    def get(self, h, kind=None):
        obj = self._objs.get(h) if h else None
        if kind is not None and not isinstance(obj, kind):
            return None
        return obj

    def pop(self, h):
        with self._lock:
            return self._objs.pop(h, None) if h else None

    def __len__(self):
        return len(self._objs)
