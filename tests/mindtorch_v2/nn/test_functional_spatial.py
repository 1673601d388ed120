"""torch.nn.functional spatial functions against real torch: forward values and gradients
of inputs and parameters, plus torch's exception types for bad input."""
from __future__ import annotations

import sys
import pathlib

import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from helpers import assert_same, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402
import mindtorch_v2.nn.functional  # noqa: E402,F401

TF, MF = T.nn.functional, M.nn.functional


def _nc(x):
    """A non-contiguous tensor with the values of ``x`` (transposed copy, transposed back)."""
    return x.transpose(-1, -2).contiguous().transpose(-1, -2)


def run(fn, *inputs, dtype=T.float64, grad=True, tol=1e-6):
    """fn(F, lib, *tensors) in both libraries; compare outputs and gradients of inputs."""
    ti = [x.to(dtype).detach().requires_grad_(grad) for x in inputs]
    mi = [to_mt(x.to(dtype)).requires_grad_(grad) for x in inputs]
    yt, ym = fn(TF, T, *ti), fn(MF, M, *mi)
    ys_t = yt if isinstance(yt, tuple) else (yt,)
    ys_m = ym if isinstance(ym, tuple) else (ym,)
    for a, b in zip(ys_m, ys_t):
        assert_same(a, b.detach(), rtol=tol, atol=tol)
    if not grad:
        return
    gt = T.randn_like(ys_t[0])
    ys_t[0].backward(gt)
    ys_m[0].backward(to_mt(gt))
    for a, b in zip(mi, ti):
        assert_same(a.grad, b.grad, rtol=tol * 10, atol=tol * 10)


T.manual_seed(0)
X4 = T.randn(2, 4, 9, 8)
CASES = [
    # (id, fn, inputs)
    ("conv1d", lambda F, L, x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2),
     [T.randn(2, 3, 11), T.randn(5, 3, 3), T.randn(5)]),
    ("conv1d_same", lambda F, L, x, w: F.conv1d(x, w, padding="same", dilation=1),
     [T.randn(1, 2, 7), T.randn(3, 2, 4)]),
    ("conv1d_unbatched", lambda F, L, x, w: F.conv1d(x, w, padding="valid"),
     [T.randn(2, 7), T.randn(3, 2, 4)]),
    ("conv2d_groups", lambda F, L, x, w, b: F.conv2d(_nc(x), w, b, (2, 1), 1, (1, 2), 2),
     [X4, T.randn(6, 2, 3, 2), T.randn(6)]),
    ("conv2d_batch1", lambda F, L, x, w: F.conv2d(x, w, padding=2),
     [T.randn(1, 3, 6, 5), T.randn(4, 3, 5, 5)]),
    ("conv3d", lambda F, L, x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(0, 1, 1)),
     [T.randn(2, 2, 4, 5, 4), T.randn(3, 2, 2, 3, 2), T.randn(3)]),
    ("conv_t1d", lambda F, L, x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1, 1, 2),
     [T.randn(2, 4, 5), T.randn(4, 3, 3), T.randn(3)]),
    ("conv_t2d", lambda F, L, x, w, b: F.conv_transpose2d(
        x, w, b, stride=(2, 3), padding=1, output_padding=(1, 2), groups=2, dilation=(1, 2)),
     [X4, T.randn(4, 3, 3, 2), T.randn(6)]),
    ("max_pool1d", lambda F, L, x: F.max_pool1d(x, 3, 2, 1, 2, return_indices=True),
     [T.randn(2, 3, 12)]),
    ("max_pool2d", lambda F, L, x: F.max_pool2d(_nc(x), 3, 2, 1, ceil_mode=True,
                                                return_indices=True), [X4]),
    ("max_pool2d_default", lambda F, L, x: F.max_pool2d(x, (2, 3)), [X4]),
    ("max_pool2d_unbatched", lambda F, L, x: F.max_pool2d(x, 2), [T.randn(3, 6, 6)]),
    ("avg_pool1d", lambda F, L, x: F.avg_pool1d(x, 3, 2, 1, True, False), [T.randn(2, 3, 10)]),
    ("avg_pool2d", lambda F, L, x: F.avg_pool2d(_nc(x), 3, 2, 1, ceil_mode=True), [X4]),
    ("avg_pool2d_nopad", lambda F, L, x: F.avg_pool2d(x, (3, 2), (2, 3), (1, 1), True, False),
     [X4]),
    ("avg_pool2d_div", lambda F, L, x: F.avg_pool2d(x, 2, divisor_override=3), [X4]),
    ("adaptive_avg1d", lambda F, L, x: F.adaptive_avg_pool1d(x, 4), [T.randn(2, 3, 10)]),
    ("adaptive_avg2d", lambda F, L, x: F.adaptive_avg_pool2d(_nc(x), (4, None)), [X4]),
    ("adaptive_avg2d_up", lambda F, L, x: F.adaptive_avg_pool2d(x, (11, 3)), [X4]),
    ("adaptive_max1d", lambda F, L, x: F.adaptive_max_pool1d(x, 4, True), [T.randn(2, 3, 10)]),
    ("adaptive_max2d", lambda F, L, x: F.adaptive_max_pool2d(x, (4, 3), True), [X4]),
    ("lp_pool2d", lambda F, L, x: F.lp_pool2d(x, 2, 2), [X4]),
    ("pad_constant", lambda F, L, x: F.pad(x, (1, -2, 2, 1), value=0.5), [X4]),
    ("pad_reflect", lambda F, L, x: F.pad(_nc(x), (2, 1, 3, 0), mode="reflect"), [X4]),
    ("pad_replicate", lambda F, L, x: F.pad(x, (2, 1, 3, 0), mode="replicate"), [X4]),
    ("pad_circular", lambda F, L, x: F.pad(x, (2, 1, 3, 0), mode="circular"), [X4]),
    ("nearest", lambda F, L, x: F.interpolate(x, scale_factor=(1.7, 0.6)), [X4]),
    ("nearest_exact", lambda F, L, x: F.interpolate(x, size=(5, 13), mode="nearest-exact"),
     [X4]),
    ("linear", lambda F, L, x: F.interpolate(x, scale_factor=2.5, mode="linear"),
     [T.randn(2, 3, 7)]),
    ("bilinear", lambda F, L, x: F.interpolate(x, size=(13, 5), mode="bilinear"), [X4]),
    ("bilinear_ac", lambda F, L, x: F.interpolate(_nc(x), scale_factor=1.5, mode="bilinear",
                                                  align_corners=True), [X4]),
    ("bilinear_recompute", lambda F, L, x: F.interpolate(
        x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True), [X4]),
    ("bicubic", lambda F, L, x: F.interpolate(x, size=(12, 6), mode="bicubic"), [X4]),
    ("area", lambda F, L, x: F.interpolate(x, size=(4, 3), mode="area"), [X4]),
    ("trilinear", lambda F, L, x: F.interpolate(x, size=(3, 5, 4), mode="trilinear",
                                                align_corners=True), [T.randn(1, 2, 4, 3, 5)]),
    ("unfold", lambda F, L, x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
     [X4]),
    ("fold", lambda F, L, x: F.fold(x, (5, 6), 2, padding=1, stride=2), [T.randn(2, 12, 12)]),
    ("pixel_shuffle", lambda F, L, x: F.pixel_shuffle(x, 2), [T.randn(2, 8, 3, 4)]),
    ("pixel_unshuffle", lambda F, L, x: F.pixel_unshuffle(x, 2), [T.randn(2, 3, 4, 6)]),
    ("channel_shuffle", lambda F, L, x: L.channel_shuffle(x, 2), [T.randn(2, 4, 3, 2)]),
    ("top_conv2d", lambda F, L, x, w: L.conv2d(x, w, None, 1, 1), [X4, T.randn(2, 4, 3, 3)]),
    ("top_max_pool1d_wi", lambda F, L, x: L.max_pool1d_with_indices(x, 2), [T.randn(2, 3, 9)]),
    ("top_avg_pool1d", lambda F, L, x: L.avg_pool1d(x, 3, 2), [T.randn(2, 3, 9)]),
    ("top_constant_pad_nd", lambda F, L, x: L.constant_pad_nd(x, (1, 2), 3.0), [X4]),
]


@pytest.mark.parametrize("fn,inputs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [T.float64, T.float32])
def test_forward_backward(fn, inputs, dtype):
    run(fn, *inputs, dtype=dtype, tol=1e-6 if dtype == T.float64 else 2e-5)


GRID_CASES = [(mode, pm, ac) for mode in ("bilinear", "nearest")
              for pm in ("zeros", "border", "reflection") for ac in (False, True)]


@pytest.mark.parametrize("mode,pm,ac", GRID_CASES)
def test_grid_sample(mode, pm, ac):
    grid = T.rand(2, 5, 4, 2) * 2.6 - 1.3
    run(lambda F, L, x, g: F.grid_sample(x, g, mode, pm, ac), X4, grid,
        grad=mode == "bilinear")


@pytest.mark.parametrize("size,ac", [((2, 3, 5, 4), False), ((2, 3, 5, 4), True),
                                     ((2, 1, 3, 4, 2), False)])
def test_affine_grid(size, ac):
    theta = T.randn(2, len(size) - 2, len(size) - 1)
    run(lambda F, L, t: F.affine_grid(t, size, ac), theta)


def test_batch_zero():
    run(lambda F, L, x, w: F.conv2d(x, w, padding=1), T.randn(0, 3, 5, 5),
        T.randn(2, 3, 3, 3))
    run(lambda F, L, x: F.max_pool2d(x, 2), T.randn(0, 3, 4, 4), grad=False)


def test_double_backward_conv():
    x, w = T.randn(1, 2, 5, 5, dtype=T.float64), T.randn(3, 2, 3, 3, dtype=T.float64)
    res = []
    for L, F, conv in ((T, TF, None), (M, MF, None)):
        xi = (x if L is T else to_mt(x)).clone().requires_grad_(True)
        wi = (w if L is T else to_mt(w)).clone().requires_grad_(True)
        y = F.conv2d(xi, wi, stride=2, padding=1)
        (gx,) = L.autograd.grad(y.pow(2).sum(), xi, create_graph=True)
        gx.sum().backward()
        res.append(wi.grad)
    assert_same(res[1], res[0], rtol=1e-8, atol=1e-8)


ERRORS = [
    (RuntimeError, lambda F, L: F.conv2d(L.ones(1, 3, 5, 5), L.ones(2, 2, 3, 3))),
    (RuntimeError, lambda F, L: F.conv2d(L.ones(1, 3, 2, 2), L.ones(2, 3, 3, 3))),
    (RuntimeError, lambda F, L: F.conv2d(L.ones(1, 3, 2, 2, 2, 2), L.ones(2, 3, 1, 1))),
    (RuntimeError, lambda F, L: F.conv2d(L.ones(1, 2, 5, 5), L.ones(2, 2, 3, 3), stride=2,
                                         padding="same")),
    (RuntimeError, lambda F, L: F.conv2d(L.ones(1, 2, 5, 5), L.ones(2, 2, 3, 3),
                                       padding="full")),
    (RuntimeError, lambda F, L: F.max_pool2d(L.ones(1, 1, 4, 4), 2, padding=2)),
    (RuntimeError, lambda F, L: F.max_pool2d(L.ones(1, 1, 1, 1), 3)),
    (RuntimeError, lambda F, L: F.pad(L.ones(1, 1, 3), (3, 3), mode="reflect")),
    (RuntimeError, lambda F, L: F.pad(L.ones(1, 1, 3), (1,))),
    (ValueError, lambda F, L: F.interpolate(L.ones(1, 1, 3, 3))),
    (ValueError, lambda F, L: F.interpolate(L.ones(1, 1, 3, 3), size=4, scale_factor=2.0)),
    (ValueError, lambda F, L: F.interpolate(L.ones(1, 1, 3, 3), size=4, align_corners=True)),
    (NotImplementedError, lambda F, L: F.interpolate(L.ones(1, 1, 3), size=4,
                                                     mode="bilinear")),
    (RuntimeError, lambda F, L: F.pixel_shuffle(L.ones(1, 3, 2, 2), 2)),
    (RuntimeError, lambda F, L: F.channel_shuffle(L.ones(1, 3, 2, 2), 2)),
    (RuntimeError, lambda F, L: F.fold(L.ones(1, 12, 5), (5, 6), 2, stride=2)),
    (ValueError, lambda F, L: F.affine_grid(L.ones(1, 2, 2), (1, 1, 3, 3))),
]


@pytest.mark.parametrize("exc,fn", ERRORS)
def test_errors(exc, fn):
    with pytest.raises(exc):
        fn(TF, T)
    with pytest.raises(exc):
        fn(MF, M)


@pytest.mark.parametrize("nd", [1, 2])
def test_max_pool_indices_with_nan_and_ties_match_torch(nd):
    import torch as T
    import mindtorch_v2 as M
    import mindtorch_v2.nn.functional as MF
    import numpy as np
    shape = (1, 2) + (6,) * nd
    a = np.random.default_rng(0).integers(0, 3, size=shape).astype(np.float64)
    a.flat[::5] = np.nan
    tf = getattr(T.nn.functional, f"max_pool{nd}d")
    mf = getattr(MF, f"max_pool{nd}d")
    tv, ti = tf(T.from_numpy(a), 3, 2, ceil_mode=True, return_indices=True)
    mv, mi = mf(M.from_numpy(a), 3, 2, ceil_mode=True, return_indices=True)
    assert mi.tolist() == ti.tolist()
    np.testing.assert_array_equal(mv.numpy(), tv.numpy())
