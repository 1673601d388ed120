"""saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks compared with torch."""
from __future__ import annotations

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, both


def _leaf(lib, vals):
    return lib.tensor(vals, requires_grad=True)


def test_pack_unpack_called_once_per_saved_tensor():
    def f(lib):
        log = []

        def pack(t):
            log.append("pack")
            return t.clone()

        def unpack(t):
            log.append("unpack")
            return t
        x = _leaf(lib, [1., 2.])
        y = _leaf(lib, [3., 4.])
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            z = (x * y).sum()
        z.backward()
        return log, x.grad, y.grad
    (lm, *gm), (lt, *gt) = both(f)
    assert lm == lt
    assert_same(gm, gt)


def test_unpacked_value_is_used():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t * 10, lambda t: t):
            z = (x * x).sum()
        z.backward()
        return x.grad
    assert_same(*both(f))


def test_saved_output_through_hooks():
    def f(lib):
        x = _leaf(lib, [0.5, 1.])
        with lib.autograd.graph.saved_tensors_hooks(lambda t: ("box", t), lambda p: p[1]):
            y = x.exp()
        y.sum().backward()
        return x.grad
    assert_same(*both(f))


def test_hooks_not_active_outside_block():
    calls = []
    x = _leaf(M, [1., 2.])
    with M.autograd.graph.saved_tensors_hooks(lambda t: calls.append(1) or t, lambda t: t):
        pass
    (x * x).sum().backward()
    assert calls == []


def test_save_on_cpu():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        with lib.autograd.graph.save_on_cpu():
            z = (x * x.sin()).sum()
        z.backward()
        return x.grad
    assert_same(*both(f))


def test_disable_saved_tensors_hooks():
    for lib in (M, T):
        x = _leaf(lib, [1., 2.])
        with lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="no hooks here"):
                with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                    (x * x).sum()
