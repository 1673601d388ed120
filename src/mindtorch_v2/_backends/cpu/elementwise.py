"""CPU kernels of the elementwise family, generated from the rows in ``_ops/elementwise``.

Dtype rules come from the family (``kind_dtypes`` / ``promote_args``) so CPU and meta agree;
NumPy does the arithmetic.  float16/bfloat16 transcendental ops compute in float32 and
round once, like torch's CPU kernels.
"""
from __future__ import annotations

import builtins

import numpy as np

from ..._lazy import lazy_module
from ... import _dtype as D
from ..._dispatch.dispatcher import check_inplace_result
from ..._ops import elementwise as E
from ..._ops._common import broadcast_shapes, elementwise_strides
from ..._tensor import Tensor
from ._util import arr, scalar_operand, wrap

sps = lazy_module("scipy.special")

_HALF = (D.float16, D.bfloat16)
_UPCAST_KINDS = (E.FLOAT, E.FLOATNC)


def _dtype_cache(name, kind):
    """Memoised ``kind_dtypes`` (per default dtype: int -> float results depend on it)."""
    caches = {}
    default = D._default

    def lookup(dt):
        cache = caches.get(default[0])
        if cache is None:
            cache = caches[default[0]] = {}
        ent = cache.get(dt)
        if ent is None:
            cdt, odt = E.kind_dtypes(kind, dt, name)
            up = cdt in _HALF and kind in _UPCAST_KINDS
            ent = cache[dt] = (cdt, odt, up)
        return ent
    return lookup


# ---------------------------------------------------------------------------------------
# unary
# ---------------------------------------------------------------------------------------

_UNARY_CHECKS = E.UNARY_CHECKS


def unary_kernel(op):
    npfn = op.extra["np"]
    lookup = _dtype_cache(op.name, op.extra["kind"])
    check = _UNARY_CHECKS.get(op.name)

    def kernel(x):
        if check is not None:
            check(x)
        cdt, odt, up = lookup(x.dtype)
        a = x._np
        if a is None:
            a = x._numpy_view()
        if up:
            r = npfn(a.astype(np.float32)).astype(odt.np)
        else:
            if cdt is not x.dtype:
                a = a.astype(cdt.np)
            try:
                r = npfn(a)
            except TypeError:  # a function without a loop for this dtype: via float32/64
                r = npfn(a.astype(np.float64 if a.dtype.itemsize > 4 else np.float32))
            if r.dtype != odt.np:
                r = r.astype(odt.np)
        return wrap(r, odt)
    return kernel


# ---------------------------------------------------------------------------------------
# binary
# ---------------------------------------------------------------------------------------

def _operands(a, b, name):
    """NumPy operands and the promoted dtype of (a, b), tensors or scalars."""
    if isinstance(a, Tensor):
        x = a._np if a._np is not None else a._numpy_view()
        if isinstance(b, Tensor):
            y = b._np if b._np is not None else b._numpy_view()
            pdt = a.dtype if a.dtype is b.dtype else E.promote_args(a, b)
        else:
            y = scalar_operand(b, name, 2)
            pdt = E.promote_with_scalar(a.dtype, b)
    else:
        y = b._np if b._np is not None else b._numpy_view()
        x = scalar_operand(a, name, 1)
        pdt = E.promote_with_scalar(b.dtype, a)
    return x, y, pdt


def _cast(v, cdt):
    """An operand in the compute dtype (arrays cast; scalars wrap like torch on overflow)."""
    if type(v) is np.ndarray:
        return v if v.dtype == cdt.np else v.astype(cdt.np)
    if cdt.category == D.INT and not isinstance(v, (bool, np.bool_)):
        info = np.iinfo(cdt.np)
        if not info.min <= v <= info.max:
            return np.array(v).astype(cdt.np)
    return v


def _c_contig(v):
    return not isinstance(v, Tensor) or v._np is None or v._np.flags.c_contiguous


def _conform(r, *operands):
    """``r`` laid out like torch's TensorIterator output for these operands.

    NumPy's K order agrees with torch when the inputs share a layout; when they are mixed
    (e.g. transposed + contiguous) torch follows the first operand, NumPy gives C order.
    """
    if r.ndim < 2:
        return r
    if r.flags.c_contiguous:
        for v in operands:
            if isinstance(v, Tensor) and not _c_contig(v):
                break
        else:
            return r
    want = elementwise_strides(r.shape, [(t._shape, t._stride) for t in operands
                                         if isinstance(t, Tensor)])
    isz = r.itemsize
    if all(n <= 1 or w * isz == s for w, s, n in zip(want, r.strides, r.shape)):
        return r
    order = sorted(range(r.ndim), key=lambda d: -want[d])
    out = np.empty([r.shape[d] for d in order], r.dtype)
    inv = [0] * r.ndim
    for i, d in enumerate(order):
        inv[d] = i
    out = out.transpose(inv)
    out[...] = r
    return out


def _broadcast_error(a, b):
    sa = a._shape if isinstance(a, Tensor) else ()
    sb = b._shape if isinstance(b, Tensor) else ()
    broadcast_shapes(sa, sb)
    raise RuntimeError(f"cannot broadcast shapes {list(sa)} and {list(sb)}")


def _zero_div_check(y, cdt, x=None):
    # torch only fails when a zero divisor is actually used: an empty output never raises
    if x is not None and np.size(x) == 0:
        return
    if cdt.category <= D.INT and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")


def binary_kernel(op, pre=None):
    """Kernel for a binary row; ``pre(x, y, cdt)`` may validate or rewrite operands."""
    npfn = op.extra["np"]
    name = op.name
    lookup = _dtype_cache(name, op.extra["kind"])
    ordered = name in E.ORDERED

    heaviside = name == "heaviside"

    fast_ok = pre is None and not heaviside

    def kernel(a, b):
        if fast_ok and type(b) is Tensor and type(a) is Tensor and a.dtype is b.dtype:
            # hot path: two same-dtype CPU tensors computed in their own dtype
            x, y = a._np, b._np
            if x is not None and y is not None:
                cdt, odt, up = lookup(a.dtype)
                if cdt is a.dtype and not up and not (ordered and cdt.is_complex):
                    try:
                        r = npfn(x, y)
                    except ValueError:
                        _broadcast_error(a, b)
                    except TypeError:
                        r = None
                    if r is not None:
                        if r.dtype != odt.np:
                            r = r.astype(odt.np)
                        return wrap(_conform(r, a, b) if r.ndim > 1 else r, odt)
        x, y, pdt = _operands(a, b, name)
        if heaviside:
            op.meta(a, b)
        cdt, odt, up = lookup(pdt)
        if ordered and cdt.is_complex:
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{cdt.c10_name}'")
        x = _cast(x, cdt)
        y = _cast(y, cdt)
        if up:
            x = np.asarray(x, dtype=np.float32)
            y = np.asarray(y, dtype=np.float32)
        if pre is not None:
            x, y = pre(x, y, cdt)
        try:
            r = npfn(x, y)
        except ValueError:
            _broadcast_error(a, b)
        except TypeError:
            r = npfn(np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32))
        if r.dtype != odt.np:
            r = r.astype(odt.np)
        return wrap(_conform(r, a, b), odt)
    return kernel


def _zero_div_pre(x, y, cdt):
    _zero_div_check(y, cdt, x)
    return x, y


def _int_float_pre(x, y, cdt):
    return x, y


# ---------------------------------------------------------------------------------------
# add / sub (alpha), div (rounding modes), pow (integer exponents)
# ---------------------------------------------------------------------------------------

def _alpha_scaled(y, alpha, cdt, name):
    if cdt.category <= D.INT and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if cdt is not D.bool and isinstance(alpha, bool):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if cdt is D.bool:
        alpha = builtins.bool(alpha)
    return y * alpha if not isinstance(y, np.ndarray) else np.multiply(y, alpha, dtype=y.dtype)


def _addsub_kernel(npfn, name):
    lookup = _dtype_cache(name, E.SAME)
    is_sub = name == "sub"

    def kernel(a, b, alpha=1):
        if alpha == 1 and type(alpha) is int and type(b) is Tensor and type(a) is Tensor \
                and a.dtype is b.dtype and a.dtype is not D.bool:
            # hot path: two same-dtype CPU tensors, no alpha
            x, y = a._np, b._np
            cdt = a.dtype
            if x is not None and y is not None and lookup(cdt)[0] is cdt:
                try:
                    r = npfn(x, y)
                except ValueError:
                    _broadcast_error(a, b)
                if r.dtype != cdt.np:
                    r = r.astype(cdt.np)
                return wrap(_conform(r, a, b) if r.ndim > 1 else r, cdt)
        x, y, pdt = _operands(a, b, name)
        cdt = lookup(pdt)[0]
        if is_sub and (pdt is D.bool or type(a) is bool or type(b) is bool or (
                isinstance(a, Tensor) and a.dtype is D.bool) or (
                isinstance(b, Tensor) and b.dtype is D.bool)):
            E.check_bool_sub(a, b)
        x = _cast(x, cdt)
        y = _cast(y, cdt)
        if alpha != 1 or type(alpha) is bool:
            y = _alpha_scaled(y, alpha, cdt, name)
        try:
            r = npfn(x, y)
        except ValueError:
            _broadcast_error(a, b)
        if r.dtype != cdt.np:
            r = r.astype(cdt.np)
        return wrap(_conform(r, a, b), cdt)
    return kernel


def _trunc_int_div(x, y):
    q = np.floor_divide(x, y)
    fix = (np.remainder(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
    return q + fix


def _div_kernel():
    true_lookup = _dtype_cache("div", E.FLOAT)
    round_lookups = {"floor": _dtype_cache("div_floor", E.NOCOMPLEX),
                     "trunc": _dtype_cache("div_trunc", E.NOCOMPLEX)}

    def kernel(a, b, rounding_mode=None):
        x, y, pdt = _operands(a, b, "div")
        if rounding_mode is None:
            cdt, odt, up = true_lookup(pdt)
            x = _cast(x, cdt)
            y = _cast(y, cdt)
            try:
                r = np.true_divide(x, y)
            except ValueError:
                _broadcast_error(a, b)
            if r.dtype != odt.np:
                r = r.astype(odt.np)
            return wrap(_conform(r, a, b), odt)
        cdt, odt, _ = round_lookups[rounding_mode](pdt)
        x = _cast(x, cdt)
        y = _cast(y, cdt)
        try:
            if cdt.category <= D.INT:
                _zero_div_check(y, cdt, x)
                r = np.floor_divide(x, y) if rounding_mode == "floor" else _trunc_int_div(x, y)
            elif rounding_mode == "floor":
                r = np.floor_divide(x, y)
            else:
                r = np.trunc(np.true_divide(x, y))
        except ValueError:
            _broadcast_error(a, b)
        r = np.asarray(r)
        if r.dtype != odt.np:
            r = r.astype(odt.np)
        return wrap(_conform(r, a, b), odt)
    return kernel


def _int_pow(x, y):
    y_arr = np.asarray(y)
    if not np.any(y_arr < 0):
        return np.power(x, y)
    x_arr = np.asarray(x)
    r = np.power(x_arr, np.maximum(y_arr, 0))
    neg = np.where(x_arr == 1, 1, np.where(x_arr == -1, np.where(y_arr % 2 == 0, 1, -1), 0))
    return np.where(y_arr < 0, neg, r).astype(r.dtype)


def _pow_kernel():
    lookup = _dtype_cache("pow", E.SAME)
    lookup_scalar = _dtype_cache("pow_scalar", E.SAME)

    def kernel(a, b):
        x, y, pdt = _operands(a, b, "pow")
        cdt = (lookup if isinstance(b, Tensor) else lookup_scalar)(pdt)[0]
        if cdt.category <= D.INT and not isinstance(b, Tensor) and b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        x = _cast(x, cdt)
        y = _cast(y, cdt)
        try:
            if cdt.category <= D.INT:
                r = _int_pow(x, y) if cdt is not D.bool else np.power(
                    np.asarray(x, np.uint8), np.asarray(y, np.uint8)).astype(bool)
            elif type(y) is not np.ndarray and y == 2:
                r = np.square(x)
            else:
                r = np.power(x, y)
        except ValueError:
            _broadcast_error(a, b)
        r = np.asarray(r)
        if r.dtype != cdt.np:
            r = r.astype(cdt.np)
        return wrap(_conform(r, a, b), cdt)
    return kernel


# ---------------------------------------------------------------------------------------
# ops with extra arguments
# ---------------------------------------------------------------------------------------

def _round_kernel(x, decimals=None):
    E._round_meta(x, decimals)
    if decimals is None:
        decimals = 0
    cdt, odt = E.kind_dtypes(E.NOCOMPLEX, x.dtype, "round")
    a = arr(x)
    if x.dtype.category <= D.INT:
        return wrap(a.copy(order="K") if decimals >= 0 else np.round(a, decimals), odt)
    if x.dtype in _HALF:
        return wrap(np.round(a.astype(np.float32), decimals).astype(odt.np), odt)
    if decimals == 0:
        return wrap(np.round(a), odt)
    # torch rounds x * 10**d (half to even) and divides back, like NumPy
    return wrap(np.round(a, decimals), odt)


def _bound(v, dt):
    if isinstance(v, Tensor):
        return _cast(arr(v), dt)
    if v is not None and dt.category == D.INT and isinstance(v, int):
        info = np.iinfo(dt.np)
        if v > info.max or (v < info.min and (info.min < 0 or -v > info.max)):
            raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without "
                               "overflow")
        return np.array(v).astype(dt.np)[()]
    return v


def _clamp_kernel(x, min=None, max=None):  # noqa: A002
    spec = E._clamp_meta(x, min, max)
    dt = spec.dtype
    a = _cast(arr(x), dt)
    lo = _bound(min, dt)
    hi = _bound(max, dt)
    r = a
    if lo is not None:
        r = np.where(np.isnan(lo), lo, np.maximum(r, lo)) if (
            dt.is_floating_point and isinstance(lo, np.ndarray)) else np.maximum(r, lo)
    if hi is not None:
        r = np.where(np.isnan(hi), hi, np.minimum(r, hi)) if (
            dt.is_floating_point and isinstance(hi, np.ndarray)) else np.minimum(r, hi)
    if r is a:
        r = a.copy(order="K")
    r = np.asarray(r)
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    if r.shape != spec.shape:
        r = np.broadcast_to(r, spec.shape).copy()
    return wrap(_conform(r, x, min, max), dt)


def _operand(v, dt):
    if isinstance(v, Tensor):
        return _cast(arr(v), dt)
    return v


def _where_kernel(cond, x, y):
    spec = E._where_meta(cond, x, y)
    dt = spec.dtype
    r = np.where(arr(cond), _operand(x, dt), _operand(y, dt))
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    return wrap(_conform(r, cond, x, y), dt)


def _lerp_kernel(x, end, weight):
    spec = E._lerp_meta(x, end, weight)
    a, b = arr(x), arr(end)
    w = arr(weight) if isinstance(weight, Tensor) else weight
    if x.dtype in _HALF:
        a, b = a.astype(np.float32), b.astype(np.float32)
        w = w.astype(np.float32) if isinstance(w, np.ndarray) else w
    # torch's formula: small weights from the start, large ones from the end (exact ends)
    absw = np.abs(w)
    r = np.where(absw < 0.5, a + w * (b - a), b - (b - a) * (1 - w))
    return wrap(np.asarray(r).astype(spec.dtype.np), spec.dtype)


def _addc_kernel(fn):
    def kernel(x, t1, t2, value=1):
        spec = E._addc_meta(x, t1, t2, value)
        dt = spec.dtype
        a, b, c = (_cast(arr(t), dt) for t in (x, t1, t2))
        if dt.category <= D.INT:
            value = builtins.int(value)
        r = np.asarray(a + value * fn(b, c))
        return wrap(r.astype(dt.np, copy=False), dt)
    return kernel


def _nan_to_num_kernel(x, nan=0.0, posinf=None, neginf=None):
    if nan is None:
        nan = 0.0
    a = arr(x)
    if x.dtype.category <= D.INT:
        return wrap(a.copy(order="K"), x.dtype)
    work = a.astype(np.float32) if x.dtype is D.bfloat16 else a
    fi = np.finfo(work.dtype if not work.dtype.kind == "c" else work.real.dtype)
    big = float(D.finfo(x.dtype).max)
    r = np.nan_to_num(work, nan=nan, posinf=big if posinf is None else posinf,
                      neginf=-big if neginf is None else neginf)
    del fi
    return wrap(np.asarray(r).astype(x.dtype.np), x.dtype)


def _logit_kernel(x, eps=None):
    cdt, odt = E.kind_dtypes(E.FLOATNC, x.dtype, "logit")
    a = arr(x).astype(np.float32 if cdt in _HALF else cdt.np)
    return wrap(np.asarray(E._logit(a, eps)).astype(odt.np), odt)


def _polygamma_kernel(n, x):
    cdt, odt = E.kind_dtypes(E.FLOATNC, x.dtype, "polygamma")
    if not isinstance(n, int) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    a = arr(x).astype(np.float32 if cdt in _HALF else cdt.np)
    r = sps.digamma(a) if n == 0 else sps.polygamma(n, a)
    return wrap(np.asarray(r).astype(odt.np), odt)


# ---------------------------------------------------------------------------------------
# in-place: compute, check (torch's cast/shape rules), write into the input's memory
# ---------------------------------------------------------------------------------------

def inplace_kernel(outplace):
    def kernel(self, *args):
        r = outplace(self, *args)
        check_inplace_result(self, r)
        np.copyto(arr(self), arr(r), casting="unsafe")
        return self
    return kernel


def _fast_inplace_binary(op, outplace):
    """x op= y writing straight into x when no cast is needed (the optimizer's hot path)."""
    npfn = op.extra["np"]
    is_add = op.name == "add"

    def kernel(self, other, *extra):
        if is_add and extra and type(extra[0]) in (int, float) and isinstance(other, Tensor) \
                and other.dtype is self.dtype and self.dtype.category == D.FLOAT and \
                len(other._shape) <= len(self._shape):
            # p.add_(g, alpha=-lr): scale into a temporary, add in place (as the out-of-place
            # kernel rounds: alpha * other in the tensor dtype, then the sum)
            x = arr(self)
            y = arr(other)
            try:
                np.add(x, np.multiply(y, extra[0], dtype=y.dtype), out=x)
                return self
            except ValueError:
                pass
        if not extra and isinstance(npfn, np.ufunc):
            if isinstance(other, Tensor):
                if other.dtype is self.dtype and len(other._shape) <= len(self._shape):
                    try:
                        npfn(arr(self), arr(other), out=arr(self))
                        return self
                    except (ValueError, TypeError):
                        pass
            elif type(other) in (int, float) and self.dtype.category == D.FLOAT and \
                    type(other) is not bool:
                npfn(arr(self), other, out=arr(self))
                return self
        r = outplace(self, other, *extra)
        check_inplace_result(self, r)
        np.copyto(arr(self), arr(r), casting="unsafe")
        return self
    return kernel


def register():
    reg = {}
    for name, op in E.UNARY_OPS.items():
        reg[name] = unary_kernel(op)
    _zero_div_ops = ("floor_divide", "remainder", "fmod")
    for name, op in E.BINARY_OPS.items():
        if name in ("add", "sub"):
            continue
        reg[name] = binary_kernel(op, _zero_div_pre if name in _zero_div_ops else None)
    reg["add"] = _addsub_kernel(np.add, "add")
    reg["sub"] = _addsub_kernel(np.subtract, "sub")
    reg["div"] = _div_kernel()
    reg["pow"] = _pow_kernel()
    reg["round"] = _round_kernel
    reg["clamp"] = _clamp_kernel
    reg["where"] = _where_kernel
    reg["lerp"] = _lerp_kernel
    reg["addcmul"] = _addc_kernel(np.multiply)
    reg["addcdiv"] = _addc_kernel(np.true_divide)
    reg["nan_to_num"] = _nan_to_num_kernel
    reg["logit"] = _logit_kernel
    reg["polygamma"] = _polygamma_kernel
    from ..._ops.registry import OPS
    for name, k in list(reg.items()):
        OPS[name].kernels["cpu"] = k
        ip = OPS.get(name + "_")
        if ip is not None and ip.inplace:
            if name in ("add", "sub", "mul", "div") or name in E.BINARY_OPS and \
                    isinstance(OPS[name].extra.get("np"), np.ufunc) and \
                    OPS[name].extra.get("kind") == E.SAME:
                ip.kernels["cpu"] = _fast_inplace_binary(OPS[name], k) \
                    if name not in ("sub",) else inplace_kernel(k)
            else:
                ip.kernels["cpu"] = inplace_kernel(k)
