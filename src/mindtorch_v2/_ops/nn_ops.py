"""Neural-network primitives used by torch.special / torch.nn.functional (softmax, ...).

``softmax(x, dim, dtype)`` / ``log_softmax``: the input is cast to ``dtype`` first when
given; integer, bool and complex inputs are refused like torch's CPU kernels.  Results are
contiguous; float16/bfloat16 compute in float32 (the CPU kernel).
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from ._common import contiguous_strides, wrap_dim
from .registry import Spec, register
from .tensor_methods import method

__all__ = ["softmax", "log_softmax"]


def softmax_dtype(name, x, dim, dtype):
    """(wrapped dim, result dtype) of softmax-like ``name``; torch's errors."""
    nd = len(x._shape)
    d = wrap_dim(dim, nd)
    dt = x.dtype if dtype is None else dtype
    if not dt.is_floating_point:
        last = d == nd - 1 or nd == 0
        kname = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError(f'"{kname}" not implemented for \'{dt.c10_name}\'')
    return d, dt


def _meta_for(name):
    def meta(x, dim, dtype=None):
        _, dt = softmax_dtype(name, x, dim, dtype)
        return Spec(x._shape, dt, contiguous_strides(x._shape))
    return meta


SOFTMAX = register("softmax", _meta_for("softmax"), family="nn_ops")
LOG_SOFTMAX = register("log_softmax", _meta_for("log_softmax"), family="nn_ops")


def _check_dim(name, dim):
    if not isinstance(dim, int) or isinstance(dim, bool):
        if dim is None:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")


def softmax(input, dim, dtype=None, *, out=None):
    _check_dim("softmax", dim)
    if out is not None:
        return dispatch_out(SOFTMAX, out, input, dim, dtype)
    return dispatch(SOFTMAX, input, dim, dtype)


def log_softmax(input, dim, dtype=None, *, out=None):
    _check_dim("log_softmax", dim)
    if out is not None:
        return dispatch_out(LOG_SOFTMAX, out, input, dim, dtype)
    return dispatch(LOG_SOFTMAX, input, dim, dtype)


def _softmax_method(self, dim, dtype=None):
    return softmax(self, dim, dtype)


def _log_softmax_method(self, dim, dtype=None):
    return log_softmax(self, dim, dtype)


method(_softmax_method, name="softmax")
method(_log_softmax_method, name="log_softmax")

del D
