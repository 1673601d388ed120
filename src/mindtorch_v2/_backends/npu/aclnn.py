"""ACLNN calls: descriptors from tensors and the one generic two-phase ``run``.

``run("aclnnAdd", a, b, Scalar(1, dtype), out)``:

1. each argument becomes what the C signature wants: a Tensor an ``aclTensor`` (view shape,
   element strides, element offset, storage shape, and the STORAGE BASE address -- CANN adds
   the offset itself), :class:`Scalar` an ``aclScalar``, :class:`IntArray` an
   ``aclIntArray``, :class:`DType` an ``aclDataType`` code; ints/bools/None pass through;
2. ``aclnnXxxGetWorkspaceSize(..., &size, &executor)``;
3. a workspace from the caching allocator, on the current stream (freed right after the
   launch: the allocator hands it out again only to later work on the same stream);
4. ``aclnnXxx(workspace, size, executor, stream)``; single-use executors are freed by the
   launch itself, so they are never destroyed here;
5. the descriptors are destroyed (the executor keeps what it needs).
"""
from __future__ import annotations

import ctypes

from ... import _dtype as D
from . import acl, runtime

_V = ctypes.c_void_p

# mindtorch dtype name -> aclDataType (values from acl_api.json, see acl.ACL_DTYPES)
ACL_DTYPE = {
    "float32": acl.ACL_FLOAT, "float16": acl.ACL_FLOAT16, "float64": acl.ACL_DOUBLE,
    "bfloat16": acl.ACL_BF16, "int8": acl.ACL_INT8, "int16": acl.ACL_INT16,
    "int32": acl.ACL_INT32, "int64": acl.ACL_INT64, "uint8": acl.ACL_UINT8,
    "uint16": acl.ACL_UINT16, "uint32": acl.ACL_UINT32, "uint64": acl.ACL_UINT64,
    "bool": acl.ACL_BOOL, "complex64": acl.ACL_COMPLEX64, "complex128": acl.ACL_COMPLEX128,
    "float8_e5m2": acl.ACL_FLOAT8_E5M2, "float8_e4m3fn": acl.ACL_FLOAT8_E4M3FN,
}


def acl_dtype(dtype):
    try:
        return ACL_DTYPE[dtype.name]
    except KeyError:
        raise RuntimeError(f"dtype {dtype} is not supported on the NPU backend") from None


class Scalar:
    """An aclScalar argument: ``value`` stored as ``dtype``."""
    __slots__ = ("value", "dtype")

    def __init__(self, value, dtype):
        self.value, self.dtype = value, dtype


class IntArray:
    """An aclIntArray argument."""
    __slots__ = ("values",)

    def __init__(self, values):
        self.values = tuple(int(v) for v in values)


class TensorList:
    """An aclTensorList argument (its aclTensors belong to the list)."""
    __slots__ = ("tensors",)

    def __init__(self, tensors):
        self.tensors = list(tensors)


class DType:
    """An aclDataType (enum) argument."""
    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype


class _Descriptors:
    """Creates descriptors for one call and destroys them afterwards."""

    def __init__(self, L):
        self.L = L
        self.owned = []         # (destroy function name, handle)
        self.keep = []          # ctypes buffers that must outlive the call

    def tensor(self, t, own=True):
        shape, stride = t._shape, t._stride
        nd = len(shape)
        dims = (ctypes.c_int64 * max(nd, 1))(*shape)
        strides = (ctypes.c_int64 * max(nd, 1))(*stride)
        st = t.untyped_storage()
        storage_dims = (ctypes.c_int64 * 1)(st.nbytes() // t.dtype.itemsize)
        self.keep += [dims, strides, storage_dims]
        h = self.L.nnopbase.aclCreateTensor(dims, nd, acl_dtype(t.dtype), strides, t._offset,
                                            acl.ACL_FORMAT_ND, storage_dims, 1,
                                            _V(st.data_ptr() or None))
        if not own:
            return h or acl.check(acl.ACLNN_ERR_INNER_NULLPTR, "aclCreateTensor", self.L)
        return self._own("aclDestroyTensor", h, "aclCreateTensor")

    def tensor_list(self, lst):
        # aclDestroyTensorList destroys the member tensors too, so they are not owned here
        items = [self.tensor(t, own=False) for t in lst.tensors]
        arr = (_V * max(len(items), 1))(*items)
        self.keep.append(arr)
        h = self.L.nnopbase.aclCreateTensorList(arr, len(items))
        return self._own("aclDestroyTensorList", h, "aclCreateTensorList")

    def scalar(self, s):
        dt = s.dtype
        v = s.value
        if dt.is_complex:
            import numpy as np
            buf = np.array([complex(v)], dtype=dt.np)
        else:
            import numpy as np
            if dt is D.bool:
                v = bool(v)
            elif dt.category <= D.INT:
                v = int(v)
            else:
                v = float(v.real if isinstance(v, complex) else v)
            buf = np.array([v], dtype=dt.np)
        self.keep.append(buf)
        h = self.L.nnopbase.aclCreateScalar(_V(buf.ctypes.data), acl_dtype(dt))
        return self._own("aclDestroyScalar", h, "aclCreateScalar")

    def int_array(self, a):
        vals = (ctypes.c_int64 * max(len(a.values), 1))(*a.values)
        self.keep.append(vals)
        h = self.L.nnopbase.aclCreateIntArray(vals, len(a.values))
        return self._own("aclDestroyIntArray", h, "aclCreateIntArray")

    def _own(self, destroy, h, create):
        if not h:
            acl.check(acl.ACLNN_ERR_INNER_NULLPTR, create, self.L)
        self.owned.append((destroy, h))
        return h

    def convert(self, a):
        from ..._tensor import Tensor
        if isinstance(a, Tensor):
            return _V(self.tensor(a))
        if isinstance(a, Scalar):
            return _V(self.scalar(a))
        if isinstance(a, IntArray):
            return _V(self.int_array(a))
        if isinstance(a, TensorList):
            return _V(self.tensor_list(a))
        if isinstance(a, DType):
            return acl_dtype(a.dtype)
        return a

    def destroy(self):
        for name, h in reversed(self.owned):
            getattr(self.L.nnopbase, name)(_V(h))
        self.owned.clear()


def run(kernel, *args, device=None):
    """Run ACLNN ``kernel`` on ``args`` on the current stream of ``device`` (default: the
    device of the first tensor argument)."""
    if device is None:
        device = next(a.device.index for a in args if hasattr(a, "_shape"))
    L = runtime.activate(device)
    stream = runtime.current_stream(device)
    desc = _Descriptors(L)
    try:
        c_args = [desc.convert(a) for a in args]
        ws_size = ctypes.c_uint64()
        executor = _V()
        L.call(kernel + "GetWorkspaceSize", *c_args, ctypes.byref(ws_size),
               ctypes.byref(executor))
        ws = 0
        alloc = None
        if ws_size.value:
            from .storage import allocator
            alloc = allocator(device)
            ws = alloc.malloc(ws_size.value, stream)
        try:
            L.call(kernel, _V(ws or None), ws_size.value, executor, _V(stream.handle))
        finally:
            if ws:
                alloc.free(ws)
    finally:
        desc.destroy()
