"""Gradients of indexing ops (getitem/setitem, gather/scatter, index_*, masked_*, take,
put) compared with real torch, through ``grad_case`` of test_grad_views.py."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

sys.path.insert(0, os.path.dirname(__file__))
from test_grad_views import FLOATS, arr, grad_case, gradcheck  # noqa: E402

I = np.array


def _mask(shape, seed=3):
    return np.random.default_rng(seed).uniform(size=shape) > 0.5


IDX2 = I([[0, 2, 1, 0], [1, 0, 2, 2]])  # gather/scatter index into a (3, 4) tensor along 0
IDXV = I([2, 0, 2])  # a vector index with a repeat

# name -> (fn(lib, *inputs), inputs: tuples are float arrays, arrays are indices/masks)
CASES = {
    "getitem_int": (lambda L, x: x[1], [(3, 4)]),
    "getitem_tensor": (lambda L, x, i: x[i], [(4, 3), IDXV]),
    "getitem_list": (lambda L, x: x[[0, 2, 2]], [(4, 3)]),
    "getitem_2idx": (lambda L, x, i: x[i, i], [(3, 3), IDXV]),
    "getitem_split_idx": (lambda L, x, i: x[i, :, i], [(3, 2, 3), IDXV]),
    "getitem_mixed": (lambda L, x, i: x[1:, i], [(3, 4), I([3, 0, 3])]),
    "getitem_mask": (lambda L, x, m: x[m], [(3, 4), _mask((3, 4))]),
    "getitem_row_mask": (lambda L, x, m: x[m], [(3, 4), I([True, False, True])]),
    "getitem_none_ellipsis": (lambda L, x: x[None, ..., 1], [(3, 4)]),
    "index_put": (lambda L, x, v, i: x.index_put((i,), v), [(4, 3), (3,), IDXV]),
    "index_put_acc": (lambda L, x, v, i: x.index_put((i,), v, accumulate=True),
                      [(4, 3), (3, 3), IDXV]),
    "index_put_bcast": (lambda L, x, v, i: x.index_put((i, i), v), [(3, 3), (1,), IDXV]),
    "gather": (lambda L, x, i: x.gather(0, i), [(3, 4), IDX2]),
    "gather_dim1": (lambda L, x, i: L.gather(x, 1, i.t()[:, :3].contiguous()), [(4, 3), IDX2]),
    "scatter": (lambda L, x, s, i: x.scatter(0, i, s), [(3, 4), (2, 4), I([[0, 2, 1, 0],
                                                                          [1, 0, 2, 2]])]),
    "scatter_value": (lambda L, x, i: x.scatter(0, i, 2.0), [(3, 4), IDX2]),
    "scatter_add": (lambda L, x, s, i: x.scatter_add(0, i, s), [(3, 4), (2, 4), IDX2]),
    "index_select": (lambda L, x, i: x.index_select(0, i), [(3, 4), IDXV]),
    "index_select_1": (lambda L, x, i: L.index_select(x, 1, i), [(2, 3), IDXV]),
    "index_add": (lambda L, x, s, i: x.index_add(0, i, s, alpha=2.0), [(3, 4), (3, 4), IDXV]),
    "index_copy": (lambda L, x, s, i: x.index_copy(1, i, s), [(2, 4), (2, 2), I([3, 0])]),
    "index_fill": (lambda L, x, i: x.index_fill(1, i, -1.0), [(2, 4), IDXV]),
    "index_fill_tensor": (lambda L, x, v, i: x.index_fill(1, i, v), [(2, 4), (), IDXV]),
    "masked_fill": (lambda L, x, m: x.masked_fill(m, 3.0), [(3, 4), _mask((3, 4))]),
    "masked_fill_bcast": (lambda L, x, m: x.masked_fill(m, 3.0), [(3, 4), _mask((4,))]),
    "masked_fill_tensor": (lambda L, x, v, m: x.masked_fill(m, v), [(3, 4), (), _mask((3, 4))]),
    "masked_select": (lambda L, x, m: x.masked_select(m), [(3, 4), _mask((3, 4))]),
    "masked_select_bcast": (lambda L, x, m: L.masked_select(x, m), [(4,), _mask((3, 4))]),
    "masked_scatter": (lambda L, x, s, m: x.masked_scatter(m, s), [(3, 4), (4, 4),
                                                                    _mask((3, 4))]),
    "take": (lambda L, x, i: L.take(x, i), [(3, 4), IDX2 + 4]),
    "take_along_dim": (lambda L, x, i: L.take_along_dim(x, i, 0), [(3, 4), IDX2]),
    "take_along_dim_bcast": (lambda L, x, i: L.take_along_dim(x, i, 1), [(2, 1), I([[0, 0]])]),
    "take_along_dim_flat": (lambda L, x, i: L.take_along_dim(x.contiguous(), i), [(3, 4), IDXV]),
    "put": (lambda L, x, s, i: x.put(i, s), [(3, 4), (3,), I([0, 5, 11])]),
    "put_acc": (lambda L, x, s, i: x.put(i, s, accumulate=True), [(3, 4), (2, 2),
                                                                  I([[0, 5], [5, 11]])]),
}

# scatter_reduce: every reduction, with and without self
SREDUCE = {f"scatter_reduce_{r}_{s}": (
    (lambda r, s: lambda L, x, src, i: x.scatter_reduce(0, i, src, r, include_self=s))(r, s),
    [(3, 4), (2, 4), IDX2]) for r in ("sum", "mean", "prod", "amax", "amin")
    for s in (True, False)}
CASES.update(SREDUCE)


def _run(name, dtype, layout, order=1):
    fn, spec = CASES[name]
    arrays = [arr(s, dtype) if isinstance(s, tuple) else s for s in spec]
    grad_case(fn, arrays, layout=layout, order=order)


@pytest.mark.parametrize("layout", ["plain", "t", "view"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_indexing_grads(name, dtype, layout):
    _run(name, dtype, layout)


@pytest.mark.parametrize("name", sorted(CASES))
def test_indexing_second_order(name):
    _run(name, "float64", "plain", 2)


@pytest.mark.parametrize("name", ["getitem_tensor", "getitem_mask", "gather", "scatter",
                                  "index_put_acc", "index_add", "masked_scatter", "take",
                                  "put_acc", "scatter_reduce_prod_True",
                                  "scatter_reduce_mean_False"])
def test_indexing_gradcheck(name):
    fn, spec = CASES[name]
    gradcheck(fn, [arr(s) if isinstance(s, tuple) else s for s in spec])


@pytest.mark.parametrize("name", ["getitem_tensor", "getitem_mask", "gather", "index_put",
                                  "masked_fill", "index_select"])
def test_indexing_complex(name):
    _run(name, "complex64", "plain")


def test_scatter_reduce_prod_with_zeros():
    x = arr((3, 4))
    src = arr((2, 4))
    x[0, 0] = 0.0  # a zero in self
    src[0, 1] = 0.0  # a single zero in a slot
    src[0, 2] = src[1, 2] = 0.0  # two zeros landing in one slot
    idx = I([[0, 0, 1, 1], [1, 0, 1, 2]])
    idx[1, 2] = 1
    for s in (True, False):
        grad_case(lambda L, a, b, i: a.scatter_reduce(0, i, b, "prod", include_self=s),
                  [x, src, idx])


def test_scatter_reduce_amax_ties():
    x = np.ones((2, 3))
    src = np.ones((2, 3))
    grad_case(lambda L, a, b, i: a.scatter_reduce(0, i, b, "amax"), [x, src, I([[0, 0, 1],
                                                                              [0, 1, 1]])])


def test_inplace_indexing_ops():
    # in-place forms on a non-leaf, then a further op reading the result
    cases = [
        lambda L, x, s, i: (x * 1).index_add_(0, i, s).exp(),
        lambda L, x, s, i: (x * 1).index_copy_(0, i[:2], s[:2]).exp(),
        lambda L, x, s, i: (x * 1).scatter_(0, i[:2, None].expand(2, 4), s[:2]).exp(),
        lambda L, x, s, i: (x * 1).scatter_add_(0, i[:, None].expand(3, 4), s).exp(),
        lambda L, x, s, i: (x * 1).masked_fill_(x > 0, 1.5).exp(),
        lambda L, x, s, i: (x * 1).masked_scatter_(x > 0, s).exp(),
        lambda L, x, s, i: (x * 1).index_put_((i,), s, accumulate=True).exp(),
        lambda L, x, s, i: (x * 1).put_(i, s[0, :3]).exp(),
        lambda L, x, s, i: (x * 1).index_fill_(1, i, 0.5).exp(),
        lambda L, x, s, i: (x * 1).scatter_reduce_(0, i[:, None].expand(3, 4), s, "amax").exp(),
    ]
    for fn in cases:
        grad_case(fn, [arr((3, 4)), arr((3, 4)), I([1, 0, 2])])


def test_setitem_patterns():
    def adv_setitem(L, x, v):
        y = x * 2
        y[L.tensor([0, 2])] = v * 3
        return y

    def mask_setitem(L, x, v):
        y = x * 2
        y[x > 0] = 0.0
        return y * v.sum()

    def iadd_index(L, x, v):
        y = x * 2
        y[L.tensor([1, 1])] += v[:2]  # read, add, write back: duplicates write once
        return y

    def row_iadd(L, x, v):
        y = x * 1
        y[0] += v[1]
        return y

    for fn in (adv_setitem, mask_setitem, iadd_index, row_iadd):
        grad_case(fn, [arr((3, 4)), arr((2, 4))])
        grad_case(fn, [arr((3, 4)), arr((2, 4))], order=2)


def test_nonzero_argwhere_not_differentiable():
    x = M.tensor([0.0, 1.0, 2.0], requires_grad=True)
    for out in (M.nonzero(x), M.argwhere(x), x.nonzero(as_tuple=True)[0]):
        assert not out.requires_grad and out.grad_fn is None


def test_scatter_with_reduce_backward_raises():
    def run(lib):
        x = lib.ones(3, 4, requires_grad=True)
        y = x.scatter(0, lib.tensor([[0, 1, 2, 0]]), 2.0, reduce="add")
        y.sum().backward()
    with pytest.raises(RuntimeError):
        run(T)
    with pytest.raises(RuntimeError, match="not implemented"):
        run(M)
