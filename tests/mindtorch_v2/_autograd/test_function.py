"""torch.autograd.Function: the same custom functions in both libraries, compared."""
from __future__ import annotations

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, both, raises_like


def _classes(lib):
    F = lib.autograd.Function

    class Scale(F):  # old style: forward(ctx, ...), a non-tensor argument
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g * ctx.k, None

    class MulNew(F):  # new style: setup_context, two tensor inputs
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def vjp(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * x

    class Needs(F):
        @staticmethod
        def forward(ctx, x, y):
            ctx.flags = ctx.needs_input_grad
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, g

    class TwoOut(F):  # one output non-differentiable, grads materialized
        @staticmethod
        def forward(ctx, x):
            a = x * 2
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            return a, x * 3, idx

        @staticmethod
        def backward(ctx, ga, gb, gidx):
            ctx.got_none = gb is None
            return ga * 2 + gb * 3

    class NoMat(TwoOut):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3, x.argmax()

        @staticmethod
        def backward(ctx, ga, gb, gidx):
            return ga * 2 if gb is None else ga * 2 + gb * 3

    class Dirty(F):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class SaveOut(F):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class Identity(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    return dict(Scale=Scale, MulNew=MulNew, Needs=Needs, TwoOut=TwoOut, NoMat=NoMat,
                Dirty=Dirty, SaveOut=SaveOut, Once=Once, Identity=Identity)


C = {M: _classes(M), T: _classes(T)}


def _leaf(lib, vals, dtype="float32"):
    return lib.tensor(vals, dtype=getattr(lib, dtype), requires_grad=True)


def test_old_style_with_non_tensor_arg():
    def f(lib):
        x = _leaf(lib, [1., 2., 3.])
        y = C[lib]["Scale"].apply(x, 3.0)
        y.sum().backward()
        return y, x.grad, y.grad_fn.name(), y.requires_grad, y.is_leaf
    assert_same(*both(f))


def test_new_style_setup_context_and_vjp_alias_broadcast():
    def f(lib):
        x = _leaf(lib, [[1., 2.], [3., 4.]])
        y = _leaf(lib, [5., 6.])
        out = C[lib]["MulNew"].apply(x, y)
        out.backward(lib.ones(2, 2))
        return out, x.grad, y.grad
    assert_same(*both(f))


def test_needs_input_grad_and_no_grad_call():
    def f(lib):
        x = _leaf(lib, [1.])
        y = lib.tensor([2.])
        cls = C[lib]["Needs"]
        out = cls.apply(x, y)
        with lib.no_grad():
            out2 = cls.apply(x, y)
        return out.grad_fn.flags if hasattr(out.grad_fn, "flags") else None, \
            out2.requires_grad, out2.grad_fn is None
    m, t = both(f)
    assert m == t


def test_non_differentiable_output_and_materialized_grads():
    def f(lib):
        x = _leaf(lib, [1., 5., 2.])
        a, b, idx = C[lib]["TwoOut"].apply(x)
        a.sum().backward()  # b gets no grad: materialized to zeros
        return x.grad, idx, idx.requires_grad, a.grad_fn.got_none
    assert_same(*both(f))


def test_set_materialize_grads_false():
    def f(lib):
        x = _leaf(lib, [1., 5., 2.])
        a, b, _ = C[lib]["NoMat"].apply(x)
        a.sum().backward()
        return x.grad
    assert_same(*both(f))


def test_mark_dirty():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        h = x * 1
        y = C[lib]["Dirty"].apply(h)
        y.sum().backward()
        return y is h, x.grad, h, h.grad_fn.name()
    assert_same(*both(f))

    def g(lib):
        C[lib]["Dirty"].apply(_leaf(lib, [1.]))
    raises_like(lambda: g(M), lambda: g(T))


def test_saved_output_and_freed_after_backward():
    def f(lib):
        x = _leaf(lib, [0.5, 1.])
        y = C[lib]["SaveOut"].apply(x)
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        return x.grad
    assert_same(*both(f))

    def g(lib):
        x = _leaf(lib, [0.5, 1.])
        y = C[lib]["SaveOut"].apply(x)
        y.sum().backward()
        return y.grad_fn.saved_tensors
    em, et = raises_like(lambda: g(M), lambda: g(T))
    assert "backward through the graph a second time" in str(em)


def test_saved_tensor_modified_in_place_raises():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        h = x * 1
        y = C[lib]["Scale"].apply(h, 2.0)
        h.add_(1)
        y.sum().backward()
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "modified by an inplace operation" in str(em)


def test_once_differentiable_and_double_backward_of_plain():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = C[lib]["Once"].apply(x)
        (g,) = lib.autograd.grad(y.sum(), x)
        return g, g.requires_grad
    assert_same(*both(f))

    def g2(lib):  # a differentiable custom backward supports create_graph
        x = _leaf(lib, [1., 2.], "float64")
        y = C[lib]["Scale"].apply(x, 1.0)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg
    assert_same(*both(g2))


def test_identity_returns_new_alias():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = C[lib]["Identity"].apply(x)
        y.sum().backward()
        return y is x, y.is_leaf, x.grad
    assert_same(*both(f))


def _bad(lib, ret):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return ret(lib, g)
    return Bad


@pytest.mark.parametrize("ret", [
    lambda lib, g: g,                        # too few grads
    lambda lib, g: (g, None, g),             # too many (last not None)
    lambda lib, g: (g, g),                   # grad for the non-tensor argument
    lambda lib, g: (lib.ones(5), None),      # wrong shape
], ids=["too_few", "too_many", "non_tensor_grad", "bad_shape"])
def test_backward_validation_errors(ret):
    def f(lib):
        x = _leaf(lib, [1., 2.])
        _bad(lib, ret).apply(x, 2.0).sum().backward()
    raises_like(lambda: f(M), lambda: f(T))


def test_extra_none_grads_are_allowed():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        _bad(lib, lambda lib, g: (g, None, None)).apply(x, 2.0).sum().backward()
        return x.grad
    assert_same(*both(f))


def test_grad_fn_is_ctx_and_next_functions():
    def f(lib):
        x = _leaf(lib, [1.])
        y = C[lib]["MulNew"].apply(x, lib.tensor([2.]))
        nf = y.grad_fn.next_functions
        return y.grad_fn.name(), nf[0][0].name(), nf[1][0] is None
    m, t = both(f)
    assert m == t
