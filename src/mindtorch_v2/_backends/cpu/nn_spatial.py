"""CPU kernels of the nn_spatial family.

Convolution is im2col through ``as_strided`` windows (one copy) and one ``np.matmul`` per
group batch (BLAS); the transposed convolution is the matmul followed by col2im, a loop
over *kernel offsets* (not pixels) adding strided slices.  Max pooling takes ``argmax`` over
the same window view.  float16/bfloat16 compute in float32.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ... import _dtype as D
from ..._ops import nn_spatial as S
from ._util import arr, wrap

_HALF = (D.float16, D.bfloat16)


def _np_in(t):
    a = arr(t)
    return a.astype(np.float32) if t.dtype in _HALF else a


def _out(a, dt):
    return wrap(np.ascontiguousarray(a, dtype=dt.np), dt)


def _windows(a, k, s, d, out):
    """View ``(N, C, *out, *k)`` of the (padded) array ``a`` of shape ``(N, C, *L)``."""
    st = a.strides
    nd = len(k)
    return as_strided(a, a.shape[:2] + tuple(out) + tuple(k),
                      st[:2] + tuple(st[2 + i] * s[i] for i in range(nd))
                      + tuple(st[2 + i] * d[i] for i in range(nd)), writeable=False)


def _pad(a, before, after, value=0):
    if not any(before) and not any(after):
        return a
    # a fill and one slice copy: np.pad's generic machinery costs more than the copy
    shape = a.shape[:2] + tuple(n + b + e for n, b, e in zip(a.shape[2:], before, after))
    out = np.full(shape, value, dtype=a.dtype) if value else np.zeros(shape, dtype=a.dtype)
    out[(slice(None),) * 2 + tuple(slice(b, b + n) for b, n in zip(before, a.shape[2:]))] = a
    return out


def conv_np(a, w, stride, padding, dilation, groups, out):
    """Forward convolution of ``a`` (N, C, *L) with ``w`` (O, C/groups, *k).

    Small kernels (the usual case) build the im2col matrix one kernel offset at a time:
    each offset copies a strided slice whose inner rows are contiguous, and the layout
    ``(G, K, N*P)`` makes one GEMM per group.  Large kernels (e.g. a weight gradient,
    where the "kernel" is a whole feature map) gather the windows through ``as_strided``.
    """
    N, C = a.shape[:2]
    nd = a.ndim - 2
    O, Cg = w.shape[:2]
    k = w.shape[2:]
    G, Og = groups, O // groups
    a = _pad(a, padding, padding)
    P, K = math.prod(out), Cg * math.prod(k)
    sp = tuple(range(3, 3 + nd))
    if math.prod(k) <= P:
        ag = a.reshape((N, G, Cg) + a.shape[2:])
        cols = np.empty((G, Cg) + tuple(k) + (N,) + tuple(out), dtype=a.dtype)
        lead = (slice(None),) * 3
        for kidx in np.ndindex(*k):
            sl = tuple(slice(kidx[i] * dilation[i],
                             kidx[i] * dilation[i] + (out[i] - 1) * stride[i] + 1, stride[i])
                       for i in range(nd))
            cols[lead[:2] + kidx] = ag[lead + sl].transpose((1, 2, 0) + sp)
        res = np.matmul(w.reshape(G, Og, K), cols.reshape(G, K, N * P))  # (G, Og, N*P)
        return res.reshape((O, N) + tuple(out)).transpose((1, 0) + tuple(range(2, 2 + nd)))
    win = _windows(a, k, stride, dilation, out)  # (N, C, *out, *k)
    win = win.reshape((N, G, Cg) + tuple(out) + tuple(k))
    perm = (1, 0) + sp + (2,) + tuple(range(3 + nd, 3 + 2 * nd))
    cols = win.transpose(perm).reshape(G, N * P, K)  # the im2col copy
    res = np.matmul(cols, w.reshape(G, Og, K).transpose(0, 2, 1))  # (G, N*P, Og)
    res = res.reshape((G, N) + tuple(out) + (Og,))
    res = res.transpose((1, 0, nd + 2) + tuple(range(2, 2 + nd)))
    return res.reshape((N, O) + tuple(out))


def conv_transpose_np(a, w, stride, padding, dilation, groups, out):
    """Transposed convolution of ``a`` (N, Cin, *L) with ``w`` (Cin, O/groups, *k).

    One GEMM per group gives the columns in layout ``(G, Og, *k, N, *L)``, so col2im (a
    loop over kernel offsets adding strided slices) reads contiguous blocks.
    """
    N, Cin = a.shape[:2]
    L = a.shape[2:]
    nd = len(L)
    Og = w.shape[1]
    k = w.shape[2:]
    G, Cg = groups, Cin // groups
    P = math.prod(L)
    xm = a.reshape(N, G, Cg, P).transpose(1, 2, 0, 3).reshape(G, Cg, N * P)
    cols = np.matmul(w.reshape(G, Cg, -1).transpose(0, 2, 1), xm)  # (G, Og*prod(k), N*P)
    cols = cols.reshape((G, Og) + tuple(k) + (N,) + tuple(L))
    size = [max((L[i] - 1) * stride[i] + (k[i] - 1) * dilation[i] + 1, padding[i] + out[i])
            for i in range(nd)]
    buf = np.zeros((G, Og, N) + tuple(size), dtype=cols.dtype)
    lead = (slice(None),) * 3
    for kidx in np.ndindex(*k):
        sl = tuple(slice(kidx[i] * dilation[i], kidx[i] * dilation[i]
                         + (L[i] - 1) * stride[i] + 1, stride[i]) for i in range(nd))
        buf[lead + sl] += cols[lead[:2] + kidx]
    crop = tuple(slice(padding[i], padding[i] + out[i]) for i in range(nd))
    res = buf[lead + crop].reshape((G * Og, N) + tuple(out))
    return res.transpose((1, 0) + tuple(range(2, 2 + nd)))


def _convolution(x, w, bias, stride, padding, dilation, transposed, output_padding, groups):
    shape = S.conv_out_shape(x, w, stride, padding, dilation, transposed, output_padding,
                             groups)
    S._float_check("slow_conv2d_cpu", x)
    a, wa = _np_in(x), _np_in(w)
    if transposed:
        res = conv_transpose_np(a, wa, stride, padding, dilation, groups, shape[2:])
    else:
        res = conv_np(a, wa, stride, padding, dilation, groups, shape[2:])
    if bias is not None:
        res = res + _np_in(bias).reshape((-1,) + (1,) * (len(shape) - 2))
    return _out(res, x.dtype)


def _lowest(dt):
    return -np.inf if dt.kind in "fc" else np.iinfo(dt).min


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    """Running max over the kernel offsets (one strided slice each, no window copy).

    Ties keep the first offset (np.maximum keeps its first operand on ties and propagates
    NaN into the value).
    """
    shape = S.max_pool_shape(x, kernel_size, stride, padding, dilation, ceil_mode)
    a = _np_in(x)
    out = shape[2:]
    L = a.shape[2:]
    nd = len(L)
    right = [max(0, (out[i] - 1) * stride[i] + (kernel_size[i] - 1) * dilation[i] + 1
                 - L[i] - padding[i]) for i in range(nd)]
    ap = _pad(a, padding, right, _lowest(a.dtype))
    isfloat = a.dtype.kind in "fc"
    K = math.prod(kernel_size)
    kdt = np.int8 if K < 128 else np.int64
    vals = argk = None
    lead = (slice(None),) * 2
    for j, kidx in enumerate(np.ndindex(*kernel_size)):
        sl = ap[lead + tuple(slice(kidx[i] * dilation[i],
                                   kidx[i] * dilation[i] + (out[i] - 1) * stride[i] + 1,
                                   stride[i]) for i in range(nd))]
        if vals is None:
            vals = sl.copy()
            argk = np.zeros(sl.shape, dtype=kdt)
            continue
        m = np.greater(sl, vals)
        if isfloat:  # torch's CPU kernel: ``val > max || isnan(val)`` (the last NaN wins)
            m |= np.isnan(sl)
        np.maximum(vals, sl, out=vals)
        d = np.subtract(kdt(j), argk)  # argk = where(m, j, argk), without np.where's cost
        d *= m.view(np.int8) if kdt is np.int8 else m
        argk += d
    # flat input index = window origin + the chosen offset within the window
    row = [math.prod(L[i + 1:]) for i in range(nd)]
    offs = np.zeros(kernel_size, dtype=np.int64)
    base = np.zeros(tuple(out), dtype=np.int64)
    for i in range(nd):
        bshape = (1,) * i + (-1,) + (1,) * (nd - 1 - i)
        offs = offs + (np.arange(kernel_size[i]) * dilation[i] * row[i]).reshape(bshape)
        base = base + ((np.arange(out[i]) * stride[i] - padding[i]) * row[i]).reshape(bshape)
    idx = offs.reshape(-1).take(argk)
    idx += base
    return _out(vals, x.dtype), _out(idx, D.int64)


def _adaptive_max_pool(x, output_size):
    a = _np_in(x)
    L = a.shape[2:]
    nd = len(L)
    # gather each window padded to the longest one by repeating its last element
    idxs = []
    for i in range(nd):
        st, en = S.adaptive_windows(L[i], output_size[i])
        kmax = max((e - s for s, e in zip(st, en)), default=1)
        st, en = np.array(st), np.array(en)
        idxs.append(np.minimum(st[:, None] + np.arange(kmax), en[:, None] - 1))
    grid = np.ix_(*[ix.reshape(-1) for ix in idxs])
    g = a[(slice(None), slice(None)) + grid]  # (N, C, out0*k0, out1*k1, ...)
    shp = a.shape[:2]
    for ix in idxs:
        shp += ix.shape
    g = g.reshape(shp)  # (N, C, o0, k0, o1, k1, ...)
    perm = (0, 1) + tuple(2 + 2 * i for i in range(nd)) + tuple(3 + 2 * i for i in range(nd))
    wr = g.transpose(perm).reshape(a.shape[:2] + tuple(output_size) + (-1,))
    argk = wr.argmax(-1) if wr.shape[-1] else np.zeros(wr.shape[:-1], np.int64)
    vals = np.take_along_axis(wr, argk[..., None], -1)[..., 0]
    # flat input index: per dim, the chosen window element's position
    kshape = tuple(ix.shape[1] for ix in idxs)
    kk = np.unravel_index(argk, kshape)
    flat = np.zeros(argk.shape, dtype=np.int64)
    for i in range(nd):
        oi = np.arange(output_size[i]).reshape((-1,) + (1,) * (nd - 1 - i))
        flat = flat * L[i] + idxs[i][oi, kk[i]]
    return _out(vals, x.dtype), _out(flat, D.int64)


def _constant_pad(x, pad, value=0):
    shape = S.pad_shape(x, pad)
    a = arr(x)
    nd = a.ndim
    crop, widths = [slice(None)] * nd, [(0, 0)] * nd
    for i in range(len(pad) // 2):
        d = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crop[d] = slice(max(0, -lo), a.shape[d] - max(0, -hi))
        widths[d] = (max(0, lo), max(0, hi))
    a = a[tuple(crop)]
    res = np.pad(a, widths, constant_values=value) if a.size or not any(shape) else \
        np.full(shape, value, dtype=a.dtype)
    if res.shape != shape:  # np.pad of an empty axis
        res = np.full(shape, value, dtype=a.dtype)
    return _out(res, x.dtype)


def _im2col(x, kernel_size, dilation, padding, stride):
    shape, out = S.im2col_shape(x, kernel_size, dilation, padding, stride)
    a = _pad(_np_in(x), padding, padding)
    win = _windows(a, kernel_size, stride, dilation, out)  # (N, C, oh, ow, kh, kw)
    res = win.transpose(0, 1, 4, 5, 2, 3).reshape(shape)
    return _out(res, x.dtype)


def _col2im(x, output_size, kernel_size, dilation, padding, stride):
    shape, blocks = S.col2im_blocks(x._shape, output_size, kernel_size, dilation, padding,
                                    stride)
    a = _np_in(x)
    N, C = shape[:2]
    cols = a.reshape((N, C) + tuple(kernel_size) + blocks)
    size = [max((blocks[i] - 1) * stride[i] + (kernel_size[i] - 1) * dilation[i] + 1,
                padding[i] + output_size[i]) for i in range(2)]
    buf = np.zeros((N, C) + tuple(size), dtype=a.dtype)
    for kh in range(kernel_size[0]):
        for kw in range(kernel_size[1]):
            sh = slice(kh * dilation[0], kh * dilation[0] + (blocks[0] - 1) * stride[0] + 1,
                       stride[0])
            sw = slice(kw * dilation[1], kw * dilation[1] + (blocks[1] - 1) * stride[1] + 1,
                       stride[1])
            buf[:, :, sh, sw] += cols[:, :, kh, kw]
    res = buf[:, :, padding[0]:padding[0] + output_size[0],
              padding[1]:padding[1] + output_size[1]]
    return _out(res, x.dtype)


def register():
    S.CONVOLUTION.kernels["cpu"] = _convolution
    S.MAX_POOL.kernels["cpu"] = _max_pool
    S.ADAPTIVE_MAX_POOL.kernels["cpu"] = _adaptive_max_pool
    S.CONSTANT_PAD.kernels["cpu"] = _constant_pad
    S.IM2COL.kernels["cpu"] = _im2col
    S.COL2IM.kernels["cpu"] = _col2im
