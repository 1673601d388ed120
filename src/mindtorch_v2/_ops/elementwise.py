"""Elementwise ops: one table row per op; functions, methods, in-place and out= derived.

A row names the op, its promotion kind (how input dtypes give the compute and result
dtypes, Note [elementwise kinds]) and its CPU NumPy function; the NPU issue adds ACLNN
names.  ``_backends/cpu/elementwise.py`` turns a row into a CPU kernel and the meta
functions here give shapes, dtypes and strides on every device.

Note [elementwise kinds]
  same    result = promoted input dtype                   (add, mul, maximum, neg)
  float   integers and bool compute in the default dtype  (div, exp, atan2, sigmoid)
  bool    result bool, compute in the promoted dtype       (eq, lt, isnan, signbit)
  logical result bool, any input dtype                     (logical_and, logical_not)
  int     integers and bool only                           (bitwise_*, shifts, gcd)
  real    like ``same`` but complex -> its real dtype       (abs, angle's magnitude)
  nocomplex  like ``same`` and refuses complex              (floor, clamp, maximum...)
"""
from __future__ import annotations

import numpy as np

from .._lazy import lazy_module
from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from .._tensor import Tensor
from ._common import broadcast_shapes, elementwise_strides
from .registry import OPS, Spec, register
from .tensor_methods import method

sps = lazy_module("scipy.special")

SAME, FLOAT, BOOL, LOGICAL, INT, REAL, NOCOMPLEX, FLOATNC, ANGLE, SQUARE = (
    "same", "float", "bool", "logical", "int", "real", "nocomplex", "floatnc", "angle", "square")


# torch.special-only rows (not Tensor methods, not torch.<name>)
SPECIAL_BINARY = [("xlog1py", FLOATNC, sps.xlog1py), ("zeta", FLOATNC, sps.zeta)]
ORDERED = frozenset(("lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal"))
# torch has no in-place method for these
NO_INPLACE = frozenset(("isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal",
                        "signbit", "maximum", "minimum", "fmax", "fmin", "angle", "logaddexp",
                        "logaddexp2", "positive"))


def _not_impl(name, dt):
    raise NotImplementedError(f'"{name}_cpu" not implemented for \'{dt.c10_name}\'')


def _refusing(names, dtypes, exc):
    return {n: (frozenset(dtypes), exc) for n in names}


_INTS = (D.uint8, D.int8, D.int16, D.int32, D.int64)
_CPLX = (D.complex64, D.complex128)
# dtypes (promoted) an op's CPU kernel refuses beyond what its kind says (from torch's tables)
REFUSE = {}
REFUSE.update(_refusing(("floor", "ceil", "trunc", "fix", "round", "floor_divide", "remainder",
                         "fmod", "pow", "bitwise_left_shift", "div_floor", "div_trunc", "bitwise_right_shift", "gcd",
                         "lcm"), (D.bool,), NotImplementedError))
REFUSE.update(_refusing(("frac", "hypot", "nextafter", "logaddexp", "logaddexp2"),
                        (D.bool,) + _INTS, NotImplementedError))
REFUSE.update(_refusing(("deg2rad", "rad2deg", "isposinf", "isneginf", "maximum", "minimum",
                         "fmax", "fmin", "heaviside"), _CPLX, RuntimeError))
REFUSE.update(_refusing(("signbit",), _CPLX, NotImplementedError))
REFUSE.update(_refusing(("ndtri", "erfcx", "log_ndtr", "bessel_j0", "bessel_j1"),
                        (D.float16, D.bfloat16), NotImplementedError))


def _refuse(name, dt, exc):
    if exc is RuntimeError:
        raise RuntimeError(f"{name} is not yet implemented for complex tensors.")
    _not_impl(name, dt)


def kind_dtypes(kind, dt, name):
    """(compute dtype, result dtype) for promoted input dtype ``dt`` under ``kind``."""
    r = REFUSE.get(name)
    if r is not None and dt in r[0]:
        _refuse(name, dt, r[1])
    if kind == SAME:
        return dt, dt
    if kind == FLOAT or kind == FLOATNC:
        if kind == FLOATNC and dt.is_complex:
            _not_impl(name, dt)
        if dt.category <= D.INT:
            f = D.get_default_dtype()
            return f, f
        return dt, dt
    if kind == BOOL:
        return dt, D.bool
    if kind == LOGICAL:
        return dt, D.bool
    if kind == INT:
        if dt.category > D.INT:
            _not_impl(name, dt)
        return dt, dt
    if kind == REAL:
        r = dt.to_real()
        return dt, r
    if kind == ANGLE:
        if dt.category <= D.INT:
            f = D.get_default_dtype()
            return f, f
        return dt, dt.to_real()
    if kind == SQUARE:
        return (D.int64, D.int64) if dt is D.bool else (dt, dt)
    if kind == NOCOMPLEX:
        if dt.is_complex:
            _not_impl(name, dt)
        return dt, dt
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------
# dtype of binary inputs (tensor/tensor, tensor/scalar) -- torch's result_type
# ---------------------------------------------------------------------------------------

def promote_args(a, b):
    """Promoted dtype of two operands (tensors or Python scalars), fast common cases first."""
    if type(b) is Tensor or isinstance(b, Tensor):
        if type(a) is Tensor or isinstance(a, Tensor):
            da, db = a.dtype, b.dtype
            if da is db:
                return da
            za, zb = not a._shape, not b._shape
            if za == zb:
                return D.promote_types(da, db)
            return D.result_type_of([db] if za else [da], [da] if za else [db], ())
        a, b = b, a
    # a is a tensor, b a scalar
    return promote_with_scalar(a.dtype, b)


def promote_with_scalar(dt, s):
    """dtype of (tensor of dtype ``dt``) op (Python scalar ``s``)."""
    sd = D.scalar_dtype(s)
    if sd.category <= dt.category:
        return dt
    return D._combine_categories(dt, sd)


# ---------------------------------------------------------------------------------------
# meta functions (shared by meta device, NPU allocation and the agreement tests)
# ---------------------------------------------------------------------------------------

def _operand_layouts(*xs):
    return [(x._shape, x._stride) for x in xs if isinstance(x, Tensor)]


def _check_neg(x):
    if x.dtype is D.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _check_pos(x):
    if x.dtype is D.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")


def _check_abs(x):
    if x.dtype is D.bool:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")


def _check_sign(x):
    if x.dtype.is_complex:
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")


# dtype checks torch does before computing (shared by the CPU kernels and the meta functions)
UNARY_CHECKS = {"neg": _check_neg, "negative": _check_neg, "abs": _check_abs,
                "absolute": _check_abs, "sign": _check_sign, "positive": _check_pos}


def unary_meta_for(name, kind):
    check = UNARY_CHECKS.get(name)

    def meta(x, *args, **kwargs):
        if check is not None:
            check(x)
        _, out = kind_dtypes(kind, x.dtype, name)
        return Spec(x._shape, out, elementwise_strides(x._shape, _operand_layouts(x)))
    return meta


def binary_meta_for(name, kind):
    ordered = name in ORDERED
    heaviside = name == "heaviside"

    def meta(a, b, *args, **kwargs):
        sa = a._shape if isinstance(a, Tensor) else ()
        sb = b._shape if isinstance(b, Tensor) else ()
        shape = broadcast_shapes(sa, sb)
        pdt = promote_args(a, b)
        if heaviside and a.dtype is not getattr(b, "dtype", a.dtype):
            raise RuntimeError("heaviside is not yet implemented for tensors with different "
                               "dtypes.")
        if ordered and pdt.is_complex:
            _not_impl(name, pdt)
        _, out = kind_dtypes(kind, pdt, name)
        return Spec(shape, out, elementwise_strides(shape, _operand_layouts(a, b)))
    return meta


# ---------------------------------------------------------------------------------------
# the tables
# ---------------------------------------------------------------------------------------

def _rsqrt(x):
    return 1.0 / np.sqrt(x)


def _sigmoid(x):
    if np.iscomplexobj(x):
        return 1 / (1 + np.exp(-x))
    return sps.expit(x)


def _logit(x, eps=None):
    if eps is not None:
        lo, hi = eps, 1 - eps
        x = np.where(x < lo, lo, np.where(x > hi, hi, x)).astype(x.dtype)
    return np.log(x / (1 - x))


def _frac(x):
    return x - np.trunc(x)


def _sign(x):
    # torch computes (0 < x) - (x < 0): NaN gives 0, where NumPy's sign gives NaN
    if x.dtype.kind in "biu":
        return np.sign(x)
    return np.greater(x, 0).astype(x.dtype) - np.less(x, 0).astype(x.dtype)


def _sgn(x):
    if np.iscomplexobj(x):
        a = np.abs(x)
        return np.where(a == 0, 0, x / np.where(a == 0, 1, a)).astype(x.dtype)
    return _sign(x)


def _erfinv(x):
    return sps.erfinv(x)


def _exp2(x):
    return np.exp2(x)


def _i0(x):
    return sps.i0(x)


def _ndtri(x):
    return sps.ndtri(x)


def _entr(x):
    return sps.entr(x)


def _isreal(x):
    return np.isreal(x) if np.iscomplexobj(x) else np.ones_like(x, dtype=bool)


def _positive(x):
    return x.copy(order="K")


def _angle(x):
    if np.iscomplexobj(x):
        return np.angle(x)
    return np.where(np.isnan(x), x, np.where(x < 0, np.pi, 0.0)).astype(x.dtype)


def _deg2rad(x):
    return np.deg2rad(x)


# name, kind, numpy function, tensor-method?   (every row is also a torch.<name> function)
UNARY = [
    ("neg", SAME, np.negative), ("negative", SAME, np.negative),
    ("positive", SAME, _positive),
    ("abs", REAL, np.abs), ("absolute", REAL, np.abs),
    ("sign", NOCOMPLEX, _sign), ("sgn", SAME, _sgn),
    ("reciprocal", FLOAT, np.reciprocal),
    ("exp", FLOAT, np.exp), ("exp2", FLOAT, _exp2), ("expm1", FLOAT, np.expm1),
    ("log", FLOAT, np.log), ("log2", FLOAT, np.log2), ("log10", FLOAT, np.log10),
    ("log1p", FLOAT, np.log1p),
    ("sqrt", FLOAT, np.sqrt), ("rsqrt", FLOAT, _rsqrt), ("square", SQUARE, np.square),
    ("sin", FLOAT, np.sin), ("cos", FLOAT, np.cos), ("tan", FLOAT, np.tan),
    ("asin", FLOAT, np.arcsin), ("acos", FLOAT, np.arccos), ("atan", FLOAT, np.arctan),
    ("arcsin", FLOAT, np.arcsin), ("arccos", FLOAT, np.arccos), ("arctan", FLOAT, np.arctan),
    ("sinh", FLOAT, np.sinh), ("cosh", FLOAT, np.cosh), ("tanh", FLOAT, np.tanh),
    ("asinh", FLOAT, np.arcsinh), ("acosh", FLOAT, np.arccosh), ("atanh", FLOAT, np.arctanh),
    ("arcsinh", FLOAT, np.arcsinh), ("arccosh", FLOAT, np.arccosh),
    ("arctanh", FLOAT, np.arctanh),
    ("deg2rad", FLOAT, _deg2rad), ("rad2deg", FLOAT, np.rad2deg),
    ("erf", FLOATNC, sps.erf), ("erfc", FLOATNC, sps.erfc), ("erfinv", FLOATNC, _erfinv),
    ("lgamma", FLOATNC, sps.gammaln), ("digamma", FLOATNC, sps.digamma),
    ("sigmoid", FLOAT, _sigmoid), ("sinc", FLOAT, np.sinc),
    ("i0", FLOATNC, _i0),
    ("floor", NOCOMPLEX, np.floor), ("ceil", NOCOMPLEX, np.ceil),
    ("trunc", NOCOMPLEX, np.trunc), ("fix", NOCOMPLEX, np.trunc),
    ("frac", NOCOMPLEX, _frac),
    ("isnan", BOOL, np.isnan), ("isinf", BOOL, np.isinf), ("isfinite", BOOL, np.isfinite),
    ("isposinf", BOOL, np.isposinf), ("isneginf", BOOL, np.isneginf),
    ("isreal", BOOL, _isreal), ("signbit", BOOL, np.signbit),
    ("logical_not", LOGICAL, np.logical_not),
    ("bitwise_not", INT, np.invert),
    ("angle", ANGLE, _angle),
    ("conj_physical", SAME, np.conjugate),
]
# torch.special-only rows (not Tensor methods)
SPECIAL_UNARY = [
    ("ndtr", FLOATNC, sps.ndtr), ("ndtri", FLOATNC, _ndtri), ("entr", FLOATNC, _entr),
    ("expit", FLOAT, _sigmoid), ("erfcx", FLOATNC, sps.erfcx),
    ("i0e", FLOATNC, sps.i0e), ("i1", FLOATNC, sps.i1), ("i1e", FLOATNC, sps.i1e),
    ("log_ndtr", FLOATNC, sps.log_ndtr), ("bessel_j0", FLOATNC, sps.j0),
    ("bessel_j1", FLOATNC, sps.j1),
]


def _copysign(a, b):
    return np.copysign(a, b)


def _floor_divide(a, b):
    return np.floor_divide(a, b)


def _heaviside(a, b):
    return np.heaviside(a, b)


def _xlogy(a, b):
    return sps.xlogy(a, b)


def _logaddexp(a, b):
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        a, b = np.broadcast_arrays(a, b)
        big = np.real(a) >= np.real(b)
        m = np.where(big, a, b)
        return m + np.log1p(np.exp(np.where(big, b, a) - m))
    return np.logaddexp(a, b)


BINARY = [
    ("mul", SAME, np.multiply), ("multiply", SAME, np.multiply),
    ("true_divide", FLOAT, np.true_divide),
    ("floor_divide", NOCOMPLEX, _floor_divide),
    ("remainder", NOCOMPLEX, np.remainder), ("fmod", NOCOMPLEX, np.fmod),
    ("atan2", FLOATNC, np.arctan2), ("arctan2", FLOATNC, np.arctan2),
    ("hypot", NOCOMPLEX, np.hypot),
    ("maximum", NOCOMPLEX, np.maximum), ("minimum", NOCOMPLEX, np.minimum),
    ("fmax", NOCOMPLEX, np.fmax), ("fmin", NOCOMPLEX, np.fmin),
    ("copysign", FLOATNC, _copysign), ("nextafter", NOCOMPLEX, np.nextafter),
    ("heaviside", NOCOMPLEX, _heaviside),
    ("logaddexp", SAME, _logaddexp), ("logaddexp2", NOCOMPLEX, np.logaddexp2),
    ("xlogy", FLOATNC, _xlogy),
    ("eq", BOOL, np.equal), ("ne", BOOL, np.not_equal), ("lt", BOOL, np.less),
    ("le", BOOL, np.less_equal), ("gt", BOOL, np.greater), ("ge", BOOL, np.greater_equal),
    ("greater", BOOL, np.greater), ("greater_equal", BOOL, np.greater_equal),
    ("less", BOOL, np.less), ("less_equal", BOOL, np.less_equal),
    ("not_equal", BOOL, np.not_equal),
    ("logical_and", LOGICAL, np.logical_and), ("logical_or", LOGICAL, np.logical_or),
    ("logical_xor", LOGICAL, np.logical_xor),
    ("bitwise_and", INT, np.bitwise_and), ("bitwise_or", INT, np.bitwise_or),
    ("bitwise_xor", INT, np.bitwise_xor),
    ("bitwise_left_shift", INT, np.left_shift), ("bitwise_right_shift", INT, np.right_shift),
    ("gcd", INT, np.gcd), ("lcm", INT, np.lcm),
]


# ---------------------------------------------------------------------------------------
# declaring ops and public functions from the tables
# ---------------------------------------------------------------------------------------

UNARY_OPS = {}
BINARY_OPS = {}
_g = globals()
__all__ = []


# unary functions without ``out=`` / whose ``out`` must have exactly the result dtype
NO_OUT = frozenset(("positive", "isnan", "isinf", "isfinite", "isreal"))
STRICT_OUT = frozenset(("neg", "negative", "abs", "absolute", "sign", "sgn", "floor", "ceil",
                        "trunc", "fix", "frac", "isposinf", "isneginf", "signbit",
                        "bitwise_not", "conj_physical"))


def _unary_public(op):
    if op.name in NO_OUT:
        def fn(input):
            return dispatch(op, input)
    elif op.name in STRICT_OUT:
        meta = op.meta

        def fn(input, *, out=None):
            if out is not None:
                if isinstance(out, Tensor) and isinstance(input, Tensor):
                    dt = meta(input).dtype
                    if out.dtype is not dt:
                        raise RuntimeError(f"Found dtype {out.dtype.c10_name} but expected "
                                           f"{dt.c10_name}")
                return dispatch_out(op, out, input)
            return dispatch(op, input)
    else:
        def fn(input, *, out=None):
            if out is not None:
                return dispatch_out(op, out, input)
            return dispatch(op, input)
    fn.__name__ = op.name
    fn.__qualname__ = op.name
    return fn


# binary functions whose ``other`` must be a tensor (torch's schemas have no Scalar overload)
TENSOR_ONLY = frozenset(("atan2", "arctan2", "hypot", "maximum", "minimum", "fmax", "fmin",
                         "nextafter", "heaviside", "logaddexp", "logaddexp2", "logical_and",
                         "logical_or", "logical_xor", "gcd", "lcm"))
# binary functions accepting a Python scalar as ``input``
SCALAR_FIRST = frozenset(("mul", "multiply", "true_divide", "floor_divide", "remainder", "xlogy",
                          "xlog1py", "zeta",
                          "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                          "bitwise_right_shift"))


def _arg_type_error(name, arg, pos, v):
    raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                    f"{type(v).__name__}")


def _binary_public(op):
    name = op.name
    tensor_only = name in TENSOR_ONLY
    scalar_first = name in SCALAR_FIRST

    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            if not scalar_first or not isinstance(other, Tensor):
                _arg_type_error(name, "input", 1, input)
        elif tensor_only and not isinstance(other, Tensor):
            _arg_type_error(name, "other", 2, other)
        if out is not None:
            return dispatch_out(op, out, input, other)
        return dispatch(op, input, other)
    fn.__name__ = op.name
    fn.__qualname__ = op.name
    return fn


def _inplace_method(op):
    """``x.<name>_(...)``: the op computed into x; torch's cast and shape checks."""
    ip = register(op.name + "_", op.meta, inplace=True, family="elementwise")
    ip.extra["outplace"] = op

    def fn(self, *args, **kwargs):
        dispatch(ip, self, *args, **kwargs)
        return self
    fn.__name__ = op.name + "_"
    return ip, fn


def _declare(rows, table, meta_for, public_for, *, methods=True, module_all=True):
    for name, kind, npfn in rows:
        op = register(name, meta_for(name, kind), nondiff=kind in (BOOL, LOGICAL, INT),
                      family="elementwise")
        op.extra.update(kind=kind, np=npfn)
        table[name] = op
        f = public_for(op)
        if module_all:
            _g[name] = f
            __all__.append(name)
        if methods:
            method(f, name=name)
            if name in NO_INPLACE:
                continue
            ip, ipf = _inplace_method(op)
            method(ipf, name=name + "_")


_declare(UNARY, UNARY_OPS, unary_meta_for, _unary_public)
_declare(SPECIAL_UNARY, UNARY_OPS, unary_meta_for, _unary_public, methods=False,
         module_all=False)
_declare(BINARY, BINARY_OPS, binary_meta_for, _binary_public)
_declare(SPECIAL_BINARY, BINARY_OPS, binary_meta_for, _binary_public, methods=False,
         module_all=False)


def positive(input):
    """torch.positive returns its input itself (bool tensors refused)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"positive(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    _check_pos(input)
    return input


method(positive, name="positive")


def special(name):
    """The public function of a torch.special-only unary or binary op."""
    if name in BINARY_OPS:
        return _binary_public(BINARY_OPS[name])
    return _unary_public(UNARY_OPS[name])


# ---------------------------------------------------------------------------------------
# ops with extra arguments (alpha, rounding_mode, decimals, exponent kinds...)
# ---------------------------------------------------------------------------------------

_add_plain_meta = binary_meta_for("add", SAME)


def _check_alpha(spec, alpha):
    if alpha != 1 or type(alpha) is not int:
        dt = spec.dtype
        if isinstance(alpha, bool):
            if dt is not D.bool:
                raise RuntimeError("Boolean alpha only supported for Boolean results.")
        elif dt.category <= D.INT and isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
        elif not dt.is_complex and isinstance(alpha, complex):
            raise RuntimeError("For non-complex input tensors, argument alpha must not be a "
                               "complex number.")
    return spec


def _add_meta(a, b, alpha=1):
    return _check_alpha(_add_plain_meta(a, b), alpha)


def check_bool_sub(a, b):
    ba = isinstance(a, Tensor) and a.dtype is D.bool
    bb = isinstance(b, Tensor) and b.dtype is D.bool
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if ba or bb or isinstance(a, bool) or isinstance(b, bool):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def _sub_meta(a, b, alpha=1):
    check_bool_sub(a, b)
    return _check_alpha(_add_plain_meta(a, b), alpha)


ADD = register("add", _add_meta, family="elementwise")
SUB = register("sub", _sub_meta, family="elementwise")
ADD.extra.update(kind=SAME, np=np.add)
SUB.extra.update(kind=SAME, np=np.subtract)
BINARY_OPS["add"] = ADD
BINARY_OPS["sub"] = SUB


def add(input, other, *, alpha=1, out=None):
    if out is not None:
        return dispatch_out(ADD, out, input, other, alpha)
    if alpha == 1 and type(alpha) is int:
        return dispatch(ADD, input, other)
    return dispatch(ADD, input, other, alpha)


def sub(input, other, *, alpha=1, out=None):
    if out is not None:
        return dispatch_out(SUB, out, input, other, alpha)
    if alpha == 1 and type(alpha) is int:
        return dispatch(SUB, input, other)
    return dispatch(SUB, input, other, alpha)


subtract = sub


def rsub(input, other, *, alpha=1):
    return dispatch(SUB, other, input) if alpha == 1 else dispatch(SUB, other, input, alpha)


ADD_ = register("add_", _add_meta, inplace=True, family="elementwise")
SUB_ = register("sub_", _sub_meta, inplace=True, family="elementwise")
ADD_.extra["outplace"] = ADD
SUB_.extra["outplace"] = SUB


def _add_(self, other, *, alpha=1):
    dispatch(ADD_, self, other, alpha)
    return self


def _sub_(self, other, *, alpha=1):
    dispatch(SUB_, self, other, alpha)
    return self


_DIV_METAS = {None: binary_meta_for("div", FLOAT),
              "floor": binary_meta_for("div_floor", NOCOMPLEX),
              "trunc": binary_meta_for("div_trunc", NOCOMPLEX)}


def _div_meta(a, b, rounding_mode=None):
    return _DIV_METAS[rounding_mode](a, b)


DIV = register("div", _div_meta, family="elementwise")
DIV.extra.update(kind=FLOAT, np=np.true_divide)
DIV_ = register("div_", _div_meta, inplace=True, family="elementwise")
DIV_.extra["outplace"] = DIV


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is not None and rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    if out is not None:
        return dispatch_out(DIV, out, input, other, rounding_mode)
    if rounding_mode is None:
        return dispatch(DIV, input, other)
    return dispatch(DIV, input, other, rounding_mode)


divide = div


def _div_(self, other, *, rounding_mode=None):
    dispatch(DIV_, self, other, rounding_mode)
    return self


_pow_plain_meta = binary_meta_for("pow", SAME)


_pow_scalar_meta = binary_meta_for("pow_scalar", SAME)


def _pow_meta(a, b):
    if not isinstance(b, Tensor):
        if a.dtype.category <= D.INT and isinstance(b, int) and b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _pow_scalar_meta(a, b)
    return _pow_plain_meta(a, b)


POW = register("pow", _pow_meta, family="elementwise")
POW.extra.update(kind=SAME, np=np.power)
POW_ = register("pow_", _pow_meta, inplace=True, family="elementwise")
POW_.extra["outplace"] = POW


def pow(input, exponent, *, out=None):  # noqa: A001 (torch.pow)
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("pow() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__})")
    if out is not None:
        return dispatch_out(POW, out, input, exponent)
    return dispatch(POW, input, exponent)


def float_power(input, exponent, *, out=None):
    dt = D.complex128 if (getattr(input, "dtype", D.float64).is_complex or
                          getattr(exponent, "dtype", D.float64).is_complex or
                          isinstance(exponent, complex)) else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    r = pow(a, b)
    if out is not None:
        from .copy_ops import copy_
        if out.dtype is not dt:
            raise RuntimeError(f"the base given to float_power_ has dtype {out.dtype.c10_name} "
                               f"but the operation's result requires dtype {dt.c10_name}")
        return copy_(out, r) if out._shape == r._shape else dispatch_out(POW, out, a, b)
    return r


def _float_power_(self, exponent):
    dt = D.complex128 if self.dtype.is_complex else D.float64
    if self.dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype.c10_name} but "
                           f"the operation's result requires dtype {dt.c10_name}")
    return _pow_(self, exponent)


def _pow_(self, exponent):
    dispatch(POW_, self, exponent)
    return self


_round_plain_meta = unary_meta_for("round", NOCOMPLEX)


def _round_meta(x, decimals=None):
    if decimals is not None and x.dtype.category <= D.INT:
        _not_impl("round_vml", x.dtype)
    return _round_plain_meta(x)


ROUND = register("round", _round_meta, family="elementwise")
ROUND.extra.update(kind=NOCOMPLEX, np=np.round)
ROUND_ = register("round_", _round_meta, inplace=True, family="elementwise")
ROUND_.extra["outplace"] = ROUND


def round(input, *, decimals=None, out=None):  # noqa: A001
    if out is not None:
        return dispatch_out(ROUND, out, input, decimals)
    return dispatch(ROUND, input) if decimals is None else dispatch(ROUND, input, decimals)


def _round_(self, *, decimals=None):
    dispatch(ROUND_, self, decimals)
    return self


# clamp: bounds may be scalars or tensors (broadcast); result promotes with tensor bounds
def _clamp_meta(x, min=None, max=None):
    dt = x.dtype
    layouts = [(x._shape, x._stride)]
    shape = x._shape
    for bnd in (min, max):
        if isinstance(bnd, Tensor):
            dt = promote_args(x, bnd) if dt is x.dtype else D.promote_types(dt, bnd.dtype)
            shape = broadcast_shapes(shape, bnd._shape)
            layouts.append((bnd._shape, bnd._stride))
        elif bnd is not None:
            dt = promote_with_scalar(dt, bnd)
    if dt.is_complex:
        _not_impl("clamp", dt)
    if dt is D.bool and not isinstance(min, Tensor) and not isinstance(max, Tensor):
        _not_impl("clamp_scalar" if min is not None and max is not None else
                  "clamp_min_scalar" if min is not None else "clamp_max_scalar", dt)
    return Spec(shape, dt, elementwise_strides(shape, layouts))


CLAMP = register("clamp", _clamp_meta, family="elementwise")
CLAMP_ = register("clamp_", _clamp_meta, inplace=True, family="elementwise")
CLAMP_.extra["outplace"] = CLAMP


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if out is not None:
        return dispatch_out(CLAMP, out, input, min, max)
    return dispatch(CLAMP, input, min, max)


clip = clamp


def _clamp_(self, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dispatch(CLAMP_, self, min, max)
    return self


def clamp_min(input, min):  # noqa: A002
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    return clamp(input, max=max)


# ternary ops: where, lerp, addcmul, addcdiv
def _ternary_shape_dtype(tensors_or_scalars, dt):
    shapes = [t._shape for t in tensors_or_scalars if isinstance(t, Tensor)]
    shape = broadcast_shapes(*shapes)
    layouts = [(t._shape, t._stride) for t in tensors_or_scalars if isinstance(t, Tensor)]
    return Spec(shape, dt, elementwise_strides(shape, layouts))


def _where_meta(cond, x, y):
    if cond.dtype is not D.bool and cond.dtype is not D.uint8:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {cond.dtype.c10_name}")
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        dt = promote_args(x, y)
    else:
        dt = _scalar_pair_dtype(x, y)
    return _ternary_shape_dtype((cond, x, y), dt)


def _scalar_pair_dtype(x, y):
    return D.promote_types(D.scalar_dtype(x), D.scalar_dtype(y))


WHERE = register("where", _where_meta, family="elementwise")


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if out is not None:
        return dispatch_out(WHERE, out, condition, input, other)
    return dispatch(WHERE, condition, input, other)


def _lerp_meta(x, end, weight):
    if x.dtype.category <= D.INT:
        _not_impl("lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar",
                  x.dtype)
    if isinstance(weight, Tensor):
        dt = D.promote_types(x.dtype, end.dtype)
        if weight.dtype is not dt and weight.dtype is not x.dtype:
            raise RuntimeError(f"expected dtype {x.dtype} for `weight` but got dtype "
                               f"{weight.dtype}")
    if x.dtype is not end.dtype:
        raise RuntimeError(f"expected dtype {x.dtype} for `end` but got dtype {end.dtype}")
    return _ternary_shape_dtype((x, end, weight), x.dtype)


LERP = register("lerp", _lerp_meta, family="elementwise")
LERP_ = register("lerp_", _lerp_meta, inplace=True, family="elementwise")
LERP_.extra["outplace"] = LERP


def lerp(input, end, weight, *, out=None):
    if out is not None:
        return dispatch_out(LERP, out, input, end, weight)
    return dispatch(LERP, input, end, weight)


def _addc_meta(x, t1, t2, value=1):
    dt = D.promote_types(D.promote_types(x.dtype, t1.dtype), t2.dtype)
    return _ternary_shape_dtype((x, t1, t2), dt)


ADDCMUL = register("addcmul", _addc_meta, family="elementwise")
ADDCDIV = register("addcdiv", _addc_meta, family="elementwise")
ADDCMUL_ = register("addcmul_", _addc_meta, inplace=True, family="elementwise")
ADDCDIV_ = register("addcdiv_", _addc_meta, inplace=True, family="elementwise")
ADDCMUL_.extra["outplace"] = ADDCMUL
ADDCDIV_.extra["outplace"] = ADDCDIV


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    if out is not None:
        return dispatch_out(ADDCMUL, out, input, tensor1, tensor2, value)
    return dispatch(ADDCMUL, input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    if (tensor1.dtype.category <= D.INT and tensor2.dtype.category <= D.INT):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all "
                           "dtypes.")
    if out is not None:
        return dispatch_out(ADDCDIV, out, input, tensor1, tensor2, value)
    return dispatch(ADDCDIV, input, tensor1, tensor2, value)


def _nan_to_num_meta(x, nan=0.0, posinf=None, neginf=None):
    return Spec(x._shape, x.dtype, elementwise_strides(x._shape, _operand_layouts(x)))


NAN_TO_NUM = register("nan_to_num", _nan_to_num_meta, family="elementwise")
NAN_TO_NUM_ = register("nan_to_num_", _nan_to_num_meta, inplace=True, family="elementwise")
NAN_TO_NUM_.extra["outplace"] = NAN_TO_NUM


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    if out is not None:
        return dispatch_out(NAN_TO_NUM, out, input, nan, posinf, neginf)
    return dispatch(NAN_TO_NUM, input, nan, posinf, neginf)


def _logit_meta(x, eps=None):
    return unary_meta_for("logit", FLOATNC)(x)


LOGIT = register("logit", _logit_meta, family="elementwise")


def logit(input, eps=None, *, out=None):
    if out is not None:
        return dispatch_out(LOGIT, out, input, eps)
    return dispatch(LOGIT, input, eps)


def _polygamma_meta(n, x):
    return unary_meta_for("polygamma", FLOATNC)(x)


POLYGAMMA = register("polygamma", _polygamma_meta, family="elementwise")


def polygamma(n, input, *, out=None):
    if out is not None:
        return dispatch_out(POLYGAMMA, out, n, input)
    return dispatch(POLYGAMMA, n, input)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.c10_name} did not match {other.dtype.c10_name}")
    if input.dtype is D.bool:
        return eq(input, other)
    diff = abs(sub(input, other)) if input.dtype.category > D.INT else \
        abs(sub(input.to(D.float64), other.to(D.float64)))
    close = le(diff, add(mul(abs(other if other.dtype.category > D.INT else
                                 other.to(D.float64)), rtol), atol))
    close = logical_or(close, eq(input, other))
    if equal_nan and input.dtype.category >= D.FLOAT:
        close = logical_or(close, logical_and(isnan(input), isnan(other)))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"equal(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    if input._shape != other._shape:
        return False
    return bool(eq(input, other).all())


def true_divide_(self, other):
    return _div_(self, other)


__all__ += ["add", "sub", "subtract", "rsub", "div", "divide", "pow", "float_power", "round",
            "clamp", "clip", "clamp_min", "clamp_max", "where", "lerp", "addcmul", "addcdiv",
            "nan_to_num", "logit", "polygamma", "isclose", "allclose", "equal"]


def _make_ip(op):
    def fn(self, *args, **kwargs):
        dispatch(op, self, *args, **kwargs)
        return self
    return fn


# Tensor methods for the ops with extra arguments
for _n in ("add", "sub", "subtract", "div", "divide", "pow", "float_power", "round", "clamp",
           "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "nan_to_num",
           "logit", "isclose", "allclose", "equal"):
    method(_g[_n], name=_n)
method(lambda self, condition, y: where(condition, self, y), name="where")
method(_add_, name="add_")
method(_sub_, name="sub_")
method(_sub_, name="subtract_")
method(_div_, name="div_")
method(_div_, name="divide_")
method(_div_, name="true_divide_")
method(_pow_, name="pow_")
method(_float_power_, name="float_power_")
method(_round_, name="round_")
method(_clamp_, name="clamp_")
method(_clamp_, name="clip_")
method(lambda self, min: _clamp_(self, min=min), name="clamp_min_")
method(lambda self, max: _clamp_(self, max=max), name="clamp_max_")
method(_make_ip(LERP_), name="lerp_")
method(lambda self, t1, t2, *, value=1: _make_ip(ADDCMUL_)(self, t1, t2, value),
       name="addcmul_")
method(lambda self, t1, t2, *, value=1: _make_ip(ADDCDIV_)(self, t1, t2, value),
       name="addcdiv_")
method(lambda self, nan=0.0, posinf=None, neginf=None: _make_ip(NAN_TO_NUM_)(
    self, nan, posinf, neginf), name="nan_to_num_")
method(lambda self, n: polygamma(n, self), name="polygamma")


# ---------------------------------------------------------------------------------------
# Python operators
# ---------------------------------------------------------------------------------------

def _rev(f):
    def r(self, other):
        return f(other, self)
    return r


def _check_bool_sub(a, b):
    if (getattr(a, "dtype", None) is D.bool or isinstance(a, bool)) and \
            (getattr(b, "dtype", None) is D.bool or isinstance(b, bool)):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")


def _op_or_notimpl(f):
    def g(self, other):
        if not isinstance(other, (Tensor, int, float, complex, bool, np.generic)):
            return NotImplemented
        return f(self, other)
    return g


def _iop(ip_op):
    def g(self, other):
        dispatch(ip_op, self, other)
        return self
    return g


_OPS = {
    "__add__": lambda a, b: dispatch(ADD, a, b),
    "__radd__": lambda a, b: dispatch(ADD, b, a),
    "__sub__": lambda a, b: dispatch(SUB, a, b),
    "__rsub__": lambda a, b: dispatch(SUB, b, a),
    "__mul__": lambda a, b: dispatch(BINARY_OPS["mul"], a, b),
    "__rmul__": lambda a, b: dispatch(BINARY_OPS["mul"], b, a),
    "__truediv__": lambda a, b: dispatch(DIV, a, b),
    "__rtruediv__": lambda a, b: dispatch(DIV, b, a),
    "__floordiv__": lambda a, b: dispatch(BINARY_OPS["floor_divide"], a, b),
    "__rfloordiv__": lambda a, b: dispatch(BINARY_OPS["floor_divide"], b, a),
    "__mod__": lambda a, b: dispatch(BINARY_OPS["remainder"], a, b),
    "__rmod__": lambda a, b: dispatch(BINARY_OPS["remainder"], b, a),
    "__pow__": lambda a, b: dispatch(POW, a, b),
    "__rpow__": lambda a, b: dispatch(POW, b, a),
    "__and__": lambda a, b: dispatch(BINARY_OPS["bitwise_and"], a, b),
    "__rand__": lambda a, b: dispatch(BINARY_OPS["bitwise_and"], b, a),
    "__or__": lambda a, b: dispatch(BINARY_OPS["bitwise_or"], a, b),
    "__ror__": lambda a, b: dispatch(BINARY_OPS["bitwise_or"], b, a),
    "__xor__": lambda a, b: dispatch(BINARY_OPS["bitwise_xor"], a, b),
    "__rxor__": lambda a, b: dispatch(BINARY_OPS["bitwise_xor"], b, a),
    "__lshift__": lambda a, b: dispatch(BINARY_OPS["bitwise_left_shift"], a, b),
    "__rlshift__": lambda a, b: dispatch(BINARY_OPS["bitwise_left_shift"], b, a),
    "__rshift__": lambda a, b: dispatch(BINARY_OPS["bitwise_right_shift"], a, b),
    "__rrshift__": lambda a, b: dispatch(BINARY_OPS["bitwise_right_shift"], b, a),
    "__eq__": lambda a, b: dispatch(BINARY_OPS["eq"], a, b),
    "__ne__": lambda a, b: dispatch(BINARY_OPS["ne"], a, b),
    "__lt__": lambda a, b: dispatch(BINARY_OPS["lt"], a, b),
    "__le__": lambda a, b: dispatch(BINARY_OPS["le"], a, b),
    "__gt__": lambda a, b: dispatch(BINARY_OPS["gt"], a, b),
    "__ge__": lambda a, b: dispatch(BINARY_OPS["ge"], a, b),
}
for _n, _f in _OPS.items():
    setattr(Tensor, _n, _op_or_notimpl(_f))

_IOPS = {"__iadd__": ADD_, "__isub__": SUB_, "__itruediv__": DIV_, "__ipow__": POW_}
for _n, _op in _IOPS.items():
    setattr(Tensor, _n, _iop(_op))
for _n, _name in (("__imul__", "mul"), ("__ifloordiv__", "floor_divide"),
                  ("__imod__", "remainder"), ("__iand__", "bitwise_and"),
                  ("__ior__", "bitwise_or"), ("__ixor__", "bitwise_xor"),
                  ("__ilshift__", "bitwise_left_shift"), ("__irshift__", "bitwise_right_shift")):
    setattr(Tensor, _n, _iop(OPS[_name + "_"]))

Tensor.__neg__ = lambda self: dispatch(UNARY_OPS["neg"], self)
Tensor.__abs__ = lambda self: dispatch(UNARY_OPS["abs"], self)
def _invert(self):
    if self.dtype.category > D.INT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return dispatch(UNARY_OPS["bitwise_not"], self)


def _pos(self):
    _check_pos(self)
    return self


Tensor.__invert__ = _invert
Tensor.__pos__ = _pos
Tensor.__hash__ = lambda self: id(self)
