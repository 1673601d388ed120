"""Copies, casts and device moves: copy_, clone, contiguous, to, resize_, typed casts."""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._device import as_device, device as _device_cls
from .._dispatch.dispatcher import STATE, dispatch
from .._tensor import Tensor, _is_contiguous, _non_overlapping_and_dense
from ._common import broadcast_shapes, channels_last_strides, contiguous_strides
from .registry import Spec, register
from .tensor_methods import method

__all__ = ["clone"]

# memory formats are singletons compared by identity
class memory_format:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return self.name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")


def layout_strides(x_shape, x_stride, memory_format):
    """Strides of a new tensor like x under ``memory_format`` (torch's preserve rule)."""
    if memory_format is None or memory_format is preserve_format:
        if _non_overlapping_and_dense(x_shape, x_stride):
            return tuple(x_stride)
        return dense_strides_like(x_shape, x_stride)
    if memory_format is contiguous_format:
        return contiguous_strides(tuple(x_shape))
    if memory_format is channels_last:
        if len(x_shape) != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        return channels_last_strides(tuple(x_shape))
    if memory_format is channels_last_3d:
        if len(x_shape) != 5:
            raise RuntimeError("required rank 5 tensor to use channels_last_3d format")
        return channels_last_strides(tuple(x_shape))
    raise TypeError(f"unknown memory format {memory_format}")


def dense_strides_like(shape, stride):
    """Dense strides whose dimension order follows ``stride`` (torch's preserve rule for
    overlapping / non-dense inputs): a stable insertion sort by increasing stride, starting
    from the innermost dim; a 0 stride never moves a dim, equal strides put the smaller
    size first."""
    nd = len(shape)
    perm = list(range(nd - 1, -1, -1))
    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            a, b = perm[d0], perm[d1]
            sa, sb = stride[a], stride[b]
            if sa == 0 or sb == 0:
                cmp = 0
            elif sa != sb:
                cmp = 1 if sa > sb else -1
            else:
                cmp = 1 if shape[a] > shape[b] else 0
            if cmp > 0:
                perm[d0], perm[d1] = b, a
                d1 = d0
            elif cmp < 0:
                break
    out = [0] * nd
    acc = 1
    for d in perm:
        out[d] = acc
        if shape[d] > 1:
            acc *= shape[d]
    return tuple(out)


def suggest_memory_format(shape, stride):
    """channels_last(_3d) for tensors laid out that way (not also contiguous), else
    contiguous_format."""
    nd = len(shape)
    if nd == 4 and _is_contiguous(shape, stride, channels_last) and \
            not _is_contiguous(shape, stride):
        return channels_last
    if nd == 5 and _is_contiguous(shape, stride, channels_last_3d) and \
            not _is_contiguous(shape, stride):
        return channels_last_3d
    return contiguous_format


# ---------------------------------------------------------------------------------------
# copy_ (dst <- src, broadcasting src, casting to dst's dtype, across devices)
# ---------------------------------------------------------------------------------------

def _copy_meta(dst, src, non_blocking=False):
    return Spec(dst._shape, dst.dtype, dst._stride)


COPY_ = register("copy_", _copy_meta, inplace=True)


def copy_(self, src, non_blocking=False):
    if isinstance(src, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        from .creation import tensor   # torch wraps a Python number into a 0-d cpu tensor
        src = tensor(src)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not "
                        f"{builtins.type(src).__name__}")
    _check_copy_shapes(self, src)
    if self.device is src.device or (src.device.type == "cpu" and not src._shape):
        dispatch(COPY_, self, src, non_blocking)
    elif self.device.type == "meta" or src.device.type == "meta":
        _copy_meta_mixed(self, src)
    else:
        from .._backends.common import transfer
        transfer.copy_across(self, src, non_blocking)
        self._vc[0] += 1
    return self


def _copy_meta_mixed(self, src):
    # meta <- anything, or anything <- meta: metadata only (torch allows meta -> meta only,
    # a real device from meta raises)
    if self.device.type != "meta":
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")


def _check_copy_shapes(dst, src):
    s, d = src._shape, dst._shape
    if s == d:
        return
    try:
        b = broadcast_shapes(d, s)
    except RuntimeError:
        b = None
    if b != tuple(d):
        raise RuntimeError(f"output with shape {list(d)} doesn't match the broadcast shape "
                           f"{list(b) if b is not None else list(s)}" if b is not None else
                           f"The size of tensor a ({_mismatch(d, s)[0]}) must match the size "
                           f"of tensor b ({_mismatch(d, s)[1]}) at non-singleton dimension "
                           f"{_mismatch(d, s)[2]}")


def _mismatch(d, s):
    nd = max(len(d), len(s))
    dd = (1,) * (nd - len(d)) + tuple(d)
    ss = (1,) * (nd - len(s)) + tuple(s)
    for i in range(nd - 1, -1, -1):
        if dd[i] != ss[i] and ss[i] != 1 and dd[i] != 1:
            return dd[i], ss[i], i
    return dd[0], ss[0], 0


# ---------------------------------------------------------------------------------------
# clone / contiguous / _to_copy
# ---------------------------------------------------------------------------------------

def _clone_meta(x, memory_format=None):
    return Spec(x._shape, x.dtype, layout_strides(x._shape, x._stride, memory_format))


CLONE = register("clone", _clone_meta)


def clone(input, *, memory_format=None):
    return dispatch(CLONE, input, memory_format=memory_format)


def _to_copy_meta(x, dtype, memory_format=None):
    return Spec(x._shape, dtype, layout_strides(x._shape, x._stride, memory_format))


TO_COPY = register("_to_copy", _to_copy_meta)  # dtype cast on one device


@method
def contiguous(self, memory_format=None):
    mf = memory_format or contiguous_format
    if mf is preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _is_contiguous(self._shape, self._stride, None if mf is contiguous_format else mf):
        return self
    return dispatch(CLONE, self, memory_format=mf)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    copy = kwargs.pop("copy", False)
    mf = kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        dev, dtype = other.device, other.dtype
    elif rest and (rest[0] is None or isinstance(rest[0], (str, _device_cls, int))) and \
            not isinstance(rest[0], bool):
        dev = rest.pop(0)
    if rest and isinstance(rest[0], D.dtype):
        dtype = rest.pop(0)
    if rest and isinstance(rest[0], bool):
        non_blocking = rest.pop(0)
    if rest and isinstance(rest[0], bool):
        copy = rest.pop(0)
    if rest:
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"{tuple(builtins.type(a).__name__ for a in args)}")
    return (as_device(dev) if dev is not None else None), dtype, non_blocking, copy, mf


@method
def to(self, *args, **kwargs):
    dev, dtype, non_blocking, copy, mf = _parse_to(args, kwargs)
    if dev is not None and dev.type == "npu" and dev.index is None:
        from .._backends.common import transfer
        dev = transfer.current_npu_device()
    return to_impl(self, dev, dtype, non_blocking, copy, mf)


def to_impl(self, dev, dtype, non_blocking=False, copy=False, memory_format=None):
    same_dev = dev is None or dev == self.device or (
        dev.type == self.device.type and dev.index is None)
    same_dtype = dtype is None or dtype is self.dtype
    if same_dev and same_dtype and not copy and (
            memory_format is None or memory_format is preserve_format or
            suggest_memory_format(self._shape, self._stride) is memory_format):
        return self
    dtype = dtype or self.dtype
    if same_dev:
        out = dispatch(TO_COPY, self, dtype, memory_format)
    else:
        out = Tensor._empty(self._shape, dtype, dev,
                            layout_strides(self._shape, self._stride, memory_format))
        if dev.type != "meta":
            if self.device.type == "meta":
                raise NotImplementedError("Cannot copy out of meta tensor; no data!")
            copy_(out, self)
        if self._requires_grad and STATE.grad_enabled:
            from .._autograd.transfer_node import record_transfer
            record_transfer(self, out)
    return out


def _typed_cast(dt):
    def cast(self, memory_format=None):
        return to_impl(self, None, dt, memory_format=memory_format)
    return cast


for _name, _dt in (("float", D.float32), ("double", D.float64), ("half", D.float16),
                   ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
                   ("short", D.int16), ("char", D.int8), ("byte", D.uint8), ("bool", D.bool),
                   ("cfloat", D.complex64), ("cdouble", D.complex128)):
    method(_typed_cast(_dt), name=_name)


@method
def type(self, dtype=None, non_blocking=False, **kwargs):
    if dtype is None:
        return f"torch.{self.dtype.c10_name}Tensor"
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1].replace("Tensor", "")
        by_c10 = {d.c10_name: d for d in D.ALL_DTYPES}
        if name not in by_c10:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = by_c10[name]
    elif isinstance(dtype, builtins.type) and hasattr(dtype, "is_sparse"):
        dtype = dtype.dtype  # a legacy type: t.type(torch.LongTensor)
    return to_impl(self, None, dtype)


@method
def type_as(self, other):
    return to_impl(self, None, other.dtype)


@method
def cpu(self, memory_format=None):
    from .._device import CPU
    return to_impl(self, CPU, None)


@method
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from .creation import tensor
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------
# resize_ (storage grows when needed; contents of new elements are undefined)
# ---------------------------------------------------------------------------------------

def resize_(self, *sizes, memory_format=None):
    from ._common import as_shape
    shape = as_shape(sizes)
    stride = contiguous_strides(shape)
    n = 1
    for s in shape:
        n *= s
    need = (self._offset + n) * self.dtype.itemsize
    st = self.untyped_storage()
    if st.nbytes() < need:
        st.resize_(need)
    self._shape = shape
    self._stride = stride
    self._np = None
    return self


method(resize_, name="resize_")
method(copy_, name="copy_")
method(clone, name="clone")
method(lambda self, other: resize_(self, other._shape), name="resize_as_")


# ---------------------------------------------------------------------------------------
# fill_ / zero_
# ---------------------------------------------------------------------------------------

def _fill_meta(x, value):
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.dim()} dimensions.")
    return Spec(x._shape, x.dtype, x._stride)


FILL_ = register("fill_", _fill_meta, inplace=True)
ZERO_ = register("zero_", lambda x: Spec(x._shape, x.dtype, x._stride), inplace=True)


def _check_fill_range(dtype, value):
    """torch's checked scalar conversion: out-of-range numbers raise instead of wrapping."""
    if isinstance(value, (Tensor, bool, complex)) or dtype is D.bool:
        return
    v = value if isinstance(value, int) else float(value)
    if dtype.category <= D.INT:
        info = np.iinfo(dtype.np)
        lo = -info.max if info.min == 0 else info.min  # unsigned accepts negatives (wraps)
        bad = not (isinstance(v, int) or math.isfinite(v)) or not lo <= v <= info.max
        name = "int" if dtype is D.int32 else f"{np.dtype(dtype.np).name}_t"
    else:
        bad = dtype is D.float32 and math.isfinite(v) and abs(v) > 3.4028234663852886e38
        name = "float"
    if bad:
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


@method
def fill_(self, value):
    if not isinstance(value, (Tensor, int, float, complex, bool)) and not hasattr(
            value, "__index__") and not hasattr(value, "__float__"):
        raise TypeError(f"fill_(): argument 'value' (position 1) must be Number, not "
                        f"{type(value).__name__}")
    if isinstance(value, complex) and not self.dtype.is_complex:
        raise RuntimeError("value cannot be converted to type "
                           f"{self.dtype.name} without overflow")
    _check_fill_range(self.dtype, value)
    dispatch(FILL_, self, value)
    return self


@method
def zero_(self):
    dispatch(ZERO_, self)
    return self


def fill(input, value):
    return fill_(clone(input), value)
