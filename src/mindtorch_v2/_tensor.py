"""The Tensor: metadata (shape, stride, offset, dtype, device) over an UntypedStorage.

Op methods (``add``, ``sum``, ``view``...) are attached by the op families in ``_ops``;
this module holds what is about the tensor object itself.

Note [CPU NumPy cache]: a CPU tensor keeps ``_np``, the NumPy view of its elements, so a
kernel does not rebuild it per call.  Kernel results start with ``_np`` only and create
their storage lazily (``_ensure_storage``) the first time something needs it (a view, the
storage API): most intermediate results never do.
"""
from __future__ import annotations

import builtins

import numpy as np

from . import _dtype as D
from ._device import CPU
from ._storage import TypedStorage, UntypedStorage

__all__ = ["Tensor", "Size"]


class Size(tuple):
    """torch.Size: a tuple of ints."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __reduce__(self):
        return (Size, (tuple(self),))


_CONTIG = {}


def contiguous_strides(shape):
    """Row-major strides (in elements) of ``shape``; cached per shape."""
    st = _CONTIG.get(shape)
    if st is None:
        acc = 1
        out = []
        for s in reversed(shape):
            out.append(acc)
            acc *= s if s > 1 else 1
        st = tuple(reversed(out))
        if len(_CONTIG) < 4096:
            _CONTIG[shape] = st
    return st


def _np_strides(arr, itemsize):
    if arr.flags.c_contiguous:
        return contiguous_strides(arr.shape)
    return tuple(s // itemsize for s in arr.strides)


class Tensor:
    """A multi-dimensional array on a device, with torch.Tensor's API."""

    __slots__ = ("_storage", "_np", "_shape", "_stride", "_offset", "dtype", "device",
                 "_requires_grad", "grad", "grad_fn", "_base", "_vc", "_ag",
                 "__dict__", "__weakref__")

    # ------------------------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        # torch.Tensor(data) / torch.Tensor(*sizes): a float tensor of the default dtype
        if cls is Tensor or not hasattr(cls, "_subclass_new"):
            return _legacy_new(cls, args, kwargs)
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def _from_np(cls, arr, dtype):
        """A fresh CPU tensor over a NumPy array that it now owns (no copy)."""
        if type(arr) is not np.ndarray:
            arr = np.asarray(arr)
        t = object.__new__(cls)
        t._np = arr
        t._storage = None
        t._shape = shape = arr.shape
        if not shape:
            t._stride = ()
        elif arr.flags.c_contiguous:  # the usual fresh result: cached row-major strides
            st = _CONTIG.get(shape)
            t._stride = st if st is not None else contiguous_strides(shape)
        else:
            isz = arr.itemsize
            t._stride = tuple(s // isz for s in arr.strides)
        t._offset = 0
        t.dtype = dtype
        t.device = CPU
        t._requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._base = None
        t._vc = [0]
        t._ag = None
        return t

    @classmethod
    def _from_storage(cls, storage, shape, stride, offset, dtype, *, base=None, vc=None):
        t = object.__new__(cls)
        t._storage = storage
        t._np = None
        t._shape = tuple(shape)
        t._stride = tuple(stride)
        t._offset = offset
        t.dtype = dtype
        t.device = storage.device
        t._requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._base = base
        t._vc = [0] if vc is None else vc
        t._ag = None
        return t

    @classmethod
    def _empty(cls, shape, dtype, device, stride=None):
        """An uninitialised tensor with ``shape`` (and ``stride``) on ``device``."""
        shape = tuple(shape)
        if stride is None:
            stride = contiguous_strides(shape)
        n = _storage_extent(shape, stride)
        typ = device.type
        if typ == "cpu":
            if stride == contiguous_strides(shape):
                return cls._from_np(np.empty(shape, dtype=dtype.np), dtype)
            buf = np.empty(n * dtype.itemsize, dtype=np.uint8)
            return cls._from_storage(UntypedStorage._wrap_cpu(buf), shape, stride, 0, dtype)
        if typ == "meta":
            return cls._from_storage(UntypedStorage._meta(n * dtype.itemsize), shape, stride,
                                     0, dtype)
        return cls._from_storage(UntypedStorage(n * dtype.itemsize, device=device), shape,
                                 stride, 0, dtype)

    def _make_view(self, shape, stride, offset):
        """A view of this tensor's storage (same version counter, ``_base`` set)."""
        st = self._storage
        if st is None:
            st = self._ensure_storage()
        t = object.__new__(type(self) if type(self) is Tensor else Tensor)
        t._storage = st
        t._np = None
        t._shape = shape
        t._stride = stride
        t._offset = offset
        t.dtype = self.dtype
        t.device = self.device
        t._requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._base = self if self._base is None else self._base
        t._vc = self._vc
        t._ag = None
        return t

    # ------------------------------------------------------------------------------------
    # NumPy access (CPU)
    # ------------------------------------------------------------------------------------
    def _ensure_storage(self):
        """Create the storage of a kernel result from its NumPy array (Note [CPU NumPy cache])."""
        st = self._storage
        if st is not None:
            return st
        arr = self._np
        if arr.size == 0:
            buf = np.empty(0, dtype=np.uint8)
        elif arr.flags.c_contiguous:
            buf = arr.reshape(-1).view(np.uint8)
        else:
            # a dense array in another order (e.g. a ufunc over a transposed input):
            # permute to row-major to reach the underlying buffer without copying
            order = sorted(range(arr.ndim), key=lambda i: -abs(arr.strides[i]))
            flat = arr.transpose(order)
            if flat.flags.c_contiguous and all(s >= 0 for s in arr.strides):
                buf = flat.reshape(-1).view(np.uint8)
            else:  # not dense: give the tensor its own contiguous copy
                arr = np.ascontiguousarray(arr)
                self._np = arr
                self._stride = contiguous_strides(arr.shape)
                buf = arr.reshape(-1).view(np.uint8)
        st = UntypedStorage._wrap_cpu(buf)
        self._storage = st
        return st

    def _numpy_view(self):
        """The NumPy view of this CPU tensor's elements (cached)."""
        a = self._np
        if a is None:
            if self.device.type != "cpu":
                raise TypeError(f"can't convert {self.device.type} device type tensor to "
                                "numpy. Use Tensor.cpu() to copy the tensor to host memory "
                                "first.")
            isz = self.dtype.itemsize
            if 0 in self._shape:  # no element to alias; the offset may lie past the buffer
                a = np.empty(self._shape, dtype=self.dtype.np)
            else:
                a = np.ndarray(self._shape, dtype=self.dtype.np, buffer=self._storage._data,
                               offset=self._offset * isz,
                               strides=tuple(s * isz for s in self._stride))
            self._np = a
        return a

    def _drop_np_cache(self):
        if self._storage is not None:
            self._np = None

    # ------------------------------------------------------------------------------------
    # metadata
    # ------------------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._shape)
        return self._shape[_wrap_dim(dim, len(self._shape))]

    def stride(self, dim=None):
        if dim is None:
            return self._stride
        return self._stride[_wrap_dim(dim, len(self._shape))]

    def storage_offset(self):
        return self._offset

    def dim(self):
        return len(self._shape)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._shape)

    def numel(self):
        n = 1
        for s in self._shape:
            n *= s
        return n

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self.numel() * self.dtype.itemsize

    @property
    def is_cuda(self):
        return False

    @property
    def is_npu(self):
        return self.device.type == "npu"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    @property
    def is_meta(self):
        return self.device.type == "meta"

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def is_mkldnn(self):
        return False

    @property
    def layout(self):
        from . import strided
        return strided

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def is_signed(self):
        return self.dtype.is_signed

    def get_device(self):
        return -1 if self.device.type == "cpu" else (self.device.index or 0)

    def is_contiguous(self, memory_format=None):
        return _is_contiguous(self._shape, self._stride, memory_format)

    def is_non_overlapping_and_dense(self):
        return _non_overlapping_and_dense(self._shape, self._stride)

    def data_ptr(self):
        st = self._storage or self._ensure_storage()
        if self.device.type == "meta":
            return 0
        return st.data_ptr() + self._offset * self.dtype.itemsize

    def untyped_storage(self):
        return self._storage or self._ensure_storage()

    def storage(self):
        return TypedStorage(wrap_storage=self.untyped_storage(), dtype=self.dtype,
                            _internal=True)

    def _typed_storage(self):
        return self.storage()

    @property
    def _version(self):
        return self._vc[0]

    def _bump_version(self):
        self._vc[0] += 1

    def is_shared(self):
        return self.untyped_storage().is_shared()

    def share_memory_(self):
        self.untyped_storage().share_memory_()
        return self

    def is_pinned(self, device=None):
        from ._backends import device_storage
        return device_storage.is_pinned(self.untyped_storage())

    def pin_memory(self, device=None):
        """A copy of this CPU tensor in page-locked host memory (aclrtMallocHost)."""
        from ._backends.npu import storage
        return storage.pin_memory(self)

    def npu(self, device=None, non_blocking=False, memory_format=None):
        """A copy on an NPU (``device``: index or 'npu:i'; default: the current NPU)."""
        from ._backends.npu import runtime
        from ._device import device as _dev
        from ._ops.copy_ops import to_impl
        dev = _dev("npu", runtime.device_index(device))
        return to_impl(self, dev, None, non_blocking, False, memory_format)

    def record_stream(self, stream):
        """Mark this NPU tensor's memory as used by ``stream`` (reused after its work)."""
        if self.device.type != "npu":
            raise RuntimeError("record_stream is only supported on NPU tensors")
        from ._backends import device_storage
        device_storage.record_stream(self.untyped_storage(), stream)

    def _is_view(self):
        return self._base is not None

    # ------------------------------------------------------------------------------------
    # autograd state (the autograd layer, issue 3, builds on these)
    # ------------------------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        self._requires_grad = builtins.bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError("data must be a Tensor")
        self._set_metadata_from(other)

    def _set_metadata_from(self, other):
        self._storage = other._storage
        self._np = other._np
        self._shape = other._shape
        self._stride = other._stride
        self._offset = other._offset
        self.dtype = other.dtype
        self.device = other.device

    def detach(self):
        st = self._storage
        t = object.__new__(Tensor)
        t._storage = st
        t._np = self._np
        t._shape = self._shape
        t._stride = self._stride
        t._offset = self._offset
        t.dtype = self.dtype
        t.device = self.device
        t._requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._base = self._base
        t._vc = self._vc
        t._ag = None
        if st is None:  # share the lazily created storage between both
            t._storage = self._ensure_storage()
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ------------------------------------------------------------------------------------
    # Python protocol
    # ------------------------------------------------------------------------------------
    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        # torch: reversed(t) is t flipped along dim 0 (a 0-d tensor comes back as is)
        return self if not self._shape else self.flip(0)

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous"
                               if self.numel() > 1 else
                               "Boolean value of Tensor with no values is ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        _need_one(self, "float")
        return builtins.float(self.item().real if self.dtype.is_complex else self.item())

    def __int__(self):
        _need_one(self, "int")
        v = self.item()
        return builtins.int(v.real if isinstance(v, builtins.complex) else v)

    def __complex__(self):
        _need_one(self, "complex")
        return builtins.complex(self.item())

    def __index__(self):
        if self.dtype.category > D.INT or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return builtins.int(self.item())

    def __array__(self, dtype=None, copy=None):
        a = self._host_np()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        return Tensor._from_np(np.asarray(arr), D.from_numpy_dtype(arr.dtype))

    __array_priority__ = 1000

    def __reduce_ex__(self, proto):
        return _reduce_tensor(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        import copy
        if self.device.type == "cpu" or self.device.type == "meta":
            # like torch: copy the whole storage (memoised, so views deep-copied together
            # keep sharing it) and keep size / stride / offset
            st = copy.deepcopy(self._storage or self._ensure_storage(), memo)
            new = Tensor._from_storage(st, self._shape, self._stride, self._offset,
                                       self.dtype)
        else:
            new = self.clone()
        if type(self) is not Tensor:
            new = _as_subclass(new, type(self))
        new._requires_grad = self._requires_grad
        if self.grad is not None:
            new.grad = copy.deepcopy(self.grad, memo)
        if self.__dict__:
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------------------------
    # values
    # ------------------------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self.device.type != "cpu":
            if force:
                return self.cpu().numpy()
            raise TypeError(f"can't convert {self.device.type}:{self.device.index or 0} device "
                            "type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                            "memory first." if self.device.type == "npu" else
                            "can't convert meta device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if self._storage is None:
            self._ensure_storage()
        return self._numpy_view()

    def _host_np(self):
        """NumPy values of this tensor on the host (a view on CPU, a copy from a device)."""
        if self.device.type == "cpu":
            return self._np if self._np is not None else self._numpy_view()
        if self.device.type == "meta":
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        return self.cpu()._numpy_view()

    def tolist(self):
        a = self._host_np()
        if self.dtype is D.bfloat16 or self.dtype._storage_only:
            a = a.astype(np.float32)
        return a.tolist()

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to "
                               "Scalar")
        a = self._host_np()
        v = a.reshape(()).item() if a.ndim else a.item()
        if self.dtype is D.bfloat16 or self.dtype._storage_only:
            v = builtins.float(v)
        return v

    def __repr__(self, *, tensor_contents=None):
        from ._printing import tensor_repr
        return tensor_repr(self, tensor_contents)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if self.dim() == 0 and self.device.type != "meta":
            return self.item().__format__(spec)
        return object.__format__(self, spec)


def _need_one(t, what):
    if t.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")


def _wrap_dim(dim, ndim):
    """Normalise a (possibly negative) dim; IndexError like torch when out of range."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}],"
                         f" but got {dim})")
    return dim + n if dim < 0 else dim


def _storage_extent(shape, stride):
    """Number of elements a storage needs for (shape, stride) at offset 0."""
    if any(s == 0 for s in shape):
        return 0
    return 1 + sum((s - 1) * st for s, st in zip(shape, stride))


def _is_contiguous(shape, stride, memory_format=None):
    if memory_format is None or memory_format is _contiguous_format():
        expected = 1
        for s, st in zip(reversed(shape), reversed(stride)):
            if s == 1:
                continue
            if st != expected:
                # a tensor with a zero-size dim is contiguous whatever its strides
                return 0 in shape
            expected *= s
        return True
    from . import channels_last, channels_last_3d
    if memory_format is channels_last:
        if len(shape) != 4:
            return False
        order = (1, 3, 2, 0)
    elif memory_format is channels_last_3d:
        if len(shape) != 5:
            return False
        order = (1, 4, 3, 2, 0)
    else:
        return _is_contiguous(shape, stride)
    if 0 in shape:
        return True
    expected = 1
    for d in order:
        s = shape[d]
        if s != 1:
            if stride[d] != expected:
                return False
            expected *= s
    return True


def _contiguous_format():
    from . import contiguous_format
    return contiguous_format


def _non_overlapping_and_dense(shape, stride):
    if len(shape) == 1:
        return shape[0] < 2 or stride[0] == 1
    # dims of size < 2 go last (torch's order); the others by increasing stride
    dims = sorted(range(len(shape)), key=lambda i: (0, stride[i], i) if shape[i] >= 2 else
                  (1, 0, i))
    expected = 1
    for d in dims:
        if shape[d] == 1:
            continue
        if stride[d] != expected:
            return False
        expected *= shape[d]
    return True


def _as_subclass(t, cls):
    new = object.__new__(cls)
    for k in Tensor.__slots__:
        if k in ("__dict__", "__weakref__"):
            continue
        object.__setattr__(new, k, getattr(t, k))
    return new


# ---------------------------------------------------------------------------------------
# pickling: a tensor pickles as (storage, metadata); views of one storage stay shared
# within one pickle because the storage object is memoised by pickle.
# ---------------------------------------------------------------------------------------

def _reduce_tensor(t):
    if t.device.type == "meta":
        return (_rebuild_meta, (t._shape, t._stride, t._offset, t.dtype.name,
                                t._requires_grad))
    st = t._storage or t._ensure_storage()
    state = t.__dict__ or None
    return (_rebuild_tensor, (st, t._shape, t._stride, t._offset, t.dtype.name,
                              t._requires_grad, type(t), state))


def _rebuild_tensor(storage, shape, stride, offset, dtype_name, requires_grad, cls=Tensor,
                    state=None):
    t = Tensor._from_storage(storage, shape, stride, offset, D._dtype_by_name(dtype_name))
    if cls is not Tensor:
        t = _as_subclass(t, cls)
    t._requires_grad = requires_grad
    if state:
        t.__dict__.update(state)
    return t


def _rebuild_meta(shape, stride, offset, dtype_name, requires_grad):
    dt = D._dtype_by_name(dtype_name)
    t = Tensor._from_storage(UntypedStorage._meta(
        (_storage_extent(shape, stride) + offset) * dt.itemsize), shape, stride, offset, dt)
    t._requires_grad = requires_grad
    return t


def _legacy_new(cls, args, kwargs):
    """torch.Tensor(...) legacy constructor: sizes or data, default dtype, no grad."""
    from ._ops import creation
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    dt = D.get_default_dtype()
    if len(args) == 1 and not isinstance(args[0], (int, Size)) or (
            len(args) == 1 and isinstance(args[0], Tensor)):
        if isinstance(args[0], Tensor):
            return args[0]
        return creation.tensor(args[0], dtype=dt, device=device)
    sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
    return creation.empty(*sizes, dtype=dt, device=device)

