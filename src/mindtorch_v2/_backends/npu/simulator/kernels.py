"""ACLNN kernels of the simulator: argument validation (phase 1) and NumPy bodies (phase 2).

A kernel is a *planner*: called by aclnnXxxGetWorkspaceSize with the resolved arguments, it
validates them as CANN documents (null -> ACLNN_ERR_PARAM_NULLPTR, unsupported dtype or shape
mismatch -> ACLNN_ERR_PARAM_INVALID) and returns ``Plan(workspace, run, tensors)``; ``run``
executes later on the stream's worker. Elementwise kernels are rows of the tables below.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import acl
from . import status as st
from .descriptors import DTYPE_NAMES, IntArrayDesc, ScalarDesc, TensorDesc

A = acl
FLOATING = frozenset((A.ACL_FLOAT, A.ACL_FLOAT16, A.ACL_BF16, A.ACL_DOUBLE))
COMPLEX = frozenset((A.ACL_COMPLEX64, A.ACL_COMPLEX128))
INTEGRAL = frozenset((A.ACL_INT8, A.ACL_INT16, A.ACL_INT32, A.ACL_INT64, A.ACL_UINT8))
ARITH = FLOATING | COMPLEX | INTEGRAL | {A.ACL_BOOL}     # what aclnnAdd/Mul/... accept
REAL = FLOATING | INTEGRAL | {A.ACL_BOOL}
MATMUL = frozenset((A.ACL_FLOAT, A.ACL_FLOAT16, A.ACL_BF16))
COPYABLE = ARITH | {A.ACL_UINT16, A.ACL_UINT32, A.ACL_UINT64, A.ACL_FLOAT8_E5M2,
                    A.ACL_FLOAT8_E4M3FN}
MATMUL_WORKSPACE = 16 << 10     # matmuls ask for a workspace, to exercise that path

_KIND = {"b": 0, "u": 1, "i": 1, "f": 2, "V": 2, "c": 3}   # ml_dtypes' bf16/fp8 are kind "V"


def _kind(dtype):
    return _KIND.get(np.dtype(dtype).kind, 2)


class Plan:
    __slots__ = ("workspace", "run", "tensors")

    def __init__(self, run, tensors, workspace=0):
        self.run, self.tensors, self.workspace = run, tensors, workspace


def invalid(msg):
    return st.SimError(st.ACLNN_ERR_PARAM_INVALID, msg)


def need(obj, kind, name, op):
    if obj is None:
        raise st.SimError(st.ACLNN_ERR_PARAM_NULLPTR, f"{op}: {name} is nullptr")
    if not isinstance(obj, kind):
        raise invalid(f"{op}: {name} is not a valid {kind.__name__}")
    return obj


def dtypes_in(op, allowed, **tensors):
    for name, t in tensors.items():
        if t.dtype_code not in allowed:
            raise invalid(f"{op}: {name} dtype {DTYPE_NAMES.get(t.dtype_code)} is not supported; "
                          f"supported: {sorted(DTYPE_NAMES[c] for c in allowed)}")


def broadcast(op, *shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise invalid(f"{op}: shapes {' and '.join(map(str, shapes))} cannot broadcast") from None


def same_shape(op, out, shape, name="out"):
    if tuple(out.shape) != tuple(shape):
        raise invalid(f"{op}: {name} shape {out.shape} does not match the expected {shape}")


def castable(op, src_dtype, out):
    if _kind(src_dtype) > _kind(out.dtype):
        raise invalid(f"{op}: result type {np.dtype(src_dtype).name} can't be cast to the out "
                      f"dtype {DTYPE_NAMES.get(out.dtype_code)}")


def _compute_dtype(dt):
    """Half types are computed in float32 (as the vector units accumulate)."""
    dt = np.dtype(dt)
    return np.dtype(np.float32) if dt.kind == "V" or dt == np.float16 else dt


def _scalar_dtype(s, t):
    """Dtype a scalar operand promotes with tensor ``t``: the tensor's unless of higher kind."""
    sd = np.dtype(type(np.asarray(s.value).item()))
    if _kind(sd) > _kind(t.dtype):
        return np.dtype(np.float32) if _kind(sd) == 2 else np.dtype(np.complex64)
    return t.dtype


def _store(memory, out, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # complex -> real drops the imaginary part, like torch
        out.array(memory)[...] = np.asarray(value).astype(out.dtype, copy=False)


def _read(memory, t, dtype=None):
    a = t.array(memory)
    return a.astype(_compute_dtype(dtype if dtype is not None else a.dtype), copy=True)


# --------------------------------------------------------------------------- elementwise tables

# binary: op -> (numpy function, allowed dtypes, result is floating for integer inputs)
BINARY = {
    "aclnnAdd": (np.add, ARITH, False), "aclnnSub": (np.subtract, ARITH - {A.ACL_BOOL}, False),
    "aclnnMul": (np.multiply, ARITH, False), "aclnnDiv": (np.true_divide, ARITH, True),
    "aclnnMaximum": (np.maximum, REAL, False), "aclnnMinimum": (np.minimum, REAL, False),
}
SCALAR_FORM = {"aclnnAdds": "aclnnAdd", "aclnnSubs": "aclnnSub", "aclnnMuls": "aclnnMul",
               "aclnnDivs": "aclnnDiv"}
WITH_ALPHA = frozenset(("aclnnAdd", "aclnnSub", "aclnnAdds", "aclnnSubs"))


def _relu(x):
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def _sign(x):
    return np.sign(x)


def _erf(x):
    from math import erf
    return np.vectorize(erf, otypes=[x.dtype])(x) if x.size else x


# unary: op -> (numpy function, allowed input dtypes, floating result for integer inputs)
UNARY = {
    "aclnnNeg": (np.negative, ARITH - {A.ACL_BOOL}, False), "aclnnAbs": (np.abs, REAL, False),
    "aclnnRelu": (_relu, REAL - {A.ACL_BOOL}, False), "aclnnSign": (_sign, REAL, False),
    "aclnnExp": (np.exp, ARITH, True), "aclnnLog": (np.log, ARITH, True),
    "aclnnSqrt": (np.sqrt, ARITH, True), "aclnnRsqrt": (lambda x: 1 / np.sqrt(x), ARITH, True),
    "aclnnSin": (np.sin, ARITH, True), "aclnnCos": (np.cos, ARITH, True),
    "aclnnTanh": (np.tanh, ARITH, True), "aclnnReciprocal": (np.reciprocal, ARITH, True),
    "aclnnSigmoid": (lambda x: 1 / (1 + np.exp(-x)), FLOATING | COMPLEX, True),
    "aclnnSilu": (lambda x: x / (1 + np.exp(-x)), FLOATING, True),
    "aclnnFloor": (np.floor, REAL, False), "aclnnCeil": (np.ceil, REAL, False),
    "aclnnErf": (_erf, FLOATING, True),
}


def _promote(op, dtypes, to_float):
    dt = np.result_type(*dtypes)
    if to_float and _kind(dt) < 2:
        dt = np.dtype(np.float32)
    return dt


def plan_binary(op, self, other, *rest):
    """aclnnAdd/Sub(self, other, alpha, out), aclnnMul/Div/Maximum(self, other, out), and the
    scalar forms (other an aclScalar)."""
    base = SCALAR_FORM.get(op, op)
    fn, allowed, to_float = BINARY[base]
    alpha = None
    if op in WITH_ALPHA:
        alpha, out = need(rest[0], ScalarDesc, "alpha", op), rest[1]
    else:
        out = rest[0]
    self = need(self, TensorDesc, "self", op)
    out = need(out, TensorDesc, "out", op)
    scalar_other = op in SCALAR_FORM
    other = need(other, ScalarDesc if scalar_other else TensorDesc, "other", op)
    if scalar_other:
        dtypes_in(op, allowed, self=self)
        shape = self.shape
        dt = _promote(op, [_scalar_dtype(other, self)], to_float)
    else:
        dtypes_in(op, allowed, self=self, other=other)
        shape = broadcast(op, self.shape, other.shape)
        dt = _promote(op, [self.dtype, other.dtype], to_float)
    dtypes_in(op, COPYABLE, out=out)
    same_shape(op, out, shape)
    castable(op, dt, out)
    if alpha is not None and _kind(np.asarray(alpha.value).dtype) > _kind(dt):
        raise invalid(f"{op}: alpha {alpha.value!r} cannot be converted to {dt.name}")
    ins = [self] if scalar_other else [self, other]

    def run(mem):
        a = _read(mem, self, dt)
        b = np.asarray(other.value, dtype=_compute_dtype(dt)) if scalar_other \
            else _read(mem, other, dt)
        if alpha is not None and alpha.value != 1:
            b = b * np.asarray(alpha.value).astype(b.dtype)
        with np.errstate(all="ignore"):
            _store(mem, out, fn(a, b))
    return Plan(run, ins + [out])


def plan_unary(op, self, out):
    fn, allowed, to_float = UNARY[op]
    self = need(self, TensorDesc, "self", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, allowed, self=self)
    dtypes_in(op, COPYABLE, out=out)
    same_shape(op, out, self.shape)
    dt = _promote(op, [self.dtype], to_float)
    castable(op, dt, out)

    def run(mem):
        with np.errstate(all="ignore"):
            _store(mem, out, fn(_read(mem, self, dt)))
    return Plan(run, [self, out])


# --------------------------------------------------------------------------- other kernels


def _matmul_shape(op, a, b):
    if op == "aclnnMm" and (len(a) != 2 or len(b) != 2):
        raise invalid(f"{op}: self and mat2 must be 2-D, got {a} and {b}")
    if op == "aclnnBatchMatMul" and (len(a) != 3 or len(b) != 3 or a[0] != b[0]):
        raise invalid(f"{op}: self and mat2 must be 3-D with the same batch, got {a} and {b}")
    if not a or not b:
        raise invalid(f"{op}: 0-d operands are not supported")
    try:
        return np.matmul(np.empty(a, np.int8), np.empty(b, np.int8)).shape
    except ValueError:
        raise invalid(f"{op}: shapes {a} and {b} cannot be multiplied") from None


def plan_matmul(op, self, mat2, out, cube_math_type):
    self = need(self, TensorDesc, "self", op)
    mat2 = need(mat2, TensorDesc, "mat2", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, MATMUL, self=self, mat2=mat2, out=out)
    if cube_math_type not in (0, 1, 2, 3):
        raise invalid(f"{op}: cubeMathType {cube_math_type} is not one of 0..3")
    same_shape(op, out, _matmul_shape(op, self.shape, mat2.shape))
    dt = np.result_type(self.dtype, mat2.dtype)

    def run(mem):
        _store(mem, out, np.matmul(_read(mem, self, dt), _read(mem, mat2, dt)))
    return Plan(run, [self, mat2, out], MATMUL_WORKSPACE)


def plan_reduce_sum(op, self, dims, keep_dims, dtype, out):
    self = need(self, TensorDesc, "self", op)
    dims = need(dims, IntArrayDesc, "dims", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, ARITH, self=self)
    if out.dtype_code != dtype:
        raise invalid(f"{op}: out dtype {DTYPE_NAMES.get(out.dtype_code)} differs from dtype "
                      f"{DTYPE_NAMES.get(dtype)}")
    nd = len(self.shape)
    axes = tuple(range(nd)) if len(dims) == 0 else tuple(d + nd if d < 0 else d for d in dims)
    if any(not 0 <= d < max(nd, 1) for d in axes) or len(set(axes)) != len(axes):
        raise invalid(f"{op}: dims {tuple(dims)} out of range or repeated for {nd}-D self")
    axes = tuple(d for d in axes if d < nd)
    shape = tuple(1 if i in axes else s for i, s in enumerate(self.shape)) if keep_dims \
        else tuple(s for i, s in enumerate(self.shape) if i not in axes)
    same_shape(op, out, shape)

    def run(mem):
        acc = _compute_dtype(out.dtype)
        _store(mem, out, np.sum(_read(mem, self), axis=axes, keepdims=bool(keep_dims), dtype=acc))
    return Plan(run, [self, out])


def plan_cast(op, self, dtype, out):
    self = need(self, TensorDesc, "self", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, COPYABLE, self=self, out=out)
    if out.dtype_code != dtype:
        raise invalid(f"{op}: out dtype {DTYPE_NAMES.get(out.dtype_code)} differs from dtype "
                      f"{DTYPE_NAMES.get(dtype)}")
    same_shape(op, out, self.shape)
    return Plan(lambda mem: _store(mem, out, self.array(mem).copy()), [self, out])


def plan_inplace_copy(op, self, src):
    self = need(self, TensorDesc, "selfRef", op)
    src = need(src, TensorDesc, "src", op)
    dtypes_in(op, COPYABLE, selfRef=self, src=src)
    if broadcast(op, self.shape, src.shape) != self.shape:
        raise invalid(f"{op}: src shape {src.shape} cannot broadcast to selfRef shape {self.shape}")

    def run(mem):
        _store(mem, self, np.broadcast_to(src.array(mem).copy(), self.shape))
    return Plan(run, [self, src])


def plan_fill_scalar(op, self, value):
    self = need(self, TensorDesc, "selfRef", op)
    value = need(value, ScalarDesc, "value", op)
    dtypes_in(op, COPYABLE, selfRef=self)
    return Plan(lambda mem: _store(mem, self, value.value), [self])


def plan_zero(op, self):
    self = need(self, TensorDesc, "selfRef", op)
    dtypes_in(op, COPYABLE, selfRef=self)
    return Plan(lambda mem: _store(mem, self, 0), [self])


def plan_strided_slice_assign(op, var, value, begin, end, strides, axes):
    var = need(var, TensorDesc, "varRef", op)
    value = need(value, TensorDesc, "inputValue", op)
    begin, end = need(begin, IntArrayDesc, "begin", op), need(end, IntArrayDesc, "end", op)
    strides = need(strides, IntArrayDesc, "strides", op)
    axes = tuple(range(len(begin))) if axes is None else need(axes, IntArrayDesc, "axes", op)
    dtypes_in(op, COPYABLE, varRef=var, inputValue=value)
    nd = len(var.shape)
    if not len(begin) == len(end) == len(strides) == len(axes):
        raise invalid(f"{op}: begin, end, strides and axes must have the same length")
    index = [slice(None)] * nd
    for b, e, s, ax in zip(begin, end, strides, axes):
        ax = ax + nd if ax < 0 else ax
        if not 0 <= ax < nd or s <= 0:
            raise invalid(f"{op}: axis {ax} out of range or non-positive stride {s}")
        index[ax] = slice(b, e, s)
    index = tuple(index)
    target = np.empty(var.shape, np.int8)[index].shape
    if broadcast(op, target, value.shape) != target:
        raise invalid(f"{op}: inputValue shape {value.shape} does not fit the slice {target}")

    def run(mem):
        v = value.array(mem).copy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            var.array(mem)[index] = v.astype(var.dtype)
    return Plan(run, [var, value])


PLANNERS = {
    **{n: plan_binary for n in (*BINARY, *SCALAR_FORM)},
    **{n: plan_unary for n in UNARY},
    "aclnnMatmul": plan_matmul, "aclnnMm": plan_matmul, "aclnnBatchMatMul": plan_matmul,
    "aclnnReduceSum": plan_reduce_sum, "aclnnCast": plan_cast,
    "aclnnInplaceCopy": plan_inplace_copy, "aclnnInplaceFillScalar": plan_fill_scalar,
    "aclnnInplaceZero": plan_zero, "aclnnStridedSliceAssignV2": plan_strided_slice_assign,
}


def _more():
    # The other kernel families live in their own modules (they import this one's helpers).
    from . import math_kernels, nn_kernels, select_kernels
    PLANNERS.update(math_kernels.PLANNERS)
    PLANNERS.update(nn_kernels.PLANNERS)
    PLANNERS.update(select_kernels.PLANNERS)


_more()
