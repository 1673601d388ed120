"""CPU kernels of the nn_norm family: fused layer norm and N-d NLL loss."""
from __future__ import annotations

import math

import numpy as np

from ..._lazy import lazy_module
from ... import _dtype as D
from ..._ops import nn_norm as N
from ._util import arr, wrap

_sp = lazy_module("scipy.special")

_HALF = (D.float16, D.bfloat16)


def _compute(x):
    a = arr(x)
    return a.astype(np.float32) if x.dtype in _HALF else a


def _out(a, dt):
    # (not ascontiguousarray: it turns 0-d results into 1-d)
    return wrap(np.array(a, dtype=dt.np, order="C"), dt)


def _layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    dt = x.dtype
    k = len(normalized_shape)
    lead = tuple(x._shape[:len(x._shape) - k])
    a = _compute(x).reshape(int(np.prod(lead, dtype=np.int64)),
                            int(np.prod(normalized_shape, dtype=np.int64)))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = a.mean(1, keepdims=True) if a.shape[1] else np.full((a.shape[0], 1), np.nan,
                                                                   a.dtype)
        cen = a - mean
        rstd = 1.0 / np.sqrt((cen * cen).mean(1, keepdims=True) + eps) if a.shape[1] else \
            np.full((a.shape[0], 1), np.nan, a.dtype)
    out = cen * rstd
    if weight is not None:
        out *= _compute(weight).reshape(1, -1)
    if bias is not None:
        out += _compute(bias).reshape(1, -1)
    stat = lead + (1,) * k
    return (_out(out.reshape(x._shape), dt), _out(mean.reshape(stat), dt),
            _out(rstd.reshape(stat), dt))


def _nll(x, target, weight, reduction, ignore_index):
    dt = x.dtype
    a = _compute(x)
    t = arr(target).astype(np.int64)
    if a.ndim == 1:
        a, t = a.reshape(1, -1), t.reshape(1)
    c = a.shape[1]
    a = np.moveaxis(a, 1, -1).reshape(-1, c)
    tf = t.reshape(-1)
    valid = tf != ignore_index
    bad = valid & ((tf < 0) | (tf >= c))
    if bad.any():
        raise IndexError(f"Target {tf[bad][0]} is out of bounds.")
    safe = np.where(valid, tf, 0)
    w = _compute(weight)[safe] if weight is not None else np.ones(tf.shape, a.dtype)
    w = w * valid
    loss = -a[np.arange(a.shape[0]), safe] * w
    if reduction == 0:
        return _out(loss.reshape(target._shape), dt)
    total = loss.sum(dtype=a.dtype)
    if reduction == 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            total = total / w.sum(dtype=a.dtype)
    return _out(np.asarray(total), dt)


def _relu(x):
    a = arr(x)
    return wrap(np.maximum(a, a.dtype.type(0)), x.dtype)


def _gelu(x, approximate="none"):
    a = _compute(x)
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (a + 0.044715 * a * a * a)
        out = 0.5 * a * (1 + np.tanh(inner))
    else:
        out = 0.5 * a * (1 + _sp.erf(a * (1 / math.sqrt(2))))
    return wrap(np.asarray(out, dtype=x.dtype.np), x.dtype)


def _batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps):
    dt = x.dtype
    a = _compute(x)
    c = a.shape[1]
    axes = (0,) + tuple(range(2, a.ndim))
    shape = (1, c) + (1,) * (a.ndim - 2)
    if training:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = a.mean(axes)
            cen = a - mean.reshape(shape)
            invstd = 1.0 / np.sqrt((cen * cen).mean(axes) + eps)
        out = cen * invstd.reshape(shape)
        stats = (mean, invstd)
    else:
        rm, rv = _compute(running_mean), _compute(running_var)
        out = (a - rm.reshape(shape)) * (1.0 / np.sqrt(rv + eps)).reshape(shape)
        stats = (np.empty(0, a.dtype), np.empty(0, a.dtype))
    if weight is not None:
        out *= _compute(weight).reshape(shape)
    if bias is not None:
        out += _compute(bias).reshape(shape)
    # keep the input's layout (e.g. channels-last views) like the meta function
    res = np.empty_like(arr(x), dtype=dt.np)
    res[...] = out
    return wrap(res, dt), _out(stats[0], dt), _out(stats[1], dt)


def register():
    N.BATCH_NORM.kernels["cpu"] = _batch_norm
    N.RELU.kernels["cpu"] = _relu
    N.GELU.kernels["cpu"] = _gelu
    N.LAYER_NORM.kernels["cpu"] = _layer_norm
    N.NLL_LOSS.kernels["cpu"] = _nll
