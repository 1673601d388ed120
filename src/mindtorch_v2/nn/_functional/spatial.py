"""torch.nn.functional: spatial functions (convolution, pooling, padding, resampling).

Convolution, max pooling, constant padding and unfold/fold are ops (_ops/nn_spatial.py,
fused NumPy kernels).  The rest are composites of ops, so autograd comes for free:

- average pooling is a single-channel convolution of ``(N*C, 1, *L)`` with a ones kernel,
  divided by the per-window divisor (computed once in NumPy: it depends on shapes only);
- adaptive pooling, non-constant padding, interpolate gather along one dim at a time
  (``index_select`` with index tables) and combine with weight tables;
- grid_sample gathers the corner pixels with ``gather`` and weights that are functions of
  the grid, so the grid receives a gradient as in torch.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

import mindtorch_v2 as torch

from ..._dispatch.dispatcher import dispatch
from ..._ops import nn_spatial as S
from ..._ops.nn_spatial import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                                conv_transpose3d)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d",
           "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d", "pad",
           "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample",
           "affine_grid", "unfold", "fold", "pixel_shuffle", "pixel_unshuffle",
           "channel_shuffle"]


def _const(a, like):
    """A constant (no-grad) tensor from a NumPy array, in ``like``'s dtype and device."""
    return torch.from_numpy(np.ascontiguousarray(a)).to(device=like.device, dtype=like.dtype)


def _index(a, like):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64)).to(like.device)


# ---------------------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------------------

def _max_pool_fn(nd):
    def fn(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
           return_indices=False):
        return S.max_pool_nd(nd, input, kernel_size, stride, padding, dilation, ceil_mode,
                             return_indices)

    def with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                     ceil_mode=False, return_indices=True):
        return S.max_pool_nd(nd, input, kernel_size, stride, padding, dilation, ceil_mode,
                             True)
    fn.__name__ = fn.__qualname__ = f"max_pool{nd}d"
    fn.__doc__ = f"{nd}-D max pooling over ``(N, C, *L)`` or ``(C, *L)`` input."
    with_indices.__name__ = with_indices.__qualname__ = f"max_pool{nd}d_with_indices"
    with_indices.__doc__ = f"{nd}-D max pooling returning (values, flat indices)."
    return fn, with_indices


max_pool1d, max_pool1d_with_indices = _max_pool_fn(1)
max_pool2d, max_pool2d_with_indices = _max_pool_fn(2)
max_pool3d, max_pool3d_with_indices = _max_pool_fn(3)


# ---------------------------------------------------------------------------------------
# average pooling
# ---------------------------------------------------------------------------------------

def _avg_divisor(L, k, s, p, out, count_include_pad):
    """Per-output window sizes along one dim (torch's pool_size rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, L + p)
    if not count_include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, L)
    return (end - start).astype(np.float64)


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    name = f"avg_pool{nd}d"
    x, unbatched = S._batchify(input, nd, name)
    k = S._tup(kernel_size, nd, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else S._tup(stride, nd)
    p = S._tup(padding, nd, "padding")
    if any(v <= 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(p[i] > k[i] // 2 for i in range(nd)):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={p[-1]}, kernel_size={k[-1]} and dilation=1")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    N, C = x.shape[:2]
    L = tuple(x.shape[2:])
    out = [S.pool_out_size(L[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(nd)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). "
                           f"Calculated output size: ({C}x{'x'.join(map(str, out))}). "
                           f"Output size is too small")
    # pad both sides (right side also covers ceil_mode's partial windows), then a
    # stride-s single-channel convolution with a ones kernel sums each window
    pads = []
    for i in reversed(range(nd)):
        right = max(p[i], (out[i] - 1) * s[i] + k[i] - L[i] - p[i])
        pads += [p[i], right]
    xf = x.reshape((N * C, 1) + L)
    if any(pads):
        xf = S.constant_pad_nd(xf, pads, 0)
    ones = torch.ones((1, 1) + k, dtype=x.dtype, device=x.device)
    y = S.convolution(xf, ones, None, s, (0,) * nd, (1,) * nd, False, (0,) * nd, 1)
    y = y.reshape((N, C) + tuple(y.shape[2:]))
    if tuple(y.shape[2:]) != tuple(out):
        for i in range(nd):
            y = y.narrow(2 + i, 0, out[i])
    if divisor_override is not None:
        y = y / divisor_override
    else:
        div = np.ones((), np.float64)
        for i in range(nd):
            div = np.multiply.outer(div, _avg_divisor(L[i], k[i], s[i], p[i], out[i],
                                                      count_include_pad))
        y = y / _const(div, y)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-D average pooling."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-D average pooling."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: ``(sum x^p)^(1/p)`` over each window."""
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (torch.sign(out) * torch.abs(out).clamp(min=0)).mul(kernel_size).pow(
        1.0 / norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling."""
    kh, kw = S._tup(kernel_size, 2, "kernel_size")
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (torch.sign(out) * torch.abs(out).clamp(min=0)).mul(kh * kw).pow(1.0 / norm_type)


# ---------------------------------------------------------------------------------------
# adaptive pooling
# ---------------------------------------------------------------------------------------

def _out_size(nd, x, output_size):
    sz = S._tup(output_size, nd, "output_size") if not isinstance(output_size, int) \
        else (output_size,) * nd
    return tuple(x.shape[-nd + i] if sz[i] is None else int(sz[i]) for i in range(nd))


def _check_adaptive(nd, x, name):
    if x.dim() not in (nd + 1, nd + 2) or any(v == 0 for v in x.shape[-nd:]):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(x.shape)}")


def _adaptive_avg(nd, input, output_size):
    _check_adaptive(nd, input, f"adaptive_avg_pool{nd}d")
    out = _out_size(nd, input, output_size)
    y = input
    for i in range(nd):
        dim = input.dim() - nd + i
        L = input.shape[dim]
        if out[i] == L:
            continue
        starts, ends = S.adaptive_windows(L, out[i])
        st, en = np.array(starts), np.array(ends)
        kmax = int((en - st).max()) if out[i] else 1
        idx = np.minimum(st[:, None] + np.arange(kmax), L - 1)
        mask = (st[:, None] + np.arange(kmax)) < en[:, None]
        g = y.index_select(dim, _index(idx.reshape(-1), y))
        g = g.reshape(tuple(y.shape[:dim]) + (out[i], kmax) + tuple(y.shape[dim + 1:]))
        w = mask / np.maximum(en - st, 1)[:, None]
        w = w.reshape((out[i], kmax) + (1,) * (y.dim() - dim - 1))
        y = (g * _const(w, g)).sum(dim + 1)
    return y


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling."""
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """2-D adaptive average pooling (``None`` in output_size keeps that size)."""
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive average pooling."""
    return _adaptive_avg(3, input, output_size)


def _adaptive_max(nd, input, output_size, return_indices):
    _check_adaptive(nd, input, f"adaptive_max_pool{nd}d")
    out = _out_size(nd, input, output_size)
    x, unbatched = S._batchify(input, nd, f"adaptive_max_pool{nd}d")
    v, i = dispatch(S.ADAPTIVE_MAX_POOL, x, out)
    if unbatched:
        v, i = v.squeeze(0), i.squeeze(0)
    return (v, i) if return_indices else v


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling."""
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling."""
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """1-D adaptive max pooling returning (values, indices)."""
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """2-D adaptive max pooling returning (values, indices)."""
    return _adaptive_max(2, input, output_size, True)


# ---------------------------------------------------------------------------------------
# padding
# ---------------------------------------------------------------------------------------

def _pad_index(mode, L, lo, hi):
    j = np.arange(-lo, L + hi)
    if mode == "reflect":
        j = np.abs(j)
        j = np.where(j >= L, 2 * (L - 1) - j, j)
    elif mode == "replicate":
        j = np.clip(j, 0, L - 1)
    else:  # circular
        j = np.mod(j, L)
    return j


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad)//2`` dims: constant, reflect, replicate or circular."""
    pad = [int(p) for p in pad]
    if mode == "constant":
        return S.constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise ValueError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    npad = len(pad) // 2
    if len(pad) % 2 or npad > 3 or input.dim() not in (npad + 1, npad + 2):
        raise NotImplementedError(f"Only 2D, 3D, 4D, 5D padding with non-constant padding "
                                  f"are supported for now")
    y = input
    for i in range(npad):
        dim = input.dim() - 1 - i
        L, lo, hi = input.shape[dim], pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and (lo >= L or hi >= L):
            raise RuntimeError(f"Argument #4: Padding size should be less than the "
                               f"corresponding input dimension, but got: padding ({lo}, "
                               f"{hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > L or hi > L):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if L == 0 and (lo or hi):
            raise RuntimeError(f"Expected {input.dim() - 1}D or {input.dim()}D tensor with "
                               f"possibly 0 batch size and other non-zero dimensions for "
                               f"input, but got: {list(input.shape)}")
        y = y.index_select(dim, _index(_pad_index(mode, L, lo, hi), y))
    return y


# ---------------------------------------------------------------------------------------
# interpolate
# ---------------------------------------------------------------------------------------

_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _lerp_dim(x, dim, taps):
    """``sum_j x.index_select(dim, idx_j) * w_j`` for taps ``[(idx, w), ...]`` along dim."""
    shape = (-1,) + (1,) * (x.dim() - dim - 1)
    y = None
    for idx, w in taps:
        t = x.index_select(dim, _index(idx, x)) * _const(w.reshape(shape), x)
        y = t if y is None else y + t
    return y


def _src(in_size, out_size, align_corners, scale, cubic, ft):
    if align_corners:
        sc = ft((in_size - 1) / (out_size - 1)) if out_size > 1 else ft(0)
    else:
        sc = ft(1.0 / scale) if scale is not None and scale > 0 else ft(in_size / out_size)
    dst = np.arange(out_size, dtype=ft)
    if align_corners:
        return sc * dst
    src = sc * (dst + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def _cubic_taps(src, L):
    A = -0.75
    i = np.floor(src).astype(np.int64)
    t = (src - i).astype(np.float64)

    def c1(v):
        return ((A + 2) * v - (A + 3)) * v * v + 1

    def c2(v):
        return ((A * v - 5 * A) * v + 8 * A) * v - 4 * A
    ws = (c2(t + 1), c1(t), c1(1 - t), c2(2 - t))
    return [(np.clip(i - 1 + j, 0, L - 1), ws[j]) for j in range(4)]


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize ``(N, C, *L)`` input: nearest, nearest-exact, (bi/tri)linear, bicubic, area."""
    nd = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != nd:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_MODE_DIMS[mode] + 2}D input")
    if antialias:
        raise NotImplementedError("antialias=True is not supported")
    if nd < 1 or nd > 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.dim()}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    L = tuple(input.shape[2:])
    if size is not None:
        sizes = [int(v) for v in (size if isinstance(size, (list, tuple)) else [size] * nd)]
        if len(sizes) != nd:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(L)} and output size of {sizes}. Please provide input "
                             f"tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        scales = [None] * nd
    elif scale_factor is not None:
        scales = [float(v) for v in (scale_factor if isinstance(scale_factor, (list, tuple))
                                     else [scale_factor] * nd)]
        if len(scales) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(L)} and scale_factor of shape {scales}. Please provide "
                             f"input tensor in (N, C, d1, d2, ...,dK) format and scale_factor "
                             f"in (s1, s2, ...,sK) format.")
        sizes = [int(math.floor(L[i] * scales[i])) for i in range(nd)]
        if recompute_scale_factor:
            scales = [None] * nd
    else:
        raise ValueError("either size or scale_factor should be defined")
    if mode == "area":
        return _adaptive_avg(nd, input, sizes)
    ft = np.float64 if input.dtype is torch.float64 else np.float32
    y = input
    for i in range(nd):
        dim, n, out = 2 + i, L[i], sizes[i]
        if mode in ("nearest", "nearest-exact"):
            sc = np.float32(1.0 / scales[i]) if scales[i] else np.float32(n / out)
            dst = np.arange(out, dtype=np.float32)
            if mode == "nearest-exact":
                dst = dst + np.float32(0.5)
            idx = np.minimum(np.floor(dst * sc).astype(np.int64), n - 1)
            y = y.index_select(dim, _index(idx, y))
        elif mode == "bicubic":
            y = _lerp_dim(y, dim, _cubic_taps(_src(n, out, align_corners, scales[i], True, ft),
                                              n))
        elif mode in _MODE_DIMS:
            src = _src(n, out, align_corners, scales[i], False, ft)
            i0 = src.astype(np.int64)
            lam = src - i0
            i1 = np.minimum(i0 + 1, n - 1)
            y = _lerp_dim(y, dim, [(i0, 1 - lam), (i1, lam)])
        else:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                f"{input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | "
                f"trilinear | area | nearest-exact (got {mode})")
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate(mode='nearest')."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate(mode='bilinear', align_corners=True)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------------------
# grid_sample / affine_grid
# ---------------------------------------------------------------------------------------

def _reflect(c, lo2, hi2):
    if lo2 == hi2:
        return torch.zeros_like(c)
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    a = (c - mn).abs()
    extra = torch.fmod(a, span)
    flips = torch.floor(a / span).detach()
    even = torch.remainder(flips, 2) == 0
    return torch.where(even, extra + mn, span - extra + mn)


def _source_coord(c, size, padding_mode, align_corners):
    c = ((c + 1) / 2) * (size - 1) if align_corners else ((c + 1) * size - 1) / 2
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else \
            _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample 4-D ``input`` at normalised ``grid`` (N, Ho, Wo, 2) locations."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if mode == "bicubic" or input.dim() != 4:
        raise NotImplementedError("grid_sample: only 4-D input with bilinear/nearest mode")
    if grid.dim() != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension "
                           f"and the same batch size as input, but got grid with sizes "
                           f"{list(grid.shape)}")
    align_corners = bool(align_corners)
    N, C, H, W = input.shape
    Ho, Wo = grid.shape[1:3]
    ix = _source_coord(grid[..., 0], W, padding_mode, align_corners)
    iy = _source_coord(grid[..., 1], H, padding_mode, align_corners)
    flat = input.reshape(N, C, H * W)

    def tap(yy, xx):
        """Pixel (yy, xx) for every output location, zero outside the image."""
        valid = (xx >= 0) & (xx <= W - 1) & (yy >= 0) & (yy <= H - 1)
        lin = (yy.clamp(0, H - 1) * W + xx.clamp(0, W - 1)).to(torch.int64)
        v = flat.gather(2, lin.reshape(N, 1, Ho * Wo).expand(N, C, Ho * Wo))
        return v.reshape(N, C, Ho, Wo) * valid.unsqueeze(1).to(input.dtype)
    if mode == "nearest":
        return tap(torch.round(iy).detach(), torch.round(ix).detach())
    x0, y0 = torch.floor(ix).detach(), torch.floor(iy).detach()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = ix - x0, iy - y0
    wx0, wy0 = x1 - ix, y1 - iy
    out = tap(y0, x0) * (wx0 * wy0).unsqueeze(1)
    out = out + tap(y0, x1) * (wx1 * wy0).unsqueeze(1)
    out = out + tap(y1, x0) * (wx0 * wy1).unsqueeze(1)
    return out + tap(y1, x1) * (wx1 * wy1).unsqueeze(1)


def _linspace(n, align_corners):
    if n <= 1:
        return np.zeros(max(n, 0))
    v = np.linspace(-1.0, 1.0, n)
    return v if align_corners else v * (n - 1) / n


def affine_grid(theta, size, align_corners=None):
    """Sampling grid (N, H, W, 2) / (N, D, H, W, 3) of the affine maps ``theta``."""
    align_corners = bool(align_corners)
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = [int(s) for s in size]
    spatial = size[2:]
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{tuple(size)}. Got {tuple(theta.shape)}.")
        spatial = size[2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{tuple(size)}. Got {tuple(theta.shape)}.")
        spatial = size[2:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size "
                                  f"{tuple(size)}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    axes = [_linspace(n, align_corners) for n in spatial]  # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    # base coordinates are (x, y[, z], 1): the last spatial axis is x
    base = np.stack(list(mesh[::-1]) + [np.ones_like(mesh[0])], -1).reshape(-1, len(spatial) + 1)
    b = _const(base, theta)
    grid = b.matmul(theta.transpose(1, 2))  # (N, P, nd)
    return grid.reshape([size[0]] + spatial + [len(spatial)])


# ---------------------------------------------------------------------------------------
# unfold / fold, pixel and channel shuffles
# ---------------------------------------------------------------------------------------

def _pair(v, name):
    return S._tup(v, 2, name)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks (im2col): ``(N, C, H, W) -> (N, C*kh*kw, L)``."""
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    y = dispatch(S.IM2COL, x, _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                 _pair(padding, "padding"), _pair(stride, "stride"))
    return y.squeeze(0) if unbatched else y


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image (col2im): ``(N, C*kh*kw, L) -> (N, C, H, W)``."""
    unbatched = input.dim() == 2
    x = input.unsqueeze(0) if unbatched else input
    y = dispatch(S.COL2IM, x, _pair(output_size, "output_size"),
                 _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                 _pair(padding, "padding"), _pair(stride, "stride"))
    return y.squeeze(0) if unbatched else y


def _check_factor(name, what, f):
    if not isinstance(f, numbers.Integral) or isinstance(f, bool):
        raise TypeError(f"{name}(): argument '{what}' must be int, not {type(f).__name__}")
    if f <= 0:
        raise RuntimeError(f"{name} expects {what} to be greater than 0, but got: {f}")


def pixel_shuffle(input, upscale_factor):
    """``(*, C*r^2, H, W) -> (*, C, H*r, W*r)``."""
    r = upscale_factor
    _check_factor("pixel_shuffle", "upscale_factor", r)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{c} is not divisible by {r * r}")
    n = len(lead)
    y = input.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    y = y.permute(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return y.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """``(*, C, H*r, W*r) -> (*, C*r^2, H, W)``."""
    r = downscale_factor
    _check_factor("pixel_unshuffle", "downscale_factor", r)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, "
                           f"but got input with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by "
                           f"downscale_factor, but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by "
                           f"downscale_factor, but input.size(-1)={w} is not divisible by {r}")
    n = len(lead)
    y = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    y = y.permute(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return y.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def channel_shuffle(input, groups):
    """Interleave the channels of ``groups`` groups: ``(N, g*k, *) -> (N, k*g, *)``."""
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, "
                           f"but got input with {input.dim()} dimension(s)")
    n, c = input.shape[:2]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} "
                           f"channels and {groups} groups.")
    rest = tuple(input.shape[2:])
    y = input.reshape((n, groups, c // groups) + rest).transpose(1, 2)
    return y.reshape((n, c) + rest)
