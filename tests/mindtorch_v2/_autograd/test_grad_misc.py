"""Gradients of copies (copy_, clone, to, fill_, zero_) and random ops, against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


def _grads(fn, arrays, grad_seed=3):
    """Leaf gradients of fn(lib, *leaves) in torch and mindtorch (same upstream grad)."""
    res = []
    for L in (T, M):
        leaves = [L.from_numpy(a.copy()).requires_grad_() for a in arrays]
        out = fn(L, *leaves)
        g = np.random.default_rng(grad_seed).uniform(-1, 1, tuple(out.shape))
        g = L.from_numpy(g).to(out.dtype)
        grads = L.autograd.grad(out, leaves, g, allow_unused=True)
        res.append((out, grads))
    (tout, tg), (mout, mg) = res
    assert mout.requires_grad == tout.requires_grad
    assert mout.dtype is M.__dict__[str(tout.dtype).split(".")[1]]
    for m, t in zip(mg, tg):
        if t is None:
            assert m is None
        else:
            assert_same(m, t)
    return mout


X = np.random.default_rng(0).uniform(-1, 1, (3, 4))
Y = np.random.default_rng(1).uniform(-1, 1, (4,))
S = np.array(2.5)

COPIES = {
    "clone": lambda L, x, y: x.clone() * 2,
    "clone_fn": lambda L, x, y: L.clone(x.t()),
    "contiguous": lambda L, x, y: x.t().contiguous(),
    "to_float32": lambda L, x, y: x.to(L.float32) * y.float(),
    "double_of_float": lambda L, x, y: x.float().double(),
    "to_complex": lambda L, x, y: x.to(L.complex128) * (1 + 2j),
    "type_as": lambda L, x, y: y.float().type_as(x) * x,
    "copy_src_broadcast": lambda L, x, y: (x * 1).copy_(y) * x,
    "copy_src_cast": lambda L, x, y: L.zeros(3, 4, dtype=L.float32).copy_(x * y),
    "copy_into_view": lambda L, x, y: _copy_into_view(x, y),
    "fill_scalar": lambda L, x, y: (x * 2).fill_(1.5) * x,
    "fill_tensor": lambda L, x, y: (x * 2).fill_(y.sum()) * x,
    "zero_": lambda L, x, y: (x * 2).zero_() + y,
}


def _copy_into_view(x, y):
    z = x * 1
    z[1].copy_(y * 3)
    return z


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copies(name):
    _grads(COPIES[name], [X, Y])


def test_fill_tensor_value_gets_sum():
    out = _grads(lambda L, x, s: (x * 1).fill_(s * 2) * 3, [X, S])
    assert out.grad_fn is not None


def test_copy_across_dtypes_backward_dtype():
    m = M.from_numpy(X.copy()).requires_grad_()
    y = M.zeros(3, 4, dtype=M.float32).copy_(m)
    y.sum().backward()
    assert m.grad.dtype is M.float64
    assert_same(m.grad, T.ones(3, 4, dtype=T.float64))


# random ops: differentiable in torch with zero gradients (values are random, only the
# graph and the gradients are compared; without a node, (x * 2).uniform_() would pass 2 g)
RANDOM = {
    "normal_tt": lambda L, x, y: L.normal(x, y.abs() + 0.1),
    "normal_tf": lambda L, x, y: L.normal(x, 2.0),
    "normal_ft": lambda L, x, y: L.normal(1.0, x.abs()),
    "bernoulli": lambda L, x, y: L.bernoulli(x.sigmoid()),
    "poisson": lambda L, x, y: L.poisson(x.abs()),
    "uniform_": lambda L, x, y: (x * 2).uniform_(),
    "normal_": lambda L, x, y: (x * 2).normal_(),
    "random_": lambda L, x, y: (x * 2).random_(0, 3),
    "exponential_": lambda L, x, y: (x * 2).exponential_(),
    "cauchy_": lambda L, x, y: (x * 2).cauchy_(),
    "log_normal_": lambda L, x, y: (x * 2).log_normal_(),
    "geometric_": lambda L, x, y: (x * 2).geometric_(0.5),
    "bernoulli_": lambda L, x, y: (x * 2).bernoulli_(0.5),
    "bernoulli_tensor_p": lambda L, x, y: (x * 2).bernoulli_(y.sigmoid()),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_zero_grads(name):
    out = _grads(RANDOM[name], [X, Y])
    assert out.requires_grad
    tout = RANDOM[name](T, T.from_numpy(X).requires_grad_(), T.from_numpy(Y).requires_grad_())
    assert out.grad_fn.name().rstrip("0123456789") == tout.grad_fn.name().rstrip("0123456789")


def test_random_nodes_and_nondiff():
    x = M.rand(3, requires_grad=True)
    y = x * 2
    y.uniform_()
    assert y.grad_fn.name() == "UniformBackward0"
    y.sum().backward()
    assert_same(x.grad, T.zeros(3))
    # random_/multinomial/randperm outputs of integer dtype never require grad
    assert not M.multinomial(x.detach().abs() + 0.1, 2).requires_grad
    assert not M.randperm(4).requires_grad
    assert not M.rand_like(x).requires_grad
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.uniform_()
    with M.no_grad():
        x.normal_()
    assert x.grad_fn is None


def test_second_order_through_copies():
    res = []
    for L in (T, M):
        x = L.from_numpy(X.copy()).requires_grad_()
        z = (x.clone().float().double() ** 3).sum()
        (g,) = L.autograd.grad(z, x, create_graph=True)
        res.append(L.autograd.grad(g.sum(), x)[0])
    assert_same(res[1], res[0])
