"""torch.autocast: per-op mixed precision, as a dispatcher layer.

Note [autocast layer]: while any device has autocast on, ``dispatch`` hands each call to
``autocast_layer`` before the functionalize / autograd layers (torch's order: Autocast
keys rank above Autograd).  The layer looks the op up in the device's policy table
(lists.py) and, for a listed op, casts the op's floating inputs that live on that device
with ``Tensor.to`` -- an ordinary op, so autograd records the cast (ToCopyBackward) and
gradients reach the inputs in their original dtype.  Unlisted ops run in whatever dtype
their inputs have.  With autocast off the dispatcher pays one attribute check.

Cast cache: within the outermost autocast region, a float32 leaf that requires grad (a
parameter) is cast to the lower-precision dtype once and reused, as in torch.
"""
from __future__ import annotations

import functools
import threading
import warnings

from .. import _dtype as D
from .._device import device as _device
from .._dispatch import dispatcher as _dispatcher
from .._tensor import Tensor
from .lists import FP32, LOWER, POLICIES

__all__ = [
    "autocast", "is_autocast_available", "is_autocast_enabled", "set_autocast_enabled",
    "get_autocast_dtype", "set_autocast_dtype", "is_autocast_cache_enabled",
    "set_autocast_cache_enabled", "clear_autocast_cache", "autocast_increment_nesting",
    "autocast_decrement_nesting", "get_autocast_cpu_dtype", "get_autocast_gpu_dtype",
    "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "set_autocast_cpu_dtype",
    "set_autocast_gpu_dtype", "custom_fwd", "custom_bwd",
]

_DEFAULT_DTYPE = {"cpu": D.bfloat16, "cuda": D.float16, "npu": D.float16}
_SUPPORTED = {"cpu": (D.bfloat16, D.float16), "npu": (D.bfloat16, D.float16),
              "cuda": (D.bfloat16, D.float16)}


class _AutocastState(threading.local):
    """Per-thread autocast switches, like torch's thread-local autocast state."""

    def __init__(self):
        self.enabled = {}                    # device type -> bool
        self.dtype = dict(_DEFAULT_DTYPE)    # device type -> lower-precision dtype
        self.cache_enabled = True
        self.nesting = 0
        self.cache = {}                      # id(param) -> (param, cast)


_S = _AutocastState()


def _refresh_flag():
    _dispatcher.STATE.autocast = any(_S.enabled.values())


# --------------------------------------------------------------------------------------
# The layer (Note [autocast layer])
# --------------------------------------------------------------------------------------

def _eligible(t, dt):
    return (isinstance(t, Tensor) and t.device.type == dt and t.dtype.is_floating_point
            and t.dtype is not D.float64)


def _cast(t, dt, target):
    if not _eligible(t, dt) or t.dtype is target:
        return t
    cache = (_S.cache_enabled and target is not D.float32 and t.dtype is D.float32
             and t.requires_grad and t.grad_fn is None and getattr(t, "_base", None) is None)
    if cache:
        hit = _S.cache.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
    r = t.to(target)
    if cache:
        _S.cache[id(t)] = (t, r)
    return r


def _cast_arg(a, dt, target):
    if isinstance(a, Tensor):
        return _cast(a, dt, target)
    if type(a) in (list, tuple) and a and isinstance(a[0], Tensor):
        return type(a)(_cast(t, dt, target) for t in a)
    return a


def _widest(args, dt, start):
    w = start
    for a in args:
        for t in (a if type(a) in (list, tuple) else (a,)):
            if isinstance(t, Tensor) and t.device.type == dt and t.dtype.is_floating_point:
                w = D.promote_types(w, t.dtype)
    return w


def autocast_layer(op, dt, args, kwargs):
    """Cast ``args`` for ``op`` on device type ``dt`` by the active policy."""
    if not _S.enabled.get(dt):
        return args, kwargs
    table = POLICIES.get(dt)
    policy = table.get(op.name) if table else None
    if policy is None:
        name = op.name.split(".", 1)[0]
        policy = table.get(name) if table and name != op.name else None
        if policy is None:
            return args, kwargs
    if policy is LOWER:
        target = _S.dtype[dt]
    elif policy is FP32:
        if kwargs.get("dtype") is not None:      # the caller chose the output dtype
            return args, kwargs
        target = D.float32
    else:
        target = _widest(args, dt, _S.dtype[dt])
    return tuple(_cast_arg(a, dt, target) for a in args), kwargs


_dispatcher.LAYERS["autocast"] = autocast_layer


# --------------------------------------------------------------------------------------
# State functions (torch.is_autocast_enabled & co)
# --------------------------------------------------------------------------------------

def is_autocast_available(device_type):
    """Whether autocast supports ``device_type``."""
    return device_type in _DEFAULT_DTYPE


def _check_type(device_type):
    if device_type not in _DEFAULT_DTYPE:
        raise RuntimeError(f"User specified an unsupported autocast device_type "
                           f"'{device_type}'")
    return device_type


def is_autocast_enabled(device_type="cuda"):
    """Autocast state of ``device_type`` (torch's default argument is CUDA)."""
    return bool(_S.enabled.get(_check_type(device_type)))


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:     # legacy one-argument form: the CUDA flag
        device_type, enabled = "cuda", device_type
    _S.enabled[_check_type(device_type)] = bool(enabled)
    _refresh_flag()


def get_autocast_dtype(device_type):
    return _S.dtype[_check_type(device_type)]


def set_autocast_dtype(device_type, dtype):
    _S.dtype[_check_type(device_type)] = dtype


def is_autocast_cache_enabled():
    return _S.cache_enabled


def set_autocast_cache_enabled(enabled):
    _S.cache_enabled = bool(enabled)


def clear_autocast_cache():
    _S.cache.clear()


def autocast_increment_nesting():
    _S.nesting += 1
    return _S.nesting


def autocast_decrement_nesting():
    _S.nesting -= 1
    return _S.nesting


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    _deprecated("set_autocast_gpu_dtype", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


# --------------------------------------------------------------------------------------
# The context manager / decorator
# --------------------------------------------------------------------------------------

def _device_available(device_type):
    if device_type == "cpu":
        return True
    from .. import cuda, npu
    return (cuda if device_type == "cuda" else npu).is_available()


class autocast:
    """``with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):``

    Inside the region, ops on ``device_type`` listed in torch's autocast policies run in
    ``dtype`` (default: bfloat16 on cpu, float16 on npu) or float32; see lists.py.  Also a
    decorator.  Nested regions restore the outer state on exit.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: "
                             f"`{type(device_type)}`")
        self.device = device_type
        if device_type not in _DEFAULT_DTYPE:
            _device(device_type)             # torch's error for a malformed device string
            raise RuntimeError(f"User specified an unsupported autocast device_type "
                               f"'{device_type}'")
        self.fast_dtype = _S.dtype[device_type] if dtype is None else dtype
        self._cache_enabled = (_S.cache_enabled if cache_enabled is None
                               else bool(cache_enabled))
        if enabled and not _device_available(device_type):
            name = device_type.upper()
            warnings.warn(f"{name} is not available or torch_xla is imported. Disabling "
                          "autocast." if name == "CUDA" else
                          f"User provided device_type of '{device_type}', but the current "
                          f"device is not available. Disabling")
            enabled = False
        if enabled and self.fast_dtype not in _SUPPORTED[device_type]:
            if device_type == "cpu":
                warnings.warn("In CPU autocast, but the target dtype is not supported. "
                              "Disabling autocast.\nCPU Autocast only supports dtypes of "
                              "torch.bfloat16, torch.float16 currently.")
            else:
                warnings.warn(f"In {device_type} autocast, but the target dtype "
                              f"{self.fast_dtype} is not supported. Disabling autocast.")
            enabled = False
        self._enabled = bool(enabled)

    def __enter__(self):
        d = self.device
        self._prev = (_S.enabled.get(d, False), _S.dtype[d], _S.cache_enabled)
        _S.enabled[d] = self._enabled
        _S.dtype[d] = self.fast_dtype
        _S.cache_enabled = self._cache_enabled
        _S.nesting += 1
        _refresh_flag()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        d = self.device
        _S.nesting -= 1
        if _S.nesting == 0:
            _S.cache.clear()
        _S.enabled[d], _S.dtype[d], _S.cache_enabled = self._prev
        _refresh_flag()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self.__class__(self.device, self.fast_dtype, self._enabled,
                                self._cache_enabled):
                return func(*args, **kwargs)
        return decorate_autocast


# --------------------------------------------------------------------------------------
# custom_fwd / custom_bwd for autograd.Function subclasses
# --------------------------------------------------------------------------------------

def _cast_inputs(value, dtype):
    if isinstance(value, Tensor):
        return value.to(dtype) if value.dtype.is_floating_point and \
            value.dtype is not D.float64 else value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_inputs(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast_inputs(v, dtype) for k, v in value.items()}
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorate ``Function.forward``: remember the autocast state for backward; with
    ``cast_inputs``, run forward with autocast off on inputs cast to that dtype."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type,
                                 cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._fwd_used_autocast = is_autocast_enabled(device_type)
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None or not ctx._fwd_used_autocast:
            return fwd(*args, **kwargs)
        with autocast(device_type, enabled=False):
            return fwd(ctx, *_cast_inputs(args[1:], cast_inputs),
                       **_cast_inputs(kwargs, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorate ``Function.backward``: run it under the forward's autocast state."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd
