"""Backward formulas of the shape family (``_ops/shape.py``).

These ops move or copy elements without arithmetic, so each gradient is the inverse
rearrangement of ``g`` (split for cat, unbind for stack, flip/roll back, ...) or, where
elements were duplicated (repeat, repeat_interleave, combinations), the sum of the copies.
Input shapes come from ``meta`` so no input tensor is saved.
"""
from __future__ import annotations

from itertools import combinations as _comb, combinations_with_replacement as _comb_rep

from ..._ops.creation import arange, tensor, zeros
from ..._tensor import Tensor
from ..derivatives import defgrad


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@defgrad("cat")
def _cat(g, tensors, dim=0, *, meta):
    d = dim % g.dim()
    out = []
    start = 0
    for shape, *_ in meta:
        if len(shape) == 1 and shape[0] == 0 and g.dim() != 1:  # skipped legacy empty input
            out.append(zeros((0,), dtype=g.dtype, device=g.device))
            continue
        n = shape[d]
        out.append(g.narrow(d, start, n))
        start += n
    return (out,)


@defgrad("stack")
def _stack(g, tensors, dim=0):
    return (list(g.unbind(dim)),)


@defgrad("flip")
def _flip(g, x, dims):
    return g.flip(dims)


@defgrad("roll")
def _roll(g, x, shifts, dims=()):
    back = tuple(-s for s in shifts)
    return g.roll(back, dims) if dims else g.roll(back)


@defgrad("repeat")
def _repeat(g, x, repeats, *, meta):
    # g's dim i holds repeats[i] copies of x's (left-padded) dim i: view it as
    # (r0, s0, r1, s1, ...) and sum the r axes
    shape = meta[0][0]
    padded = (1,) * (len(repeats) - len(shape)) + tuple(shape)
    split = []
    for r, s in zip(repeats, padded):
        split += [r, s]
    if 0 in split:
        return zeros(shape, dtype=g.dtype, device=g.device)
    summed = g.reshape(split).sum(tuple(range(0, len(split), 2)))
    return summed.reshape(shape)


@defgrad("repeat_interleave")
def _repeat_interleave(g, x, repeats, dim=None, output_size=None, *, meta):
    # output element j along dim copies input element idx[j] = repeat_interleave(arange(n))
    shape = meta[0][0]
    if dim is None:
        d, inner = 0, (_numel(shape),)
    else:
        inner = shape if shape else (1,)
        d = dim % len(inner)
    n = inner[d]
    if isinstance(repeats, Tensor):
        idx = arange(n, device=g.device).repeat_interleave(repeats.to(g.device))
    else:
        idx = arange(n, device=g.device).repeat_interleave(repeats)
    gx = zeros(inner, dtype=g.dtype, device=g.device).index_add(d, idx, g)
    return gx.reshape(shape)


def _tril(g, x, diagonal=0):
    return g.tril(diagonal)


def _triu(g, x, diagonal=0):
    return g.triu(diagonal)


for _n, _f in (("tril", _tril), ("triu", _triu)):
    defgrad(_n, _f)
    defgrad(_n + "_", _f)


@defgrad("diag")
def _diag(g, x, diagonal=0, *, meta):
    shape = meta[0][0]
    if len(shape) == 1:
        return g.diagonal(diagonal)
    z = zeros(shape, dtype=g.dtype, device=g.device)
    z.diagonal(diagonal).copy_(g)
    return z


@defgrad("diag_embed")
def _diag_embed(g, x, offset=0, dim1=-2, dim2=-1):
    # diagonal() puts the diagonal last, where diag_embed took it from
    return g.diagonal(offset, dim1, dim2)


@defgrad("block_diag")
def _block_diag(g, *tensors, meta):
    out = []
    row = col = 0
    for shape, *_ in meta:
        r, c = (1, 1) if not shape else ((1, shape[0]) if len(shape) == 1 else shape)
        out.append(g[row:row + r, col:col + c].reshape(shape))
        row += r
        col += c
    return tuple(out)


@defgrad("combinations")
def _combinations(g, x, r=2, with_replacement=False, *, meta):
    # row k of the output is x[c_k] for the k-th index combination c_k: add g back there
    n = meta[0][0][0]
    combos = list((_comb_rep if with_replacement else _comb)(range(n), r)) if r else []
    gx = zeros((n,), dtype=g.dtype, device=g.device)
    if not combos:
        return gx
    idx = tensor(combos, device=g.device).reshape(-1)
    return gx.index_add(0, idx, g.reshape(-1))
