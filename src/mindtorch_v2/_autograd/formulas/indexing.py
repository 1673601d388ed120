"""Backward formulas of the indexing family (``_ops/indexing.py``).

The pattern: an op that reads elements at indices (index, gather, index_select, take,
masked_select) sends ``g`` back by the matching accumulating write (index_put with
accumulate, scatter_add, index_add, put with accumulate, masked_scatter) into zeros of the
input's shape (from ``meta``, so the input itself is not saved); an op that writes at
indices gives ``self`` the gradient with the written positions zeroed and the written
values the gradient read back at those positions.  Index tensors never get gradients.
``Tensor.__getitem__`` / ``__setitem__`` end in these ops (and in views), so ``x[idx]``
and ``x[idx] = v`` are covered here.
"""
from __future__ import annotations

from ..._dispatch.dispatcher import dispatch
from ..._ops import indexing as I
from ..._ops.creation import zeros, zeros_like
from ..._tensor import Tensor
from ..derivatives import defgrad


def _zeros(shape, g):
    return zeros(shape, dtype=g.dtype, device=g.device)


def _zero_scalar(g):
    return zeros((), dtype=g.dtype, device=g.device)


def _both(name, fn):
    """The same formula for the functional op and its in-place form."""
    defgrad(name, fn)
    defgrad(name + "_", fn)


# ---------------------------------------------------------------------------------------
# advanced indexing
# ---------------------------------------------------------------------------------------

@defgrad("index")
def _index(g, x, indices, *, meta):
    return dispatch(I.INDEX_PUT, _zeros(meta[0][0], g), indices, g, True)


def _index_put(g, x, indices, values, accumulate=False):
    gx = g if accumulate else dispatch(I.INDEX_PUT, g, indices, _zero_scalar(g), False)
    gv = dispatch(I.INDEX, g, indices) if isinstance(values, Tensor) else None
    return gx, None, gv


_both("index_put", _index_put)


# ---------------------------------------------------------------------------------------
# gather / scatter family
# ---------------------------------------------------------------------------------------

@defgrad("gather")
def _gather(g, x, dim, index, *, meta):
    return _zeros(meta[0][0], g).scatter_add(dim, index, g)


def _scatter(g, x, dim, index, src, *, reduce=None):
    if reduce is not None:
        raise RuntimeError("derivative for aten::scatter is not implemented")
    gsrc = g.gather(dim, index) if isinstance(src, Tensor) else None
    return g.scatter(dim, index, 0), None, None, gsrc


def _scatter_add(g, x, dim, index, src):
    return g, None, None, g.gather(dim, index)


_both("scatter", _scatter)
_both("scatter_add", _scatter_add)


def _scatter_reduce(g, x, dim, index, src, reduce, *, include_self=True, result):
    if reduce == "sum":
        gx, gsrc = g, g.gather(dim, index)
    elif reduce == "mean":
        # every output slot is the mean of its N contributions: each gets g / N
        n = (zeros_like(x) + 1) if include_self else zeros_like(x)
        n = n.scatter_add(dim, index, zeros_like(src) + 1)
        gx = g / n.masked_fill(n == 0, 1)
        gsrc = gx.gather(dim, index)
    elif reduce == "prod":
        gx, gsrc = _scatter_prod_grads(g, x, dim, index, src, include_self, result)
    else:  # amax / amin: the gradient is shared evenly between the elements equal to it
        x_hit = (x == result).to(g.dtype)
        picked = result.gather(dim, index)
        src_hit = (src == picked).to(g.dtype)
        share = g / x_hit.scatter_add(dim, index, src_hit)
        gx = x_hit * share
        gsrc = src_hit * share.gather(dim, index)
    if not include_self:  # self's values at the written slots were not used
        gx = gx.scatter(dim, index, 0)
    return gx, None, None, gsrc


def _scatter_prod_grads(g, x, dim, index, src, include_self, result):
    # d result / d v = product of the other contributions.  Dividing result by v fails at
    # v = 0, so: for self, redo the product with self's zeros replaced by 1; for a source
    # element that is the only zero of its slot, redo it with that zero replaced by 1; with
    # two or more zeros in a slot every partial product is 0.
    x1 = x.masked_fill(x == 0, 1)
    gx = g * x1.scatter_reduce(dim, index, src, "prod", include_self=include_self) / x1
    src_zero = src == 0
    zeros_in_slot = zeros_like(x).scatter_add(dim, index, src_zero.to(x.dtype))
    if include_self:
        zeros_in_slot = zeros_in_slot + (x == 0).to(x.dtype)
    single = src_zero & (zeros_in_slot.gather(dim, index) == 1)
    others = x.scatter_reduce(dim, index, src.masked_fill(single, 1), "prod",
                              include_self=include_self)
    gsrc = (g * result).gather(dim, index) / src.masked_fill(src_zero, 1)
    gsrc = gsrc.masked_fill(single, 0) + (g * others).gather(dim, index) * single.to(g.dtype)
    return gx, gsrc


_both("scatter_reduce", _scatter_reduce)


# ---------------------------------------------------------------------------------------
# index_select / index_add / index_copy / index_fill
# ---------------------------------------------------------------------------------------

@defgrad("index_select")
def _index_select(g, x, dim, index, *, meta):
    return _zeros(meta[0][0], g).index_add(dim, index, g)


def _index_add(g, x, dim, index, source, *, alpha=1):
    gs = g.index_select(dim, index)
    if alpha != 1:
        gs = gs * (alpha.conjugate() if isinstance(alpha, complex) else alpha)
    return g, None, None, gs


def _index_copy(g, x, dim, index, source):
    return g.index_fill(dim, index, 0), None, None, g.index_select(dim, index)


def _index_fill(g, x, dim, index, value):
    gx = g.index_fill(dim, index, 0)
    # each filled element once, even for repeated indices
    gv = (g - gx).sum() if isinstance(value, Tensor) else None
    return gx, None, None, gv


_both("index_add", _index_add)
_both("index_copy", _index_copy)
_both("index_fill", _index_fill)


# ---------------------------------------------------------------------------------------
# masked ops
# ---------------------------------------------------------------------------------------

def _masked_fill(g, x, mask, value):
    gv = g.masked_fill(~mask, 0).sum() if isinstance(value, Tensor) else None
    return g.masked_fill(mask, 0), None, gv


_both("masked_fill", _masked_fill)


@defgrad("masked_select")
def _masked_select(g, x, mask, *, meta):
    from ..._ops.shape import broadcast_shapes
    shape = broadcast_shapes(meta[0][0], meta[1][0])
    return _zeros(shape, g).masked_scatter(mask.expand(shape), g)


def _masked_scatter(g, x, mask, source, *, meta):
    # source's first k elements (k = mask.sum()) were used, the rest get zeros
    from ..._ops.shape import cat
    shape = meta[-1][0]
    numel = 1
    for s in shape:
        numel *= s
    used = g.masked_select(mask)
    gs = cat([used, _zeros((numel - used.shape[0],), g)]).reshape(shape)
    return g.masked_fill(mask, 0), None, gs


_both("masked_scatter", _masked_scatter)


# ---------------------------------------------------------------------------------------
# take / take_along_dim / put
# ---------------------------------------------------------------------------------------

@defgrad("take")
def _take(g, x, index, *, meta):
    return _zeros(meta[0][0], g).put(index, g, True)


@defgrad("take_along_dim")
def _take_along_dim(g, x, indices, dim=None, *, meta):
    shape = meta[0][0]
    if dim is None:
        return _zeros(shape, g).put(indices, g, True)
    if not shape:
        return g.reshape(())
    # forward gathers from x broadcast against indices (except along dim)
    d = dim % len(shape)
    xb = g.shape[:d] + (shape[d],) + g.shape[d + 1:]
    return _zeros(xb, g).scatter_add(d, indices.expand(g.shape), g)


def _put(g, x, index, source, accumulate=False, *, meta):
    gx = g if accumulate else g.put(index, _zeros(meta[-1][0], g), False)
    return gx, None, g.take(index).reshape(meta[-1][0])


_both("put", _put)
