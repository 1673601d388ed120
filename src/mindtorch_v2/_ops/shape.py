"""The shape / data-movement op family (declarations, meta functions, public API).

Registered ops (each with a CPU NumPy kernel in ``_backends/cpu/shape.py``): cat, stack,
flip, roll, repeat, repeat_interleave, tril/triu (+ in-place), diag, diag_embed, block_diag.
Everything else (hstack, rot90, tile, meshgrid, atleast_*, combinations, ...) is a composite
of those and of the view ops.
"""
from __future__ import annotations


from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from .._tensor import Tensor, _is_contiguous
from ._common import broadcast_shapes as _bshapes, channels_last_strides, contiguous_strides, \
    elementwise_strides, wrap_dim, wrap_dims
from .registry import Spec, register
from .tensor_methods import method
from . import views as _V

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack",
           "column_stack", "row_stack", "flip", "fliplr", "flipud", "roll", "rot90", "tile",
           "repeat_interleave", "tril", "triu", "diag", "diag_embed", "diagflat", "block_diag",
           "broadcast_tensors", "broadcast_shapes", "meshgrid", "atleast_1d", "atleast_2d",
           "atleast_3d", "cartesian_prod", "combinations", "ravel"]


def _channels_last():
    from .. import channels_last
    return channels_last


# ---------------------------------------------------------------------------------------
# cat / stack
# ---------------------------------------------------------------------------------------

def _check_tensor_list(tensors, name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of "
                            f"Tensors, not {type(t).__name__}")


def _cat_meta(tensors, dim=0):
    """Output Spec of torch.cat, with torch's checks (legacy empty 1-D inputs skipped)."""
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    dt = None
    ref = None
    for i, t in enumerate(tensors):
        if not t._shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
        dt = t.dtype if dt is None else (dt if dt is t.dtype else D.promote_types(dt, t.dtype))
        if ref is None and t._shape != (0,):
            ref = i
    if ref is None:  # all legacy empty: result is like the first
        wrap_dim(dim, 1)
        return Spec((0,), dt)
    rs = tensors[ref]._shape
    nd = len(rs)
    d = wrap_dim(dim, nd)
    total = 0
    all_cl = nd == 4
    for i, t in enumerate(tensors):
        s = t._shape
        if s == (0,):
            continue
        if len(s) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{len(s)}")
        for j in range(nd):
            if j != d and s[j] != rs[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {rs[j]} but got size {s[j]} for tensor "
                                   f"number {i} in the list.")
        total += s[d]
        if all_cl and (_is_contiguous(s, t._stride) or
                       not _is_contiguous(s, t._stride, _channels_last())):
            all_cl = False
    shape = rs[:d] + (total,) + rs[d + 1:]
    stride = channels_last_strides(shape) if all_cl else contiguous_strides(shape)
    return Spec(shape, dt, stride)


CAT = register("cat", _cat_meta, family="shape")


def cat(tensors, dim=0, *, out=None):
    _check_tensor_list(tensors, "cat")
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if out is not None:
        dt = tensors[0].dtype
        for t in tensors[1:]:
            dt = D.promote_types(dt, t.dtype)
        if not D.can_cast(dt, out.dtype):
            raise TypeError("torch.cat(): input types can't be cast to the desired output type "
                            + out.dtype.c10_name)
        return dispatch_out(CAT, out, tensors, dim)
    return dispatch(CAT, tensors, dim)


concat = concatenate = cat


def _stack_meta(tensors, dim=0):
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._shape
    for i, t in enumerate(tensors):
        if t._shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(s0)} at entry 0 and {list(t._shape)} at entry {i}")
    d = wrap_dim(dim, len(s0) + 1)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dt:
            dt = D.promote_types(dt, t.dtype)
    shape = s0[:d] + (len(tensors),) + s0[d:]
    return Spec(shape, dt, contiguous_strides(shape))


STACK = register("stack", _stack_meta, family="shape")


def stack(tensors, dim=0, *, out=None):
    _check_tensor_list(tensors, "stack")
    tensors = tuple(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    if out is not None:
        return dispatch_out(STACK, out, tensors, dim)
    return dispatch(STACK, tensors, dim)


def _seq(tensors, name):
    _check_tensor_list(tensors, name)
    return tuple(tensors)


def hstack(tensors, *, out=None):
    ts = atleast_1d(_seq(tensors, "hstack"))
    if not ts:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(ts, 0 if ts[0].dim() == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    ts = atleast_2d(_seq(tensors, "vstack"))
    if not ts:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat(ts, 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    ts = atleast_3d(_seq(tensors, "dstack"))
    if not ts:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat(ts, 2, out=out)


def column_stack(tensors, *, out=None):
    ts = _seq(tensors, "column_stack")
    if not ts:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    ts = tuple(_V.reshape(t, (t.numel(), 1)) if t.dim() <= 1 else t for t in ts)
    return cat(ts, 1, out=out)


# ---------------------------------------------------------------------------------------
# flip / roll / rot90
# ---------------------------------------------------------------------------------------

def _flip_meta(x, dims):
    wrap_dims(dims, len(x._shape))
    return Spec(x._shape, x.dtype, elementwise_strides(x._shape, [(x._shape, x._stride)]))


FLIP = register("flip", _flip_meta, family="shape")


def _dims_arg(dims):
    if isinstance(dims, int):
        return (dims,)
    return tuple(dims)


def flip(input, dims):
    return dispatch(FLIP, input, _dims_arg(dims))


def _flip_method(self, *dims):
    if len(dims) == 1 and not isinstance(dims[0], int):
        dims = dims[0]
    return dispatch(FLIP, self, _dims_arg(dims))


def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return dispatch(FLIP, input, (1,))


def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return dispatch(FLIP, input, (0,))


def _roll_meta(x, shifts, dims=()):
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"`shifts` required to be of size 1 when `dims` is empty, but "
                               f"got size {len(shifts)}")
    elif len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    for d in dims:
        wrap_dim(d, len(x._shape))
    return Spec(x._shape, x.dtype, contiguous_strides(x._shape))


ROLL = register("roll", _roll_meta, family="shape")


def roll(input, shifts, dims=None):
    shifts = _dims_arg(shifts)
    dims = () if dims is None else _dims_arg(dims)
    return dispatch(ROLL, input, tuple(int(s) for s in shifts), dims)


def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input.dim()
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    if dims[0] == dims[1] or abs(dims[0] - dims[1]) == n:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    if not (-n <= dims[0] < n) or not (-n <= dims[1] < n):
        raise RuntimeError(f"Rotation dim0 out of range, dim0 = {dims[0]}" if not
                           (-n <= dims[0] < n) else
                           f"Rotation dim1 out of range, dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return _V.transpose(flip(input, (dims[1],)), dims[0], dims[1])
    if k == 2:
        return flip(input, dims)
    if k == 3:
        return _V.transpose(flip(input, (dims[0],)), dims[0], dims[1])
    from .copy_ops import clone
    return clone(input, memory_format=_contig())


def _contig():
    from .. import contiguous_format
    return contiguous_format


# ---------------------------------------------------------------------------------------
# repeat / tile / repeat_interleave
# ---------------------------------------------------------------------------------------

def _repeat_meta(x, repeats):
    n = len(x._shape)
    if len(repeats) < n:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    for r in repeats:
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r}: "
                               f"{list(repeats)}")
    pad = (1,) * (len(repeats) - n) + x._shape
    shape = tuple(a * b for a, b in zip(pad, repeats))
    return Spec(shape, x.dtype, contiguous_strides(shape))


REPEAT = register("repeat", _repeat_meta, family="shape")


def _repeat(self, *sizes):
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = sizes[0]
    return dispatch(REPEAT, self, tuple(int(s) for s in sizes))


def tile(input, dims):
    dims = _dims_arg(dims)
    n = input.dim()
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return dispatch(REPEAT, input, tuple(int(s) for s in dims))


def _ri_meta(x, repeats, dim=None, output_size=None):
    if isinstance(repeats, Tensor):
        if repeats.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dtype not in (D.int32, D.int64):
            raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                      f"'{repeats.dtype.c10_name}'")
    if dim is None:
        n = x.numel()
        d = 0
        shape = (n,)
    else:
        d = wrap_dim(dim, len(x._shape))
        shape = x._shape if x._shape else (1,)
        n = shape[d] if x._shape else 1
    if isinstance(repeats, Tensor):
        if repeats.dim() == 1 and repeats._shape[0] not in (1, n):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {repeats._shape[0]} and input.size({d}) = {n}")
        if output_size is None:
            if repeats.device.type == "meta":
                raise NotImplementedError("repeat_interleave on meta tensors needs output_size")
            vals = repeats._host_np() if hasattr(repeats, "_host_np") else repeats.numpy()
            if (vals < 0).any():
                raise RuntimeError("repeats can not be negative")
            total = int(vals.sum()) * (n if repeats.numel() == 1 else 1)
        else:
            total = output_size
    else:
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        total = n * repeats if output_size is None else output_size
    out = shape[:d] + (total,) + shape[d + 1:]
    dt = x.dtype
    return Spec(out, dt, contiguous_strides(out))


REPEAT_INTERLEAVE = register("repeat_interleave", _ri_meta, family="shape")


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # torch.repeat_interleave(repeats): indices
        from .creation import arange
        rep = input
        if rep.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        idx = arange(rep.numel() if rep.dim() else 1, dtype=rep.dtype)
        return dispatch(REPEAT_INTERLEAVE, idx, rep, 0, output_size)
    if not isinstance(repeats, Tensor):
        repeats = int(repeats)
    elif repeats.numel() == 1 and repeats.dim() <= 1 and (dim is None or input.dim() == 0):
        repeats = int(repeats.item())
    return dispatch(REPEAT_INTERLEAVE, input, repeats, dim, output_size)


# ---------------------------------------------------------------------------------------
# tril / triu / diag / diag_embed / diagflat / block_diag
# ---------------------------------------------------------------------------------------

def _tri_meta_for(name):
    def meta(x, diagonal=0):
        if len(x._shape) < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return Spec(x._shape, x.dtype, contiguous_strides(x._shape))
    return meta


def _tri_inplace_meta_for(name):
    def meta(x, diagonal=0):
        if len(x._shape) < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return Spec(x._shape, x.dtype, x._stride)
    return meta


TRIL = register("tril", _tri_meta_for("tril"), family="shape")
TRIU = register("triu", _tri_meta_for("triu"), family="shape")
TRIL_ = register("tril_", _tri_inplace_meta_for("tril"), inplace=True, family="shape")
TRIU_ = register("triu_", _tri_inplace_meta_for("triu"), inplace=True, family="shape")
TRIL_.extra["outplace"] = TRIL
TRIU_.extra["outplace"] = TRIU


def tril(input, diagonal=0, *, out=None):
    if out is not None:
        return dispatch_out(TRIL, out, input, int(diagonal))
    return dispatch(TRIL, input, int(diagonal))


def triu(input, diagonal=0, *, out=None):
    if out is not None:
        return dispatch_out(TRIU, out, input, int(diagonal))
    return dispatch(TRIU, input, int(diagonal))


def _diag_meta(x, diagonal=0):
    n = len(x._shape)
    if n == 1:
        m = x._shape[0] + abs(diagonal)
        return Spec((m, m), x.dtype, (m, 1))
    if n == 2:
        r, c = x._shape
        ln = max(min(r, c - diagonal), 0) if diagonal >= 0 else max(min(r + diagonal, c), 0)
        return Spec((ln,), x.dtype, (1,))
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + str(n) + "D")


DIAG = register("diag", _diag_meta, family="shape")


def diag(input, diagonal=0, *, out=None):
    if out is not None:
        return dispatch_out(DIAG, out, input, int(diagonal))
    return dispatch(DIAG, input, int(diagonal))


def _diag_embed_meta(x, offset=0, dim1=-2, dim2=-1):
    nd = len(x._shape) + 1
    d1 = wrap_dim(dim1, nd)
    d2 = wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    last = x._shape[-1] if x._shape else 1
    m = last + abs(offset)
    rest = list(x._shape[:-1])
    shape = []
    for i in range(nd):
        if i == d1 or i == d2:
            shape.append(m)
        else:
            shape.append(rest.pop(0))
    shape = tuple(shape)
    return Spec(shape, x.dtype, contiguous_strides(shape))


DIAG_EMBED = register("diag_embed", _diag_embed_meta, family="shape")


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    if input.dim() == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got "
                         f"{dim1})")
    return dispatch(DIAG_EMBED, input, int(offset), dim1, dim2)


def diagflat(input, offset=0):
    return dispatch(DIAG, _V.reshape(input, (input.numel(),)), int(offset))


def _block_diag_meta(*tensors):
    rows = cols = 0
    dt = None
    for i, t in enumerate(tensors):
        n = len(t._shape)
        if n > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {n} dimensions")
        r, c = (1, 1) if n == 0 else ((1, t._shape[0]) if n == 1 else t._shape)
        rows += r
        cols += c
        dt = t.dtype if dt is None else D.promote_types(dt, t.dtype)
    if dt is None:
        dt = D.get_default_dtype()
    return Spec((rows, cols), dt, contiguous_strides((rows, cols)))


BLOCK_DIAG = register("block_diag", _block_diag_meta, family="shape")


def block_diag(*tensors):
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"block_diag(): argument 'tensors' (position 1) must be tuple of "
                            f"Tensors, not {type(t).__name__}")
    if not tensors:
        from .creation import empty
        return empty((1, 0))
    return dispatch(BLOCK_DIAG, *tensors)


# ---------------------------------------------------------------------------------------
# broadcasting, meshgrid, atleast_*, cartesian_prod, combinations, ravel
# ---------------------------------------------------------------------------------------

def broadcast_shapes(*shapes):
    norm = []
    for s in shapes:
        if isinstance(s, int):
            norm.append((s,))
        else:
            norm.append(tuple(int(v) for v in s))
    for s in norm:
        for v in s:
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: "
                                   f"{list(s)}")
    from .._tensor import Size
    return Size(_bshapes(*norm))


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = _bshapes(*[t._shape for t in tensors])
    return tuple(dispatch(_V.EXPAND, t, shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
    dt = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dt:
            raise RuntimeError("torch.meshgrid: expects all tensors to have the same dtype")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = tuple(t.numel() for t in ts)
    n = len(ts)
    out = []
    for i, t in enumerate(ts):
        v = _V.reshape(t, (1,) * i + (-1,) + (1,) * (n - i - 1)) if t.dim() else \
            _V.reshape(t, (1,) * n)
        out.append(dispatch(_V.EXPAND, v, sizes))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def _atleast(args, n):
    single = len(args) == 1 and isinstance(args[0], Tensor)
    ts = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
    res = []
    for t in ts:
        d = t.dim()
        if d >= n:
            res.append(t)
        elif n == 1:
            res.append(_V.reshape(t, (1,)))
        elif n == 2:
            res.append(_V.reshape(t, (1, 1)) if d == 0 else _V.unsqueeze(t, 0))
        else:
            if d == 0:
                res.append(_V.reshape(t, (1, 1, 1)))
            elif d == 1:
                res.append(_V.unsqueeze(_V.unsqueeze(t, 0), -1))
            else:
                res.append(_V.unsqueeze(t, -1))
    return res[0] if single else tuple(res)


def atleast_1d(*tensors):
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    return _atleast(tensors, 3)


def cartesian_prod(*tensors):
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([_V.reshape(g, (-1,)) for g in grids], 1)


def _comb_count(n, r, rep):
    from math import comb
    return comb(n + r - 1, r) if rep else comb(n, r)


def _combinations_meta(x, r=2, with_replacement=False):
    if len(x._shape) != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x._shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Spec((0,), x.dtype, (1,))
    k = _comb_count(x._shape[0], r, with_replacement)
    shape = (k, r)
    return Spec(shape, x.dtype, contiguous_strides(shape))


COMBINATIONS = register("combinations", _combinations_meta, family="shape")


def combinations(input, r=2, with_replacement=False):
    return dispatch(COMBINATIONS, input, int(r), bool(with_replacement))


def ravel(input):
    if input.is_contiguous():
        return _V.reshape(input, (-1,))
    from .copy_ops import clone
    return _V.reshape(clone(input, memory_format=_contig()), (-1,))


# ---------------------------------------------------------------------------------------
# Tensor methods
# ---------------------------------------------------------------------------------------

method(_flip_method, name="flip")
method(fliplr, name="fliplr")
method(flipud, name="flipud")
method(roll, name="roll")
method(rot90, name="rot90")
method(_repeat, name="repeat")
method(tile, name="tile")
method(repeat_interleave, name="repeat_interleave")
method(tril, name="tril")
method(triu, name="triu")
method(lambda self, diagonal=0: dispatch(TRIL_, self, int(diagonal)), name="tril_")
method(lambda self, diagonal=0: dispatch(TRIU_, self, int(diagonal)), name="triu_")
method(diag, name="diag")
method(diag_embed, name="diag_embed")
method(diagflat, name="diagflat")
method(ravel, name="ravel")
