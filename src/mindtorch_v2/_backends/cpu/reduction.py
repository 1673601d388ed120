"""CPU kernels of the reduction family (NumPy).

Every kernel first runs the op's meta function (dtype/shape checks shared with the meta
device), then lets NumPy reduce the strided view directly.  float16/bfloat16 accumulate in
float32 and are rounded once at the end, like torch's CPU kernels.
"""
from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ..._ops import reduction as R
from ..._ops._common import wrap_dim
from ..._tensor import Tensor
from ._util import arr, wrap

_HALF = (D.float16, D.bfloat16)
_F32 = np.float32


def _fin(r, dt):
    """Fresh, C-contiguous result array of dtype ``dt`` -> Tensor."""
    npdt = dt.np
    if type(r) is np.ndarray:
        if r.dtype != npdt:
            r = r.astype(npdt)
        elif not r.flags.c_contiguous:
            r = np.ascontiguousarray(r)
        return wrap(r, dt)
    return wrap(np.asarray(r, dtype=npdt), dt)


def _up(a, dt):
    """Half types computed in float32."""
    return a.astype(_F32) if dt in _HALF else a


# ---------------------------------------------------------------------------------------
# sum / prod / mean
# ---------------------------------------------------------------------------------------

def _acc_dtype(odt):
    if odt in _HALF:
        return _F32
    return odt.np


def _sum_like(npf, nan_as_zero=False):
    """sum / nansum / prod: ``npf.reduce`` in the accumulation dtype of the result."""
    def k(x, dims, keepdim=False, dtype=None):
        odt = R._sum_dtype(x.dtype, dtype)
        a = arr(x)
        if nan_as_zero and x.dtype.is_floating_point:
            a = np.where(np.isnan(a), 0, a)
        r = npf.reduce(a, axis=dims if a.ndim else None, dtype=_acc_dtype(odt),
                       keepdims=keepdim)
        return _fin(r, odt)
    return k


def _numel_over(a, dims):
    """How many elements each reduction over ``dims`` sees (1 for a 0-d array)."""
    n = 1
    if a.ndim:
        for d in dims:
            n *= a.shape[d]
    return n


def _mean(x, dims, keepdim=False, dtype=None):
    odt = R.MEAN.meta(x, dims, keepdim, dtype).dtype
    a = arr(x)
    acc = _acc_dtype(odt)
    n = _numel_over(a, dims)
    r = np.add.reduce(a, axis=dims if a.ndim else None, dtype=acc, keepdims=keepdim)
    r = np.true_divide(r, n, dtype=acc) if n else np.true_divide(r, 0.0, dtype=acc)
    return _fin(r, odt)


def _nanmean(x, dims, keepdim=False, dtype=None):
    odt = R.NANMEAN.meta(x, dims, keepdim, dtype).dtype
    a = arr(x)
    acc = _acc_dtype(odt)
    nan = np.isnan(a)
    ax = dims if a.ndim else None
    s = np.add.reduce(np.where(nan, 0, a), axis=ax, dtype=acc, keepdims=keepdim)
    n = np.add.reduce(~nan, axis=ax, dtype=np.int64, keepdims=keepdim)
    return _fin(np.true_divide(s, n, dtype=acc), odt)


# ---------------------------------------------------------------------------------------
# var / std
# ---------------------------------------------------------------------------------------

def _var_np(x, dims, correction, keepdim):
    R._var_check(x)
    a = _up(arr(x), x.dtype)
    ax = dims if a.ndim else None
    n = _numel_over(a, dims)
    mean = np.add.reduce(a, axis=ax, keepdims=True) / n if n else \
        np.add.reduce(a, axis=ax, keepdims=True) * np.nan
    dev = a - mean
    if np.iscomplexobj(dev):
        sq = dev.real * dev.real + dev.imag * dev.imag
    else:
        sq = dev * dev
    v = np.add.reduce(sq, axis=ax, keepdims=keepdim) / _bmax0(n - correction)
    if not keepdim:
        mean = mean.reshape(v.shape) if type(v) is np.ndarray else mean.reshape(())
    return v, mean


def _bmax0(v):
    return v if v > 0 else 0.0


def _var_k(sqrt, with_mean):
    """var / std (``sqrt``), alone or with the mean (``with_mean``)."""
    def k(x, dims, correction=1, keepdim=False):
        v, m = _var_np(x, dims, correction, keepdim)
        r = _fin(np.sqrt(v) if sqrt else v, x.dtype.to_real())
        return (r, _fin(np.array(m), x.dtype)) if with_mean else r
    return k


# ---------------------------------------------------------------------------------------
# max / min / argmax / all / any ...
# ---------------------------------------------------------------------------------------

# The (values, indices) kernels share their shortcuts for 0-d and empty inputs.

def _scalar_pair(v, dt):
    """0-d input: the value itself at index 0."""
    return _fin(v.copy(), dt), wrap(np.zeros((), np.int64), D.int64)


def _empty_pair(shape, npdt, dt):
    """Empty input: empty values (computed as ``npdt``) and indices of ``shape``."""
    return _fin(np.empty(shape, npdt), dt), wrap(np.empty(shape, np.int64), D.int64)


def _picked_pair(val, idx, dt):
    return _fin(np.array(val), dt), _fin(np.array(idx, np.int64), D.int64)


def _full_max(op, npf):
    def k(x):
        op.meta(x)
        a = _up(arr(x), x.dtype)
        return _fin(npf.reduce(a, axis=None), x.dtype)
    return k


def _arg_np(a, axis, fn):
    """argmax/argmin along ``axis`` with torch's NaN rule (first NaN wins)."""
    if a.dtype.kind == "f":
        nan = np.isnan(a)
        i = fn(a, axis=axis)
        if nan.any():
            hasnan = nan.any(axis=axis)
            i = np.where(hasnan, np.argmax(nan, axis=axis), i)
        return i
    return fn(a, axis=axis)


def _dim_max(op, npf, argf):
    def k(x, dim, keepdim=False):
        op.meta(x, dim, keepdim)
        a = _up(arr(x), x.dtype)
        if a.ndim == 0:
            return _scalar_pair(a, x.dtype)
        d = wrap_dim(dim, a.ndim)
        if a.shape[d] == 0:
            return _empty_pair(R.reduced_shape(a.shape, (d,), keepdim), a.dtype, x.dtype)
        v = npf.reduce(a, axis=d, keepdims=keepdim)
        i = _arg_np(a, d, argf)
        if keepdim:
            i = np.expand_dims(i, d)
        return _fin(v, x.dtype), _fin(np.asarray(i, np.int64), D.int64)
    return k


def _amax(op, npf):
    def k(x, dims, keepdim=False):
        op.meta(x, dims, keepdim)
        a = _up(arr(x), x.dtype)
        if a.size == 0:
            return _fin(np.empty(R.reduced_shape(a.shape, dims, keepdim), a.dtype), x.dtype)
        r = npf.reduce(a, axis=dims if a.ndim else None, keepdims=keepdim)
        return _fin(r, x.dtype)
    return k


def _aminmax(x, dim=None, keepdim=False):
    R._aminmax_meta(x, dim, keepdim)
    a = _up(arr(x), x.dtype)
    if a.size == 0:
        shape = R._aminmax_meta(x, dim, keepdim)[0].shape
        return _fin(np.empty(shape, a.dtype), x.dtype), _fin(np.empty(shape, a.dtype), x.dtype)
    if dim is None:
        ax = None
        if keepdim:
            lo = np.minimum.reduce(a, axis=None, keepdims=True) if a.ndim else a.min()
            hi = np.maximum.reduce(a, axis=None, keepdims=True) if a.ndim else a.max()
            return _fin(lo, x.dtype), _fin(hi, x.dtype)
    else:
        ax = wrap_dim(dim, a.ndim) if a.ndim else None
    lo = np.minimum.reduce(a, axis=ax, keepdims=keepdim and ax is not None)
    hi = np.maximum.reduce(a, axis=ax, keepdims=keepdim and ax is not None)
    return _fin(lo, x.dtype), _fin(hi, x.dtype)


def _argmax_k(op, argf):
    def k(x, dim=None, keepdim=False):
        op.meta(x, dim, keepdim)
        a = _up(arr(x), x.dtype)
        if dim is None or a.ndim == 0:
            i = _arg_np(a.reshape(-1), 0, argf)
            shape = (1,) * a.ndim if keepdim else ()
            return wrap(np.full(shape, i, np.int64), D.int64)
        d = wrap_dim(dim, a.ndim)
        if a.shape[d] == 0:
            return wrap(np.empty(R.reduced_shape(a.shape, (d,), keepdim), np.int64), D.int64)
        i = _arg_np(a, d, argf)
        if keepdim:
            i = np.expand_dims(i, d)
        return _fin(np.asarray(i, np.int64), D.int64)
    return k


def _all_any(npf):
    def k(x, dims, keepdim=False):
        a = arr(x)
        odt = D.uint8 if x.dtype is D.uint8 else D.bool
        if a.dtype != np.bool_:
            a = a != 0
        r = npf.reduce(a, axis=dims if a.ndim else None, keepdims=keepdim)
        return _fin(r, odt)
    return k


def _count_nonzero(x, dims):
    a = arr(x)
    r = np.add.reduce(a != 0, axis=dims if a.ndim else None, dtype=np.int64)
    return _fin(r, D.int64)


def _logsumexp(x, dims, keepdim=False):
    odt = R._logsumexp_meta(x, dims, keepdim).dtype
    a = arr(x)
    a = a.astype(odt.np) if x.dtype is not odt else a
    a = _up(a, odt)
    ax = dims if a.ndim else None
    if a.size == 0:
        r = np.full(R.reduced_shape(a.shape, dims, keepdim), -np.inf, a.dtype)
        return _fin(r, odt)
    m = np.maximum.reduce(a, axis=ax, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    r = np.log(np.add.reduce(np.exp(a - m), axis=ax, keepdims=True)) + m
    if not keepdim:
        r = r.reshape(R.reduced_shape(a.shape, dims, False))
    return _fin(r, odt)


# ---------------------------------------------------------------------------------------
# norms
# ---------------------------------------------------------------------------------------

def _norm_input(x, dtype):
    a = arr(x)
    if dtype is not None and dtype is not x.dtype:
        a = a.astype(dtype.np)
        dt = dtype
    else:
        dt = x.dtype
    return np.abs(_up(a, dt)), dt


def _vnorm_np(a, ord, ax, keepdim):
    if ord == math.inf:
        return np.maximum.reduce(a, axis=ax, keepdims=keepdim)
    if ord == -math.inf:
        return np.minimum.reduce(a, axis=ax, keepdims=keepdim)
    if ord == 0:
        return np.add.reduce(a != 0, axis=ax, keepdims=keepdim, dtype=a.dtype)
    if ord == 1:
        return np.add.reduce(a, axis=ax, keepdims=keepdim)
    if ord == 2:
        return np.sqrt(np.add.reduce(a * a, axis=ax, keepdims=keepdim))
    return np.power(np.add.reduce(np.power(a, ord), axis=ax, keepdims=keepdim), 1.0 / ord)


def _vector_norm(x, ord, dims, keepdim=False, dtype=None):
    odt = R._vector_norm_meta(x, ord, dims, keepdim, dtype).dtype
    a, _ = _norm_input(x, dtype)
    return _fin(_vnorm_np(a, ord, dims if a.ndim else None, keepdim), odt)


def _matrix_norm(x, ord, dims, keepdim=False, dtype=None):
    odt = R._matrix_norm_meta(x, ord, dims, keepdim, dtype).dtype
    d0, d1 = dims
    if ord in ("nuc", 2.0, -2.0):
        a = arr(x)
        if dtype is not None:
            a = a.astype(dtype.np)
        a = _up(a, odt)
        m = np.moveaxis(a, (d0, d1), (-2, -1))
        if m.size == 0:
            s = np.zeros(m.shape[:-2] + (0,), m.real.dtype)
        else:
            try:
                s = np.linalg.svd(m, compute_uv=False)
            except np.linalg.LinAlgError as e:
                raise RuntimeError(f"linalg.svd: {e}") from None
        if s.shape[-1] == 0:
            r = np.zeros(s.shape[:-1], s.dtype)
        elif ord == "nuc":
            r = s.sum(-1)
        elif ord == 2.0:
            r = s.max(-1)
        else:
            r = s.min(-1)
        if keepdim:
            for d in sorted(dims):
                r = np.expand_dims(r, d)
        return _fin(r, odt)
    a, _ = _norm_input(x, dtype)
    if ord == "fro":
        r = np.sqrt(np.add.reduce(a * a, axis=dims, keepdims=keepdim))
        return _fin(r, odt)
    # 1 / -1: max/min over columns of column sums; inf / -inf: over rows of row sums
    sum_dim, red_dim = (d0, d1) if abs(ord) == 1 else (d1, d0)
    s = np.add.reduce(a, axis=sum_dim, keepdims=True)
    f = np.maximum if ord > 0 else np.minimum
    if s.shape[red_dim] == 0:
        raise IndexError(f"{'amax' if ord > 0 else 'amin'}(): Expected reduction dim "
                         f"{red_dim} to have non-zero size.")
    r = f.reduce(s, axis=red_dim, keepdims=True)
    if not keepdim:
        r = r.reshape(R.reduced_shape(a.shape, dims, False))
    return _fin(r, odt)


# ---------------------------------------------------------------------------------------
# scans
# ---------------------------------------------------------------------------------------

def _cum(npf):
    def k(x, dim, dtype=None):
        odt = R._cumsum_meta(x, dim, dtype).dtype
        a = arr(x)
        if a.ndim == 0:
            return _fin(np.array(a, dtype=odt.np), odt)
        d = wrap_dim(dim, a.ndim)
        r = npf.accumulate(a, axis=d, dtype=_acc_dtype(odt))
        return _fin(r, odt)
    return k


def _cumext(op, npf):
    def k(x, dim):
        op.meta(x, dim)
        a = _up(arr(x), x.dtype)
        if a.ndim == 0:
            return _scalar_pair(a, x.dtype)
        d = wrap_dim(dim, a.ndim)
        if a.size == 0:
            return _empty_pair(a.shape, a.dtype, x.dtype)
        v = npf.accumulate(a, axis=d)
        hit = a == v
        if a.dtype.kind == "f":
            hit |= np.isnan(a)
        shp = [1] * a.ndim
        shp[d] = a.shape[d]
        pos = np.arange(a.shape[d], dtype=np.int64).reshape(shp)
        i = np.maximum.accumulate(np.where(hit, pos, 0), axis=d)
        return _fin(v, x.dtype), _fin(i, D.int64)
    return k


def _logcumsumexp(x, dim):
    R._logcumsumexp_meta(x, dim)
    a = _up(arr(x), x.dtype)
    if a.ndim == 0:
        return _fin(a.copy(), x.dtype)
    d = wrap_dim(dim, a.ndim)
    if np.iscomplexobj(a):
        r = np.log(np.cumsum(np.exp(a), axis=d))
    else:
        r = np.logaddexp.accumulate(a, axis=d)
    return _fin(r, x.dtype)


# ---------------------------------------------------------------------------------------
# order statistics
# ---------------------------------------------------------------------------------------

def _median_full(nan_ignore):
    def k(x):
        (R.NANMEDIAN if nan_ignore else R.MEDIAN).meta(x)
        a = _up(arr(x), x.dtype).reshape(-1)
        if a.dtype.kind == "f":
            nan = np.isnan(a)
            if nan.any():
                if not nan_ignore:
                    return _fin(np.array(np.nan, a.dtype), x.dtype)
                a = a[~nan]
        if a.size == 0:
            return _fin(np.array(np.nan, a.dtype if a.dtype.kind in "fc" else np.float64),
                        x.dtype)
        kk = (a.size - 1) // 2
        return _fin(np.partition(a, kk)[kk], x.dtype)
    return k


def _rows(a, d):
    """``a`` with axis ``d`` moved last (a view)."""
    return np.moveaxis(a, d, -1)


def _pick(a, order, k, d, keepdim):
    """values and indices at sorted position ``k`` (array over the leading dims)."""
    k = np.expand_dims(k, -1)
    idx = np.take_along_axis(order, k, -1)
    val = np.take_along_axis(a, idx, -1)
    idx, val = idx[..., 0], val[..., 0]
    if keepdim:
        idx, val = np.expand_dims(idx, d), np.expand_dims(val, d)
    return val, idx


def _median_dim(nan_ignore):
    def k(x, dim, keepdim=False):
        (R.NANMEDIAN_DIM if nan_ignore else R.MEDIAN_DIM).meta(x, dim, keepdim)
        src = arr(x)
        a = _up(src, x.dtype)
        if a.ndim == 0:
            return _scalar_pair(src, x.dtype)
        d = wrap_dim(dim, a.ndim)
        if a.size == 0:
            return _empty_pair(R.reduced_shape(a.shape, (d,), keepdim), src.dtype, x.dtype)
        m = _rows(a, d)
        order = np.argsort(m, axis=-1, kind="stable")
        n = m.shape[-1]
        if a.dtype.kind == "f":
            nn = n - np.isnan(m).sum(-1)
            if nan_ignore:
                kk = np.maximum(nn - 1, 0) // 2
            else:
                kk = np.where(nn < n, nn, (n - 1) // 2)
        else:
            kk = np.full(m.shape[:-1], (n - 1) // 2)
        val, idx = _pick(_rows(src, d), order, kk, d, keepdim)
        return _picked_pair(val, idx, x.dtype)
    return k


def _mode(x, dim=-1, keepdim=False):
    R.MODE.meta(x, dim, keepdim)
    src = arr(x)
    if src.ndim == 0:
        return _scalar_pair(src, x.dtype)
    d = wrap_dim(dim, src.ndim)
    if src.size == 0:
        return _empty_pair(R.reduced_shape(src.shape, (d,), keepdim), src.dtype, x.dtype)
    a = _up(src, x.dtype)
    m = _rows(a, d)
    lead = m.shape[:-1]
    n = m.shape[-1]
    m2 = m.reshape(-1, n)
    s = np.sort(m2, axis=-1)
    pos = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    end_new = np.ones(s.shape, bool)
    end_new[:, :-1] = new[:, 1:]
    end = np.minimum.accumulate(np.where(end_new, pos, n)[:, ::-1], axis=1)[:, ::-1]
    length = end - start
    best = np.argmax(length, axis=1)
    val = s[np.arange(s.shape[0]), best]
    eq = m2 == val[:, None]
    idx = n - 1 - np.argmax(eq[:, ::-1], axis=1)
    val = val.reshape(lead)
    idx = idx.reshape(lead)
    if keepdim:
        val, idx = np.expand_dims(val, d), np.expand_dims(idx, d)
    return _picked_pair(val, idx, x.dtype)


def _kthvalue(x, k, dim=-1, keepdim=False):
    R._kthvalue_meta(x, k, dim, keepdim)
    src = arr(x)
    if src.ndim == 0:
        return _scalar_pair(src, x.dtype)
    d = wrap_dim(dim, src.ndim)
    if src.size == 0:
        return _empty_pair(R.reduced_shape(src.shape, (d,), keepdim), src.dtype, x.dtype)
    m = _rows(_up(src, x.dtype), d)
    order = np.argsort(m, axis=-1, kind="stable")
    kk = np.full(m.shape[:-1], k - 1)
    val, idx = _pick(_rows(src, d), order, kk, d, keepdim)
    return _picked_pair(val, idx, x.dtype)


def _quantile_k(nan_ignore):
    op_name = "nanquantile" if nan_ignore else "quantile"

    def k(x, q, dim=None, keepdim=False, interpolation="linear"):
        spec = (R.NANQUANTILE if nan_ignore else R.QUANTILE).meta(x, q, dim, keepdim,
                                                                  interpolation)
        a = arr(x)
        qa = arr(q) if isinstance(q, Tensor) else q
        if isinstance(q, Tensor) and ((qa < 0) | (qa > 1)).any():
            raise RuntimeError(f"{op_name}() q values must be in the range [0, 1]")
        if dim is None:
            a = a.reshape(-1)
            ax = 0
        else:
            ax = wrap_dim(dim, a.ndim) if a.ndim else None
            if a.ndim == 0:
                a = a.reshape(1)
                ax = 0
        if a.shape[ax] == 0:
            return _fin(np.full(spec.shape, np.nan, a.dtype), x.dtype)
        f = np.nanquantile if nan_ignore else np.quantile
        r = f(a, qa, axis=ax, keepdims=keepdim and dim is not None, method=interpolation)
        r = np.asarray(r).reshape(spec.shape)
        return _fin(r, x.dtype)
    return k


def _sort_np(a, d, descending):
    """(sorted values, indices) of ``a`` along axis ``d``, stable, NaN greatest."""
    key = a.astype(_F32) if a.dtype in (D.bfloat16.np,) else a
    if not descending:
        idx = np.argsort(key, axis=d, kind="stable")
    else:
        rev = np.flip(key, axis=d)
        idx = np.argsort(rev, axis=d, kind="stable")
        idx = np.flip(idx, axis=d)
        idx = (a.shape[d] - 1) - idx
    return np.take_along_axis(a, idx, axis=d), idx


def _sort(x, dim=-1, descending=False, stable=False):
    R._sort_meta(x, dim, descending, stable)
    a = arr(x)
    if a.ndim == 0:
        return _scalar_pair(a, x.dtype)
    v, i = _sort_np(a, wrap_dim(dim, a.ndim), descending)
    st = R._sort_meta(x, dim)[0].stride
    return _like(v, x.dtype, st), _like(i.astype(np.int64, copy=False), D.int64, st)


def _like(r, dt, stride):
    """Result with the given dense strides (sort keeps the input's dense layout)."""
    if r.ndim < 2 or stride == tuple(s // r.itemsize for s in r.strides):
        return _fin(r, dt)
    perm = sorted(range(r.ndim), key=lambda d: -stride[d])
    buf = np.empty([r.shape[p] for p in perm], dt.np)
    out = buf.transpose(np.argsort(perm))
    out[...] = r
    return wrap(out, dt)


def _topk(x, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    R._topk_meta(x, k, dim, largest, sorted)
    a = arr(x)
    if a.ndim == 0:
        return _scalar_pair(a, x.dtype)
    d = wrap_dim(dim, a.ndim)
    v, i = _sort_np(a, d, largest)
    sl = [slice(None)] * a.ndim
    sl[d] = slice(0, k)
    sl = tuple(sl)
    return _fin(np.ascontiguousarray(v[sl]), x.dtype), \
        _fin(np.ascontiguousarray(i[sl], dtype=np.int64), D.int64)


# ---------------------------------------------------------------------------------------
# unique / counting / searching
# ---------------------------------------------------------------------------------------

def _unique_checks(x, dim, name):
    if x.dtype.is_complex:
        raise NotImplementedError(f"'{name if dim is None else 'unique_dim'}' not implemented "
                                  f"for '{x.dtype.c10_name}'")
    if dim is not None and x.ndim:
        d = wrap_dim(dim, x.ndim)
        if _any0(x._shape, d):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                               "unique cannot be applied")


def _any0(shape, d):
    return any(s == 0 for i, s in enumerate(shape) if i != d)


def _unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    _unique_checks(x, dim, "unique")
    a = arr(x)
    if dim is None:
        flat = a.reshape(-1)
        u, inv, cnt = np.unique(flat, return_inverse=True, return_counts=True,
                                equal_nan=False)
        inv = inv.reshape(a.shape)
    else:
        d = wrap_dim(dim, a.ndim)
        if a.size == 0:
            u = np.empty(a.shape, a.dtype)
            return (_fin(u, x.dtype), wrap(np.zeros((a.shape[d],), np.int64), D.int64),
                    wrap(np.zeros((0,), np.int64), D.int64))
        u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d,
                                equal_nan=False)
        inv = inv.reshape(-1)
    return (_fin(np.ascontiguousarray(u), x.dtype), _fin(np.asarray(inv, np.int64), D.int64),
            _fin(np.asarray(cnt, np.int64), D.int64))


def _unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    _unique_checks(x, dim, "unique_consecutive")
    a = arr(x)
    if dim is None:
        a = a.reshape(-1)
        d = 0
    else:
        d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if a.ndim == 0:
        a = a.reshape(1)
    m = np.moveaxis(a, d, 0)
    new = np.ones(n, bool)
    if n > 1:
        diff = m[1:] != m[:-1]
        if diff.ndim > 1:
            diff = diff.reshape(n - 1, -1).any(axis=1)
        new[1:] = diff
    starts = np.flatnonzero(new)
    u = np.moveaxis(m[starts], 0, d)
    inv = np.cumsum(new) - 1
    cnt = np.diff(np.append(starts, n))
    if dim is None:
        inv = inv.reshape(arr(x).shape)
    return (_fin(np.ascontiguousarray(u), x.dtype), _fin(inv.astype(np.int64), D.int64),
            _fin(cnt.astype(np.int64), D.int64))


def _bincount(x, weights=None, minlength=0):
    if x.dtype.category != D.INT:
        raise NotImplementedError(f"'bincount_cpu' not implemented for '{x.dtype.c10_name}'")
    if x.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    a = arr(x)
    if a.size and a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _fin(np.bincount(a, minlength=minlength).astype(np.int64), D.int64)
    w = arr(weights)
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    odt = D.float32 if weights.dtype is D.float32 else D.float64
    if weights.dtype is D.float16:
        odt = D.float16
    r = np.bincount(a, weights=w.astype(np.float64), minlength=minlength)
    return _fin(r, odt)


def _histc(x, bins=100, min=0, max=0):  # noqa: A002
    R._histc_meta(x, bins, min, max)
    a = _up(arr(x), x.dtype).reshape(-1)
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    ok = (a >= lo) & (a <= hi)
    v = a[ok]
    idx = ((v - a.dtype.type(lo)) * bins / (a.dtype.type(hi) - a.dtype.type(lo))).astype(np.int64)
    idx = np.minimum(idx, bins - 1)
    r = np.bincount(idx, minlength=bins)[:bins]
    return _fin(r.astype(np.float64), x.dtype)


def _searchsorted(seq, x, out_int32=False, right=False, sorter=None):
    odt = R._searchsorted_meta(seq, x, out_int32, right, sorter).dtype
    s = arr(seq)
    v = arr(x)
    if sorter is not None:
        s = np.take_along_axis(s, arr(sorter), axis=-1)
    side = "right" if right else "left"
    if s.ndim == 1:
        r = np.searchsorted(s, v, side=side)
    else:
        s2 = s.reshape(-1, s.shape[-1])
        v2 = v.reshape(-1, v.shape[-1])
        r = np.empty(v2.shape, np.int64)
        for i in range(s2.shape[0]):
            r[i] = np.searchsorted(s2[i], v2[i], side=side)
        r = r.reshape(v.shape)
    return _fin(np.asarray(r), odt)


def register():
    O = R
    table = {
        O.SUM: _sum_like(np.add), O.NANSUM: _sum_like(np.add, nan_as_zero=True),
        O.PROD: _sum_like(np.multiply), O.MEAN: _mean, O.NANMEAN: _nanmean,
        O.VAR: _var_k(False, False), O.STD: _var_k(True, False),
        O.VAR_MEAN: _var_k(False, True), O.STD_MEAN: _var_k(True, True),
        O.MAX: _full_max(O.MAX, np.maximum), O.MIN: _full_max(O.MIN, np.minimum),
        O.MAX_DIM: _dim_max(O.MAX_DIM, np.maximum, np.argmax),
        O.MIN_DIM: _dim_max(O.MIN_DIM, np.minimum, np.argmin),
        O.AMAX: _amax(O.AMAX, np.maximum), O.AMIN: _amax(O.AMIN, np.minimum),
        O.AMINMAX: _aminmax,
        O.ARGMAX: _argmax_k(O.ARGMAX, np.argmax), O.ARGMIN: _argmax_k(O.ARGMIN, np.argmin),
        O.ALL: _all_any(np.logical_and), O.ANY: _all_any(np.logical_or),
        O.COUNT_NONZERO: _count_nonzero, O.LOGSUMEXP: _logsumexp,
        O.VECTOR_NORM: _vector_norm, O.MATRIX_NORM: _matrix_norm,
        O.CUMSUM: _cum(np.add), O.CUMPROD: _cum(np.multiply),
        O.CUMMAX: _cumext(O.CUMMAX, np.maximum), O.CUMMIN: _cumext(O.CUMMIN, np.minimum),
        O.LOGCUMSUMEXP: _logcumsumexp,
        O.MEDIAN: _median_full(False), O.NANMEDIAN: _median_full(True),
        O.MEDIAN_DIM: _median_dim(False), O.NANMEDIAN_DIM: _median_dim(True),
        O.MODE: _mode, O.KTHVALUE: _kthvalue,
        O.QUANTILE: _quantile_k(False), O.NANQUANTILE: _quantile_k(True),
        O.SORT: _sort, O.TOPK: _topk,
        O.UNIQUE: _unique, O.UNIQUE_CONSECUTIVE: _unique_consecutive,
        O.BINCOUNT: _bincount, O.HISTC: _histc, O.SEARCHSORTED: _searchsorted,
    }
    for op, fn in table.items():
        op.kernels["cpu"] = fn
