"""CPU kernels of the indexing family: NumPy fancy indexing, ufunc.at for accumulation."""
from __future__ import annotations

import numpy as np

from ..._device import CPU
from ..._ops import indexing as I
from ..._ops.registry import OPS
from ..._tensor import Tensor, contiguous_strides
from ._util import arr, wrap


def _bounds(idx, size, dim, exc=IndexError, allow_neg=True):
    if idx.size == 0:
        return
    mn, mx = int(idx.min()), int(idx.max())
    lo = -size if allow_neg else 0
    if mn < lo:
        raise exc(f"index {mn} is out of bounds for dimension {dim} with size {size}")
    if mx >= size:
        raise exc(f"index {mx} is out of bounds for dimension {dim} with size {size}")


def _result(r, spec):
    """A fresh tensor holding ``r`` with the meta function's layout."""
    if spec.stride is None or spec.stride == contiguous_strides(spec.shape):
        return wrap(np.ascontiguousarray(r).reshape(spec.shape), spec.dtype)
    out = Tensor._empty(spec.shape, spec.dtype, CPU, spec.stride)
    arr(out)[...] = r
    return out


def _fresh_like(x, spec):
    """A fresh copy of x with spec's strides (the clone an out-of-place op writes into)."""
    out = Tensor._empty(spec.shape, spec.dtype, CPU, spec.stride)
    np.copyto(arr(out), np.broadcast_to(arr(x), spec.shape), casting="unsafe")
    return out


def _copy_contiguous(x, spec):
    """A fresh C-contiguous copy of x (the clone scatter / index_add / index_copy write into)."""
    return wrap(_contig_copy(x), spec.dtype)


def _kernel_pair(meta, meta_, into, fresh=_fresh_like):
    """(functional, in-place) kernels of an op that writes into a tensor of self's shape:
    ``into(t, *args)`` writes into ``t``, which is ``fresh(x, spec)`` for the functional form
    and x itself for the in-place form.  Each form runs its own meta function first."""
    def kernel(x, *args, **kwargs):
        out = fresh(x, meta(x, *args, **kwargs))
        into(out, *args, **kwargs)
        return out

    def kernel_(x, *args, **kwargs):
        meta_(x, *args, **kwargs)
        into(x, *args, **kwargs)
        return x
    return kernel, kernel_


# --- index / index_put ------------------------------------------------------------------

def _key(x, indices):
    key = []
    for d, t in enumerate(indices):
        if t is None:
            key.append(slice(None))
        else:
            i = arr(t)
            _bounds(i, x._shape[d], d)
            key.append(i)
    return tuple(key)


def index_kernel(x, indices):
    spec = I._index_meta(x, indices)
    return _result(arr(x)[_key(x, indices)], spec)


def _index_put_into(t, indices, values, accumulate=False):
    a = arr(t)
    key = _key(t, indices)
    v = arr(values)
    if accumulate:
        np.add.at(a, key, v)
    else:
        a[key] = v


index_put_kernel, index_put__kernel = _kernel_pair(
    I._index_put_meta, I._index_put__meta, _index_put_into)


# --- gather / scatter -------------------------------------------------------------------

def _as1(a):
    return a.reshape(1) if a.ndim == 0 else a


def gather_kernel(x, dim, index, *, sparse_grad=False):
    spec = I._gather_meta(x, dim, index)
    a = _as1(arr(x))
    idx = _as1(arr(index))
    dim = I.wrap_dim(dim, a.ndim)
    if idx.size == 0:
        return wrap(np.empty(spec.shape, a.dtype), spec.dtype)
    _bounds(idx, a.shape[dim], dim, RuntimeError, allow_neg=False)
    sub = a[tuple(slice(None) if d == dim else slice(0, s) for d, s in enumerate(idx.shape))]
    r = np.take_along_axis(sub, idx, axis=dim)
    return wrap(r.reshape(spec.shape), spec.dtype)


def _scatter_setup(a, dim, index, src):
    idx = _as1(arr(index))
    key = list(np.indices(idx.shape, sparse=True))
    _bounds(idx, a.shape[dim], dim, RuntimeError, allow_neg=False)
    key[dim] = idx
    if isinstance(src, Tensor):
        s = _as1(arr(src))
        s = s[tuple(slice(0, n) for n in idx.shape)]
    else:
        s = np.asarray(src).astype(a.dtype) if not isinstance(src, np.ndarray) else src
    return tuple(key), s


def _scatter_into(a, dim, index, src, reduce):
    if index.numel() == 0:
        return
    a = _as1(a)
    dim = I.wrap_dim(dim, a.ndim)
    key, s = _scatter_setup(a, dim, index, src)
    if reduce is None:
        a[key] = s
    else:
        _ufunc_at(np.add if reduce == "add" else np.multiply, a, key,
                  np.broadcast_to(s, key[dim].shape).astype(a.dtype, copy=False))


def _ufunc_at(ufunc, a, key, s):
    """``ufunc.at(a, key, s)`` for a key of non-negative integer arrays (one per dim).

    On a contiguous ``a`` this goes through one flat index: NumPy's 1-D ``ufunc.at`` fast
    path is several times faster than the N-d one (max-pool backward, embedding grads).
    """
    if not a.flags.c_contiguous or a.ndim < 2:
        ufunc.at(a, key, s)
        return
    isz = a.itemsize
    lin = 0
    for d, k in enumerate(key):
        lin = lin + k * (a.strides[d] // isz)
    lin = np.asarray(lin, dtype=np.intp)
    ufunc.at(a.reshape(-1), lin.ravel(), np.broadcast_to(s, lin.shape).ravel())


def _contig_copy(x):
    return np.array(arr(x), order="C", copy=True)


scatter_kernel, scatter__kernel = _kernel_pair(
    I._scatter_meta, I._scatter__meta,
    lambda t, dim, index, src, *, reduce=None: _scatter_into(arr(t), dim, index, src, reduce),
    _copy_contiguous)
scatter_add_kernel, scatter_add__kernel = _kernel_pair(
    I._scatter_add_meta, I._scatter_add__meta,
    lambda t, dim, index, src: _scatter_into(arr(t), dim, index, src, "add"),
    _copy_contiguous)


_UFUNC = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
          "amin": np.minimum}


def _identity(reduce, dt):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dt.kind == "f" or dt.kind == "c":
        return -np.inf if reduce == "amax" else np.inf
    if dt.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dt)
    return info.min if reduce == "amax" else info.max


def _scatter_reduce_into(a, dim, index, src, reduce, include_self):
    if index.numel() == 0:
        return
    a = _as1(a)
    dim = I.wrap_dim(dim, a.ndim)
    key, s = _scatter_setup(a, dim, index, src)
    if not include_self:
        a[key] = _identity(reduce, a.dtype)
    if reduce == "mean":
        cnt = np.zeros(a.shape, np.int64)
        np.add.at(cnt, key, 1)
        if include_self:
            cnt += 1
        np.add.at(a, key, s)
        hit = cnt > 0
        if a.dtype.kind in "iu":
            a[hit] = np.floor_divide(a[hit], cnt[hit]).astype(a.dtype)
        else:
            a[hit] = (a[hit] / cnt[hit]).astype(a.dtype)
        return
    _UFUNC[reduce].at(a, key, s)


scatter_reduce_kernel, scatter_reduce__kernel = _kernel_pair(
    I._scatter_reduce_meta, I._scatter_reduce__meta,
    lambda t, dim, index, src, reduce, *, include_self=True:
        _scatter_reduce_into(arr(t), dim, index, src, reduce, include_self),
    _copy_contiguous)


# --- index_select / index_add / index_copy / index_fill ---------------------------------

def index_select_kernel(x, dim, index):
    spec = I._index_select_meta(x, dim, index)
    a = _as1(arr(x))
    idx = _as1(arr(index))
    dim = I.wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        raise IndexError("index out of range in self")
    r = np.take(a, idx, axis=dim)
    return wrap(r.reshape(spec.shape), spec.dtype)


def _moved(x, dim):
    a = _as1(arr(x))
    dim = I.wrap_dim(dim, a.ndim)
    return np.moveaxis(a, dim, 0), dim


def _index_add_into(a_t, dim, index, source, *, alpha=1):
    a, d = _moved(a_t, dim)
    idx = _as1(arr(index))
    _bounds(idx, a.shape[0], d, RuntimeError)
    s, _ = _moved(source, dim)
    if alpha != 1:
        s = (s * alpha).astype(a.dtype)
    np.add.at(a, idx, s)


index_add_kernel, index_add__kernel = _kernel_pair(
    I._index_add_meta, I._index_add__meta, _index_add_into, _copy_contiguous)


def _index_copy_into(t, dim, index, source):
    a, d = _moved(t, dim)
    idx = _as1(arr(index))
    if idx.size:
        mn, mx = int(idx.min()), int(idx.max())
        bad = mn if mn < -a.shape[0] else (mx if mx >= a.shape[0] else None)
        if bad is not None:
            raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} "
                             f"with size {a.shape[0]}")
    s, _ = _moved(source, dim)
    a[idx] = s


index_copy_kernel, index_copy__kernel = _kernel_pair(
    I._index_copy_meta, I._index_copy__meta, _index_copy_into, _copy_contiguous)


def _index_fill_into(t, dim, index, value):
    a, d = _moved(t, dim)
    idx = _as1(arr(index))
    _bounds(idx, a.shape[0], d, IndexError)
    if isinstance(value, Tensor):
        value = arr(value)
    a[idx] = value


index_fill_kernel, index_fill__kernel = _kernel_pair(
    I._index_fill_meta, I._index_fill__meta, _index_fill_into)


# --- masked ---------------------------------------------------------------------------

def _val(value):
    return arr(value) if isinstance(value, Tensor) else value


def masked_fill_kernel(x, mask, value):
    spec = I._masked_fill_meta(x, mask, value)
    r = np.array(np.broadcast_to(arr(x), spec.shape), order="C", copy=True)
    np.copyto(r, _val(value), casting="unsafe", where=np.broadcast_to(arr(mask), spec.shape))
    return wrap(r, spec.dtype)


def masked_fill__kernel(x, mask, value):
    I._masked_fill__meta(x, mask, value)
    a = arr(x)
    np.copyto(a, _val(value), casting="unsafe", where=np.broadcast_to(arr(mask), a.shape))
    return x


def masked_select_kernel(x, mask):
    I._check_mask(mask, "masked_select:")
    a, m = np.broadcast_arrays(arr(x), arr(mask))
    return wrap(np.ascontiguousarray(a[m]), x.dtype)


def _masked_scatter_into(a, mask, source):
    m = np.broadcast_to(arr(mask), a.shape)
    n = int(np.count_nonzero(m))
    s = arr(source).reshape(-1)
    if s.size < n:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    a[m] = s[:n]


masked_scatter_kernel, masked_scatter__kernel = _kernel_pair(
    I._masked_scatter_meta, I._masked_scatter__meta,
    lambda t, mask, source: _masked_scatter_into(arr(t), mask, source))


# --- nonzero / take / put ---------------------------------------------------------------

def nonzero_kernel(x):
    a = arr(x)
    if a.ndim == 0:
        n = int(bool(a))
        t = wrap(np.zeros((n, 0), np.int64), I.D.int64)
    else:
        cols = np.nonzero(a)
        n = cols[0].size
        t = wrap(np.stack(cols).astype(np.int64, copy=False).T, I.D.int64)
    t._stride = (1, n)  # torch's layout: the transpose of a contiguous (ndim, n)
    return t


def _flat_bounds(idx, n):
    if idx.size:
        mn, mx = int(idx.min()), int(idx.max())
        bad = mn if mn < -n else (mx if mx >= n else None)
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                             "elements.")


def take_kernel(x, index):
    spec = I._take_meta(x, index)
    a = arr(x).reshape(-1)
    idx = arr(index)
    _flat_bounds(idx, a.size)
    return wrap(np.array(a[idx], copy=True).reshape(spec.shape), spec.dtype)


def take_along_dim_kernel(x, indices, dim=None):
    spec = I._take_along_dim_meta(x, indices, dim)
    a = arr(x)
    idx = arr(indices)
    if dim is None:
        flat = a.reshape(-1)
        idx = idx.reshape(-1)
        _bounds(idx, flat.size, 0, RuntimeError, allow_neg=False)
        return wrap(flat[idx], spec.dtype)
    if a.ndim == 0:
        _bounds(idx.reshape(1), 1, 0, RuntimeError, allow_neg=False)
        return wrap(a.copy(), spec.dtype)
    dim = I.wrap_dim(dim, a.ndim)
    shp = list(spec.shape)
    shp[dim] = a.shape[dim]
    a = np.broadcast_to(a, shp)
    idx = np.broadcast_to(idx, spec.shape)
    _bounds(idx, a.shape[dim], dim, RuntimeError, allow_neg=False)
    return wrap(np.take_along_axis(a, idx, axis=dim), spec.dtype)


def _put_into(a, index, source, accumulate):
    flat_shape = a.shape if a.ndim else (1,)
    a = _as1(a)
    n = a.size
    idx = arr(index).reshape(-1)
    _flat_bounds(idx, n)
    if idx.size == 0:
        return
    idx = np.where(idx < 0, idx + n, idx)
    key = np.unravel_index(idx, flat_shape)
    s = arr(source).reshape(-1)
    if accumulate:
        np.add.at(a, key, s)
    else:
        a[key] = s


put_kernel, put__kernel = _kernel_pair(
    I._put_meta, I._put__meta,
    lambda t, index, source, accumulate=False: _put_into(arr(t), index, source, accumulate))


def register():
    k = {
        "index": index_kernel, "index_put": index_put_kernel, "index_put_": index_put__kernel,
        "gather": gather_kernel, "scatter": scatter_kernel, "scatter_": scatter__kernel,
        "scatter_add": scatter_add_kernel, "scatter_add_": scatter_add__kernel,
        "scatter_reduce": scatter_reduce_kernel, "scatter_reduce_": scatter_reduce__kernel,
        "index_select": index_select_kernel, "index_add": index_add_kernel,
        "index_add_": index_add__kernel, "index_copy": index_copy_kernel,
        "index_copy_": index_copy__kernel, "index_fill": index_fill_kernel,
        "index_fill_": index_fill__kernel, "masked_fill": masked_fill_kernel,
        "masked_fill_": masked_fill__kernel, "masked_select": masked_select_kernel,
        "masked_scatter": masked_scatter_kernel, "masked_scatter_": masked_scatter__kernel,
        "nonzero": nonzero_kernel, "argwhere": nonzero_kernel, "take": take_kernel,
        "take_along_dim": take_along_dim_kernel, "put": put_kernel, "put_": put__kernel,
    }
    for name, fn in k.items():
        OPS[name].kernels["cpu"] = fn
