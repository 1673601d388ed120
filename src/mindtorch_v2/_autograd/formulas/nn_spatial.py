"""Backward formulas of the nn_spatial family.

Convolution: the input gradient of a convolution is the transposed convolution of ``g``
(and vice versa); the weight gradient is itself a convolution with the roles of batch and
channels swapped (input ``x`` as ``(C/groups, groups*N, *L)``, kernel ``g`` as
``(O, N, *Lout)``, stride and dilation exchanged), narrowed to the kernel size.  Everything
is written with ``convolution`` so double backward works.

Max pooling scatters ``g`` to the saved flat indices; constant_pad_nd's gradient is the
opposite padding; im2col and col2im are each other's adjoint.
"""
from __future__ import annotations

from ... import _tensor  # noqa: F401  (Tensor methods are installed)
from ..._ops.nn_spatial import convolution
from ..derivatives import defgrad


def _weight_grad(x, g, kshape, stride, padding, dilation, groups):
    """d(conv(x, w))/dw for output gradient ``g``; ``kshape`` is the kernel's spatial shape."""
    nd = len(kshape)
    N, C = x.shape[:2]
    O = g.shape[1]
    G = groups
    Cg, Og = C // G, O // G
    sp = tuple(range(3, 3 + nd))
    xs = x.reshape((N, G, Cg) + tuple(x.shape[2:])).permute((2, 1, 0) + sp)
    xs = xs.reshape((Cg, G * N) + tuple(x.shape[2:]))
    gs = g.reshape((N, G, Og) + tuple(g.shape[2:])).permute((1, 2, 0) + sp)
    gs = gs.reshape((O, N) + tuple(g.shape[2:]))
    r = convolution(xs, gs, None, dilation, padding, stride, False, (0,) * nd, G)
    r = r.transpose(0, 1)
    for i, k in enumerate(kshape):
        if r.shape[2 + i] != k:
            r = r.narrow(2 + i, 0, k)
    return r


@defgrad("convolution")
def _convolution(g, x, w, bias, stride, padding, dilation, transposed, output_padding,
                 groups, *, meta, needs):
    nd = len(stride)
    xshape, wshape = meta[0][0], meta[1][0]
    k = wshape[2:]
    gx = gw = None
    if not transposed:
        if needs[0]:
            # the transposed conv must reproduce the input size: recover the floor's remainder
            op = tuple(xshape[2 + i] - ((g.shape[2 + i] - 1) * stride[i] - 2 * padding[i]
                                        + dilation[i] * (k[i] - 1) + 1) for i in range(nd))
            gx = convolution(g, w, None, stride, padding, dilation, True, op, groups)
        if needs[1]:
            gw = _weight_grad(x, g, k, stride, padding, dilation, groups)
    else:
        if needs[0]:
            gx = convolution(g, w, None, stride, padding, dilation, False, (0,) * nd, groups)
        if needs[1]:
            gw = _weight_grad(g, x, k, stride, padding, dilation, groups)
    gb = None if bias is None or not needs[2] else g.sum((0,) + tuple(range(2, 2 + nd)))
    return gx, gw, gb


def _scatter_back(g, idx, shape):
    """Gradient of values picked at flat spatial indices ``idx`` from a tensor ``shape``."""
    from ... import zeros
    N, C = shape[:2]
    z = zeros((N, C, max(1, _prod(shape[2:]))), dtype=g.dtype, device=g.device)
    z = z.scatter_add(2, idx.reshape(N, C, -1), g.reshape(N, C, -1))
    return z.reshape(shape) if _prod(shape[2:]) else z.narrow(2, 0, 0).reshape(shape)


def _prod(s):
    p = 1
    for v in s:
        p *= v
    return p


@defgrad("max_pool_with_indices")
def _max_pool(g, x, kernel_size, stride, padding, dilation, ceil_mode, *, result, meta):
    return (_scatter_back(g[0], result[1], meta[0][0]),)


@defgrad("adaptive_max_pool_with_indices")
def _adaptive_max_pool(g, x, output_size, *, result, meta):
    return (_scatter_back(g[0], result[1], meta[0][0]),)


@defgrad("constant_pad_nd")
def _constant_pad(g, x, pad, value=0):
    from ..._ops.nn_spatial import constant_pad_nd
    return (constant_pad_nd(g, [-p for p in pad], 0),)


@defgrad("im2col")
def _im2col(g, x, kernel_size, dilation, padding, stride, *, meta):
    from ..._ops.nn_spatial import COL2IM
    from ..._dispatch.dispatcher import dispatch
    return (dispatch(COL2IM, g, tuple(meta[0][0][2:]), kernel_size, dilation, padding,
                     stride),)


@defgrad("col2im")
def _col2im(g, x, output_size, kernel_size, dilation, padding, stride):
    from ..._ops.nn_spatial import IM2COL
    from ..._dispatch.dispatcher import dispatch
    return (dispatch(IM2COL, g, kernel_size, dilation, padding, stride),)
