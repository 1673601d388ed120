"""Process-wide runtime switches and the legacy / compiler namespaces of ``torch``.

What lives here: thread counts, float32 matmul precision, deterministic-algorithm flags,
warn-always, flush-denormal, ``torch.compile`` / ``torch.compiler``, ``torch.jit``, the
legacy typed storages (``torch.FloatStorage``...) and legacy tensor types
(``torch.FloatTensor``...) with ``set_default_tensor_type``.

Note [eager compile]: torch.compile and torch.jit.script/trace promise an optimised program
with the *same semantics* as eager execution.  This framework has no graph compiler, so
returning the function or module itself is the correct (if unoptimised) implementation,
not a placeholder: every observable result is the one the compiled program would give.
"""
from __future__ import annotations

import os
import sys
import types
import typing
import warnings

import numpy as np

from . import _dtype as D
from ._storage import TypedStorage
from ._tensor import Tensor

__all__ = [
    "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
    "set_float32_matmul_precision", "get_float32_matmul_precision",
    "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
    "get_deterministic_debug_mode", "set_warn_always", "is_warn_always_enabled",
    "set_flush_denormal", "set_default_tensor_type", "compile", "compiler", "jit",
    "Storage", "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage",
    "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    "ComplexFloatStorage", "ComplexDoubleStorage",
    "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
]

# --------------------------------------------------------------------------------------
# Threads
# --------------------------------------------------------------------------------------
# CPU kernels run in NumPy, whose heavy ops use the BLAS thread pool.  When threadpoolctl
# can see that pool we size it for real; otherwise (no threadpoolctl, or a BLAS it cannot
# find) the number is only remembered, so get_num_threads returns what was set.


class _Runtime:
    num_threads = None          # None: not set yet -> the BLAS pool's size / cpu count
    interop_threads = None
    matmul_precision = "highest"
    deterministic = False
    deterministic_warn_only = False
    warn_always = False


_R = _Runtime()
_BLAS_LIMITER = None            # threadpoolctl.ThreadpoolController-limits kept alive


def _blas_pool_size():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    sizes = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(sizes) if sizes else None


def get_num_threads():
    """Number of threads used for intra-op parallelism on CPU."""
    if _R.num_threads is None:
        n = _blas_pool_size()
        _R.num_threads = n if n else (len(os.sched_getaffinity(0)) if hasattr(
            os, "sched_getaffinity") else os.cpu_count() or 1)
    return _R.num_threads


def set_num_threads(int):  # noqa: A002 -- torch's parameter name
    """Set the number of intra-op CPU threads (the BLAS pool through threadpoolctl)."""
    global _BLAS_LIMITER
    n = int
    if not isinstance(n, (type(1), np.integer)) or isinstance(n, bool):
        raise TypeError(f"set_num_threads(): argument 'int' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    try:
        from threadpoolctl import threadpool_limits
        _BLAS_LIMITER = threadpool_limits(limits=n, user_api="blas")
    except ImportError:
        pass
    _R.num_threads = n


def get_num_interop_threads():
    """Number of inter-op threads (remembered; CPU kernels run on the calling thread)."""
    return _R.interop_threads if _R.interop_threads is not None else get_num_threads()


def set_num_interop_threads(int):  # noqa: A002
    """Set the number of inter-op threads; like torch, only once."""
    n = int
    if n <= 0:
        raise RuntimeError("Expected positive number of threads")
    if _R.interop_threads is not None and _R.interop_threads != n:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _R.interop_threads = n


# --------------------------------------------------------------------------------------
# Numerics and determinism flags
# --------------------------------------------------------------------------------------
_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """'highest' | 'high' | 'medium'.  NumPy matmuls are always full float32 ('highest'
    behaviour); the setting is recorded for code that reads it back."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.")
        return
    _R.matmul_precision = precision


def get_float32_matmul_precision():
    return _R.matmul_precision


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record the determinism request.  Every CPU kernel here is deterministic already."""
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {type(mode).__name__}")
    _R.deterministic = mode
    _R.deterministic_warn_only = bool(warn_only) and mode


def are_deterministic_algorithms_enabled():
    return _R.deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _R.deterministic_warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """0/'default': off, 1/'warn': deterministic with warnings, 2/'error': deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _R.deterministic:
        return 0
    return 1 if _R.deterministic_warn_only else 2


def set_warn_always(b):
    """Make warnings that torch emits once per process emit every time."""
    _R.warn_always = bool(b)


def is_warn_always_enabled():
    return _R.warn_always


def set_flush_denormal(mode):
    """Flush-to-zero of denormals needs the CPU's FTZ/DAZ control bits, which NumPy kernels
    cannot set; like torch on a CPU without that support, enabling returns False (nothing
    changed) and disabling -- the state we are always in -- returns True."""
    return not mode


# --------------------------------------------------------------------------------------
# torch.compile / torch.compiler   (Note [eager compile])
# --------------------------------------------------------------------------------------
_COMPILE_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
                  "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None,  # noqa: A001 -- torch's name
            backend="inductor", mode=None, options=None, disable=False):
    """torch.compile: returns ``model`` itself (eager execution has the same semantics).

    Usable as ``compile(fn)``, ``@compile`` and ``@compile(mode=...)``.
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           + ", ".join(_COMPILE_MODES))
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is "
                             "provided.")
    return model


def _identity_decorator(fn=None, *args, **kwargs):
    """A decorator that may be used bare or called with options; returns fn unchanged."""
    if fn is None or not callable(fn):
        return lambda f: f
    return fn


compiler = types.ModuleType(__name__.rsplit(".", 1)[0] + ".compiler",
                            "torch.compiler: eager stand-ins (Note [eager compile]).")
compiler.compile = compile
compiler.is_compiling = lambda: False
compiler.is_dynamo_compiling = lambda: False
compiler.disable = _identity_decorator
compiler.assume_constant_result = _identity_decorator
compiler.allow_in_graph = _identity_decorator
compiler.reset = lambda: None

# --------------------------------------------------------------------------------------
# torch.jit   (Note [eager compile]: scripted and traced programs run eagerly)
# --------------------------------------------------------------------------------------


def _script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """jit.script: the function or module itself."""
    return obj


def _trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
           check_tolerance=1e-5, strict=True, _force_outplace=False,
           _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
           _store_inputs=True):
    """jit.trace: the function or module itself (eager semantics)."""
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    return func


def _ignore(drop=False, **kwargs):
    """@jit.ignore or @jit.ignore(drop=True): the function unchanged."""
    if callable(drop):
        return drop
    return lambda fn: fn


def _annotate(the_type, the_value):
    return the_value


jit = types.ModuleType(__name__.rsplit(".", 1)[0] + ".jit",
                       "torch.jit: eager stand-ins (Note [eager compile]).")
jit.script = _script
jit.trace = _trace
jit.trace_module = lambda mod, inputs, *a, **k: mod
jit.ignore = _ignore
jit.unused = lambda fn: fn
jit.export = lambda fn: fn
jit.script_if_tracing = lambda fn: fn
jit.is_scripting = lambda: False
jit.is_tracing = lambda: False
jit.annotate = _annotate
jit.Final = typing.Final
jit.Attribute = lambda value, type=None: value  # noqa: A002
jit.interface = lambda obj: obj


def _jit_getattr(name):
    # ScriptModule / ScriptFunction resolve to what jit.script returns: nn.Module and
    # Python functions; looked up lazily so importing torch does not import nn early.
    if name == "ScriptModule":
        from .nn import Module
        return Module
    if name == "ScriptFunction":
        return types.FunctionType
    raise AttributeError(f"module 'torch.jit' has no attribute '{name}'")


jit.__getattr__ = _jit_getattr
sys.modules.setdefault(jit.__name__, jit)
sys.modules.setdefault(compiler.__name__, compiler)

# --------------------------------------------------------------------------------------
# Legacy typed storages: torch.FloatStorage(...) and isinstance(s, torch.FloatStorage)
# --------------------------------------------------------------------------------------


class _LegacyStorageMeta(type):
    """isinstance(s, torch.FloatStorage) holds for any CPU TypedStorage of float32."""

    def __instancecheck__(cls, obj):
        if type.__instancecheck__(cls, obj):
            return True
        return (isinstance(obj, TypedStorage) and obj.dtype is cls._legacy_dtype
                and obj.device.type == "cpu")

    @property
    def dtype(cls):
        # on the metaclass: instances keep TypedStorage's per-instance ``dtype`` slot
        return cls._legacy_dtype


def _make_storage(name, dtype):
    def __init__(self, *args, wrap_storage=None, device=None):
        TypedStorage.__init__(self, *args, dtype=dtype, device=device,
                              wrap_storage=wrap_storage)
    return _LegacyStorageMeta(name, (TypedStorage,), {
        "__slots__": (), "__init__": __init__, "__module__": "torch",
        "__doc__": f"Legacy CPU storage of {dtype}.", "_legacy_dtype": dtype})


# --------------------------------------------------------------------------------------
# Legacy tensor types: torch.FloatTensor(2, 3), torch.LongTensor([1, 2]), isinstance
# --------------------------------------------------------------------------------------


class _LegacyTensorMeta(type):
    """isinstance(t, torch.FloatTensor) holds exactly for CPU float32 tensors."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __call__(cls, *args, device=None):
        from ._ops import creation
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{str(device).split(':')[0]} was passed")
        if not args:
            return creation.empty(0, dtype=cls.dtype)
        if all(isinstance(a, (type(1), np.integer)) and not isinstance(a, bool) for a in args):
            return creation.empty(*args, dtype=cls.dtype)
        if len(args) == 1:
            a = args[0]
            if isinstance(a, Tensor):
                if a.dtype is not cls.dtype or a.device.type != "cpu":
                    raise TypeError(f"expected {cls.__name__} (got {a.type()})")
                return a
            if isinstance(a, tuple) and type(a).__name__ == "Size":
                return creation.empty(*a, dtype=cls.dtype)
            if isinstance(a, (list, tuple, np.ndarray)):
                return creation.tensor(a, dtype=cls.dtype)
        bad = next(a for a in args if not isinstance(a, (type(1), np.integer)))
        raise TypeError(f"new(): invalid data type '{type(bad).__name__}'")

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _make_tensor_type(name, dtype):
    return _LegacyTensorMeta(name, (), {"__module__": "torch", "dtype": dtype,
                                         "is_cuda": False, "is_sparse": False,
                                         "__doc__": f"Legacy CPU tensor type of {dtype}."})


# (tensor type, storage type, dtype) -- one row per legacy type
_LEGACY = [
    ("FloatTensor", "FloatStorage", D.float32), ("DoubleTensor", "DoubleStorage", D.float64),
    ("HalfTensor", "HalfStorage", D.float16), ("BFloat16Tensor", "BFloat16Storage", D.bfloat16),
    ("LongTensor", "LongStorage", D.int64), ("IntTensor", "IntStorage", D.int32),
    ("ShortTensor", "ShortStorage", D.int16), ("CharTensor", "CharStorage", D.int8),
    ("ByteTensor", "ByteStorage", D.uint8), ("BoolTensor", "BoolStorage", D.bool),
    (None, "ComplexFloatStorage", D.complex64), (None, "ComplexDoubleStorage", D.complex128),
]
_TENSOR_TYPES = {}
for _tname, _sname, _dt in _LEGACY:
    globals()[_sname] = _make_storage(_sname, _dt)
    if _tname:
        globals()[_tname] = _TENSOR_TYPES[_tname] = _make_tensor_type(_tname, _dt)
del _tname, _sname, _dt

# torch.Storage is the legacy storage of the default dtype, float32
Storage = FloatStorage  # noqa: F821 -- defined by the loop above


_WARNED_TENSOR_TYPE = False


def set_default_tensor_type(t):
    """Deprecated: ``torch.FloatTensor`` / ``'torch.DoubleTensor'`` -> set_default_dtype."""
    global _WARNED_TENSOR_TYPE
    if not _WARNED_TENSOR_TYPE or _R.warn_always:     # torch warns once per process
        _WARNED_TENSOR_TYPE = True
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                      "use torch.set_default_dtype() and torch.set_default_device() as "
                      "alternatives.", UserWarning, stacklevel=2)
    if isinstance(t, str):
        name = t[len("torch."):] if t.startswith("torch.") else t
        if name not in _TENSOR_TYPES:     # torch resolves the name as an attribute
            raise AttributeError(f"module 'torch' has no attribute '{name}'")
        t = _TENSOR_TYPES[name]
    if not isinstance(t, _LegacyTensorMeta):
        raise TypeError(f"invalid type: '{t}'")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    D.set_default_dtype(t.dtype)
