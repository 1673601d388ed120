"""The indexing op family (declarations, meta functions, public API).

``Tensor.__getitem__`` / ``__setitem__`` are composites: basic indices (ints, slices, None,
Ellipsis) become view ops (select / slice / unsqueeze) so they work on every device;
tensor indices end in the ``index`` / ``index_put_`` ops.  Meta functions give torch's
output shapes, dtypes and strides; the CPU kernels (``_backends/cpu/indexing.py``) use
NumPy fancy indexing.  ``nonzero`` / ``masked_select`` / ``argwhere`` have data-dependent
shapes: their meta functions raise NotImplementedError like torch's meta device.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from .._tensor import Tensor, contiguous_strides
from ._common import broadcast_shapes, elementwise_strides, wrap_dim
from .copy_ops import _check_fill_range, copy_, fill_, layout_strides
from .registry import Spec, register
from .tensor_methods import method
from .views import SELECT, SLICE, SQUEEZE, UNSQUEEZE, VIEW

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
           "index_copy", "index_fill", "index_put", "index_put_", "masked_fill",
           "masked_select", "masked_scatter", "nonzero", "argwhere", "take", "take_along_dim",
           "put"]

_IDX_DTYPES = (D.int64, D.int32)


def _c10(dt):
    return dt.c10_name


def _shape1(t):
    """Shape of a tensor treating 0-dim as 1-d (torch's scatter/gather convention)."""
    return t._shape if t._shape else (1,)


def _fresh_layout(x):
    """A functional result that keeps self's dense layout (index_put, index_fill, put)."""
    return layout_strides(x._shape, x._stride, None)


def _contiguous(x):
    return contiguous_strides(x._shape)


def _self_shaped_metas(checks, strides=_contiguous):
    """(functional meta, in-place meta) of an op whose result has self's shape and dtype.
    Both run ``checks`` on the op's arguments; the functional result is a fresh tensor with
    ``strides(self)``, the in-place result is self."""
    def meta(x, *args, **kwargs):
        checks(x, *args, **kwargs)
        return Spec(x._shape, x.dtype, strides(x))

    def meta_(x, *args, **kwargs):
        checks(x, *args, **kwargs)
        return Spec(x._shape, x.dtype, x._stride)
    return meta, meta_


# ---------------------------------------------------------------------------------------
# advanced indexing: index / index_put
# ---------------------------------------------------------------------------------------

def _index_layout(x, indices):
    """(result shape, restrided-self strides, operand layouts) of x[indices] (torch's rule)."""
    nd = len(x._shape)
    if len(indices) > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    pos = []
    shapes = []
    for i, t in enumerate(indices):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError("index(): expected Tensor or None in indices")
        if t.dtype not in _IDX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        pos.append(i)
        shapes.append(t._shape)
    if not pos:
        raise RuntimeError("index(): at least one index must be a tensor")
    try:
        bshape = broadcast_shapes(*shapes)
    except RuntimeError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         "with shapes " + ", ".join(str(list(s)) for s in shapes)) from None
    shape, stride = x._shape, x._stride
    adjacent = pos[-1] - pos[0] + 1 == len(pos)
    if adjacent:
        first = pos[0]
    else:  # indexed dims go to the front
        rest = [d for d in range(nd) if d not in pos]
        order = pos + rest
        shape = tuple(shape[d] for d in order)
        stride = tuple(stride[d] for d in order)
        idx = [indices[d] if d < len(indices) else None for d in order]
        indices = idx
        pos = list(range(len(pos)))
        first = 0
    last = pos[-1]
    k = len(bshape)
    out_shape = shape[:first] + bshape + shape[last + 1:]
    self_stride = stride[:first] + (0,) * k + stride[last + 1:]
    layouts = [(out_shape, self_stride)]
    before = (1,) * first
    after = (1,) * (len(shape) - last - 1)
    for d in pos:
        t = indices[d]
        pad = k - len(t._shape)
        layouts.append((before + (1,) * pad + t._shape + after,
                        (0,) * (first + pad) + t._stride + (0,) * len(after)))
    return out_shape, layouts


def _index_meta(x, indices):
    shape, layouts = _index_layout(x, indices)
    return Spec(shape, x.dtype, elementwise_strides(shape, layouts))


def _check_values(x, indices, values):
    if values.dtype is not x.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{_c10(x.dtype)} for the destination and {_c10(values.dtype)} for "
                           "the source.")
    shape, _ = _index_layout(x, indices)
    try:
        b = broadcast_shapes(shape, values._shape)
    except RuntimeError:
        b = None
    if b != shape:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values._shape)} cannot "
                           f"be broadcast to indexing result of shape {list(shape)}")


_index_put_meta, _index_put__meta = _self_shaped_metas(
    lambda x, indices, values, accumulate=False: _check_values(x, indices, values),
    _fresh_layout)


INDEX = register("index", _index_meta, family="indexing")
INDEX_PUT = register("index_put", _index_put_meta, family="indexing")
INDEX_PUT_ = register("index_put_", _index_put__meta, inplace=True, family="indexing")


def _mask_to_indices(x, dim, mask):
    """A bool/uint8 mask covering x's dims [dim, dim + mask.ndim): one long tensor per dim."""
    k = len(mask._shape)
    for j in range(k):
        if dim + j >= len(x._shape) or mask._shape[j] != x._shape[dim + j]:
            raise IndexError(f"The shape of the mask {list(mask._shape)} at index {j} does not "
                             f"match the shape of the indexed tensor {list(x._shape)} at index "
                             f"{dim + j}")
    if mask.dtype is D.uint8:
        mask = mask.to(D.bool)
    nz = dispatch(NONZERO, mask)
    return [dispatch(SELECT, nz, 1, j) for j in range(k)]


def _prepare_indices(x, indices):
    """Public index_put: a sequence of tensors/None; masks expanded, devices matched."""
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    out = []
    for t in indices:
        if not isinstance(t, Tensor):
            raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
        if t.dtype is D.bool or t.dtype is D.uint8:
            out.extend(_mask_to_indices(x, len(out), t))
        else:
            if t.device is not x.device and t._shape:
                t = t.to(x.device)
            out.append(t)
    if len(out) > len(x._shape):
        raise IndexError(f"too many indices for tensor of dimension {len(x._shape)}")
    return out


def index_put(input, indices, values, accumulate=False):
    return dispatch(INDEX_PUT, input, _prepare_indices(input, indices), values,
                    bool(accumulate))


def index_put_(input, indices, values, accumulate=False):
    dispatch(INDEX_PUT_, input, _prepare_indices(input, indices), values, bool(accumulate))
    return input


method(index_put, name="index_put")
method(index_put_, name="index_put_")


# ---------------------------------------------------------------------------------------
# __getitem__ / __setitem__
# ---------------------------------------------------------------------------------------

def _to_index_tensor(obj):
    from .creation import tensor
    if isinstance(obj, np.ndarray):
        if obj.dtype == np.bool_:
            return tensor(obj, dtype=D.bool)
        return tensor(obj.astype(np.int64) if obj.dtype.kind in "iu" else obj)
    if isinstance(obj, (list, tuple)) and len(obj) == 0:
        return tensor([], dtype=D.int64)
    return tensor(obj)


def _is_legacy_seq(idx):
    """A list used as a tuple of indices (torch's deprecated multi-dim sequence form)."""
    for v in idx:
        if v is None or v is Ellipsis or isinstance(v, (slice, Tensor, list, tuple)):
            return True
    return False


def _oob(i, dim, size):
    raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")


def _parse(self, index):
    """Apply the basic part of ``index``: (view, tensor indices aligned to its dims)."""
    if type(index) is not tuple:
        if type(index) is list and _is_legacy_seq(index):
            index = tuple(index)
        else:
            index = (index,)
    # normalise and count consumed dims
    items = []
    consumed = 0
    for v in index:
        if v is None or v is Ellipsis or type(v) is bool or type(v) is slice:
            items.append(v)
            if type(v) is slice:
                consumed += 1
            continue
        if isinstance(v, Tensor):
            pass
        elif isinstance(v, (list, tuple, np.ndarray)):
            v = _to_index_tensor(v)
        elif isinstance(v, (np.bool_,)):
            v = bool(v)
            items.append(v)
            continue
        elif hasattr(v, "__index__"):
            v = v.__index__()
            items.append(v)
            consumed += 1
            continue
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             f"byte Variables are valid indices (got {type(v).__name__})")
        if not v._shape and v.dtype.category == D.INT and v.dtype is not D.bool:
            items.append(int(v.item()) if v.device.type != "meta" else v)
            consumed += 1
            continue
        if v.dtype is D.bool or v.dtype is D.uint8:
            consumed += len(v._shape)
        elif v.dtype.category == D.INT:
            consumed += 1
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        items.append(v)
    nd = len(self._shape)
    if consumed > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    r = self
    dim = 0
    tidx = []
    seen_ellipsis = False
    for v in items:
        if type(v) is int:
            size = r._shape[dim]
            if not -size <= v < size:
                _oob(v, dim, size)
            r = dispatch(SELECT, r, dim, v)
        elif type(v) is slice:
            start, stop, step = v.start, v.stop, v.step
            if step is not None:
                step = step.__index__() if not isinstance(step, Tensor) else int(step)
                if step == 0:
                    raise ValueError("slice step cannot be zero")
                if step < 0:
                    raise ValueError("step must be greater than zero")
            if start is not None and not isinstance(start, int):
                start = int(start)
            if stop is not None and not isinstance(stop, int):
                stop = int(stop)
            if start is not None or stop is not None or (step is not None and step != 1):
                r = dispatch(SLICE, r, dim, start, stop, 1 if step is None else step)
            tidx.append(None)
            dim += 1
        elif v is None:
            r = dispatch(UNSQUEEZE, r, dim)
            tidx.append(None)
            dim += 1
        elif v is Ellipsis:
            if not seen_ellipsis:
                n = nd - consumed
                tidx.extend([None] * n)
                dim += n
                seen_ellipsis = True
        elif type(v) is bool:
            r = dispatch(UNSQUEEZE, r, dim)
            tidx.append(_bool_index(v, r.device))
            dim += 1
        elif not isinstance(v, Tensor):  # 0-dim meta integer tensor
            raise NotImplementedError("indexing a meta tensor with a 0-dim meta tensor")
        elif v.dtype is D.bool or v.dtype is D.uint8:
            if not v._shape:
                r = dispatch(UNSQUEEZE, r, dim)
                tidx.append(_bool_index(bool(v.item()), r.device))
                dim += 1
                continue
            if v.device is not r.device:
                v = v.to(r.device)
            for t in _mask_to_indices(r, dim, v):
                tidx.append(t)
                dim += 1
        else:
            if v.device is not r.device and v._shape:
                v = v.to(r.device)
            tidx.append(v)
            dim += 1
    while tidx and tidx[-1] is None:
        tidx.pop()
    return r, tidx


def _bool_index(flag, device):
    from .creation import tensor
    t = tensor([0] if flag else [], dtype=D.int64)
    return t if device.type == "cpu" else t.to(device)


def _alias(x):
    # a full slice keeps the strides of size-1 dims, which a view() would renormalise
    if x._shape:
        return dispatch(SLICE, x, 0, 0, x._shape[0], 1)
    return dispatch(VIEW, x, x._shape)


def __getitem__(self, index):
    if type(index) is int:  # fast path: x[i]
        if not self._shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                             "number")
        size = self._shape[0]
        if not -size <= index < size:
            _oob(index, 0, size)
        return dispatch(SELECT, self, 0, index)
    r, tidx = _parse(self, index)
    if tidx:
        return dispatch(INDEX, r, tidx)
    if r is self:
        return _alias(self)
    return r


def _strip_leading_ones(v):
    while len(v._shape) and v._shape[0] == 1:
        v = dispatch(SQUEEZE, v, 0)
    return v


def __setitem__(self, index, value):
    if isinstance(value, numbers.Number) and not isinstance(value, Tensor):
        _check_fill_range(self.dtype, value)  # torch converts the value before indexing
    if type(index) is int:
        if not self._shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                             "number")
        size = self._shape[0]
        if not -size <= index < size:
            _oob(index, 0, size)
        r, tidx = dispatch(SELECT, self, 0, index), []
    else:
        r, tidx = _parse(self, index)
    if isinstance(value, Tensor):
        value = _strip_leading_ones(value)
    elif not isinstance(value, numbers.Number) and not isinstance(value, np.generic):
        raise TypeError(f"can't assign a {type(value).__name__} to a "
                        f"{self.device.type == 'cpu' and '' or ''}torch.{self.dtype.c10_name}"
                        "Tensor")
    if not tidx:
        if isinstance(value, Tensor):
            copy_(r, value)
        else:
            fill_(r, value)
        return
    if isinstance(value, Tensor):  # torch does not cast here: index_put_ checks dtypes
        if value.device is not self.device:
            value = value.to(self.device)
    else:
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
        if self.device.type != "cpu":
            value = value.to(self.device)
    dispatch(INDEX_PUT_, r, tidx, value, False)


method(__getitem__, name="__getitem__")
method(__setitem__, name="__setitem__")


# ---------------------------------------------------------------------------------------
# gather / scatter family
# ---------------------------------------------------------------------------------------

def _check_index_long(index, name):
    if index.dtype not in _IDX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")


def _gather_meta(x, dim, index, *, sparse_grad=False):
    _check_index_long(index, "gather")
    nd = max(len(x._shape), 1)
    dim = wrap_dim(dim, nd)
    xs, ishape = _shape1(x), _shape1(index)
    if len(ishape) != len(xs) and index.numel() != 0 or (len(index._shape) > 1 and
                                                           len(index._shape) != len(x._shape)):
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    if index.numel() and len(ishape) == len(xs):
        for d in range(len(xs)):
            if d != dim and ishape[d] > xs[d]:
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(index._shape)} to be no larger than self "
                                   f"{list(x._shape)} apart from dimension {dim}")
    return Spec(index._shape, x.dtype, contiguous_strides(index._shape))


def _scatter_checks(x, dim, index, src, name):
    _check_index_long(index, name)
    nd = max(len(x._shape), 1)
    dim = wrap_dim(dim, nd)
    xs, ishape = _shape1(x), _shape1(index)
    if index.numel() == 0:
        return dim
    if len(ishape) != len(xs):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if src.dtype is not x.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        ss = _shape1(src)
        if len(ss) != len(ishape):
            raise RuntimeError("Index tensor must have the same number of dimensions as src "
                               "tensor")
        for d in range(len(xs)):
            if (d != dim and ishape[d] > xs[d]) or ishape[d] > ss[d]:
                raise RuntimeError(f"Expected index {list(index._shape)} to be no larger than "
                                   f"self {list(x._shape)} apart from dimension {dim} and to be "
                                   f"no larger size than src {list(src._shape)}")
    else:
        for d in range(len(xs)):
            if d != dim and ishape[d] > xs[d]:
                raise RuntimeError(f"Expected index {list(index._shape)} to be no larger than "
                                   f"self {list(x._shape)} apart from dimension {dim}")
    return dim


def _check_scatter_reduce_arg(reduce):
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")


def _scatter_args(x, dim, index, src, *, reduce=None):
    _check_scatter_reduce_arg(reduce)
    _scatter_checks(x, dim, index, src, "scatter")


_scatter_meta, _scatter__meta = _self_shaped_metas(_scatter_args)
_scatter_add_meta, _scatter_add__meta = _self_shaped_metas(
    lambda x, dim, index, src: _scatter_checks(x, dim, index, src, "scatter_add"))


_SREDUCE = ("sum", "prod", "mean", "amax", "amin")


def _check_sreduce(reduce):
    if reduce not in _SREDUCE:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")


def _scatter_reduce_args(x, dim, index, src, reduce, *, include_self=True):
    _check_sreduce(reduce)
    _scatter_checks(x, dim, index, src, "scatter_reduce")


_scatter_reduce_meta, _scatter_reduce__meta = _self_shaped_metas(_scatter_reduce_args)


GATHER = register("gather", _gather_meta, family="indexing")
SCATTER = register("scatter", _scatter_meta, family="indexing")
SCATTER_ = register("scatter_", _scatter__meta, inplace=True, family="indexing")
SCATTER_ADD = register("scatter_add", _scatter_add_meta, family="indexing")
SCATTER_ADD_ = register("scatter_add_", _scatter_add__meta, inplace=True, family="indexing")
SCATTER_REDUCE = register("scatter_reduce", _scatter_reduce_meta, family="indexing")
SCATTER_REDUCE_ = register("scatter_reduce_", _scatter_reduce__meta, inplace=True,
                           family="indexing")


def _out(op, out, *args, **kwargs):
    if out is None:
        return dispatch(op, *args, **kwargs)
    return dispatch_out(op, out, *args, **kwargs)


def _src_or_value(src, value, name):
    if src is None:
        src = value
    if src is None:
        raise TypeError(f"{name}() missing required argument 'src' or 'value'")
    return src


def gather(input, dim, index, *, sparse_grad=False, out=None):
    return _out(GATHER, out, input, dim, index)


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    src = _src_or_value(src, value, "scatter")
    return _out(SCATTER, out, input, dim, index, src, reduce=reduce)


def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    src = _src_or_value(src, value, "scatter_")
    dispatch(SCATTER_, self, dim, index, src, reduce=reduce)
    return self


def scatter_add(input, dim, index, src, *, out=None):
    return _out(SCATTER_ADD, out, input, dim, index, src)


def scatter_add_(self, dim, index, src):
    dispatch(SCATTER_ADD_, self, dim, index, src)
    return self


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    return _out(SCATTER_REDUCE, out, input, dim, index, src, reduce, include_self=include_self)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    dispatch(SCATTER_REDUCE_, self, dim, index, src, reduce, include_self=include_self)
    return self


def _gather_method(self, dim, index, *, sparse_grad=False):
    return dispatch(GATHER, self, dim, index)


def _scatter_method(self, dim, index, src=None, *, value=None, reduce=None):
    return scatter(self, dim, index, src, value=value, reduce=reduce)


def _scatter_add_method(self, dim, index, src):
    return dispatch(SCATTER_ADD, self, dim, index, src)


def _scatter_reduce_method(self, dim, index, src, reduce, *, include_self=True):
    return dispatch(SCATTER_REDUCE, self, dim, index, src, reduce, include_self=include_self)


method(_gather_method, name="gather")
method(_scatter_method, name="scatter")
method(scatter_, name="scatter_")
method(_scatter_add_method, name="scatter_add")
method(scatter_add_, name="scatter_add_")
method(_scatter_reduce_method, name="scatter_reduce")
method(scatter_reduce_, name="scatter_reduce_")


# ---------------------------------------------------------------------------------------
# index_select / index_add / index_copy / index_fill
# ---------------------------------------------------------------------------------------

def _index_vector(index, name, kind="select"):
    if len(index._shape) > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")


def _index_select_meta(x, dim, index):
    if index.dtype not in _IDX_DTYPES:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    _index_vector(index, "index_select")
    if not x._shape:
        wrap_dim(dim, 1)
        return Spec((), x.dtype, ())
    dim = wrap_dim(dim, len(x._shape))
    n = index.numel()
    shape = x._shape[:dim] + (n,) + x._shape[dim + 1:]
    return Spec(shape, x.dtype, contiguous_strides(shape))


def _check_source(x, dim, index, source, name):
    nd = len(x._shape)
    dim = wrap_dim(dim, max(nd, 1))
    if len(index._shape) > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    n = index.numel()
    xs, ss = _shape1(x), _shape1(source)
    if len(ss) != len(xs) and not (len(source._shape) <= 1 and nd <= 1):
        raise IndexError(f"{name}(): When source and destination are not scalars, their "
                         "dimensionality must match. Source dimensionality "
                         f"({len(source._shape)}), destination dimensionality ({nd})")
    if ss[dim] != n:
        raise IndexError(f"{name}(): Number of indices ({n}) should be equal to source.size(dim) "
                         f"({ss[dim]})")
    for d in range(len(xs)):
        if d != dim and xs[d] != ss[d]:
            raise RuntimeError(f"{name}(): Source/destination tensor must have same slice "
                               f"shapes. Destination slice shape: {list(xs[:dim] + xs[dim+1:])}"
                               f" at dimension {dim} and source slice shape: "
                               f"{list(ss[:dim] + ss[dim+1:])} at dimension 0.")
    return dim


def _index_add_checks(x, dim, index, source, *, alpha=1):
    if index.dtype not in _IDX_DTYPES:
        raise RuntimeError("index_add_(): Expected dtype int32/int64 for index")
    if source.dtype is not x.dtype:
        raise RuntimeError(f"index_add_(): self ({_c10(x.dtype)}) and source "
                           f"({_c10(source.dtype)}) must have the same scalar type")
    _check_source(x, dim, index, source, "index_add_")


_index_add_meta, _index_add__meta = _self_shaped_metas(_index_add_checks)


def _index_copy_checks(x, dim, index, source):
    if index.dtype is not D.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_c10(index.dtype)}")
    if source.dtype is not x.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_c10(x.dtype)} and (source) {_c10(source.dtype)}")
    _check_source(x, dim, index, source, "index_copy_")


_index_copy_meta, _index_copy__meta = _self_shaped_metas(_index_copy_checks)


def _index_fill_checks(x, dim, index, value):
    if index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if len(index._shape) > 1:
        raise IndexError("index_fill_(): Index is supposed to be a vector")
    wrap_dim(dim, max(len(x._shape), 1))
    if isinstance(value, Tensor) and value._shape:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {len(value._shape)} dimension(s).")


_index_fill_meta, _index_fill__meta = _self_shaped_metas(_index_fill_checks, _fresh_layout)


INDEX_SELECT = register("index_select", _index_select_meta, family="indexing")
INDEX_ADD = register("index_add", _index_add_meta, family="indexing")
INDEX_ADD_ = register("index_add_", _index_add__meta, inplace=True, family="indexing")
INDEX_COPY = register("index_copy", _index_copy_meta, family="indexing")
INDEX_COPY_ = register("index_copy_", _index_copy__meta, inplace=True, family="indexing")
INDEX_FILL = register("index_fill", _index_fill_meta, family="indexing")
INDEX_FILL_ = register("index_fill_", _index_fill__meta, inplace=True, family="indexing")


def index_select(input, dim, index, *, out=None):
    return _out(INDEX_SELECT, out, input, dim, index)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    return _out(INDEX_ADD, out, input, dim, index, source, alpha=alpha)


def index_add_(self, dim, index, source, *, alpha=1):
    dispatch(INDEX_ADD_, self, dim, index, source, alpha=alpha)
    return self


def index_copy(input, dim, index, source, *, out=None):
    return _out(INDEX_COPY, out, input, dim, index, source)


def index_copy_(self, dim, index, source):
    dispatch(INDEX_COPY_, self, dim, index, source)
    return self


def index_fill(input, dim, index, value):
    return dispatch(INDEX_FILL, input, dim, index, value)


def index_fill_(self, dim, index, value):
    dispatch(INDEX_FILL_, self, dim, index, value)
    return self


method(lambda self, dim, index: dispatch(INDEX_SELECT, self, dim, index), name="index_select")
method(lambda self, dim, index, source, *, alpha=1: dispatch(INDEX_ADD, self, dim, index, source,
                                                             alpha=alpha), name="index_add")
method(index_add_, name="index_add_")
method(lambda self, dim, index, source: dispatch(INDEX_COPY, self, dim, index, source),
       name="index_copy")
method(index_copy_, name="index_copy_")
method(index_fill, name="index_fill")
method(index_fill_, name="index_fill_")


# ---------------------------------------------------------------------------------------
# masked ops
# ---------------------------------------------------------------------------------------

def _check_mask(mask, name):
    if mask.dtype is not D.bool:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{_mask_dtype_name(mask.dtype)}")


def _mask_dtype_name(dt):
    return {"Long": "long int", "Int": "int", "Byte": "unsigned char", "Float": "float",
            "Double": "double"}.get(dt.c10_name, dt.c10_name)


def _masked_fill_common(x, mask, value):
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value._shape:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {len(value._shape)} dimension(s).")


def _masked_fill_meta(x, mask, value):
    _masked_fill_common(x, mask, value)
    shape = broadcast_shapes(x._shape, mask._shape)
    return Spec(shape, x.dtype, contiguous_strides(shape))


def _inplace_broadcast(x, other, name):
    try:
        b = broadcast_shapes(x._shape, other._shape)
    except RuntimeError:
        b = None
    if b != x._shape:
        raise RuntimeError(f"output with shape {list(x._shape)} doesn't match the broadcast "
                           f"shape {list(b) if b is not None else list(other._shape)}")


def _masked_fill__meta(x, mask, value):
    _masked_fill_common(x, mask, value)
    _inplace_broadcast(x, mask, "masked_fill_")
    return Spec(x._shape, x.dtype, x._stride)


def _masked_select_meta(x, mask):
    _check_mask(mask, "masked_select:")
    broadcast_shapes(x._shape, mask._shape)
    raise NotImplementedError("aten::masked_select: attempted to run this operator with Meta "
                              "tensors, but there was no fake impl or Meta kernel registered.")


def _masked_scatter_checks(x, mask, source):
    if mask.dtype is not D.bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_mask_dtype_name(mask.dtype)}")
    if source.dtype is not x.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{_c10(x.dtype)} and {_c10(source.dtype)}")


def _masked_scatter_meta(x, mask, source):
    _masked_scatter_checks(x, mask, source)
    shape = broadcast_shapes(x._shape, mask._shape)
    return Spec(shape, x.dtype, contiguous_strides(shape))


def _masked_scatter__meta(x, mask, source):
    _masked_scatter_checks(x, mask, source)
    _inplace_broadcast(x, mask, "masked_scatter_")
    return Spec(x._shape, x.dtype, x._stride)


MASKED_FILL = register("masked_fill", _masked_fill_meta, family="indexing")
MASKED_FILL_ = register("masked_fill_", _masked_fill__meta, inplace=True, family="indexing")
MASKED_SELECT = register("masked_select", _masked_select_meta, family="indexing")
MASKED_SCATTER = register("masked_scatter", _masked_scatter_meta, family="indexing")
MASKED_SCATTER_ = register("masked_scatter_", _masked_scatter__meta, inplace=True,
                           family="indexing")


def masked_fill(input, mask, value):
    if isinstance(value, numbers.Number):
        _check_fill_range(input.dtype, value)   # out-of-range numbers raise, not wrap
    return dispatch(MASKED_FILL, input, mask, value)


def masked_fill_(self, mask, value):
    if isinstance(value, numbers.Number):
        _check_fill_range(self.dtype, value)
    dispatch(MASKED_FILL_, self, mask, value)
    return self


def masked_select(input, mask, *, out=None):
    return _out(MASKED_SELECT, out, input, mask)


def masked_scatter(input, mask, source):
    return dispatch(MASKED_SCATTER, input, mask, source)


def masked_scatter_(self, mask, source):
    dispatch(MASKED_SCATTER_, self, mask, source)
    return self


method(masked_fill, name="masked_fill")
method(masked_fill_, name="masked_fill_")
method(lambda self, mask: dispatch(MASKED_SELECT, self, mask), name="masked_select")
method(masked_scatter, name="masked_scatter")
method(masked_scatter_, name="masked_scatter_")


# ---------------------------------------------------------------------------------------
# nonzero / argwhere / take / take_along_dim / put
# ---------------------------------------------------------------------------------------

def _nonzero_meta(x):
    raise NotImplementedError("The register_meta function for torch.nonzero() raises "
                              "unimplemented by default, as a correct data-independent "
                              "implementation does not exist.")


NONZERO = register("nonzero", _nonzero_meta, nondiff=True, family="indexing")
ARGWHERE = register("argwhere", _nonzero_meta, nondiff=True, family="indexing")


def nonzero(input, *, out=None, as_tuple=False):
    if as_tuple:
        nz = dispatch(NONZERO, input)
        if not input._shape:
            return (dispatch(SELECT, nz, 1, 0) if nz._shape[1] else
                    _nz_col0(nz),)
        return tuple(dispatch(SELECT, nz, 1, j) for j in range(nz._shape[1]))
    return _out(NONZERO, out, input)


def _nz_col0(nz):
    # 0-dim input: torch returns one index tensor of length n (all zeros)
    from .creation import zeros
    return zeros(nz._shape[0], dtype=D.int64, device=nz.device)


def argwhere(input):
    return dispatch(ARGWHERE, input)


method(lambda self, *, as_tuple=False: nonzero(self, as_tuple=as_tuple), name="nonzero")
method(argwhere, name="argwhere")


def _take_meta(x, index):
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{_c10(index.dtype)}")
    return Spec(index._shape, x.dtype, contiguous_strides(index._shape))


def _take_along_dim_meta(x, indices, dim=None):
    if indices.dtype is not D.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be int64 but got "
                           f"{indices.dtype.name}")
    if dim is None:
        n = indices.numel()
        return Spec((n,), x.dtype, (1,))
    if len(x._shape) != len(indices._shape):
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {len(x._shape)} dimensions for "
                           f"input, and {len(indices._shape)} dimensions for indices")
    nd = len(x._shape)
    dim = wrap_dim(dim, max(nd, 1))
    if nd == 0:
        return Spec((), x.dtype, ())
    xs = x._shape[:dim] + (1,) + x._shape[dim + 1:]
    ishp = indices._shape[:dim] + (1,) + indices._shape[dim + 1:]
    b = broadcast_shapes(xs, ishp)
    shape = b[:dim] + (indices._shape[dim],) + b[dim + 1:]
    return Spec(shape, x.dtype, contiguous_strides(shape))


def _put_checks(x, index, source):
    if index.dtype is not D.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{_c10(index.dtype)}")
    if source.dtype is not x.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {_c10(x.dtype)} and source.dtype = "
                           f"{_c10(source.dtype)}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source.numel()}, "
                           f"index.numel() = {index.numel()}")


_put_meta, _put__meta = _self_shaped_metas(
    lambda x, index, source, accumulate=False: _put_checks(x, index, source), _fresh_layout)


TAKE = register("take", _take_meta, family="indexing")
TAKE_ALONG_DIM = register("take_along_dim", _take_along_dim_meta, family="indexing")
PUT = register("put", _put_meta, family="indexing")
PUT_ = register("put_", _put__meta, inplace=True, family="indexing")


def take(input, index, *, out=None):
    return _out(TAKE, out, input, index)


def take_along_dim(input, indices, dim=None, *, out=None):
    return _out(TAKE_ALONG_DIM, out, input, indices, dim)


def put(input, index, source, accumulate=False):
    return dispatch(PUT, input, index, source, accumulate)


def put_(self, index, source, accumulate=False):
    dispatch(PUT_, self, index, source, accumulate)
    return self


method(lambda self, index: dispatch(TAKE, self, index), name="take")
method(lambda self, indices, dim=None: dispatch(TAKE_ALONG_DIM, self, indices, dim),
       name="take_along_dim")
method(put, name="put")
method(put_, name="put_")
