"""Autograd memory: saved tensors freed after backward, graphs freed by refcounting alone,
and a 1000-step training loop that does not grow."""
from __future__ import annotations

import gc
import tracemalloc
import weakref

import pytest

import mindtorch_v2 as M


def _nodes(t):
    """Weak references to every node reachable from t.grad_fn."""
    seen, stack, refs = set(), [t.grad_fn], []
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        refs.append(weakref.ref(n))
        stack.extend(e[0] for e in n.next_functions)
    return refs


class _MM(M.autograd.Function):
    """mm with a hand-written backward (keeps this test independent of linalg formulas)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return M.mm(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return M.mm(g, b.t()), M.mm(a.t(), g)


@pytest.mark.parametrize("retain", [False, True])
def test_saved_tensors_released_after_backward(retain):
    x = M.tensor([1., 2.], requires_grad=True)
    h = x * 2
    y = (h * h.sin()).sum()  # mul/sin save h
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is not None  # kept alive by the graph
    y.backward(retain_graph=retain)
    assert (ref() is not None) == retain


def test_custom_function_saved_tensors_released():
    a = M.ones(2, 3, requires_grad=True)
    b = M.ones(3, 2) * 2
    out = _MM.apply(a, b)
    ref = weakref.ref(b)
    del b
    assert ref() is not None
    out.sum().backward()
    assert ref() is None


@pytest.mark.parametrize("build", [
    lambda x: ((x * 2).exp() * 3 + x).sum(),
    lambda x: _MM.apply(x.tanh(), x * 1).sum(),
    lambda x: (x.exp() / (x * x + 1)).sum(),  # saves outputs (exp) and inputs
], ids=["chain", "custom_function", "saved_outputs"])
def test_graph_freed_by_refcount_alone(build):
    gc.collect()
    gc.disable()
    try:
        x = M.ones(2, 2, requires_grad=True)
        y = build(x)
        refs = _nodes(y)
        assert len(refs) >= 3 and all(r() is not None for r in refs)
        del y
        assert all(r() is None for r in refs), [r() for r in refs if r() is not None]
    finally:
        gc.enable()


def test_graph_freed_after_backward_and_output_deletion():
    gc.disable()
    try:
        x = M.ones(3, requires_grad=True)
        y = (x.sigmoid() * x).sum()
        refs = _nodes(y)
        y.backward()
        del y
        assert all(r() is None for r in refs)
        assert x.grad is not None
    finally:
        gc.enable()


def _train(steps, snapshot_at):
    M.manual_seed(0)
    w1 = (M.randn(8, 16) * 0.1).requires_grad_()
    b1 = M.zeros(16, requires_grad=True)
    w2 = (M.randn(16, 1) * 0.1).requires_grad_()
    x = M.randn(32, 8)
    target = M.randn(32, 1)
    sizes = {}
    for step in range(steps):
        h = (_MM.apply(x, w1) + b1).clamp(min=0)  # relu-like
        out = _MM.apply(h, w2)
        loss = ((out - target) ** 2).sum() / 32
        loss.backward()
        with M.no_grad():
            for p in (w1, b1, w2):
                p.sub_(p.grad * 0.01)
                p.grad = None
        if step in snapshot_at:
            gc.collect()
            sizes[step] = tracemalloc.get_traced_memory()[0]
    return sizes, loss.item()


def test_training_loop_does_not_grow():
    tracemalloc.start()
    try:
        sizes, loss = _train(1000, {100, 999})
    finally:
        tracemalloc.stop()
    growth = sizes[999] - sizes[100]
    assert growth < 64 * 1024, f"memory grew by {growth} bytes over 900 steps"
    assert loss == loss  # finite, the loop really trained


def test_no_garbage_cycles_from_training_steps():
    gc.collect()
    gc.disable()
    try:
        _train(20, set())
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0
