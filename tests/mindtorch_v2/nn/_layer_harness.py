"""Shared harness for the nn layer tests: build a module in torch and mindtorch with the
same arguments and state, run the same inputs, compare outputs, gradients, repr, state."""
from __future__ import annotations

import sys
import pathlib

import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from helpers import assert_same, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402
import mindtorch_v2.nn  # noqa: E402,F401


class NC:
    """A float input given to the module non-contiguous (a transposed leaf)."""

    def __init__(self, *shape):
        self.shape = shape


def _leaves(inputs, dtype):
    """(torch leaves, mt leaves, torch inputs, mt inputs) from shapes / NC / tensors."""
    lt, lm, it, im = [], [], [], []
    for x in inputs:
        if isinstance(x, (tuple, NC)):
            shape = x.shape if isinstance(x, NC) else x
            if isinstance(x, NC):
                shape = shape[:-2] + (shape[-1], shape[-2])
            t = T.randn(shape, dtype=dtype).requires_grad_()
            m = to_mt(t).requires_grad_()
            lt.append(t)
            lm.append(m)
            if isinstance(x, NC):
                t, m = t.transpose(-1, -2), m.transpose(-1, -2)
                assert not m.is_contiguous()
            it.append(t)
            im.append(m)
        elif isinstance(x, T.Tensor):
            t = x.to(dtype) if x.is_floating_point() else x
            it.append(t)
            im.append(to_mt(t))
        else:
            it.append(x)
            im.append(x)
    return lt, lm, it, im


def raises_same(make, x):
    """The module ``make(nn)`` fails on ``x`` in torch and with the same exception type in
    mindtorch."""
    with pytest.raises(Exception) as et:
        make(T.nn)(x)
    with pytest.raises(et.type):
        make(M.nn)(to_mt(x))


def pair(make, dtype=T.float64):
    """make(nn) in both libraries, mindtorch loaded with torch's state (in ``dtype``)."""
    tm = make(T.nn)
    mm = make(M.nn)
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in mm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    tm = tm.to(dtype)
    mm = mm.to(M.float64 if dtype == T.float64 else M.float32)
    mm.load_state_dict({k: to_mt(v) for k, v in tm.state_dict().items()})
    return mm, tm


def compare(make, inputs, dtype=T.float64, tol=1e-6, train=True, grad=True, kwargs=None):
    """Forward (and backward) through both modules; outputs, grads and buffers agree."""
    mm, tm = pair(make, dtype)
    mm.train(train)
    tm.train(train)
    lt, lm, it, im = _leaves(inputs, dtype)
    kwargs = kwargs or {}
    yt, ym = tm(*it, **kwargs), mm(*im, **kwargs)
    ys_t = yt if isinstance(yt, tuple) else (yt,)
    ys_m = ym if isinstance(ym, tuple) else (ym,)
    for a, b in zip(ys_m, ys_t):
        assert_same(a, b.detach(), rtol=tol, atol=tol)
    for (n, bm), (_, bt) in zip(mm.named_buffers(), tm.named_buffers()):
        assert_same(bm, bt, rtol=tol, atol=tol)
    if not grad or not ys_t[0].requires_grad:
        return mm, tm
    g = T.randn_like(ys_t[0])
    ys_t[0].backward(g)
    ys_m[0].backward(to_mt(g))
    for a, b in zip(lm, lt):
        assert_same(a.grad, b.grad, rtol=tol * 10, atol=tol * 10)
    pm = dict(mm.named_parameters())
    for n, p in tm.named_parameters():
        if p.grad is None:
            assert pm[n].grad is None or not pm[n].grad.abs().sum().item(), n
        else:
            assert_same(pm[n].grad, p.grad, rtol=tol * 10, atol=tol * 10)
    return mm, tm
