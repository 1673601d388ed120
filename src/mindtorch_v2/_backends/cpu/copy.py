"""CPU kernels for copies and casts (copy_, clone, _to_copy, fill_)."""
from __future__ import annotations

import warnings

import numpy as np

from ..._ops import copy_ops as C
from ..._ops.registry import OPS
from ..._tensor import Tensor, contiguous_strides
from ._util import arr, wrap


def _assign(dst_arr, src_arr):
    if src_arr.dtype.kind == "c" and dst_arr.dtype.kind != "c":
        warnings.warn("Casting complex values to real discards the imaginary part",
                      UserWarning, stacklevel=4)
        src_arr = src_arr.real
    np.copyto(dst_arr, src_arr, casting="unsafe")


def copy_kernel(dst, src, non_blocking=False):
    _assign(arr(dst), arr(src))
    return dst


def _layout_copy(x, dtype, memory_format):
    a = arr(x)
    stride = C.layout_strides(x._shape, x._stride, memory_format)
    if stride == contiguous_strides(x._shape):
        if a.dtype.kind == "c" and dtype.np.kind != "c":
            a = a.real
        r = np.array(a, dtype=dtype.np, order="C", copy=True)
        return wrap(r, dtype)
    out = Tensor._empty(x._shape, dtype, x.device, stride)
    _assign(arr(out), a)
    return out


def clone_kernel(x, memory_format=None):
    return _layout_copy(x, x.dtype, memory_format)


def to_copy_kernel(x, dtype, memory_format=None):
    return _layout_copy(x, dtype, memory_format)


def fill_kernel(x, value):
    a = arr(x)
    if hasattr(value, "_shape"):
        value = arr(value)
    elif type(value) is int and value < 0 and a.dtype.kind == "u":
        value %= 1 << (8 * a.itemsize)  # torch wraps negatives into unsigned types
    a[...] = value
    return x


def zero_kernel(x):
    arr(x)[...] = 0
    return x


def register():
    OPS["copy_"].kernels["cpu"] = copy_kernel
    OPS["clone"].kernels["cpu"] = clone_kernel
    OPS["_to_copy"].kernels["cpu"] = to_copy_kernel
    OPS["fill_"].kernels["cpu"] = fill_kernel
    OPS["zero_"].kernels["cpu"] = zero_kernel
