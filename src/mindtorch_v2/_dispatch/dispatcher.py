"""The dispatcher: from an op and its arguments to the layer or device kernel that runs it.

Layers, outermost first (see ARCHITECTURE.md):

0. autocast      -- only inside ``with torch.autocast(...):`` (casts, then continues)
1. functionalize -- only inside ``with torch.functionalize():``
2. autograd      -- only when grad mode is on and an input requires grad
3. device kernel -- ``op.kernels[device.type]``

The layers install themselves into ``LAYERS`` (a dict, filled by their own modules) and
call ``redispatch`` to reach the next one; kernels never see layers.  The common case (no
layer active) costs one scan of the arguments and one dict lookup.
"""
from __future__ import annotations

import threading

from .._dtype import can_cast
from .._tensor import Tensor

__all__ = ["dispatch", "redispatch", "dispatch_inplace", "dispatch_out", "LAYERS", "STATE"]


class _State(threading.local):
    """Switches read on every call; per thread like torch's thread-local grad mode."""

    def __init__(self):
        self.functionalize = False
        self.grad_enabled = True
        self.autocast = False   # any device's autocast on (amp/autocast_mode.py)


STATE = _State()
# name -> callable(op, device_type, args, kwargs); installed by _functionalize / _autograd
LAYERS = {}


def _device_of(op, args):
    """(device type, any input requires grad) of the tensors among ``args``.

    0-dim CPU tensors may mix with tensors of another device (torch treats them as
    scalars); any other mix raises torch's RuntimeError.
    """
    dev = None
    rg = False
    for a in args:
        if isinstance(a, Tensor):
            d = a.device
        elif type(a) in (list, tuple) and a and isinstance(a[0], Tensor):
            for t in a:
                if isinstance(t, Tensor):
                    rg = rg or t._requires_grad
                    dev = _merge(dev, t)
            continue
        else:
            continue
        rg = rg or a._requires_grad
        if dev is None:
            dev = a
        elif dev.device is not d:
            dev = _merge(dev, a)
    if dev is None:
        raise TypeError(f"{op.name}(): expected at least one Tensor argument")
    return dev.device.type, rg


def _merge(cur, t):
    if cur is None or cur.device is t.device:
        return t
    if cur.device.type == "cpu" and not cur._shape:
        return t
    if t.device.type == "cpu" and not t._shape:
        return cur
    if cur.device.type == t.device.type:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                           f"two devices, {cur.device} and {t.device}!")
    raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                       f"devices, {cur.device} and {t.device}!")


def dispatch(op, *args, **kwargs):
    """Run ``op`` on ``args``: through the active layers, then the device kernel."""
    dt, rg = _device_of(op, args)
    if STATE.autocast:   # Note [autocast layer]: casts inputs, then the layers below run
        args, kwargs = LAYERS["autocast"](op, dt, args, kwargs)
    if STATE.functionalize:
        return LAYERS["functionalize"](op, dt, args, kwargs)
    if rg and STATE.grad_enabled and "autograd" in LAYERS:
        return LAYERS["autograd"](op, dt, args, kwargs)
    k = op.kernels.get(dt)
    if k is None:
        _no_kernel(op, dt)
    if op.inplace:
        self = args[0]
        if 0 in self._stride and op.name not in _OVERLAP_OK:
            check_no_internal_overlap(self)
        r = k(*args, **kwargs)
        self._vc[0] += 1  # shared by all views of the storage
        return r
    return k(*args, **kwargs)


# writing one constant everywhere is well defined even when elements alias (torch allows
# it; masked_fill_ on an expanded tensor is only deprecated there)
_OVERLAP_OK = frozenset({"fill_", "zero_", "masked_fill_"})


def check_no_internal_overlap(t):
    """torch refuses in-place writes through a tensor whose elements alias (expand)."""
    if all(t._shape) and any(st == 0 and sz > 1 for sz, st in zip(t._shape, t._stride)):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")


def redispatch(op, dt, args, kwargs):
    """Run the device kernel directly (what a layer calls once it has done its part)."""
    k = op.kernels.get(dt)
    if k is None:
        _no_kernel(op, dt)
    if op.inplace:
        self = args[0]
        if 0 in self._stride and op.name not in _OVERLAP_OK:
            check_no_internal_overlap(self)
        r = k(*args, **kwargs)
        self._vc[0] += 1
        return r
    return k(*args, **kwargs)


def _no_kernel(op, dt):
    backend = {"cpu": "CPU", "meta": "Meta", "npu": "NPU"}.get(dt, dt)
    raise NotImplementedError(f"Could not run 'aten::{op.name}' with arguments from the "
                              f"'{backend}' backend.")


def check_inplace_result(self, result):
    """torch's checks for writing ``result`` into ``self`` (in-place ops)."""
    if result.dtype is not self.dtype and not can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"result type {result.dtype.c10_name} can't be cast to the desired "
                           f"output type {self.dtype.c10_name}")
    if result._shape != self._shape:
        raise RuntimeError(f"output with shape {list(self._shape)} doesn't match the broadcast "
                           f"shape {list(result._shape)}")


def dispatch_inplace(op, self, *args, **kwargs):
    """Generic in-place form: compute out of place, check, write back into ``self``.

    ``op`` is the out-of-place op; families with a direct in-place kernel (elementwise on
    CPU) register their own ``<name>_`` op instead.
    """
    result = dispatch(op, self, *args, **kwargs)
    check_inplace_result(self, result)
    _copy_ops().copy_(self, result)
    return self


def dispatch_out(op, out, *args, **kwargs):
    """Generic ``out=`` form: compute, check the cast, resize ``out``, copy into it."""
    if STATE.grad_enabled and _device_of(op, args)[1]:
        # like torch: the copy into ``out`` would silently drop the history
        raise RuntimeError(f"{op.name.split('.')[0]}(): functions with out=... arguments don't "
                           "support automatic differentiation, but one of the arguments "
                           "requires grad.")
    result = dispatch(op, *args, **kwargs)
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{op.name}(): argument 'out' must be tuple of {len(result)} Tensors")
        for o, r in zip(out, result):
            _write_out(o, r)
        return out
    _write_out(out, result)
    return out


def _copy_ops():
    from .._ops import copy_ops
    return copy_ops


def _write_out(out, result):
    copy_ops = _copy_ops()
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if result.dtype is not out.dtype and not can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.c10_name} can't be cast to the desired "
                           f"output type {out.dtype.c10_name}")
    if out.device != result.device:
        raise RuntimeError(f"Expected out tensor to have device {result.device}, but got "
                           f"{out.device} instead")
    if out._shape != result._shape:
        copy_ops.resize_(out, result._shape)
    copy_ops.copy_(out, result)
