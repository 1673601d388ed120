"""Gradients of shape ops (cat, stack, flip, roll, repeat, repeat_interleave, tril/triu,
diag, diag_embed, block_diag, combinations and their composites) compared with real torch,
through ``grad_case`` of test_grad_views.py."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import mindtorch_v2 as M

sys.path.insert(0, os.path.dirname(__file__))
from test_grad_views import FLOATS, arr, grad_case, gradcheck  # noqa: E402

# name -> (fn(lib, *inputs), input shapes)
CASES = {
    "cat0": (lambda L, a, b: L.cat([a, b]), [(2, 3), (1, 3)]),
    "cat1": (lambda L, a, b, c: L.cat((a, b, c), 1), [(2, 3), (2, 1), (2, 2)]),
    "cat_neg": (lambda L, a, b: L.cat([a, b], -1), [(2, 3), (2, 2)]),
    "cat_mixed_dtype": (lambda L, a, b: L.cat([a, b.float()]), [(2, 3), (1, 3)]),
    "cat_legacy_empty": (lambda L, a, b: L.cat([a, b[:0]]), [(2, 3), (4,)]),
    "hstack": (lambda L, a, b: L.hstack([a, b]), [(2, 3), (2, 2)]),
    "vstack": (lambda L, a, b: L.vstack([a, b]), [(3,), (3,)]),
    "stack": (lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 3)]),
    "stack_neg": (lambda L, a, b: L.stack([a, b], -1), [(2, 3), (2, 3)]),
    "flip": (lambda L, x: x.flip(0, 1), [(2, 3)]),
    "fliplr": (lambda L, x: L.fliplr(x), [(2, 3)]),
    "roll": (lambda L, x: x.roll(1, 0), [(3, 4)]),
    "roll_multi": (lambda L, x: L.roll(x, (1, -2), (0, 1)), [(3, 4)]),
    "roll_flat": (lambda L, x: L.roll(x, 5), [(3, 4)]),
    "rot90": (lambda L, x: L.rot90(x, 1, (0, 1)), [(2, 3)]),
    "repeat": (lambda L, x: x.repeat(2, 3), [(2, 3)]),
    "repeat_newdims": (lambda L, x: x.repeat(2, 1, 2), [(2, 3)]),
    "tile": (lambda L, x: L.tile(x, (2,)), [(2, 3)]),
    "repeat_interleave": (lambda L, x: x.repeat_interleave(2), [(2, 3)]),
    "repeat_interleave_dim": (lambda L, x: x.repeat_interleave(3, dim=1), [(2, 3)]),
    "repeat_interleave_tensor": (lambda L, x: x.repeat_interleave(L.tensor([1, 0, 2]), dim=0),
                                 [(3, 2)]),
    "tril": (lambda L, x: x.tril(), [(3, 4)]),
    "tril_k": (lambda L, x: L.tril(x, -1), [(2, 3, 3)]),
    "triu": (lambda L, x: x.triu(1), [(3, 4)]),
    "diag_vec": (lambda L, x: L.diag(x, 1), [(3,)]),
    "diag_mat": (lambda L, x: L.diag(x, -1), [(3, 4)]),
    "diagflat": (lambda L, x: L.diagflat(x), [(2, 2)]),
    "diag_embed": (lambda L, x: L.diag_embed(x), [(2, 3)]),
    "diag_embed_off": (lambda L, x: L.diag_embed(x, 1, 0, 2), [(2, 3)]),
    "block_diag": (lambda L, a, b, c: L.block_diag(a, b, c), [(2, 3), (3,), ()]),
    "combinations": (lambda L, x: L.combinations(x), [(4,)]),
    "combinations_rep": (lambda L, x: L.combinations(x, 3, with_replacement=True), [(3,)]),
    "meshgrid": (lambda L, a, b: L.stack(L.meshgrid(a, b, indexing="ij")), [(3,), (2,)]),
    "cartesian_prod": (lambda L, a, b: L.cartesian_prod(a, b), [(3,), (2,)]),
    "broadcast_tensors": (lambda L, a, b: L.stack(L.broadcast_tensors(a, b)), [(3, 1), (4,)]),
    "atleast_3d": (lambda L, x: L.atleast_3d(x), [(3,)]),
    "ravel": (lambda L, x: x.ravel(), [(3, 4)]),
}


def _run(name, dtype, layout, order=1):
    fn, shapes = CASES[name]
    grad_case(fn, [arr(s, dtype) for s in shapes], layout=layout, order=order)


@pytest.mark.parametrize("layout", ["plain", "t", "view"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_grads(name, dtype, layout):
    _run(name, dtype, layout)


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_second_order(name):
    _run(name, "float64", "plain", 2)


@pytest.mark.parametrize("name", ["cat1", "stack", "roll_multi", "repeat", "diag_mat",
                                  "block_diag", "combinations", "repeat_interleave_tensor"])
def test_shape_gradcheck(name):
    fn, shapes = CASES[name]
    gradcheck(fn, [arr(s) for s in shapes])


@pytest.mark.parametrize("name", ["cat0", "stack", "flip", "repeat", "tril", "diag_embed"])
def test_shape_complex(name):
    _run(name, "complex64", "plain")


def test_inplace_tril_triu():
    grad_case(lambda L, x: (x * 2).tril_(1).exp(), [arr((3, 4))])
    grad_case(lambda L, x: (x * 2).triu_().exp(), [arr((3, 4))], order=2)


def test_repeat_with_zero_repeat():
    grad_case(lambda L, x, y: L.cat([x.repeat(0, 1), y]), [arr((2, 3)), arr((1, 3))])


def test_cat_only_needs_shapes():
    # cat saves no input: modifying an input afterwards does not break its backward
    x = M.ones(2, requires_grad=True)
    a = x * 1
    out = M.cat([a, a])
    a.add_(1)
    out.backward(M.arange(4.0))
    assert x.grad.tolist() == [2.0, 4.0]


def test_no_grad_for_integer_repeat_interleave():
    r = M.repeat_interleave(M.tensor([1, 2]))
    assert not r.requires_grad
    np.testing.assert_array_equal(r.numpy(), [0, 1, 1])
