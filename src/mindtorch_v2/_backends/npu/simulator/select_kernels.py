"""Simulated ACLNN kernels for sorting and selection (sort, topk, kthvalue, cummax/cummin,
searchsorted), data-dependent shapes (nonzero, masked_select, advanced index), paired
statistics (var_mean / std_mean) and copying shape kernels (repeat, roll, repeat_interleave,
constant pad).

Kernels whose output size depends on the data (nonzero, masked_select) are given an ``out``
the framework sized from a count it ran first: ``out`` must hold at least the selected
elements, otherwise the launch fails as an AI-core exception on the stream would.
"""
from __future__ import annotations

import numpy as np

from .. import acl as A
from .descriptors import IntArrayDesc, ScalarDesc, TensorDesc, TensorListDesc
from .kernels import (ARITH, COPYABLE, FLOATING, REAL, Plan, _read, _store, broadcast,
                      dtypes_in, invalid, need, same_shape)
from .math_kernels import _axes, _dim, _reduced

INDEX = frozenset((A.ACL_INT32, A.ACL_INT64))
MASK = frozenset((A.ACL_BOOL, A.ACL_UINT8))
SORTABLE = REAL - {A.ACL_BOOL}


def _outs(op, values, indices):
    return need(values, TensorDesc, "valuesOut", op), need(indices, TensorDesc, "indicesOut", op)


def _order(a, d, descending):
    """Stable sort permutation along axis d; NaN sorts as the largest value (as in torch).
    Descending is the reversed ascending sort of the reversed input, which keeps ties in
    their original order."""
    if not descending:
        return np.argsort(a, axis=d, kind="stable")
    n = a.shape[d]
    i = np.argsort(np.flip(a, d), axis=d, kind="stable")
    return n - 1 - np.flip(i, d)


# --------------------------------------------------------------------------- sorting


def _values_indices(op, self, values, indices, self_dtypes, dim):
    """The checks every (values, indices) kernel starts with; returns the descriptors and the
    wrapped dim (None for a 0-dim input)."""
    self = need(self, TensorDesc, "self", op)
    values, indices = _outs(op, values, indices)
    dtypes_in(op, self_dtypes, self=self)
    dtypes_in(op, INDEX, indicesOut=indices)
    return self, values, indices, _dim(op, dim, len(self.shape))


def _same_shapes(op, values, indices, shape):
    same_shape(op, values, shape, "valuesOut")
    same_shape(op, indices, shape, "indicesOut")


def _k_in_range(op, self, d, k, low):
    n = self.shape[d] if d is not None else 1
    if not low <= k <= n:
        raise invalid(f"{op}: k {k} out of range for a dimension of size {n}")


def _plan_picked(self, values, indices, d, pick):
    """Plan storing ``pick(a)`` -> (values, indices) of a copy of the input; a 0-dim input is
    its own value, at index 0."""

    def run(mem):
        a = self.array(mem).copy()
        if d is None:
            _store(mem, values, a)
            _store(mem, indices, 0)
            return
        v, i = pick(a)
        _store(mem, values, v)
        _store(mem, indices, i)
    return Plan(run, [self, values, indices])


def plan_sort(op, self, stable, dim, descending, values, indices):
    self, values, indices, d = _values_indices(op, self, values, indices,
                                               SORTABLE | {A.ACL_BOOL}, dim)
    _same_shapes(op, values, indices, self.shape)

    def pick(a):
        i = _order(a, d, descending)
        return np.take_along_axis(a, i, d), i
    return _plan_picked(self, values, indices, d, pick)


def plan_topk(op, self, k, dim, largest, sorted_, values, indices):
    self, values, indices, d = _values_indices(op, self, values, indices, SORTABLE, dim)
    _k_in_range(op, self, d, k, 0)
    _same_shapes(op, values, indices, tuple(k if i == d else s for i, s in enumerate(self.shape)))

    def pick(a):
        i = np.take(_order(a, d, bool(largest)), np.arange(k), axis=d)
        return np.take_along_axis(a, i, d), i
    return _plan_picked(self, values, indices, d, pick)


def plan_kthvalue(op, self, k, dim, keepdim, values, indices):
    self, values, indices, d = _values_indices(op, self, values, indices, SORTABLE, dim)
    _k_in_range(op, self, d, k, 1)
    _same_shapes(op, values, indices, _reduced(self.shape, () if d is None else (d,), keepdim))

    def pick(a):
        i = np.take(_order(a, d, False), [k - 1], axis=d)
        v = np.take_along_axis(a, i, d)
        return (v, i) if keepdim else (np.squeeze(v, d), np.squeeze(i, d))
    return _plan_picked(self, values, indices, d, pick)


def plan_cum_extreme(op, self, dim, values, indices):
    """Running max/min along dim; a tie takes the later index and NaN sticks (torch's rule)."""
    self, values, indices, d = _values_indices(op, self, values, indices, REAL, dim)
    _same_shapes(op, values, indices, self.shape)
    better = np.greater_equal if op == "aclnnCummax" else np.less_equal

    def run(mem):
        a = self.array(mem).copy()
        if d is None or not a.size:
            _store(mem, values, a)
            _store(mem, indices, np.zeros(a.shape, np.int64))
            return
        a = np.moveaxis(a, d, 0)
        vals, idx = a.copy(), np.zeros(a.shape, np.int64)
        for j in range(1, a.shape[0]):
            x, cur = a[j], vals[j - 1]
            nan_x = np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool)
            nan_c = np.isnan(cur) if x.dtype.kind == "f" else np.zeros(x.shape, bool)
            take = nan_x | (~nan_c & better(x, cur))
            vals[j] = np.where(take, x, cur)
            idx[j] = np.where(take, j, idx[j - 1])
        _store(mem, values, np.moveaxis(vals, 0, d))
        _store(mem, indices, np.moveaxis(idx, 0, d))
    return Plan(run, [self, values, indices])


def plan_searchsorted(op, seq, self, out_int32, right, sorter, out):
    seq = need(seq, TensorDesc, "sortedSequence", op)
    scalar = op == "aclnnSearchSorteds"
    self = need(self, ScalarDesc if scalar else TensorDesc, "self", op)
    sorter = None if sorter is None else need(sorter, TensorDesc, "sorter", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, SORTABLE, sortedSequence=seq)
    dtypes_in(op, {A.ACL_INT32} if out_int32 else {A.ACL_INT64}, out=out)
    shape = () if scalar else self.shape
    if not scalar:
        dtypes_in(op, SORTABLE, self=self)
        if len(seq.shape) > 1 and seq.shape[:-1] != self.shape[:-1]:
            raise invalid(f"{op}: sortedSequence {seq.shape} and self {self.shape} differ in "
                          f"their leading dims")
    if sorter is not None:
        dtypes_in(op, INDEX, sorter=sorter)
        same_shape(op, sorter, seq.shape, "sorter")
    same_shape(op, out, shape)
    side = "right" if right else "left"

    def run(mem):
        s = seq.array(mem)
        if sorter is not None:
            s = np.take_along_axis(s, sorter.array(mem).astype(np.int64), -1)
        v = np.asarray(self.value) if scalar else self.array(mem)
        if s.ndim == 1:
            r = np.searchsorted(s, v, side=side)
        else:
            s2, v2 = s.reshape(-1, s.shape[-1]), v.reshape(s.shape[:-1] + (-1,)).reshape(
                -1, v.shape[-1] if v.ndim else 1)
            r = np.stack([np.searchsorted(a, b, side=side) for a, b in zip(s2, v2)])
        _store(mem, out, np.asarray(r).reshape(shape))
    return Plan(run, [seq, out] + ([] if scalar else [self])
                + ([] if sorter is None else [sorter]))


# --------------------------------------------------------------------------- data-dependent


def _fits(op, out, rows):
    if out.shape[0] < rows:
        raise invalid(f"{op}: out holds {out.shape[0]} rows, {rows} are needed")


def plan_nonzero(op, self, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    dtypes_in(op, ARITH, self=self)
    dtypes_in(op, {A.ACL_INT64}, out=out)
    if len(out.shape) != 2 or out.shape[1] != len(self.shape):
        raise invalid(f"{op}: out must be 2-D with {len(self.shape)} columns, got {out.shape}")

    def run(mem):
        nz = np.argwhere(self.array(mem))
        _fits(op, out, len(nz))
        out.array(mem)[:len(nz)] = nz
    return Plan(run, [self, out])


def plan_masked_select(op, self, mask, out):
    self, mask = need(self, TensorDesc, "self", op), need(mask, TensorDesc, "mask", op)
    out = need(out, TensorDesc, "out", op)
    dtypes_in(op, COPYABLE, self=self, out=out)
    dtypes_in(op, MASK, mask=mask)
    shape = broadcast(op, self.shape, mask.shape)
    if len(out.shape) != 1:
        raise invalid(f"{op}: out must be 1-D")

    def run(mem):
        m = np.broadcast_to(mask.array(mem).astype(bool), shape)
        v = np.broadcast_to(self.array(mem), shape)[m]
        _fits(op, out, v.size)
        out.array(mem)[:v.size] = v.astype(out.dtype)
    return Plan(run, [self, mask, out])


def plan_index(op, self, indices, out):
    """self[i0, i1, ...]: the index tensors broadcast together and cover the leading dims."""
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    if not isinstance(indices, TensorListDesc) or not indices:
        raise invalid(f"{op}: indices must be a non-empty aclTensorList")
    if len(indices) > len(self.shape):
        raise invalid(f"{op}: too many indices for a {len(self.shape)}-D self")
    for t in indices:
        dtypes_in(op, INDEX, indices=t)
    dtypes_in(op, COPYABLE, self=self)
    bshape = broadcast(op, *[t.shape for t in indices])
    same_shape(op, out, bshape + self.shape[len(indices):])

    def run(mem):
        a = self.array(mem)
        idx = tuple(t.array(mem).astype(np.int64) for t in indices)
        for i, n in zip(idx, a.shape):
            if i.size and (i.min() < -n or i.max() >= n):
                raise invalid(f"{op}: index out of range for a dimension of size {n}")
        _store(mem, out, a[idx])
    return Plan(run, [self, out, *indices])


def plan_index_add(op, self, dim, index, source, alpha, out):
    """out = self with alpha * source's slices added at ``index`` along dim (duplicates add)."""
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    index, source = need(index, TensorDesc, "index", op), need(source, TensorDesc, "source", op)
    alpha = need(alpha, ScalarDesc, "alpha", op)
    dtypes_in(op, ARITH, self=self, source=source, out=out)
    dtypes_in(op, INDEX, index=index)
    if len(index.shape) > 1:
        raise invalid(f"{op}: index must be 0-D or 1-D")
    d = _dim(op, dim, len(self.shape))
    same_shape(op, out, self.shape)

    def run(mem):
        a = _read(mem, self)
        s = _read(mem, source, a.dtype) * np.asarray(alpha.value).astype(a.dtype)
        i = index.array(mem).astype(np.int64).reshape(-1)
        if d is None:
            a = a + s.reshape(a.shape) if i.size else a
        else:
            np.add.at(np.moveaxis(a, d, 0), i, np.moveaxis(s.reshape(
                a.shape[:d] + (i.size,) + a.shape[d + 1:]), d, 0))
        _store(mem, out, a)
    return Plan(run, [self, index, source, out])


# --------------------------------------------------------------------------- statistics


def plan_var_mean(op, self, dim, correction, keepdim, first, mean):
    self = need(self, TensorDesc, "self", op)
    first, mean = need(first, TensorDesc, "varOut", op), need(mean, TensorDesc, "meanOut", op)
    dtypes_in(op, FLOATING, self=self, varOut=first, meanOut=mean)
    axes = _axes(op, need(dim, IntArrayDesc, "dim", op), len(self.shape))
    shape = _reduced(self.shape, axes, keepdim)
    same_shape(op, first, shape, "varOut")
    same_shape(op, mean, shape, "meanOut")

    def run(mem):
        a = _read(mem, self)
        n = int(np.prod([a.shape[i] for i in axes])) if axes else 1
        m = np.mean(a, axis=axes, keepdims=bool(keepdim)) if a.size else \
            np.full(shape, np.nan, a.dtype)
        if n - correction > 0:
            v = np.var(a, axis=axes, keepdims=bool(keepdim)) * (n / (n - correction))
        else:
            v = np.full(shape, np.nan, a.dtype)
        _store(mem, first, np.sqrt(v) if op == "aclnnStdMeanCorrection" else v)
        _store(mem, mean, m)
    return Plan(run, [self, first, mean])


# --------------------------------------------------------------------------- shape copies


def plan_repeat(op, self, repeats, out):
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    reps = tuple(need(repeats, IntArrayDesc, "repeats", op))
    dtypes_in(op, COPYABLE, self=self, out=out)
    if len(reps) < len(self.shape) or any(r < 0 for r in reps):
        raise invalid(f"{op}: repeats {reps} must be non-negative and cover every dim")
    lead = (1,) * (len(reps) - len(self.shape)) + self.shape
    same_shape(op, out, tuple(a * r for a, r in zip(lead, reps)))
    return Plan(lambda mem: _store(mem, out, np.tile(self.array(mem).reshape(lead), reps)),
                [self, out])


def plan_roll(op, x, shifts, dims, out):
    x, out = need(x, TensorDesc, "x", op), need(out, TensorDesc, "out", op)
    shifts = tuple(need(shifts, IntArrayDesc, "shifts", op))
    dims = tuple(need(dims, IntArrayDesc, "dims", op))
    dtypes_in(op, COPYABLE, x=x, out=out)
    if (dims and len(dims) != len(shifts)) or (not dims and len(shifts) != 1):
        raise invalid(f"{op}: shifts {shifts} and dims {dims} don't align")
    axes = tuple(_dim(op, d, len(x.shape)) for d in dims)
    same_shape(op, out, x.shape)

    def run(mem):
        a = x.array(mem)
        if not dims:
            r = np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        else:
            r = np.roll(a, shifts, axis=axes)
        _store(mem, out, r)
    return Plan(run, [x, out])


def plan_repeat_interleave(op, self, repeats, *rest):
    """aclnnRepeatInterleave[Int][WithDim](self, repeats[, dim], outputSize, out); without a
    dim the input is flattened."""
    with_dim = op.endswith("WithDim")
    dim, output_size, out = rest if with_dim else (None, *rest)
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    scalar = op.startswith("aclnnRepeatInterleaveInt")
    if not scalar:
        repeats = need(repeats, TensorDesc, "repeats", op)
        dtypes_in(op, INDEX, repeats=repeats)
        if len(repeats.shape) > 1:
            raise invalid(f"{op}: repeats must be 0-D or 1-D")
    elif repeats < 0:
        raise invalid(f"{op}: repeats {repeats} must be non-negative")
    dtypes_in(op, COPYABLE, self=self, out=out)
    src_shape = self.shape if with_dim else (self.numel,)
    d = _dim(op, dim, len(self.shape)) if with_dim else 0
    if d is None:
        src_shape, d = (1,), 0
    n = src_shape[d]
    if not scalar and repeats.numel not in (1, n):
        raise invalid(f"{op}: repeats has {repeats.numel} entries, dim has {n}")
    shape = src_shape[:d] + (out.shape[d] if len(out.shape) > d else -1,) + src_shape[d + 1:]
    same_shape(op, out, shape)
    if scalar and out.shape[d] != n * repeats:
        raise invalid(f"{op}: out size {out.shape[d]} differs from {n} * {repeats}")

    def run(mem):
        a = self.array(mem).reshape(src_shape)
        r = repeats if scalar else repeats.array(mem).astype(np.int64).reshape(-1)
        if not scalar and (r < 0).any():
            raise invalid(f"{op}: repeats must be non-negative")
        v = np.repeat(a, r, axis=d)
        if v.shape != out.shape:
            raise invalid(f"{op}: the repeats give {v.shape[d]} elements, out has "
                          f"{out.shape[d]}")
        _store(mem, out, v)
    return Plan(run, [self, out] + ([] if scalar else [repeats]))


def plan_constant_pad(op, self, pad, value, out):
    """Pads (lo, hi) per dim from the last one; negative pads crop."""
    self, out = need(self, TensorDesc, "self", op), need(out, TensorDesc, "out", op)
    pad = tuple(need(pad, IntArrayDesc, "pad", op))
    value = need(value, ScalarDesc, "value", op)
    dtypes_in(op, COPYABLE, self=self, out=out)
    nd = len(self.shape)
    if len(pad) % 2 or len(pad) > 2 * nd:
        raise invalid(f"{op}: pad {pad} must have an even length of at most {2 * nd}")
    src, dst, shape = [slice(None)] * nd, [slice(None)] * nd, list(self.shape)
    for i in range(len(pad) // 2):
        d, lo, hi = nd - 1 - i, pad[2 * i], pad[2 * i + 1]
        n = self.shape[d]
        shape[d] = n + lo + hi
        if shape[d] < 0:
            raise invalid(f"{op}: pad {pad} gives a negative size in dim {d}")
        src[d] = slice(max(-lo, 0), n - max(-hi, 0))
        dst[d] = slice(max(lo, 0), max(lo, 0) + max(n - max(-lo, 0) - max(-hi, 0), 0))
    same_shape(op, out, tuple(shape))
    src, dst = tuple(src), tuple(dst)

    def run(mem):
        r = np.full(tuple(shape), value.value).astype(out.dtype)
        part = self.array(mem)[src]
        if part.size:
            r[dst] = part
        _store(mem, out, r)
    return Plan(run, [self, out])


PLANNERS = {
    "aclnnSort": plan_sort, "aclnnTopk": plan_topk, "aclnnKthvalue": plan_kthvalue,
    "aclnnCummax": plan_cum_extreme, "aclnnCummin": plan_cum_extreme,
    "aclnnSearchSorted": plan_searchsorted, "aclnnSearchSorteds": plan_searchsorted,
    "aclnnNonzero": plan_nonzero, "aclnnMaskedSelect": plan_masked_select,
    "aclnnIndex": plan_index, "aclnnIndexAdd": plan_index_add,
    "aclnnVarMean": plan_var_mean, "aclnnStdMeanCorrection": plan_var_mean,
    "aclnnRepeat": plan_repeat, "aclnnRoll": plan_roll,
    **{n: plan_repeat_interleave for n in (
        "aclnnRepeatInterleave", "aclnnRepeatInterleaveWithDim", "aclnnRepeatInterleaveInt",
        "aclnnRepeatInterleaveIntWithDim")},
    "aclnnConstantPadNd": plan_constant_pad,
}
