"""More simulated ACLNN kernels: elementwise (unary / binary / ternary tables), reductions,
matmul with bias, indexing and shape kernels.

Same contract as ``kernels.py``: a planner validates the resolved arguments as CANN
documents and returns a ``Plan`` whose ``run(memory)`` executes on the stream's worker.
Tables map each ACLNN name to a NumPy function, the dtypes it accepts and the kind of its
result ("same": the promoted input dtype, "float": floating for integer inputs, "bool").
"""
from __future__ import annotations

import numpy as np
from scipy import special as sps

from .. import acl as A
from .descriptors import DTYPE_NAMES, IntArrayDesc, ScalarDesc, TensorDesc, TensorListDesc
from .kernels import (ARITH, COPYABLE, FLOATING, INTEGRAL, MATMUL, REAL, Plan, _compute_dtype,
                      _kind, _matmul_shape, _read, _store, broadcast, castable, dtypes_in,
                      invalid, need, same_shape)

BOOL = frozenset((A.ACL_BOOL,))
INT_BOOL = INTEGRAL | BOOL
INDEX = frozenset((A.ACL_INT32, A.ACL_INT64))


def _result_dtype(dtypes, result):
    dt = np.result_type(*dtypes)
    if dt.kind == "V":            # bf16 etc: the compute dtype already is float32
        dt = np.dtype(np.float32)
    if result == "float" and _kind(dt) < 2:
        return np.dtype(np.float32)
    return dt


def _scalar_np(s, like):
    """An aclScalar's value as a NumPy 0-d array; its kind decides promotion (a float scalar
    with an integer tensor computes in float32, as torch's wrapped numbers do)."""
    v = np.asarray(s.value)
    if _kind(v.dtype) > _kind(like):
        return v.astype(np.float32 if _kind(v.dtype) == 2 else np.complex64)
    return v.astype(like)


def _check_out(op, out, shape, dt, result):
    dtypes_in(op, COPYABLE, out=out)
    same_shape(op, out, shape)
    if result == "bool":
        return
    castable(op, dt, out)


# --------------------------------------------------------------------------- unary


def _round(x):
    return np.round(x)


UNARY = {   # name -> (fn, allowed input dtypes, result kind)
    "aclnnExpm1": (np.expm1, ARITH, "float"), "aclnnLog1p": (np.log1p, ARITH, "float"),
    "aclnnLog2": (np.log2, ARITH, "float"), "aclnnLog10": (np.log10, ARITH, "float"),
    "aclnnExp2": (np.exp2, ARITH, "float"), "aclnnTan": (np.tan, ARITH, "float"),
    "aclnnAsin": (np.arcsin, ARITH, "float"), "aclnnAcos": (np.arccos, ARITH, "float"),
    "aclnnAtan": (np.arctan, ARITH, "float"), "aclnnSinh": (np.sinh, ARITH, "float"),
    "aclnnCosh": (np.cosh, ARITH, "float"), "aclnnAsinh": (np.arcsinh, ARITH, "float"),
    "aclnnAcosh": (np.arccosh, ARITH, "float"), "aclnnAtanh": (np.arctanh, ARITH, "float"),
    "aclnnErfc": (sps.erfc, FLOATING | INTEGRAL, "float"),
    "aclnnErfinv": (sps.erfinv, FLOATING | INTEGRAL, "float"),
    "aclnnTrunc": (np.trunc, REAL, "same"), "aclnnFrac": (lambda x: x - np.trunc(x), REAL, "same"),
    "aclnnRound": (_round, REAL, "same"), "aclnnSquare": (np.square, ARITH, "same"),
    "aclnnIsInf": (np.isinf, REAL, "bool"), "aclnnIsFinite": (np.isfinite, REAL, "bool"),
    "aclnnSignbit": (np.signbit, REAL, "bool"),
    "aclnnLogicalNot": (np.logical_not, ARITH, "bool"),
    "aclnnBitwiseNot": (np.invert, INT_BOOL, "same"),
    "aclnnGelu": (lambda x: 0.5 * x * (1 + sps.erf(x / np.sqrt(2))), FLOATING, "same"),
}


def plan_unary(op, self, out):
    fn, allowed, result = UNARY[op]
    self = need(self, TensorDesc, "self", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, allowed, self=self)
    dt = _result_dtype([self.dtype], result)
    _check_out(op, out, self.shape, dt, result)

    def run(mem):
        with np.errstate(all="ignore"):
            _store(mem, out, fn(_read(mem, self, dt)))
    return Plan(run, [self, out])


def plan_gelu_v2(op, x, approximate, y):
    x, y = need(x, TensorDesc, "x", op), need(y, TensorDesc, "y", op)
    dtypes_in(op, FLOATING, x=x, y=y)
    same_shape(op, y, x.shape, "y")
    if approximate not in (0, 1):
        raise invalid(f"{op}: approximate must be 0 (none) or 1 (tanh), got {approximate}")

    def run(mem):
        v = _read(mem, x)
        if approximate:
            r = 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v ** 3)))
        else:
            r = 0.5 * v * (1 + sps.erf(v / np.sqrt(2)))
        _store(mem, y, r)
    return Plan(run, [x, y])


# --------------------------------------------------------------------------- binary

_CMP = {"Eq": np.equal, "Ne": np.not_equal, "Gt": np.greater, "Ge": np.greater_equal,
        "Lt": np.less, "Le": np.less_equal}
BINARY = {   # name -> (fn, allowed dtypes, result kind, other is an aclScalar)
    **{f"aclnn{k}Tensor": (f, ARITH, "bool", False) for k, f in _CMP.items()},
    **{f"aclnn{k}Scalar": (f, ARITH, "bool", True) for k, f in _CMP.items()},
    "aclnnLogicalAnd": (np.logical_and, ARITH, "bool", False),
    "aclnnLogicalOr": (np.logical_or, ARITH, "bool", False),
    "aclnnLogicalXor": (np.logical_xor, ARITH, "bool", False),
    "aclnnBitwiseAndTensor": (np.bitwise_and, INT_BOOL, "same", False),
    "aclnnBitwiseOrTensor": (np.bitwise_or, INT_BOOL, "same", False),
    "aclnnBitwiseXorTensor": (np.bitwise_xor, INT_BOOL, "same", False),
    "aclnnRemainderTensorTensor": (np.remainder, REAL - BOOL, "same", False),
    "aclnnRemainderTensorScalar": (np.remainder, REAL - BOOL, "same", True),
    "aclnnFmodTensor": (np.fmod, REAL - BOOL, "same", False),
    "aclnnFmodScalar": (np.fmod, REAL - BOOL, "same", True),
    "aclnnFloorDivide": (np.floor_divide, REAL - BOOL, "same", False),
    "aclnnAtan2": (np.arctan2, REAL, "float", False),
    "aclnnPowTensorTensor": (np.power, ARITH, "same", False),
    "aclnnPowTensorScalar": (np.power, ARITH, "same", True),
}


def plan_binary(op, self, other, out):
    fn, allowed, result, scalar = BINARY[op]
    self = need(self, TensorDesc, "self", op)
    other = need(other, ScalarDesc if scalar else TensorDesc, "other", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, allowed, self=self)
    if scalar:
        shape = self.shape
        dt = _result_dtype([self.dtype, _scalar_np(other, self.dtype).dtype], result)
    else:
        dtypes_in(op, allowed, other=other)
        shape = broadcast(op, self.shape, other.shape)
        dt = _result_dtype([self.dtype, other.dtype], result)
    _check_out(op, out, shape, dt, result)

    def run(mem):
        a = _read(mem, self, dt)
        b = np.asarray(other.value).astype(a.dtype) if scalar else _read(mem, other, dt)
        with np.errstate(all="ignore"):
            if fn is np.power and a.dtype.kind in "iu" and (np.asarray(b) < 0).any():
                r = np.power(a.astype(np.float64), b).astype(a.dtype)    # torch: int ** -n
            else:
                r = fn(a, b)
        _store(mem, out, r)
    return Plan(run, [self] + ([] if scalar else [other]) + [out])


def plan_pow_scalar_tensor(op, self, exponent, out):
    self = need(self, ScalarDesc, "self", op)
    exponent = need(exponent, TensorDesc, "exponent", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, ARITH, exponent=exponent)
    dt = _result_dtype([_scalar_np(self, exponent.dtype).dtype, exponent.dtype], "same")
    _check_out(op, out, exponent.shape, dt, "same")

    def run(mem):
        e = _read(mem, exponent, dt)
        with np.errstate(all="ignore"):
            _store(mem, out, np.power(np.asarray(self.value).astype(e.dtype), e))
    return Plan(run, [exponent, out])


# --------------------------------------------------------------------------- ternary


def _tensors(op, **kw):
    for name, t in kw.items():
        need(t, TensorDesc, name, op)
    return kw


def plan_where(op, condition, self, other, out):
    _tensors(op, condition=condition, self=self, other=other, out=out)
    dtypes_in(op, BOOL | {A.ACL_UINT8}, condition=condition)
    dtypes_in(op, ARITH, self=self, other=other)
    shape = broadcast(op, condition.shape, self.shape, other.shape)
    dt = _result_dtype([self.dtype, other.dtype], "same")
    _check_out(op, out, shape, dt, "same")

    def run(mem):
        c = condition.array(mem).astype(bool)
        _store(mem, out, np.where(c, _read(mem, self, dt), _read(mem, other, dt)))
    return Plan(run, [condition, self, other, out])


def plan_clamp(op, self, lo, hi=None, out=None):
    """aclnnClamp(self, min, max, out), aclnnClampMin/Max(self, bound, out) and
    aclnnClampTensor (bounds tensors; one of them may be null)."""
    if op == "aclnnClampMin":
        lo, hi, out = lo, None, hi
    elif op == "aclnnClampMax":
        lo, hi, out = None, lo, hi
    kind = TensorDesc if op == "aclnnClampTensor" else ScalarDesc
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    if lo is None and hi is None:
        raise invalid(f"{op}: clipValueMin and clipValueMax can't both be null")
    for name, b in (("clipValueMin", lo), ("clipValueMax", hi)):
        if b is not None:
            need(b, kind, name, op)
    dtypes_in(op, REAL - BOOL, self=self)
    bounds = [b for b in (lo, hi) if b is not None]
    if kind is TensorDesc:
        shape = broadcast(op, self.shape, *[b.shape for b in bounds])
        dt = _result_dtype([self.dtype] + [b.dtype for b in bounds], "same")
    else:
        shape = self.shape
        dt = _result_dtype([self.dtype] + [_scalar_np(b, self.dtype).dtype for b in bounds],
                           "same")
    _check_out(op, out, shape, dt, "same")

    def bound(mem, b):
        if b is None:
            return None
        return _read(mem, b, dt) if kind is TensorDesc else np.asarray(b.value).astype(
            _compute_dtype(dt))

    def run(mem):
        x = _read(mem, self, dt)
        lo_v, hi_v = bound(mem, lo), bound(mem, hi)
        if lo_v is not None:
            x = np.where(x < lo_v, lo_v, x)     # NaN stays NaN, like torch
        if hi_v is not None:
            x = np.where(x > hi_v, hi_v, x)
        _store(mem, out, np.broadcast_to(x, shape))
    ins = [self] + ([b for b in bounds] if kind is TensorDesc else [])
    return Plan(run, ins + [out])


def plan_lerp(op, self, end, weight, out):
    _tensors(op, self=self, end=end, out=out)
    scalar = op == "aclnnLerps"
    need(weight, ScalarDesc if scalar else TensorDesc, "weight", op)
    dtypes_in(op, FLOATING, self=self, end=end)
    shapes = [self.shape, end.shape] + ([] if scalar else [weight.shape])
    shape = broadcast(op, *shapes)
    dt = _result_dtype([self.dtype, end.dtype], "same")
    _check_out(op, out, shape, dt, "same")

    def run(mem):
        a, b = _read(mem, self, dt), _read(mem, end, dt)
        w = np.asarray(weight.value, a.dtype) if scalar else _read(mem, weight, dt)
        # torch's two-sided formula keeps lerp exact at both ends
        r = np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))
        _store(mem, out, r)
    return Plan(run, [self, end] + ([] if scalar else [weight]) + [out])


def plan_addc(op, self, t1, t2, value, out):
    _tensors(op, self=self, tensor1=t1, tensor2=t2, out=out)
    value = need(value, ScalarDesc, "value", op)
    dtypes_in(op, ARITH - BOOL, self=self, tensor1=t1, tensor2=t2)
    shape = broadcast(op, self.shape, t1.shape, t2.shape)
    dt = _result_dtype([self.dtype, t1.dtype, t2.dtype], "same")
    _check_out(op, out, shape, dt, "same")
    fn = np.multiply if op == "aclnnAddcmul" else np.true_divide

    def run(mem):
        a = _read(mem, self, dt)
        with np.errstate(all="ignore"):
            r = a + np.asarray(value.value, a.dtype) * fn(_read(mem, t1, dt), _read(mem, t2, dt))
        _store(mem, out, r)
    return Plan(run, [self, t1, t2, out])


# --------------------------------------------------------------------------- reductions


def _axes(op, dims, nd):
    dims = () if dims is None else tuple(dims)
    axes = tuple(range(nd)) if not dims else tuple(d + nd if d < 0 else d for d in dims)
    if any(not 0 <= d < max(nd, 1) for d in axes) or len(set(axes)) != len(axes):
        raise invalid(f"{op}: dims {dims} out of range or repeated for {nd}-D self")
    return tuple(d for d in axes if d < nd)


def _reduced(shape, axes, keep):
    if keep:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _reduction(op, self, out, axes, keep, fn, allowed=ARITH, dtype=None, check_cast=True):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    dtypes_in(op, allowed, self=self)
    if dtype is not None and out.dtype_code != dtype:
        raise invalid(f"{op}: out dtype {DTYPE_NAMES.get(out.dtype_code)} differs from dtype "
                      f"{DTYPE_NAMES.get(dtype)}")
    axes = _axes(op, axes, len(self.shape))
    same_shape(op, out, _reduced(self.shape, axes, keep))

    def run(mem):
        with np.errstate(all="ignore"):
            _store(mem, out, fn(_read(mem, self, out.dtype if check_cast else None), axes,
                                bool(keep)))
    return Plan(run, [self, out])


def plan_mean(op, self, dim, keep, dtype, out):
    return _reduction(op, self, out, need(dim, IntArrayDesc, "dim", op), keep,
                      lambda a, ax, k: np.mean(a, axis=ax, keepdims=k), FLOATING, dtype)


def plan_prod(op, self, dtype, out):
    return _reduction(op, self, out, (), False,
                      lambda a, ax, k: np.prod(a, axis=ax, keepdims=k), ARITH, dtype)


def plan_prod_dim(op, self, dim, keep, dtype, out):
    return _reduction(op, self, out, (dim,), keep,
                      lambda a, ax, k: np.prod(a, axis=ax, keepdims=k), ARITH, dtype)


def _extreme(fn):
    def f(a, ax, k):
        if a.size == 0:
            raise invalid("max/min of an empty tensor")
        return fn(a, axis=ax, keepdims=k)
    return f


def plan_amax(op, self, dim, keep, out):
    fn = np.max if op == "aclnnAmax" else np.min
    return _reduction(op, self, out, need(dim, IntArrayDesc, "dim", op), keep, _extreme(fn),
                      REAL)


def plan_max_all(op, self, out):
    fn = np.max if op == "aclnnMax" else np.min
    return _reduction(op, self, out, (), False, _extreme(fn), REAL)


def plan_all_any(op, self, dim, keep, out):
    fn = np.all if op == "aclnnAll" else np.any
    return _reduction(op, self, out, need(dim, IntArrayDesc, "dim", op), keep,
                      lambda a, ax, k: fn(a, axis=ax, keepdims=k), ARITH, check_cast=False)


def plan_var(op, self, dim, correction, keep, out):
    def fn(a, ax, k):
        n = int(np.prod([a.shape[i] for i in ax])) if ax else 1
        v = np.var(a, axis=ax, keepdims=k) * (n / max(n - correction, 0)) if n - correction > 0 \
            else np.full(_reduced(a.shape, ax, k), np.nan, a.dtype)
        return np.sqrt(v) if op == "aclnnStd" else v
    return _reduction(op, self, out, need(dim, IntArrayDesc, "dim", op), keep, fn, FLOATING)


def plan_logsumexp(op, self, dim, keep, out):
    def fn(a, ax, k):
        m = np.max(a, axis=ax, keepdims=True) if a.size else np.zeros(())
        m = np.where(np.isfinite(m), m, 0)
        r = np.log(np.sum(np.exp(a - m), axis=ax, keepdims=True)) + m
        return r if k else np.squeeze(r, axis=ax)
    return _reduction(op, self, out, need(dim, IntArrayDesc, "dim", op), keep, fn, FLOATING)


def _dim(op, dim, nd):
    d = dim + max(nd, 1) if dim < 0 else dim
    if not 0 <= d < max(nd, 1):
        raise invalid(f"{op}: dim {dim} out of range for {nd}-D self")
    return d if nd else None


def plan_max_dim(op, self, dim, keep, out, indices):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    indices = need(indices, TensorDesc, "indices", op)
    dtypes_in(op, REAL, self=self)
    dtypes_in(op, INDEX, indices=indices)
    d = _dim(op, dim, len(self.shape))
    shape = _reduced(self.shape, () if d is None else (d,), keep)
    same_shape(op, out, shape)
    same_shape(op, indices, shape, "indices")
    arg = np.argmax if op == "aclnnMaxDim" else np.argmin

    def run(mem):
        a = _read(mem, self)
        if d is None:
            _store(mem, out, a)
            _store(mem, indices, 0)
            return
        i = np.expand_dims(arg(a, axis=d), d)
        v = np.take_along_axis(a, i, d)
        _store(mem, out, v if keep else np.squeeze(v, d))
        _store(mem, indices, i if keep else np.squeeze(i, d))
    return Plan(run, [self, out, indices])


def plan_argmax(op, self, dim, keep, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    dtypes_in(op, REAL, self=self)
    dtypes_in(op, INDEX, out=out)
    d = _dim(op, dim, len(self.shape))
    same_shape(op, out, _reduced(self.shape, () if d is None else (d,), keep))
    arg = np.argmax if op == "aclnnArgMax" else np.argmin

    def run(mem):
        a = _read(mem, self)
        _store(mem, out, 0 if d is None else arg(a, axis=d, keepdims=bool(keep)))
    return Plan(run, [self, out])


def plan_cumsum(op, self, dim, dtype, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    dtypes_in(op, ARITH, self=self)
    if out.dtype_code != dtype:
        raise invalid(f"{op}: out dtype differs from dtype {DTYPE_NAMES.get(dtype)}")
    same_shape(op, out, self.shape)
    d = _dim(op, dim, len(self.shape))

    def run(mem):
        a = _read(mem, self, out.dtype)
        _store(mem, out, a if d is None else np.cumsum(a, axis=d))
    return Plan(run, [self, out])


def plan_softmax(op, self, dim, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    dtypes_in(op, FLOATING, self=self, out=out)
    same_shape(op, out, self.shape)
    d = _dim(op, dim, len(self.shape))

    def run(mem):
        a = _read(mem, self)
        if d is None:
            _store(mem, out, np.zeros_like(a) if op == "aclnnLogSoftmax" else np.ones_like(a))
            return
        m = np.max(a, axis=d, keepdims=True) if a.size else 0
        z = a - np.where(np.isfinite(m), m, 0)
        if op == "aclnnLogSoftmax":
            r = z - np.log(np.sum(np.exp(z), axis=d, keepdims=True))
        else:
            e = np.exp(z)
            r = e / np.sum(e, axis=d, keepdims=True)
        _store(mem, out, r)
    return Plan(run, [self, out])


# --------------------------------------------------------------------------- matmul with bias


def plan_addmm(op, self, m1, m2, beta, alpha, out, cube_math_type):
    _tensors(op, self=self, mat1=m1, mat2=m2, out=out)
    beta, alpha = need(beta, ScalarDesc, "beta", op), need(alpha, ScalarDesc, "alpha", op)
    dtypes_in(op, MATMUL, self=self, mat1=m1, mat2=m2, out=out)
    inner = "aclnnMm" if op == "aclnnAddmm" else "aclnnBatchMatMul"
    shape = _matmul_shape(inner, m1.shape, m2.shape)
    if broadcast(op, self.shape, shape) != shape:
        raise invalid(f"{op}: self shape {self.shape} can't broadcast to {shape}")
    same_shape(op, out, shape)
    dt = np.result_type(self.dtype, m1.dtype, m2.dtype)

    def run(mem):
        p = np.matmul(_read(mem, m1, dt), _read(mem, m2, dt))
        r = p * alpha.value if alpha.value != 1 else p
        if beta.value != 0:      # beta == 0 ignores self (NaN included), like torch
            r = r + beta.value * _read(mem, self, dt)
        _store(mem, out, np.broadcast_to(r, shape))
    return Plan(run, [self, m1, m2, out], 16 << 10)


# --------------------------------------------------------------------------- indexing


def _index_array(mem, t):
    return t.array(mem).astype(np.int64)


def plan_gather(op, self, dim, index, out):
    _tensors(op, self=self, index=index, out=out)
    dtypes_in(op, INDEX, index=index)
    dtypes_in(op, COPYABLE, self=self)
    d = _dim(op, dim, len(self.shape))
    same_shape(op, out, index.shape)
    if len(index.shape) != len(self.shape):
        raise invalid(f"{op}: index must have as many dims as self")

    def run(mem):
        a = self.array(mem)
        i = _index_array(mem, index)
        if d is not None:       # index may be smaller than self outside dim
            a = a[tuple(slice(None) if k == d else slice(0, n) for k, n in enumerate(i.shape))]
        _store(mem, out, a.copy() if d is None else np.take_along_axis(a, i, d))
    return Plan(run, [self, index, out])


def plan_index_select(op, self, dim, index, out):
    _tensors(op, self=self, index=index, out=out)
    dtypes_in(op, INDEX, index=index)
    if len(index.shape) > 1:
        raise invalid(f"{op}: index must be 0-D or 1-D")
    d = _dim(op, dim, len(self.shape))
    shape = list(self.shape)
    if d is not None:
        shape[d] = index.numel
    same_shape(op, out, tuple(shape))

    def run(mem):
        a, i = self.array(mem), _index_array(mem, index).reshape(-1)
        _store(mem, out, a.copy() if d is None else np.take(a, i, axis=d))
    return Plan(run, [self, index, out])


def _scatter_into(a, d, i, s, reduce):
    """a[..., i[j], ...] (op)= s[j] along d for every element j of index (in order)."""
    grid = list(np.indices(i.shape, sparse=True))
    grid[d] = i
    grid = tuple(grid)
    if reduce == 1:
        np.add.at(a, grid, s)
    elif reduce == 2:
        np.multiply.at(a, grid, s)
    else:
        a[grid] = s


def plan_scatter(op, self, dim, index, src, *rest):
    reduce, out = (rest[0], rest[1]) if op == "aclnnScatter" else (1, rest[0])
    _tensors(op, self=self, index=index, src=src, out=out)
    dtypes_in(op, INDEX, index=index)
    d = _dim(op, dim, len(self.shape))
    same_shape(op, out, self.shape)
    if reduce not in (0, 1, 2):
        raise invalid(f"{op}: reduce must be 0 (none), 1 (add) or 2 (mul), got {reduce}")

    def run(mem):
        a = _read(mem, self)
        i = _index_array(mem, index)
        s = _read(mem, src, a.dtype)[tuple(slice(0, n) for n in i.shape)]
        if d is None:
            a = s.reshape(a.shape) if i.size else a
        elif i.size:
            _scatter_into(a, d, i, s, reduce)
        _store(mem, out, a)
    return Plan(run, [self, index, src, out])


def plan_index_put(op, self, indices, values, accumulate, unsafe):
    self = need(self, TensorDesc, "selfRef", op)
    values = need(values, TensorDesc, "values", op)
    if not isinstance(indices, TensorListDesc) or not indices:
        raise invalid(f"{op}: indices must be a non-empty aclTensorList")
    if len(indices) > len(self.shape):
        raise invalid(f"{op}: too many indices for a {len(self.shape)}-D selfRef")
    for t in indices:
        dtypes_in(op, INDEX | BOOL | {A.ACL_UINT8}, indices=t)

    def run(mem):
        a = self.array(mem)
        idx = tuple(t.array(mem).astype(bool) if t.dtype_code in (A.ACL_BOOL, A.ACL_UINT8)
                    else t.array(mem).astype(np.int64) for t in indices)
        v = values.array(mem).astype(a.dtype)
        if accumulate:
            np.add.at(a, idx, v)
        else:
            a[idx] = v
    return Plan(run, [self, values, *indices])


def plan_masked_fill(op, self, mask, value):
    self, mask = need(self, TensorDesc, "selfRef", op), need(mask, TensorDesc, "mask", op)
    scalar = op == "aclnnInplaceMaskedFillScalar"
    value = need(value, ScalarDesc if scalar else TensorDesc, "value", op)
    dtypes_in(op, BOOL | {A.ACL_UINT8}, mask=mask)
    if broadcast(op, self.shape, mask.shape) != self.shape:
        raise invalid(f"{op}: mask shape {mask.shape} can't broadcast to {self.shape}")

    def run(mem):
        a = self.array(mem)
        v = value.value if scalar else value.array(mem).copy()
        a[...] = np.where(np.broadcast_to(mask.array(mem).astype(bool), a.shape),
                          np.asarray(v).astype(a.dtype), a)
    return Plan(run, [self, mask] + ([] if scalar else [value]))


# --------------------------------------------------------------------------- shape


def _tensor_list(op, tensors):
    if not isinstance(tensors, TensorListDesc) or not tensors:
        raise invalid(f"{op}: tensors must be a non-empty aclTensorList")
    dtypes_in(op, COPYABLE, **{f"tensors[{i}]": t for i, t in enumerate(tensors)})
    return tensors


def plan_cat(op, tensors, dim, out):
    tensors = _tensor_list(op, tensors)
    out = need(out, TensorDesc, "out", op)
    parts = [t for t in tensors if not (op == "aclnnCat" and t.shape == (0,))]
    nd = len(parts[0].shape) if parts else 1
    if op == "aclnnStack":
        d = dim + nd + 1 if dim < 0 else dim
        if any(t.shape != tensors[0].shape for t in tensors):
            raise invalid(f"{op}: all tensors must have the same shape")
        shape = tensors[0].shape[:d] + (len(tensors),) + tensors[0].shape[d:]
    else:
        d = dim + nd if dim < 0 else dim
        if parts and any(len(t.shape) != nd or t.shape[:d] + t.shape[d + 1:]
                         != parts[0].shape[:d] + parts[0].shape[d + 1:] for t in parts):
            raise invalid(f"{op}: tensors differ in shape outside dim {dim}")
        shape = parts[0].shape[:d] + (sum(t.shape[d] for t in parts),) + parts[0].shape[d + 1:] \
            if parts else (0,)
    same_shape(op, out, shape)

    def run(mem):
        arrays = [t.array(mem).astype(out.dtype) for t in parts]
        if arrays:
            _store(mem, out, np.stack(arrays, d) if op == "aclnnStack"
                   else np.concatenate(arrays, d))
    return Plan(run, list(tensors) + [out])


def plan_flip(op, self, dims, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    axes = _axes(op, need(dims, IntArrayDesc, "dims", op), len(self.shape)) if dims else ()
    same_shape(op, out, self.shape)
    return Plan(lambda mem: _store(mem, out, np.flip(self.array(mem), axes) if axes
                                   else self.array(mem).copy()), [self, out])


def plan_tri(op, self, diagonal, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    if len(self.shape) < 2:
        raise invalid(f"{op}: self must be at least 2-D")
    same_shape(op, out, self.shape)
    fn = np.tril if op == "aclnnTril" else np.triu
    return Plan(lambda mem: _store(mem, out, fn(self.array(mem), diagonal)), [self, out])


PLANNERS = {
    **{n: plan_unary for n in UNARY}, "aclnnGeluV2": plan_gelu_v2,
    **{n: plan_binary for n in BINARY}, "aclnnPowScalarTensor": plan_pow_scalar_tensor,
    "aclnnSWhere": plan_where, "aclnnClamp": plan_clamp, "aclnnClampMin": plan_clamp,
    "aclnnClampMax": plan_clamp, "aclnnClampTensor": plan_clamp,
    "aclnnLerp": plan_lerp, "aclnnLerps": plan_lerp,
    "aclnnAddcmul": plan_addc, "aclnnAddcdiv": plan_addc,
    "aclnnMean": plan_mean, "aclnnProd": plan_prod, "aclnnProdDim": plan_prod_dim,
    "aclnnAmax": plan_amax, "aclnnAmin": plan_amax, "aclnnMax": plan_max_all,
    "aclnnMin": plan_max_all, "aclnnMaxDim": plan_max_dim, "aclnnMinDim": plan_max_dim,
    "aclnnArgMax": plan_argmax, "aclnnArgMin": plan_argmax,
    "aclnnAll": plan_all_any, "aclnnAny": plan_all_any,
    "aclnnVarCorrection": plan_var, "aclnnStd": plan_var, "aclnnLogSumExp": plan_logsumexp,
    "aclnnCumsum": plan_cumsum, "aclnnSoftmax": plan_softmax, "aclnnLogSoftmax": plan_softmax,
    "aclnnAddmm": plan_addmm, "aclnnBaddbmm": plan_addmm,
    "aclnnGather": plan_gather, "aclnnIndexSelect": plan_index_select,
    "aclnnScatter": plan_scatter, "aclnnScatterAdd": plan_scatter,
    "aclnnIndexPutImpl": plan_index_put,
    "aclnnInplaceMaskedFillScalar": plan_masked_fill,
    "aclnnInplaceMaskedFillTensor": plan_masked_fill,
    "aclnnCat": plan_cat, "aclnnStack": plan_cat, "aclnnFlip": plan_flip,
    "aclnnTril": plan_tri, "aclnnTriu": plan_tri,
}
