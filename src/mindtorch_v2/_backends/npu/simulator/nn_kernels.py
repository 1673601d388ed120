"""Simulated ACLNN nn kernels (normalisation, convolution, pooling, losses, embedding) and
the random fills (aclnnInplaceUniform / Normal / Bernoulli / Random).

Random kernels draw from a NumPy generator keyed by (seed, offset), as the device's
Philox generator is keyed by the seed and offset the framework passes.
"""
from __future__ import annotations

import numpy as np

from .. import acl as A
from .descriptors import IntArrayDesc, ScalarDesc, TensorDesc
from .kernels import COPYABLE, FLOATING, INTEGRAL, Plan, _read, _store, dtypes_in, invalid, \
    need, same_shape

INDEX = frozenset((A.ACL_INT32, A.ACL_INT64))


def _opt(t, name, op):
    return None if t is None else need(t, TensorDesc, name, op)


# --------------------------------------------------------------------------- normalisation


def plan_layer_norm(op, x, normalized_shape, weight, bias, eps, out, mean, rstd):
    x, out = need(x, TensorDesc, "input", op), need(out, TensorDesc, "out", op)
    ns = tuple(need(normalized_shape, IntArrayDesc, "normalizedShape", op))
    weight, bias = _opt(weight, "weightOptional", op), _opt(bias, "biasOptional", op)
    mean, rstd = _opt(mean, "meanOutOptional", op), _opt(rstd, "rstdOutOptional", op)
    dtypes_in(op, FLOATING, input=x, out=out)
    k = len(ns)
    if k == 0 or x.shape[len(x.shape) - k:] != ns:
        raise invalid(f"{op}: normalizedShape {ns} does not match the input shape {x.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != ns:
            raise invalid(f"{op}: {name} shape {t.shape} differs from normalizedShape {ns}")
    same_shape(op, out, x.shape)
    axes = tuple(range(len(x.shape) - k, len(x.shape)))
    stat_shape = x.shape[:len(x.shape) - k] + (1,) * k
    for name, t in (("meanOut", mean), ("rstdOut", rstd)):
        if t is not None:
            same_shape(op, t, stat_shape, name)

    def run(mem):
        a = _read(mem, x)
        m = a.mean(axis=axes, keepdims=True)
        r = 1 / np.sqrt(((a - m) ** 2).mean(axis=axes, keepdims=True) + eps)
        y = (a - m) * r
        if weight is not None:
            y = y * _read(mem, weight)
        if bias is not None:
            y = y + _read(mem, bias)
        _store(mem, out, y)
        if mean is not None:
            _store(mem, mean, m)
        if rstd is not None:
            _store(mem, rstd, r)
    return Plan(run, [t for t in (x, weight, bias, out, mean, rstd) if t is not None])


def plan_batch_norm(op, x, weight, bias, running_mean, running_var, training, momentum, eps,
                    out, save_mean, save_invstd):
    x, out = need(x, TensorDesc, "input", op), need(out, TensorDesc, "output", op)
    weight, bias = _opt(weight, "weight", op), _opt(bias, "bias", op)
    rm, rv = _opt(running_mean, "runningMean", op), _opt(running_var, "runningVar", op)
    sm, si = need(save_mean, TensorDesc, "saveMean", op), need(save_invstd, TensorDesc,
                                                                "saveInvstd", op)
    dtypes_in(op, FLOATING, input=x, output=out)
    if len(x.shape) < 2:
        raise invalid(f"{op}: input must be at least 2-D")
    c = x.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("runningMean", rm),
                    ("runningVar", rv)):
        if t is not None and t.shape != (c,):
            raise invalid(f"{op}: {name} shape {t.shape} must be ({c},)")
    if not training and (rm is None or rv is None):
        raise invalid(f"{op}: runningMean and runningVar are required in eval mode")
    same_shape(op, out, x.shape)
    axes = (0,) + tuple(range(2, len(x.shape)))
    bshape = (1, c) + (1,) * (len(x.shape) - 2)

    def run(mem):
        a = _read(mem, x)
        if training:
            m = a.mean(axis=axes)
            v = a.var(axis=axes)
            n = a.size // c
            if rm is not None:
                _store(mem, rm, (1 - momentum) * _read(mem, rm) + momentum * m)
            if rv is not None:
                _store(mem, rv, (1 - momentum) * _read(mem, rv)
                       + momentum * v * n / max(n - 1, 1))
        else:
            m, v = _read(mem, rm), _read(mem, rv)
        inv = 1 / np.sqrt(v + eps)
        y = (a - m.reshape(bshape)) * inv.reshape(bshape)
        if weight is not None:
            y = y * _read(mem, weight).reshape(bshape)
        if bias is not None:
            y = y + _read(mem, bias).reshape(bshape)
        _store(mem, out, y)
        if training:
            _store(mem, sm, m)
            _store(mem, si, inv)
    return Plan(run, [t for t in (x, weight, bias, rm, rv, out, sm, si) if t is not None])


# --------------------------------------------------------------------------- convolution


def _conv(a, w, stride, padding, dilation, groups):
    """Cross-correlation of a (N, C, *S) with w (O, C/groups, *K)."""
    nd = a.ndim - 2
    a = np.pad(a, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    k = w.shape[2:]
    span = tuple(d * (kk - 1) + 1 for d, kk in zip(dilation, k))
    win = np.lib.stride_tricks.sliding_window_view(a, span, axis=tuple(range(2, 2 + nd)))
    win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)
              + tuple(slice(None, None, d) for d in dilation)]
    # win: (N, C, *O, *K)
    c = a.shape[1]
    cg, og = c // groups, w.shape[0] // groups
    axes_x = [1] + list(range(2 + nd, 2 + 2 * nd))      # C and the kernel window
    axes_w = [1] + list(range(2, 2 + nd))
    outs = [np.tensordot(win[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og],
                         axes=(axes_x, axes_w)) for g in range(groups)]
    r = np.concatenate(outs, axis=-1)               # (N, *O, Cout)
    return np.moveaxis(r, -1, 1)


def _conv_transposed(a, w, stride, padding, dilation, output_padding, groups):
    """Transposed convolution: a stride-1 convolution of the zero-interleaved input with the
    flipped weight, its in/out channels swapped per group."""
    nd = a.ndim - 2
    n, c = a.shape[:2]
    up = np.zeros((n, c) + tuple((s - 1) * st + 1 for s, st in zip(a.shape[2:], stride)),
                  a.dtype)
    up[(slice(None), slice(None)) + tuple(slice(None, None, st) for st in stride)] = a
    k = w.shape[2:]
    pads = []
    for kk, d, p, op_ in zip(k, dilation, padding, output_padding):
        lo = d * (kk - 1) - p
        pads.append((lo, lo + op_))
    if any(lo < 0 for lo, _ in pads):
        cut = tuple(slice(max(-lo, 0), up.shape[2 + i] - max(-hi, 0))
                    for i, (lo, hi) in enumerate(pads))
        up = up[(slice(None), slice(None)) + cut]
        pads = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    up = np.pad(up, [(0, 0), (0, 0)] + pads)
    cin_g = w.shape[0] // groups
    wf = np.flip(w, axis=tuple(range(2, 2 + nd)))
    wt = np.concatenate([np.swapaxes(wf[g * cin_g:(g + 1) * cin_g], 0, 1)
                         for g in range(groups)], axis=0)
    return _conv(up, wt, (1,) * nd, (0,) * nd, dilation, groups)


def plan_convolution(op, x, w, bias, stride, padding, dilation, transposed, output_padding,
                     groups, out, cube_math_type):
    x, w = need(x, TensorDesc, "input", op), need(w, TensorDesc, "weight", op)
    out, bias = need(out, TensorDesc, "output", op), _opt(bias, "bias", op)
    stride, padding, dilation, output_padding = (
        tuple(need(v, IntArrayDesc, n, op)) for v, n in (
            (stride, "stride"), (padding, "padding"), (dilation, "dilation"),
            (output_padding, "outputPadding")))
    dtypes_in(op, FLOATING, input=x, weight=w, output=out)
    nd = len(x.shape) - 2
    if nd < 1 or len(w.shape) != nd + 2:
        raise invalid(f"{op}: input {x.shape} and weight {w.shape} ranks don't match")
    if groups < 1 or x.shape[1] % groups:
        raise invalid(f"{op}: groups {groups} doesn't divide the input channels")
    if len(stride) != nd or len(dilation) != nd or len(padding) != nd:
        raise invalid(f"{op}: stride/padding/dilation need {nd} values")

    def run(mem):
        a, k = _read(mem, x), _read(mem, w)
        if transposed:
            r = _conv_transposed(a, k, stride, padding, dilation,
                                 output_padding or (0,) * nd, groups)
        else:
            r = _conv(a, k, stride, padding, dilation, groups)
        if bias is not None:
            r = r + _read(mem, bias).reshape((1, -1) + (1,) * nd)
        _store(mem, out, r)
    return Plan(run, [t for t in (x, w, bias, out) if t is not None], 16 << 10)


# --------------------------------------------------------------------------- pooling


def plan_max_pool2d(op, x, kernel, stride, padding, dilation, ceil_mode, out, indices):
    x, out = need(x, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    indices = need(indices, TensorDesc, "indices", op)
    k, s, p, d = (tuple(need(v, IntArrayDesc, n, op)) for v, n in (
        (kernel, "kernelSize"), (stride, "stride"), (padding, "padding"),
        (dilation, "dilation")))
    dtypes_in(op, FLOATING, self=x, out=out)
    dtypes_in(op, INDEX, indices=indices)
    if len(x.shape) not in (3, 4):
        raise invalid(f"{op}: self must be 3-D or 4-D (CHW / NCHW)")
    k, s, p, d = (v * 2 if len(v) == 1 else v for v in (k, s or k, p, d))
    oshape = tuple(out.shape[-2:])
    same_shape(op, indices, out.shape, "indices")

    def run(mem):
        a = _read(mem, x)
        a4 = a.reshape((-1,) + a.shape[-3:])
        h, w = a4.shape[-2:]
        pad = np.pad(a4, [(0, 0), (0, 0)] + [(pp, pp + kk * dd) for pp, kk, dd in zip(p, k, d)],
                     constant_values=-np.inf)
        vals = np.full(a4.shape[:2] + oshape, -np.inf, a4.dtype)
        idx = np.zeros(a4.shape[:2] + oshape, np.int64)
        oh, ow = oshape
        for i in range(k[0]):
            for j in range(k[1]):
                r0, c0 = i * d[0], j * d[1]
                v = pad[:, :, r0:r0 + s[0] * oh:s[0], c0:c0 + s[1] * ow:s[1]][:, :, :oh, :ow]
                rows = np.arange(oh)[:, None] * s[0] + r0 - p[0]
                cols = np.arange(ow)[None, :] * s[1] + c0 - p[1]
                better = (v > vals) | (np.isnan(v) & ~np.isnan(vals))
                vals = np.where(better, v, vals)
                idx = np.where(better, rows * w + cols, idx)
        _store(mem, out, vals.reshape(out.shape))
        _store(mem, indices, idx.reshape(out.shape))
    return Plan(run, [x, out, indices])


# --------------------------------------------------------------------------- losses, embedding


def plan_nll_loss(op, x, target, weight, reduction, ignore_index, out, total_weight):
    x, target = need(x, TensorDesc, "self", op), need(target, TensorDesc, "target", op)
    out, weight = need(out, TensorDesc, "out", op), _opt(weight, "weight", op)
    total_weight = need(total_weight, TensorDesc, "totalWeightOut", op)
    dtypes_in(op, FLOATING, self=x, out=out)
    dtypes_in(op, INDEX | {A.ACL_UINT8}, target=target)
    want = 4 if op == "aclnnNLLLoss2d" else (1, 2)
    if len(x.shape) not in ((want,) if isinstance(want, int) else want):
        raise invalid(f"{op}: self must be {want}-D, got {x.shape}")
    if reduction not in (0, 1, 2):
        raise invalid(f"{op}: reduction must be 0 (none), 1 (mean) or 2 (sum)")

    def run(mem):
        a = _read(mem, x)
        t = target.array(mem).astype(np.int64)
        if a.ndim == 1:
            a, t = a[None], t.reshape(1)
        c = a.shape[1]
        wv = _read(mem, weight) if weight is not None else np.ones(c, a.dtype)
        valid = t != ignore_index
        tc = np.where(valid, t, 0)
        picked = np.take_along_axis(a, np.expand_dims(tc, 1), 1).squeeze(1)
        wt = np.where(valid, wv[tc], 0).astype(a.dtype)
        loss = -picked * wt
        tw = wt.sum()
        if reduction == 0:
            _store(mem, out, loss.reshape(out.shape))
        elif reduction == 2:
            _store(mem, out, loss.sum())
        else:
            _store(mem, out, loss.sum() / tw)
        _store(mem, total_weight, tw)
    return Plan(run, [t for t in (x, target, weight, out, total_weight) if t is not None])


def plan_embedding(op, weight, indices, out):
    weight, indices = need(weight, TensorDesc, "weight", op), need(indices, TensorDesc,
                                                                   "indices", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, INDEX, indices=indices)
    if len(weight.shape) != 2:
        raise invalid(f"{op}: weight must be 2-D")
    same_shape(op, out, indices.shape + weight.shape[1:])
    return Plan(lambda mem: _store(mem, out, weight.array(mem)[indices.array(mem).astype(
        np.int64)]), [weight, indices, out])


# --------------------------------------------------------------------------- random fills


def _rng(seed, offset):
    return np.random.default_rng([seed & (2**63 - 1), offset & (2**63 - 1)])


def plan_uniform(op, self, lo, hi, seed, offset):
    self = need(self, TensorDesc, "selfRef", op)
    dtypes_in(op, FLOATING, selfRef=self)
    if lo > hi:
        raise invalid(f"{op}: from {lo} must be <= to {hi}")
    return Plan(lambda mem: _store(mem, self, _rng(seed, offset).uniform(lo, hi, self.shape)),
                [self])


def plan_normal(op, self, mean, std, seed, offset):
    self = need(self, TensorDesc, "selfRef", op)
    dtypes_in(op, FLOATING, selfRef=self)
    if std < 0:
        raise invalid(f"{op}: std {std} must be >= 0")
    return Plan(lambda mem: _store(mem, self, _rng(seed, offset).normal(mean, std, self.shape)),
                [self])


def plan_bernoulli(op, self, prob, seed, offset):
    self = need(self, TensorDesc, "selfRef", op)
    prob = need(prob, ScalarDesc, "prob", op)
    dtypes_in(op, COPYABLE, selfRef=self)
    if not 0 <= prob.value <= 1:
        raise invalid(f"{op}: prob {prob.value} must be in [0, 1]")
    return Plan(lambda mem: _store(mem, self, _rng(seed, offset).random(self.shape) < prob.value),
                [self])


def plan_random(op, self, lo, hi, seed, offset):
    self = need(self, TensorDesc, "selfRef", op)
    dtypes_in(op, FLOATING | INTEGRAL, selfRef=self)
    if lo >= hi:
        raise invalid(f"{op}: from {lo} must be < to {hi}")
    return Plan(lambda mem: _store(mem, self, _rng(seed, offset).integers(lo, hi, self.shape)),
                [self])


PLANNERS = {
    "aclnnLayerNorm": plan_layer_norm, "aclnnBatchNorm": plan_batch_norm,
    "aclnnConvolution": plan_convolution, "aclnnMaxPool2dWithIndices": plan_max_pool2d,
    "aclnnNLLLoss": plan_nll_loss, "aclnnNLLLoss2d": plan_nll_loss,
    "aclnnEmbedding": plan_embedding,
    "aclnnInplaceUniform": plan_uniform, "aclnnInplaceNormal": plan_normal,
    "aclnnInplaceBernoulli": plan_bernoulli, "aclnnInplaceRandom": plan_random,
}
