"""The nn_spatial op family: convolution, max pooling, constant padding, im2col/col2im.

Only ops that need a fused NumPy kernel are registered here (all N-d, batched layout
``(N, C, *spatial)``; the public functions add/remove the batch dimension):

- ``convolution(input, weight, bias, stride, padding, dilation, transposed,
  output_padding, groups)``: torch's aten op; conv1d/2d/3d and conv_transpose* call it.
- ``max_pool_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)``
  and ``adaptive_max_pool_with_indices(input, output_size)`` -> (values, flat indices).
- ``constant_pad_nd(input, pad, value)`` (negative pads crop).
- ``im2col`` / ``col2im`` (torch.nn.functional.unfold / fold, 4-d batched input).

The rest of torch.nn.functional's spatial functions are composites in
nn/_functional/spatial.py (average pools are depthwise convolutions, interpolate and
grid_sample gather + weights), so they get autograd from these ops.
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch
from ._common import contiguous_strides
from .registry import Spec, register

__all__ = ["convolution", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
           "conv_transpose2d", "conv_transpose3d", "constant_pad_nd", "max_pool1d",
           "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d", "pixel_shuffle", "pixel_unshuffle",
           "channel_shuffle"]


def _spec(shape, dtype):
    return Spec(shape, dtype, contiguous_strides(shape))


def _float_check(name, x):
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError(f'"{name}" not implemented for \'{x.dtype.c10_name}\'')


# ---------------------------------------------------------------------------------------
# convolution
# ---------------------------------------------------------------------------------------

def conv_out_shape(x, w, stride, padding, dilation, transposed, output_padding, groups):
    """Output shape of aten::convolution; torch's RuntimeErrors for bad shapes."""
    nd = len(w._shape) - 2
    xs, ws = x._shape, w._shape
    if len(xs) != nd + 2:
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"conv{nd}d, but got input of size: {list(xs)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if x.dtype != w.dtype:
        raise RuntimeError(f"Input type ({x.dtype.c10_name}) and weight type "
                           f"({w.dtype.c10_name}) should be the same")
    k = ws[2:]
    if not transposed:
        if ws[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                               f"{groups} at dimension 0, but got weight of size {list(ws)} "
                               f"instead")
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(ws)}, expected "
                               f"input{list(xs)} to have {ws[1] * groups} channels, but got "
                               f"{xs[1]} channels instead")
        padded = [xs[2 + i] + 2 * padding[i] for i in range(nd)]
        eff = [dilation[i] * (k[i] - 1) + 1 for i in range(nd)]
        if any(padded[i] < eff[i] for i in range(nd)):
            raise RuntimeError(f"Calculated padded input size per channel: "
                               f"({' x '.join(map(str, padded))}). Kernel size: "
                               f"({' x '.join(map(str, eff))}). Kernel size can't be greater "
                               f"than actual input size")
        out = [(padded[i] - eff[i]) // stride[i] + 1 for i in range(nd)]
        return (xs[0], ws[0]) + tuple(out)
    if xs[1] != ws[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(ws)}, expected "
                           f"input{list(xs)} to have {ws[0]} channels, but got {xs[1]} "
                           f"channels instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size {list(ws)} "
                           f"instead")
    out = [(xs[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k[i] - 1)
           + output_padding[i] + 1 for i in range(nd)]
    if any(o < 0 for o in out):
        raise RuntimeError(f"Given input size per channel: {list(xs[2:])}. Calculated output "
                           f"size per channel: {out}. Output size is too small")
    return (xs[0], ws[1] * groups) + tuple(out)


def _conv_meta(x, w, bias, stride, padding, dilation, transposed, output_padding, groups):
    _float_check("slow_conv2d_cpu", x)
    return _spec(conv_out_shape(x, w, stride, padding, dilation, transposed, output_padding,
                                groups), x.dtype)


CONVOLUTION = register("convolution", _conv_meta, family="nn_spatial")


def _tup(v, n, name="stride"):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(v)}")
    return v


def _batchify(x, nd, name):
    if len(x._shape) == nd + 1:
        return x.unsqueeze(0), True
    if len(x._shape) != nd + 2:
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(x._shape)}")
    return x, False


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """aten::convolution: the batched N-d (transposed) convolution every conv calls."""
    nd = len(weight._shape) - 2
    return dispatch(CONVOLUTION, input, weight, bias, _tup(stride, nd), _tup(padding, nd),
                    _tup(dilation, nd), bool(transposed), _tup(output_padding, nd), groups)


def _conv_nd(nd, input, weight, bias, stride, padding, dilation, groups):
    name = f"conv{nd}d"
    x, unbatched = _batchify(input, nd, name)
    stride, dilation = _tup(stride, nd), _tup(dilation, nd)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [dilation[i] * (weight._shape[2 + i] - 1) for i in range(nd)]
            padding = tuple(t // 2 for t in total)
            extra = [t - 2 * p for t, p in zip(total, padding)]
            if any(extra):  # odd total: torch puts the extra element on the right
                pads = []
                for e in reversed(extra):
                    pads += [0, e]
                x = constant_pad_nd(x, pads, 0)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    y = dispatch(CONVOLUTION, x, weight, bias, stride, _tup(padding, nd), dilation, False,
                 (0,) * nd, groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over ``(N, C, L)`` or ``(C, L)`` input (torch.nn.functional.conv1d)."""
    return _conv_nd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over ``(N, C, H, W)`` or ``(C, H, W)`` input."""
    return _conv_nd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input."""
    return _conv_nd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose_nd(nd, input, weight, bias, stride, padding, output_padding, groups,
                       dilation):
    x, unbatched = _batchify(input, nd, f"conv_transpose{nd}d")
    stride, dilation = _tup(stride, nd), _tup(dilation, nd)
    output_padding = _tup(output_padding, nd, "output_padding")
    for i in range(nd):
        if output_padding[i] >= stride[i] and output_padding[i] >= dilation[i]:
            raise RuntimeError("output padding must be smaller than either stride or "
                               "dilation, but got output_padding_height: "
                               f"{output_padding[i]} output_padding_width: "
                               f"{output_padding[-1]} stride_height: {stride[i]} "
                               f"stride_width: {stride[-1]} dilation_height: {dilation[i]} "
                               f"dilation_width: {dilation[-1]}")
    y = dispatch(CONVOLUTION, x, weight, bias, stride, _tup(padding, nd), dilation, True,
                 output_padding, groups)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """1-D transposed convolution ("deconvolution")."""
    return _conv_transpose_nd(1, input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """2-D transposed convolution ("deconvolution")."""
    return _conv_transpose_nd(2, input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """3-D transposed convolution ("deconvolution")."""
    return _conv_transpose_nd(3, input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


# ---------------------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------------------

def pool_out_size(L, k, s, p, d, ceil_mode):
    """torch's pooling_output_shape (a window must start inside input or left padding)."""
    num = L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= L + p:
        out -= 1
    return out


def max_pool_shape(x, k, s, p, d, ceil_mode):
    nd = len(k)
    if any(v <= 0 for v in k):
        raise RuntimeError("max_pool2d: kernel_size must be greater than zero, but got "
                           f"kH: {k[0]} kW: {k[-1]}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"max_pool2d: stride must be greater than zero, but got "
                           f"dH: {s[0]} dW: {s[-1]}")
    if any(v <= 0 for v in d):
        raise RuntimeError("max_pool2d: dilation must be greater than zero, but got "
                           f"dilationH: {d[0]} dilationW: {d[-1]}")
    if any(p[i] > k[i] // 2 for i in range(nd)):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={p[-1]}, kernel_size={k[-1]} and dilation={d[-1]}")
    L = x._shape[2:]
    out = tuple(pool_out_size(L[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(nd))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x._shape[1:]))}). "
                           f"Calculated output size: ({x._shape[1]}x"
                           f"{'x'.join(map(str, out))}). Output size is too small")
    return x._shape[:2] + out


def _max_pool_meta(x, kernel_size, stride, padding, dilation, ceil_mode):
    if x.dtype is D.bool or x.dtype.is_complex:
        raise RuntimeError(f'"max_pool2d" not implemented for \'{x.dtype.c10_name}\'')
    shape = max_pool_shape(x, kernel_size, stride, padding, dilation, ceil_mode)
    return (_spec(shape, x.dtype), _spec(shape, D.int64))


MAX_POOL = register("max_pool_with_indices", _max_pool_meta, family="nn_spatial")


def _adaptive_max_meta(x, output_size):
    if x.dtype is D.bool or x.dtype.is_complex:
        raise RuntimeError(f'"adaptive_max_pool2d" not implemented for '
                           f'\'{x.dtype.c10_name}\'')
    shape = x._shape[:2] + tuple(output_size)
    return (_spec(shape, x.dtype), _spec(shape, D.int64))


ADAPTIVE_MAX_POOL = register("adaptive_max_pool_with_indices", _adaptive_max_meta,
                             family="nn_spatial")


def adaptive_windows(L, out):
    """(start, end) of each adaptive pooling window along a dimension (torch's rule)."""
    starts = [(i * L) // out for i in range(out)]
    ends = [-((-(i + 1) * L) // out) for i in range(out)]
    return starts, ends


def _pool_args(nd, x, kernel_size, stride, padding, dilation, name):
    k = _tup(kernel_size, nd, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tup(stride, nd)
    x, unbatched = _batchify(x, nd, name)
    return x, unbatched, k, s, _tup(padding, nd, "padding"), _tup(dilation, nd, "dilation")


def max_pool_nd(nd, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    x, unbatched, k, s, p, d = _pool_args(nd, input, kernel_size, stride, padding, dilation,
                                          f"max_pool{nd}d")
    out, idx = dispatch(MAX_POOL, x, k, s, p, d, bool(ceil_mode))
    if unbatched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool1d (values only; F.max_pool1d takes return_indices)."""
    return max_pool_nd(1, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool2d (values only; F.max_pool2d takes return_indices)."""
    return max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """torch.max_pool3d (values only)."""
    return max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    """torch.max_pool1d_with_indices: (values, indices)."""
    return max_pool_nd(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


# ---------------------------------------------------------------------------------------
# constant padding, im2col / col2im
# ---------------------------------------------------------------------------------------

def pad_shape(x, pad):
    if len(pad) % 2:
        raise RuntimeError("Length of pad must be even but instead it equals "
                           f"{len(pad)}")
    if len(pad) // 2 > len(x._shape):
        raise RuntimeError(f"Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)} while the "
                           f"input has {len(x._shape)} dimensions.")
    shape = list(x._shape)
    for i in range(len(pad) // 2):
        d = len(shape) - 1 - i
        new = shape[d] + pad[2 * i] + pad[2 * i + 1]
        if new < 0:
            raise RuntimeError(f"The input size {shape[d]}, plus negative padding "
                               f"{pad[2 * i]} and {pad[2 * i + 1]} resulted in a negative "
                               f"output size, which is invalid. Check dimension {d} of your "
                               f"input.")
        shape[d] = new
    return tuple(shape)


CONSTANT_PAD = register("constant_pad_nd",
                        lambda x, pad, value=0: _spec(pad_shape(x, pad), x.dtype),
                        family="nn_spatial")


def constant_pad_nd(input, pad, value=0):
    """Pad the last ``len(pad)//2`` dims with ``value`` (negative entries crop)."""
    return dispatch(CONSTANT_PAD, input, tuple(int(p) for p in pad), value)


def im2col_shape(x, kernel_size, dilation, padding, stride):
    if len(x._shape) != 4:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(x._shape)}")
    N, C, H, W = x._shape
    out = [(L + 2 * p - d * (k - 1) - 1) // s + 1
           for L, k, d, p, s in zip((H, W), kernel_size, dilation, padding, stride)]
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input with spatial size ({H}, {W}), kernel_size="
                           f"{tuple(kernel_size)}, dilation={tuple(dilation)}, padding="
                           f"{tuple(padding)}, calculated shape of the array of sliding "
                           f"blocks as ({out[0]}, {out[1]}), but its components must be at "
                           f"least one.")
    return (N, C * kernel_size[0] * kernel_size[1], out[0] * out[1]), tuple(out)


def col2im_blocks(shape, output_size, kernel_size, dilation, padding, stride):
    if len(shape) != 3:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    kk = kernel_size[0] * kernel_size[1]
    if shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={shape[1]} and "
                           f"kernel_size={tuple(kernel_size)}")
    blocks = [(L + 2 * p - d * (k - 1) - 1) // s + 1
              for L, k, d, p, s in zip(output_size, kernel_size, dilation, padding, stride)]
    if blocks[0] * blocks[1] != shape[2]:
        raise RuntimeError(f"Given output_size={tuple(output_size)}, kernel_size="
                           f"{tuple(kernel_size)}, dilation={tuple(dilation)}, padding="
                           f"{tuple(padding)}, stride={tuple(stride)}, expected size of "
                           f"input's dimension 2 to match the calculated number of sliding "
                           f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but "
                           f"got input.size(2)={shape[2]}.")
    return (shape[0], shape[1] // kk) + tuple(output_size), tuple(blocks)


IM2COL = register("im2col", lambda x, kernel_size, dilation, padding, stride: _spec(
    im2col_shape(x, kernel_size, dilation, padding, stride)[0], x.dtype), family="nn_spatial")
COL2IM = register("col2im", lambda x, output_size, kernel_size, dilation, padding, stride:
                  _spec(col2im_blocks(x._shape, output_size, kernel_size, dilation, padding,
                                      stride)[0], x.dtype), family="nn_spatial")


# ---------------------------------------------------------------------------------------
# composites with top-level torch names
# ---------------------------------------------------------------------------------------

def _F():
    from ..nn._functional import spatial
    return spatial


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    """torch.avg_pool1d."""
    return _F().avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    """torch.adaptive_avg_pool1d."""
    return _F().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """torch.adaptive_max_pool1d: (values, indices)."""
    return _F().adaptive_max_pool1d(input, output_size, True)


def pixel_shuffle(input, upscale_factor):
    """torch.pixel_shuffle."""
    return _F().pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """torch.pixel_unshuffle."""
    return _F().pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input, groups):
    """torch.channel_shuffle."""
    return _F().channel_shuffle(input, groups)


del math
