"""CPU kernels of the shape family (NumPy; every result is fresh memory it owns)."""
from __future__ import annotations

import itertools

import numpy as np

from ..._ops import shape as S
from ..._tensor import Tensor
from ._util import arr, wrap


def _alloc(spec):
    """An uninitialised NumPy array with the Spec's shape and (dense, permuted) strides."""
    shape, stride, npdt = spec.shape, spec.stride, spec.dtype.np
    n = len(shape)
    if stride is None or n < 2:
        return np.empty(shape, npdt)
    order = sorted(range(n), key=lambda i: (-stride[i], i))
    if order == list(range(n)):
        return np.empty(shape, npdt)
    base = np.empty(tuple(shape[i] for i in order), npdt)
    inv = [0] * n
    for j, i in enumerate(order):
        inv[i] = j
    return base.transpose(inv)


def _cat(tensors, dim=0):
    spec = S.CAT.meta(tensors, dim)
    parts = [arr(t) for t in tensors if t._shape != (0,)]
    if not parts:
        return wrap(np.empty((0,), spec.dtype.np), spec.dtype)
    d = dim % len(spec.shape)
    out = _alloc(spec)
    np.concatenate(parts, axis=d, out=out, casting="unsafe")
    return wrap(out, spec.dtype)


def _contig(shape):
    from ..._tensor import contiguous_strides
    return contiguous_strides(shape)


def _stack(tensors, dim=0):
    spec = S.STACK.meta(tensors, dim)
    d = dim % len(spec.shape)
    out = np.empty(spec.shape, spec.dtype.np)
    np.stack([arr(t) for t in tensors], axis=d, out=out, casting="unsafe")
    return wrap(out, spec.dtype)


def _flip(x, dims):
    spec = S.FLIP.meta(x, dims)
    a = arr(x)
    if a.ndim:
        a = np.flip(a, tuple(d % a.ndim for d in dims)) if dims else a
    out = _alloc(spec)
    np.copyto(out, a)
    return wrap(out, spec.dtype)


def _roll(x, shifts, dims=()):
    S.ROLL.meta(x, shifts, dims)
    a = arr(x)
    if not dims:
        out = np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    else:
        out = np.roll(a, shifts, tuple(d % max(a.ndim, 1) for d in dims))
    return wrap(np.ascontiguousarray(out), x.dtype)


def _repeat(x, repeats):
    spec = S.REPEAT.meta(x, repeats)
    a = arr(x).reshape((1,) * (len(repeats) - x.dim()) + x._shape)
    out = np.tile(a, repeats) if a.size else np.empty(spec.shape, spec.dtype.np)
    out = np.ascontiguousarray(out)
    if np.shares_memory(out, arr(x)):
        out = out.copy()
    return wrap(out, spec.dtype)


def _repeat_interleave(x, repeats, dim=None, output_size=None):
    spec = S.REPEAT_INTERLEAVE.meta(x, repeats, dim, output_size)
    a = arr(x)
    if dim is None:
        a = a.reshape(-1)
        d = 0
    else:
        if a.ndim == 0:
            a = a.reshape(1)
        d = dim % a.ndim
    r = arr(repeats).astype(np.int64) if isinstance(repeats, Tensor) else repeats
    if isinstance(r, np.ndarray) and r.ndim == 0:
        r = int(r)
    out = np.repeat(a, r, axis=d)
    if out.shape != spec.shape:
        raise RuntimeError("allocated size does not match required size")
    return wrap(np.ascontiguousarray(out), spec.dtype)


def _tri(upper):
    def kernel(x, diagonal=0):
        (S.TRIU if upper else S.TRIL).meta(x, diagonal)
        a = arr(x)
        f = np.triu if upper else np.tril
        out = np.ascontiguousarray(f(a, diagonal)) if a.size else \
            np.empty(a.shape, a.dtype)
        if np.shares_memory(out, a):
            out = out.copy()
        return wrap(out, x.dtype)
    return kernel


def _tri_inplace(upper):
    def kernel(x, diagonal=0):
        (S.TRIU_ if upper else S.TRIL_).meta(x, diagonal)
        a = arr(x)
        if a.size:
            r, c = a.shape[-2:]
            i = np.arange(r)[:, None]
            j = np.arange(c)[None, :]
            zero = (j - i < diagonal) if upper else (j - i > diagonal)
            a[..., zero] = 0
        return x
    return kernel


def _diag(x, diagonal=0):
    spec = S.DIAG.meta(x, diagonal)
    a = arr(x)
    if a.ndim == 1:
        out = np.zeros(spec.shape, a.dtype)
        n = a.shape[0]
        if n:
            i = np.arange(n)
            if diagonal >= 0:
                out[i, i + diagonal] = a
            else:
                out[i - diagonal, i] = a
    else:
        out = np.ascontiguousarray(np.diagonal(a, diagonal)).copy()
    return wrap(out, spec.dtype)


def _diag_embed(x, offset=0, dim1=-2, dim2=-1):
    spec = S.DIAG_EMBED.meta(x, offset, dim1, dim2)
    a = arr(x)
    nd = len(spec.shape)
    d1, d2 = dim1 % nd, dim2 % nd
    n = a.shape[-1]
    m = n + abs(offset)
    # build with the diagonal dims last, then move them into place
    tmp = np.zeros(a.shape[:-1] + (m, m), a.dtype)
    if n:
        i = np.arange(n)
        if offset >= 0:
            tmp[..., i, i + offset] = a
        else:
            tmp[..., i - offset, i] = a
    res = np.moveaxis(tmp, (nd - 2, nd - 1), (d1, d2))
    return wrap(np.ascontiguousarray(res), spec.dtype)


def _block_diag(*tensors):
    spec = S.BLOCK_DIAG.meta(*tensors)
    out = np.zeros(spec.shape, spec.dtype.np)
    r = c = 0
    for t in tensors:
        a = arr(t)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a.reshape(1, -1)
        h, w = a.shape
        out[r:r + h, c:c + w] = a
        r += h
        c += w
    return wrap(out, spec.dtype)


def _combinations(x, r=2, with_replacement=False):
    spec = S.COMBINATIONS.meta(x, r, with_replacement)
    a = arr(x)
    if r == 0:
        return wrap(np.empty((0,), a.dtype), spec.dtype)
    gen = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(gen(range(a.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    out = a[idx]
    return wrap(np.ascontiguousarray(out).reshape(spec.shape), spec.dtype)


def register():
    from ..._ops.registry import OPS
    table = {
        "cat": _cat, "stack": _stack, "flip": _flip, "roll": _roll, "repeat": _repeat,
        "repeat_interleave": _repeat_interleave, "tril": _tri(False), "triu": _tri(True),
        "tril_": _tri_inplace(False), "triu_": _tri_inplace(True), "diag": _diag,
        "diag_embed": _diag_embed, "block_diag": _block_diag, "combinations": _combinations,
    }
    for name, k in table.items():
        OPS[name].kernels["cpu"] = k
