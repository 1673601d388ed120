"""Factory functions: tensor/as_tensor/asarray/from_numpy, empty/zeros/ones/full(_like),
empty_strided, arange, linspace, logspace, eye, tril_indices, triu_indices, complex, polar.

Factories have no tensor input to dispatch on: they allocate on the requested device with
``Tensor._empty`` and fill through the ``fill_``/``copy_`` ops, so every device works.
CPU takes NumPy shortcuts (np.zeros is calloc) where the result is the same.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._device import as_device
from .._dispatch.dispatcher import dispatch
from .._tensor import Tensor, contiguous_strides
from ._common import as_shape
from .copy_ops import FILL_, copy_, layout_strides, preserve_format

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "empty", "zeros", "ones", "full",
           "empty_like", "zeros_like", "ones_like", "full_like", "empty_strided", "arange",
           "range", "linspace", "logspace", "eye", "tril_indices", "triu_indices", "complex",
           "polar", "scalar_tensor", "frombuffer", "zeros_strided"]


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


# ---------------------------------------------------------------------------------------
# from data
# ---------------------------------------------------------------------------------------

def _infer_np(data, dtype):
    """A NumPy array holding ``data`` with torch's dtype inference."""
    if isinstance(data, Tensor):
        return data._host_np(), data.dtype
    if isinstance(data, np.ndarray):
        return data, D.from_numpy_dtype(data.dtype)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, (list, tuple)) and _has_str(data):
        raise ValueError("too many dimensions 'str'")
    if isinstance(data, np.generic):
        # before the Python checks: np.float64 / np.complex128 subclass float / complex
        return np.array(data), D.from_numpy_dtype(data.dtype)
    if isinstance(data, (bool, np.bool_)):
        return np.array(data, dtype=np.bool_), D.bool
    if isinstance(data, int):
        if not -(1 << 63) <= data < (1 << 63):
            raise ValueError("Overflow when unpacking long long")
        return np.array(data, dtype=np.int64), D.int64
    if isinstance(data, float):
        return np.array(data, dtype=np.float64), D.get_default_dtype()
    if isinstance(data, builtins.complex):
        return np.array(data, dtype=np.complex128), D.default_complex_dtype()
    if not isinstance(data, (list, tuple)):
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    try:
        if data and any(isinstance(x, Tensor) for x in _flat_first(data)):
            data = _tensors_to_lists(data)
        a = np.array(data)
    except (ValueError, TypeError, OverflowError):
        _check_nested(data)
        raise
    if a.dtype == object:
        _check_nested(data)
        if any(type(v) is int for v in a.ravel()):
            raise ValueError("Overflow when unpacking long long")
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if a.size and a.size <= 100000 and a.dtype.kind in "biufc":
        types = set(map(type, np.array(data, dtype=object).ravel()))
        if any(issubclass(t, np.generic) for t in types):
            return a, _promote_leaf_types(types)
    k = a.dtype.kind
    if k == "f":
        inferred = D.get_default_dtype() if a.dtype == np.float64 and not _has_np_scalar(data) \
            else D.from_numpy_dtype(a.dtype)
    elif k == "c":
        inferred = D.default_complex_dtype() if a.dtype == np.complex128 else \
            D.from_numpy_dtype(a.dtype)
    elif k == "b":
        inferred = D.bool
    elif k in "iu":
        if a.dtype == np.uint64 and not _has_np_scalar(data):
            raise ValueError("Overflow when unpacking long long")
        inferred = D.int64 if not _has_np_scalar(data) else D.from_numpy_dtype(a.dtype)
    elif k in "US":
        raise TypeError(f"new(): invalid data type 'str'")
    else:
        inferred = D.from_numpy_dtype(a.dtype)
    return a, inferred


_PY_LEAF = {bool: lambda: D.bool, int: lambda: D.int64, float: D.get_default_dtype,
            builtins.complex: D.default_complex_dtype}


def _promote_leaf_types(types):
    """torch's dtype of a nested sequence mixing Python and NumPy scalars."""
    out = None
    for t in types:
        f = _PY_LEAF.get(t)
        d = f() if f is not None else D.from_numpy_dtype(np.dtype(t))
        out = d if out is None else D.promote_types(out, d)
    return out


def _check_nested(data):
    """torch's error for a malformed nested sequence (ragged, scalars/sequences mixed)."""
    shape = []
    x = data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    if isinstance(x, str):
        raise ValueError("too many dimensions 'str'")

    def walk(x, dim):
        if dim == len(shape):
            if isinstance(x, (list, tuple, np.ndarray)):
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an "
                                "integer")
            if isinstance(x, str):
                raise TypeError(f"new(): invalid data type 'str'")
            return
        if not isinstance(x, (list, tuple, np.ndarray)):
            raise TypeError("not a sequence")
        if len(x) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {len(x)})")
        for y in x:
            walk(y, dim + 1)
    walk(data, 0)


def _flat_first(seq):
    while isinstance(seq, (list, tuple)) and seq:
        if any(isinstance(x, Tensor) for x in seq):
            return seq
        seq = seq[0]
    return ()


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        if data.numel() != 1 and data.dim() == 0:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def _has_np_scalar(data):
    x = data
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, np.generic)


def _has_str(data):
    x = data
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, str)


def _place(a, dtype, device):
    """A new tensor owning a copy of NumPy array ``a`` cast to ``dtype`` on ``device``."""
    if a.dtype.kind == "c" and dtype.category < D.COMPLEX:
        a = a.real
    host = np.array(a, dtype=dtype.np, order="C", copy=True)
    t = Tensor._from_np(host, dtype)
    if device.type == "cpu":
        return t
    out = Tensor._empty(host.shape, dtype, device)
    if device.type != "meta":
        copy_(out, t)
    return out


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies ``data``; infers the dtype like torch."""
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    if dtype is not None and not isinstance(dtype, D.dtype):
        raise TypeError(f"tensor(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    dev = as_device(device)
    if isinstance(data, Tensor) and data.device.type != "cpu":
        out = data.detach().to(dev, dtype or data.dtype, copy=True)
        return _finish(out, requires_grad)
    a, inferred = _infer_np(data, dtype)
    if dtype is not None and dtype is not inferred and not isinstance(data, (np.ndarray, Tensor)):
        _check_convertible(a, dtype)
    return _finish(_place(a, dtype or inferred, dev), requires_grad)


def _overflow(dtype):
    raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")


def _check_convertible(a, dtype):
    """torch's checks converting Python numbers to ``dtype`` (tensor(data, dtype=...))."""
    k = a.dtype.kind
    if k == "c" and dtype.category in (D.INT, D.FLOAT):
        raise TypeError("must be real number, not complex" if dtype.is_floating_point else
                        "'complex' object cannot be interpreted as an integer")
    if dtype.category != D.INT or not a.size or k not in "fiu":
        return
    info = np.iinfo(dtype.np)
    if k == "f":
        if not np.all(np.isfinite(a)) or a.max() > info.max or a.min() < info.min:
            _overflow(dtype)
        return
    hi, lo = int(a.max()), int(a.min())
    if hi > info.max or (lo < info.min and (info.min < 0 or -lo > info.max)):
        _overflow(dtype)


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: shares memory with a Tensor / ndarray when dtype and device allow."""
    dev = None if device is None else as_device(device)
    if isinstance(data, Tensor):
        return data.to(device=dev, dtype=dtype)
    if isinstance(data, np.ndarray) and (dev is None or dev.type == "cpu"):
        t = from_numpy(data)
        return t if dtype is None or dtype is t.dtype else t.to(dtype)
    return tensor(data, dtype=dtype, device=dev)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    if copy:
        t = tensor(obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and dtype is not None:
            src = obj.dtype if isinstance(obj, Tensor) else D.from_numpy_dtype(obj.dtype) \
                if isinstance(obj, np.ndarray) else None
            if src is not None and src is not dtype:
                raise ValueError(f"can't alias tensor with dtype '{src.c10_name}' into dtype "
                                 f"'{dtype.c10_name}'.")
    return _finish(t, requires_grad)


def from_numpy(ndarray):
    """A CPU tensor sharing memory with ``ndarray`` (no copy)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dt = D.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    isz = ndarray.itemsize
    if any(s % isz for s in ndarray.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. "
                         "Copy the numpy array to reallocate the memory.")
    if not ndarray.flags.writeable:
        import warnings
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support "
                      "non-writable tensors. This means writing to this tensor will result in "
                      "undefined behavior.", UserWarning, stacklevel=2)
    if ndarray.dtype.byteorder not in "=|":
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    t = Tensor._from_np(ndarray, dt)
    if not ndarray.flags.c_contiguous:
        t._stride = tuple(s // isz for s in ndarray.strides)
        # the storage is the whole region the array spans, starting at its first element
        from .._storage import UntypedStorage
        from .._tensor import _storage_extent
        n = _storage_extent(ndarray.shape, t._stride) if ndarray.size else 0
        base = np.ndarray((n * isz,), np.uint8, buffer=_raw(ndarray)) if n else \
            np.empty(0, np.uint8)
        t._storage = UntypedStorage._wrap_cpu(base)
    return t


def _raw(a):
    """A buffer object starting at ``a``'s first element spanning its extent."""
    isz = a.itemsize
    n = 1 + sum((s - 1) * st // isz for s, st in zip(a.shape, a.strides))
    ptr = a.__array_interface__["data"][0]
    import ctypes
    buf = (ctypes.c_uint8 * (n * isz)).from_address(ptr)
    buf._keepalive = a  # the ctypes array keeps the NumPy array alive
    return buf


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    a = np.frombuffer(buffer, dtype=dtype.np, count=count, offset=offset)
    return _finish(from_numpy(a), requires_grad)


# ---------------------------------------------------------------------------------------
# filled factories
# ---------------------------------------------------------------------------------------

def _factory_args(size, dtype, device, name):
    shape = as_shape(size, "size")
    dt = dtype or D.get_default_dtype()
    if not isinstance(dt, D.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dt).__name__}")
    return shape, dt, as_device(device)


def _write_out(out, t):
    from .._dispatch.dispatcher import _write_out as w
    w(out, t)
    return out


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    shape, dt, dev = _factory_args(size, dtype, device, "empty")
    if out is not None:
        from .copy_ops import resize_
        return resize_(out, shape)
    stride = None
    if memory_format is not None and memory_format is not preserve_format:
        stride = layout_strides(shape, None, memory_format)
    return _finish(Tensor._empty(shape, dt, dev, stride), requires_grad)


def _filled(size, value, dtype, device, requires_grad, out, name):
    if out is not None and dtype is None and isinstance(out, Tensor):
        dtype = out.dtype
    shape, dt, dev = _factory_args(size, dtype, device, name)
    if dev.type == "cpu":
        if value == 0:
            t = Tensor._from_np(np.zeros(shape, dtype=dt.np), dt)
        else:
            t = Tensor._from_np(np.full(shape, value, dtype=dt.np), dt)
    else:
        t = Tensor._empty(shape, dt, dev)
        dispatch(FILL_, t, value)
    if out is not None:
        return _write_out(out, t)
    return _finish(t, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    return _filled(size, 0, dtype, device, requires_grad, out, "zeros")


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    return _filled(size, 1, dtype, device, requires_grad, out, "ones")


def _fill_dtype(value):
    if isinstance(value, Tensor):
        return value.dtype
    return D.scalar_dtype(value)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dt = dtype or _fill_dtype(fill_value)
    if isinstance(fill_value, builtins.complex) and not dt.is_complex and dt is not D.bool:
        _overflow(dt)
    if dt.category == D.INT and isinstance(fill_value, (int, builtins.float)) and \
            not isinstance(fill_value, bool):
        _check_convertible(np.array(fill_value), dt)
    if dt is D.bool and isinstance(fill_value, builtins.complex):
        fill_value = builtins.bool(fill_value)
    return _filled((size,) if isinstance(size, int) else tuple(size), fill_value, dt, device,
                   requires_grad, out, "full")


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, **_):
    return full((), s, dtype=dtype or D.get_default_dtype(), device=device,
                requires_grad=requires_grad)


def _like(input, dtype, device, memory_format):
    dt = dtype or input.dtype
    dev = as_device(device) if device is not None else input.device
    stride = layout_strides(input._shape, input._stride, memory_format)
    return dt, dev, stride


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dt, dev, stride = _like(input, dtype, device, memory_format)
    return _finish(Tensor._empty(input._shape, dt, dev, stride), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dt, dev, stride = _like(input, dtype, device, memory_format)
    if dev.type == "cpu" and stride == contiguous_strides(input._shape):
        t = Tensor._from_np(np.full(input._shape, fill_value, dtype=dt.np), dt)
    else:
        t = Tensor._empty(input._shape, dt, dev, stride)
        dispatch(FILL_, t, fill_value)
    return _finish(t, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return full_like(input, 0, dtype=dtype, device=device, requires_grad=requires_grad,
                     memory_format=memory_format)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return full_like(input, 1, dtype=dtype, device=device, requires_grad=requires_grad,
                     memory_format=memory_format)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    size = tuple(size)
    stride = tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    dt = dtype or D.get_default_dtype()
    return _finish(Tensor._empty(size, dt, as_device(device), stride), requires_grad)


def zeros_strided(size, stride, dtype, device):
    t = empty_strided(size, stride, dtype=dtype, device=device)
    dispatch(FILL_, t, 0)
    return t


def _from_host(a, dtype, device, requires_grad):
    """Place a freshly computed host array (owned) on ``device``."""
    dev = as_device(device)
    if dev.type == "cpu":
        t = Tensor._from_np(np.ascontiguousarray(a, dtype=dtype.np), dtype)
    else:
        t = _place(a, dtype, dev)
    return _finish(t, requires_grad)


# ---------------------------------------------------------------------------------------
# ranges
# ---------------------------------------------------------------------------------------

def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        if any(isinstance(v, builtins.float) or (isinstance(v, np.floating))
               for v in (start, end, step)):
            dtype = D.get_default_dtype()
        else:
            dtype = D.int64
    if dtype is D.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if any(isinstance(v, builtins.float) and not math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dtype.category <= D.INT:
        # torch accumulates integer ranges in int64 (start and step truncated); int64's
        # length is computed from the truncated values too
        istart, istep = int(start), int(step)
        if dtype is D.int64:
            if istep == 0:
                raise RuntimeError("step must be nonzero")
            n = -((int(end) - istart) // -istep)
        else:
            n = int(math.ceil((end - start) / step))
        a = istart + np.arange(max(n, 0), dtype=np.int64) * istep
    else:
        n = int(math.ceil((end - start) / step))
        a = start + np.arange(n, dtype=np.float64) * step
    t = _from_host(a, dtype, device, requires_grad)
    return _write_out(out, t) if out is not None else t


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):  # noqa
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    a = start + np.arange(n, dtype=np.float64) * step
    return _from_host(a, dtype or D.get_default_dtype(), device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' (position 3) must be int, not "
                        f"{type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    dt = dtype or (D.default_complex_dtype() if isinstance(start, builtins.complex) or
                   isinstance(end, builtins.complex) else D.get_default_dtype())
    if dt.category <= D.INT:  # integer linspace starts from the truncated ends
        start, end = int(start.real if isinstance(start, builtins.complex) else start), \
            int(end.real if isinstance(end, builtins.complex) else end)
    # torch fills the first half from start and the second half from end (symmetric error)
    if steps == 1:
        a = np.array([start], dtype=np.complex128 if dt.is_complex else np.float64)
    else:
        idx = np.arange(steps, dtype=np.float64)
        step = (end - start) / (steps - 1)
        half = steps // 2
        a = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if dt.category <= D.INT:
        a = np.trunc(a) if not dt.is_complex else a
    t = _from_host(a, dt, device, requires_grad)
    return _write_out(out, t) if out is not None else t


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    dt = dtype or D.get_default_dtype()
    lin = linspace(start, end, steps, dtype=D.float64)._host_np()
    a = np.power(float(base), lin)
    t = _from_host(a, dt, device, requires_grad)
    return _write_out(out, t) if out is not None else t


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if m is None:
        m = n
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = dtype or D.get_default_dtype()
    t = _from_host(np.eye(n, m, dtype=dt.np), dt, device, requires_grad)
    return _write_out(out, t) if out is not None else t


def _tri_indices(row, col, offset, upper, dtype, device):
    mask = np.triu(np.ones((row, col), dtype=bool), offset) if upper else \
        np.tril(np.ones((row, col), dtype=bool), offset)
    r, c = np.nonzero(mask)
    return _from_host(np.stack([r, c]) if r.size else np.zeros((2, 0), np.int64),
                      dtype or D.int64, device, False)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(row, col, offset, False, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(row, col, offset, True, dtype, device)


def complex(real, imag, *, out=None):  # noqa: A001
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {real.dtype.c10_name} but got scalar "
                           f"type {imag.dtype.c10_name} for second argument")
    if real.dtype not in (D.float32, D.float64, D.float16):
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{real.dtype.c10_name} and {imag.dtype.c10_name}")
    from .elementwise import add, mul
    cdt = D.complex128 if real.dtype is D.float64 else D.complex64
    r = add(real.to(cdt), mul(imag.to(cdt), 1j))
    return _write_out(out, r) if out is not None else r


def polar(abs, angle, *, out=None):  # noqa: A002
    if abs.dtype is angle.dtype and abs.dtype not in (D.float32, D.float64):
        raise NotImplementedError(f'"polar_cpu" not implemented for \'{abs.dtype.c10_name}\'')
    from .elementwise import UNARY_OPS
    from .elementwise import mul
    re = mul(abs, dispatch(UNARY_OPS["cos"], angle))
    im = mul(abs, dispatch(UNARY_OPS["sin"], angle))
    return complex(re, im, out=out)

