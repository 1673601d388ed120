"""Backward formulas of the nn_norm family (native_layer_norm, nll_loss_nd)."""
from __future__ import annotations

import math

from ..derivatives import defgrad


@defgrad("relu")
def _relu(g, x, *, result):
    return (g * (result > 0).to(g.dtype),)


@defgrad("gelu")
def _gelu(g, x, approximate="none"):
    import mindtorch_v2 as torch
    if approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        t = torch.tanh(k * (x + 0.044715 * x * x * x))
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
    else:
        cdf = 0.5 * (1 + torch.erf(x * (1 / math.sqrt(2))))
        d = cdf + x * torch.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
    return (g * d,)


@defgrad("native_layer_norm", result_outputs=(1, 2))
def _layer_norm(g, x, normalized_shape, weight=None, bias=None, eps=1e-5, *, result):
    # xhat = (x - mean) * rstd;  dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat))
    # with gh = g * weight, the means over the normalised dims.
    gy = g[0]
    _, mean, rstd = result
    k = len(normalized_shape)
    dims = list(range(x.dim() - k, x.dim()))
    lead = list(range(x.dim() - k))
    xhat = (x - mean) * rstd
    gh = gy * weight if weight is not None else gy
    dx = rstd * (gh - gh.mean(dims, keepdim=True)
                 - xhat * (gh * xhat).mean(dims, keepdim=True))
    # mean and rstd are outputs too (create_graph formulas read them): their gradients
    # d mean/dx = 1/n, d rstd/dx = -rstd^3 (x - mean) / n
    n = 1
    for d in normalized_shape:
        n *= d
    dx = dx + (g[1] - g[2] * rstd * rstd * rstd * (x - mean)) / n
    dw = (gy * xhat).sum(lead) if weight is not None else None
    db = gy.sum(lead) if bias is not None else None
    return dx, None, dw, db


@defgrad("native_batch_norm", result_outputs=(1, 2))
def _batch_norm(g, x, weight, bias, running_mean, running_var, training, momentum, eps, *,
                result):
    # training: layer norm's formula over dims (0, 2, ...); eval: an affine map of x
    gy = g[0]
    nd = x.dim()
    dims = [0] + list(range(2, nd))
    shape = [1, x.shape[1]] + [1] * (nd - 2)
    w = weight.reshape(shape) if weight is not None else None
    db = gy.sum(dims) if bias is not None else None
    if not training:
        rstd = (running_var + eps).rsqrt().reshape(shape)
        dx = gy * rstd if w is None else gy * (w * rstd)
        dw = (gy * (x - running_mean.reshape(shape)) * rstd).sum(dims) \
            if weight is not None else None
        return dx, dw, db
    mean = result[1].reshape(shape)
    invstd = result[2].reshape(shape)
    xhat = (x - mean) * invstd
    gh = gy * w if w is not None else gy
    dx = invstd * (gh - gh.mean(dims, keepdim=True)
                   - xhat * (gh * xhat).mean(dims, keepdim=True))
    n = x.numel() // x.shape[1]
    dx = dx + (g[1].reshape(shape) - g[2].reshape(shape) * invstd * invstd * invstd
               * (x - mean)) / n
    dw = (gy * xhat).sum(dims) if weight is not None else None
    return dx, dw, db


@defgrad("nll_loss_nd")
def _nll(g, x, target, weight, reduction, ignore_index):
    # d loss / d x[n, c] = -w[t_n] [c == t_n] (/ total weight for 'mean'), 0 if ignored
    import mindtorch_v2 as torch
    tgt = target.unsqueeze(0) if x.dim() == 1 else target
    valid = tgt != ignore_index
    safe = torch.where(valid, tgt, torch.zeros((), dtype=tgt.dtype))
    c = x.shape[-1] if x.dim() == 1 else x.shape[1]
    w = weight[safe] if weight is not None else torch.ones((), dtype=x.dtype)
    coef = torch.where(valid, -w, torch.zeros((), dtype=x.dtype))
    if reduction == 1:
        total = coef.sum().neg()
        # nothing counted (all targets ignored): torch's gradient is zero, not 0/0
        coef = coef / torch.where(total == 0, torch.ones((), dtype=total.dtype), total)
    gg = g.reshape(coef.shape) if reduction == 0 else g
    coef = (coef * gg).unsqueeze(1)
    classes = torch.arange(c, dtype=safe.dtype, device=x.device).reshape((1, c) + (1,) * (safe.dim() - 1))
    hot = (safe.unsqueeze(1) == classes).to(x.dtype)
    dx = hot * coef
    return (dx.reshape(x.shape) if x.dim() == 1 else dx), None, None
