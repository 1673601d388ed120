"""torch dtypes, their NumPy twins, and PyTorch's type promotion.

Promotion follows c10: ``promote_types`` is a lattice over (category, width) with the
special cases PyTorch has (uint8 + int8 -> int16, float16 + bfloat16 -> float32, the
barely supported uint16/32/64 and float8 types refuse to promote).  ``result_type``
implements the three-state rule of ``at::native::result_type``: dimensioned tensors,
zero-dim tensors and Python scalars each promote among themselves, and a lower-priority
state only counts when it is of a higher *category* (bool < integer < float < complex).
"""
from __future__ import annotations

import builtins
import math

import ml_dtypes
import numpy as np

__all__ = [
    "dtype", "finfo", "iinfo", "promote_types", "result_type", "can_cast",
    "get_default_dtype", "set_default_dtype",
]

# category of a dtype: Note [dtype categories] -- the unit of result_type's comparisons.
BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A torch dtype.  Instances are singletons: compare with ``is`` or ``==``."""

    __slots__ = ("name", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "np", "category", "c10_name", "_storage_only", "__weakref__")

    def __init__(self, name, np_dtype, category, c10_name, signed, storage_only=False):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_floating_point = category == FLOAT
        self.is_complex = category == COMPLEX
        self.is_signed = signed
        self.c10_name = c10_name
        self._storage_only = storage_only

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):  # pickle as a reference to the module-level singleton
        return (_dtype_by_name, (self.name,))

    def to_complex(self):
        return _TO_COMPLEX.get(self, self)

    def to_real(self):
        return _TO_REAL.get(self, self)

    @property
    def is_unsigned(self):  # not a torch attribute; internal convenience
        return not self.is_signed


def _dtype_by_name(name):
    return _BY_NAME[name]


bool = dtype("bool", np.bool_, BOOL, "Bool", False)  # noqa: A001 (torch.bool)
uint8 = dtype("uint8", np.uint8, INT, "Byte", False)
int8 = dtype("int8", np.int8, INT, "Char", True)
int16 = dtype("int16", np.int16, INT, "Short", True)
int32 = dtype("int32", np.int32, INT, "Int", True)
int64 = dtype("int64", np.int64, INT, "Long", True)
uint16 = dtype("uint16", np.uint16, INT, "UInt16", False)
uint32 = dtype("uint32", np.uint32, INT, "UInt32", False)
uint64 = dtype("uint64", np.uint64, INT, "UInt64", False)
float16 = dtype("float16", np.float16, FLOAT, "Half", True)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, "BFloat16", True)
float32 = dtype("float32", np.float32, FLOAT, "Float", True)
float64 = dtype("float64", np.float64, FLOAT, "Double", True)
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloat", True)
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDouble", True)
float8_e4m3fn = dtype("float8_e4m3fn", ml_dtypes.float8_e4m3fn, FLOAT, "Float8_e4m3fn", True, True)
float8_e5m2 = dtype("float8_e5m2", ml_dtypes.float8_e5m2, FLOAT, "Float8_e5m2", True, True)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", ml_dtypes.float8_e4m3fnuz, FLOAT, "Float8_e4m3fnuz", True, True)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", ml_dtypes.float8_e5m2fnuz, FLOAT, "Float8_e5m2fnuz", True, True)

# torch's aliases
half = float16
float = float32  # noqa: A001
double = float64
cfloat = complex64
cdouble = complex128
short = int16
int = int32  # noqa: A001
long = int64

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16,
              bfloat16, float32, float64, complex64, complex128, float8_e4m3fn,
              float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update(half=half, float=float32, double=float64, cfloat=complex64,
                cdouble=complex128, short=int16, int=int32, long=int64)
_FROM_NP = {d.np: d for d in ALL_DTYPES}
_TO_COMPLEX = {float16: complex64, bfloat16: complex64, float32: complex64,
               float64: complex128}
_TO_REAL = {complex64: float32, complex128: float64}
_LIMITED_UINTS = (uint16, uint32, uint64)


def from_numpy_dtype(np_dtype):
    """The torch dtype of a NumPy dtype; TypeError for dtypes torch lacks."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
            "int8, uint64, uint32, uint16, uint8, and bool.") from None


# ---------------------------------------------------------------------------------------
# promote_types: a table built once from the lattice rules
# ---------------------------------------------------------------------------------------

_INT_ORDER = (bool, uint8, int8, int16, int32, int64)
_FLOAT_ORDER = (float16, float32, float64)


def _promote_rule(a, b):
    if a is b:
        return a
    if a._storage_only or b._storage_only:
        raise RuntimeError("Promotion for Float8 Types is not supported, attempted to promote "
                           f"{a.c10_name} and {b.c10_name}")
    if a in _LIMITED_UINTS or b in _LIMITED_UINTS:
        other = b if a in _LIMITED_UINTS else a
        if other.is_floating_point:
            return other
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {a.c10_name} and {b.c10_name}")
    if a.category < b.category:
        a, b = b, a
    # now a has the higher (or equal) category
    if a.is_complex:
        if b.is_complex:
            return complex128 if complex128 in (a, b) else complex64
        return complex128 if (a is complex128 or b is float64) else complex64
    if a.is_floating_point:
        if not b.is_floating_point:
            return a
        if {a, b} == {float16, bfloat16}:
            return float32
        if bfloat16 in (a, b):
            return a if b is bfloat16 else b
        return _FLOAT_ORDER[builtins.max(_FLOAT_ORDER.index(a), _FLOAT_ORDER.index(b))]
    if {a, b} == {uint8, int8}:
        return int16
    return _INT_ORDER[builtins.max(_INT_ORDER.index(a), _INT_ORDER.index(b))]


_PROMOTE = {}
_PROMOTE_ERR = {}
for _a in ALL_DTYPES:
    for _b in ALL_DTYPES:
        try:
            _PROMOTE[(_a, _b)] = _promote_rule(_a, _b)
        except RuntimeError as _e:
            _PROMOTE_ERR[(_a, _b)] = str(_e)
del _a, _b


def promote_types(type1, type2):
    """The smallest dtype to which both can be cast (torch.promote_types)."""
    r = _PROMOTE.get((type1, type2))
    if r is None:
        if (type1, type2) in _PROMOTE_ERR:
            raise RuntimeError(_PROMOTE_ERR[(type1, type2)])
        raise TypeError(f"promote_types(): argument 'type1' must be torch.dtype, "
                        f"not {type(type1).__name__}")
    return r


def can_cast(from_, to):
    """torch.can_cast: no complex->real, float->integral, or non-bool->bool casts."""
    if not isinstance(from_, dtype) or not isinstance(to, dtype):
        raise TypeError("can_cast(): argument 'from_' and 'to' must be torch.dtype")
    if from_.category > to.category:
        return False
    return True


# ---------------------------------------------------------------------------------------
# default dtype
# ---------------------------------------------------------------------------------------

_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex_dtype():
    d = _default[0]
    if d is float64:
        return complex128
    if d is bfloat16:
        raise RuntimeError("invalid default scalar type for complex")
    return complex64  # torch: complex32 under a float16 default (no complex32 here)


def scalar_dtype(x):
    """The dtype a Python scalar takes when it becomes a tensor."""
    t = type(x)
    if t is builtins.bool or t is np.bool_:
        return bool
    if t is builtins.int:
        return int64
    if t is builtins.float:
        return _default[0]
    if t is builtins.complex:
        return default_complex_dtype()
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    raise TypeError(f"unsupported scalar type {t.__name__}")


# ---------------------------------------------------------------------------------------
# result_type: Note [result_type states]
# ---------------------------------------------------------------------------------------

def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def _promote_opt(a, b):
    return b if a is None else promote_types(a, b)


def result_type_of(dim_dtypes, zero_dtypes, scalar_dtypes):
    """Combine the three promotion states (see Note [result_type states])."""
    dim = zero = wrapped = None
    for d in dim_dtypes:
        dim = _promote_opt(dim, d)
    for d in zero_dtypes:
        zero = _promote_opt(zero, d)
    for d in scalar_dtypes:
        wrapped = _promote_opt(wrapped, d)
    return _combine_categories(dim, _combine_categories(zero, wrapped))


def python_scalar_state_dtype(x):
    """A wrapped Python number's dtype in result_type (float -> default dtype)."""
    return scalar_dtype(x)


def result_type(tensor1, tensor2):
    """torch.result_type(tensor1, tensor2): tensors and Python numbers."""
    dims, zeros, scalars = [], [], []
    for x in (tensor1, tensor2):
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype) and hasattr(x, "dim"):
            (zeros if x.dim() == 0 else dims).append(d)
        elif isinstance(x, (builtins.bool, builtins.int, builtins.float, builtins.complex,
                            np.generic)):
            scalars.append(scalar_dtype(x))
        else:
            raise TypeError("result_type() received an invalid combination of arguments - "
                            f"got ({type(tensor1).__name__}, {type(tensor2).__name__})")
    return result_type_of(dims, zeros, scalars)


# ---------------------------------------------------------------------------------------
# finfo / iinfo
# ---------------------------------------------------------------------------------------

class finfo:
    """Machine limits of a floating-point (or complex: its real part) dtype."""

    def __init__(self, type=None):  # noqa: A002 (torch's parameter name)
        if type is None:
            type = _default[0]
        if not isinstance(type, dtype) or type.category < FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        real = type.to_real()
        info = ml_dtypes.finfo(real.np) if real.np.kind == "V" or real in (
            bfloat16,) or real._storage_only else np.finfo(real.np)
        self.bits = real.itemsize * 8
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = builtins.float(info.tiny)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -builtins.int(math.floor(-math.log10(self.eps)))
        self.dtype = real.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002
        if isinstance(type, dtype) and type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(type, dtype) or type.category > INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(np.uint8 if type is bool else type.np)
        self.bits = type.itemsize * 8
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
