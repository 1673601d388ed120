"""Backward formulas of the view family (``_ops/views.py``).

View formulas need only the input's shape, which they get through ``meta`` (see
derivatives.py), so a view node saves no tensor and an in-place change of the base after
the view was taken (the CopySlices rebase, Note [in-place and views] in layer.py) never
trips the version check, as in torch.

Views that drop elements (select, slice, narrow, diagonal) put the gradient back into a
zero tensor of the input's shape through the same view and ``copy_`` (``_embed``): under
create_graph that in-place copy on a view is itself recorded (CopySlices), so the result
stays differentiable with respect to ``g``.  ``expand`` returns ``g`` unchanged: the
engine sums broadcast dims away (Note [grad reduction] in engine.py).
"""
from __future__ import annotations

from ..._dispatch.dispatcher import dispatch
from ..._ops import views as V
from ..._ops.creation import zeros
from ..derivatives import NONDIFF, defgrad


def _zeros(shape, g):
    return zeros(shape, dtype=g.dtype, device=g.device)


def _embed(g, shape, view_fn):
    """A zero tensor of ``shape`` whose ``view_fn`` region holds ``g``."""
    z = _zeros(shape, g)
    view_fn(z).copy_(g)
    return z


def _reshape_back(g, x, *args, meta):
    return g.reshape(meta[0][0])


defgrad("view", _reshape_back)
defgrad("squeeze", _reshape_back)
# torch: Tensor.view(dtype) has no gradient, even between dtypes of one size
defgrad("view.dtype", NONDIFF)


@defgrad("transpose")
def _transpose(g, x, dim0, dim1):
    return dispatch(V.TRANSPOSE, g, dim0, dim1)


@defgrad("permute")
def _permute(g, x, dims):
    n = len(dims)
    inv = [0] * n
    for i, d in enumerate(dims):
        inv[d % n if n else 0] = i
    return dispatch(V.PERMUTE, g, tuple(inv))


@defgrad("expand")
def _expand(g, x, sizes):
    return g  # the engine sums the expanded dims back to x's shape


@defgrad("unsqueeze")
def _unsqueeze(g, x, dim):
    return dispatch(V.SQUEEZE, g, dim)


@defgrad("select")
def _select(g, x, dim, index, *, meta):
    return _embed(g, meta[0][0], lambda z: dispatch(V.SELECT, z, dim, index))


@defgrad("slice")
def _slice(g, x, dim=0, start=None, end=None, step=1, *, meta):
    return _embed(g, meta[0][0], lambda z: dispatch(V.SLICE, z, dim, start, end, step))


@defgrad("narrow")
def _narrow(g, x, dim, start, length, *, meta):
    return _embed(g, meta[0][0], lambda z: dispatch(V.NARROW, z, dim, start, length))


@defgrad("split_with_sizes")
def _split_with_sizes(g, x, sizes, dim):
    # g: one gradient per piece (zeros where a piece got none): they tile the input
    from ..._ops.shape import cat
    return cat(list(g), dim)


@defgrad("unbind")
def _unbind(g, x, dim):
    from ..._ops.shape import stack
    return stack(list(g), dim)


@defgrad("diagonal")
def _diagonal(g, x, offset=0, dim1=0, dim2=1, *, meta):
    return _embed(g, meta[0][0], lambda z: dispatch(V.DIAGONAL, z, offset, dim1, dim2))


@defgrad("unfold")
def _unfold(g, x, dimension, size, step, *, meta):
    # out[..., w, ..., k] = x[..., w*step + k, ...]: windows overlap when step < size, so
    # element k of every window is added into the strided slice k, k+step, ... of dim
    shape = meta[0][0]
    z = _zeros(shape, g)
    if not shape:
        return z + g.reshape(())
    d = dimension % len(shape)
    n = g.shape[d]
    if n == 0:
        return z
    for k in range(size):
        part = dispatch(V.SLICE, z, d, k, k + (n - 1) * step + 1, step)
        part.add_(dispatch(V.SELECT, g, -1, k))
    return z


def _storage_index(shape, stride, offset, device):
    """Storage position of every element of a (shape, stride, offset) view, as int64."""
    from ..._ops.creation import arange, tensor
    idx = tensor(offset, device=device)
    for i, (n, s) in enumerate(zip(shape, stride)):
        r = arange(n, device=device) * s
        idx = idx.unsqueeze(-1) + r if i else idx + r
    return idx.reshape(-1)


@defgrad("as_strided")
def _as_strided(g, x, size, stride, storage_offset=None, *, meta):
    # out and x both address x's storage: add g into a storage-sized buffer at the output's
    # positions (index_add accumulates overlapping outputs), then read x's positions back.
    # An input whose own elements overlap shares each slot's gradient between them (torch).
    # Only x's geometry is used (from meta), so x is not saved.
    xshape, _, _, xstride, xoff = meta[0]
    off = xoff if storage_offset is None else storage_offset
    dev = g.device
    out_idx = _storage_index(size, stride, off, dev)
    in_idx = _storage_index(xshape, xstride, xoff, dev)
    n = int(out_idx.max()) + 1 if out_idx.numel() else 0
    if in_idx.numel():
        n = max(n, int(in_idx.max()) + 1)
    buf = _zeros((n,), g).index_add(0, out_idx, g.reshape(-1))
    if _overlaps(xshape, xstride):
        count = _zeros((n,), g).index_add(0, in_idx, _zeros(in_idx.shape, g) + 1)
        buf = buf / count.masked_fill(count == 0, 1)
    return buf[in_idx].reshape(xshape)


def _overlaps(shape, stride):
    """Whether distinct indices of a view may reach the same storage element."""
    dims = sorted((s, n) for n, s in zip(shape, stride) if n > 1)
    span = 1
    for s, n in dims:
        if s < span:
            return True
        span = s * (n - 1) + span
    return False


@defgrad("view_as_real")
def _view_as_real(g, x):
    return V.view_as_complex(g.contiguous())


@defgrad("view_as_complex")
def _view_as_complex(g, x):
    return V.view_as_real(g)
