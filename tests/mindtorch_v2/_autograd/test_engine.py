"""The backward engine and the tensor-side autograd API, compared with real torch."""
from __future__ import annotations

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, both, raises_like


def _leaf(lib, vals, dtype="float32"):
    return lib.tensor(vals, dtype=getattr(lib, dtype), requires_grad=True)


# ---------------------------------------------------------------------------------------
# backward / autograd.grad
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_backward_with_gradient(dtype):
    def f(lib):
        x = _leaf(lib, [[1., 2., 3.], [4., 5., 6.]], dtype)
        y = _leaf(lib, [0.5, -1., 2.], dtype)  # broadcast input
        z = (x * y).exp() + x / 3
        z.backward(lib.tensor([[1., 2., 3.], [0., -1., 1.]], dtype=getattr(lib, dtype)))
        return x.grad, y.grad
    assert_same(*both(f))


def test_backward_non_scalar_without_gradient_raises():
    def f(lib):
        (_leaf(lib, [1., 2.]) * 2).backward()
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "implicitly created only for scalar outputs" in str(em)


def test_retain_graph_and_freed_graph_error():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()  # accumulates
        return x.grad
    assert_same(*both(f))

    def g(lib):
        x = _leaf(lib, [1., 2.])
        y = (x * x).sum()
        y.backward()
        y.backward()
    em, et = raises_like(lambda: g(M), lambda: g(T))
    assert "backward through the graph a second time" in str(em)


def test_create_graph_third_derivative():
    def f(lib):
        x = _leaf(lib, [1.5, -2.], "float64")
        y = (x ** 3).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        return g1, g2, g3, g3.requires_grad, g1.requires_grad
    assert_same(*both(f))


def test_create_graph_backward_grad_has_history():
    def f(lib):
        x = _leaf(lib, [1., 2.], "float64")
        (x.sin() * x).sum().backward(create_graph=True)
        g = x.grad
        return g.requires_grad, g.grad_fn is not None, g.detach()
    assert_same(*both(f))


def test_backward_inputs():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = _leaf(lib, [3., 4.])
        (x * y).sum().backward(inputs=[x])
        return x.grad, y.grad is None
    assert_same(*both(f))


def test_grad_allow_unused_and_materialize():
    def f(lib, **kw):
        x = _leaf(lib, [1., 2.])
        y = _leaf(lib, [3., 4.])
        return lib.autograd.grad((x * 2).sum(), (x, y), **kw)
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "appears to not have been used" in str(em)
    m, t = both(f, allow_unused=True)
    assert m[1] is None and t[1] is None
    assert_same(m[0], t[0])
    assert_same(*both(f, materialize_grads=True))


def test_grad_grad_outputs_and_no_leaf_change():
    def f(lib):
        x = _leaf(lib, [[1., 2.], [3., 4.]])
        y = x.tanh() * x
        go = lib.tensor([[1., 0.5], [-2., 3.]])
        (g,) = lib.autograd.grad(y, x, grad_outputs=go)
        return g, x.grad is None
    assert_same(*both(f))


def test_grad_of_non_leaf():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        h = x * 3
        y = (h * h).sum()
        return lib.autograd.grad(y, [h, x])
    assert_same(*both(f))


# ---------------------------------------------------------------------------------------
# leaves, requires_grad, detach, retain_grad
# ---------------------------------------------------------------------------------------

def test_leaf_flags():
    def f(lib):
        a = lib.ones(2)
        b = lib.ones(2).requires_grad_()
        c = b * 2
        d = c.detach()
        e = (b * 2)
        e.detach_()
        return (a.is_leaf, a.requires_grad, b.is_leaf, c.is_leaf, c.requires_grad, d.is_leaf,
                d.requires_grad, e.is_leaf, e.requires_grad, e.grad_fn is None)
    m, t = both(f)
    assert m == t


def test_requires_grad_on_non_leaf_and_int_raise():
    def f(lib):
        (lib.ones(2, requires_grad=True) * 2).requires_grad_(False)
    raises_like(lambda: f(M), lambda: f(T))

    def g(lib):
        lib.ones(2, dtype=lib.int64).requires_grad_()
    raises_like(lambda: g(M), lambda: g(T))


def test_detach_shares_storage_and_version():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = x * 2
        d = y.detach()
        d.add_(1)  # writes through to y and bumps the shared version counter
        return y, d, y._version, d._version
    assert_same(*both(f))


def test_retain_grad_accumulates():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        h = x * x
        h.retain_grad()
        s = (h * 3).sum()
        s.backward(retain_graph=True)
        first = h.grad.clone()
        s.backward()
        return h.retains_grad, x.retains_grad, first, h.grad, x.grad
    assert_same(*both(f))


def test_grad_accumulates_in_place_same_object():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        (x * 2).sum().backward()
        g = x.grad
        (x * 3).sum().backward()
        return g is x.grad, x.grad
    assert_same(*both(f))


def test_grad_of_expanded_and_views_inputs():
    def f(lib):
        x = _leaf(lib, [[1., 2., 3.], [4., 5., 6.]])
        y = _leaf(lib, [[1.], [2.]])  # broadcast along dim 1
        z = (x * y + y).sum()
        z.backward()
        return x.grad, y.grad
    assert_same(*both(f))


# ---------------------------------------------------------------------------------------
# grad_fn
# ---------------------------------------------------------------------------------------

NODE_CASES = {
    "mul": lambda lib, x, y: x * y,
    "add": lambda lib, x, y: x + y,
    "sub": lambda lib, x, y: x - y,
    "div": lambda lib, x, y: x / y,
    "sum": lambda lib, x, y: x.sum(),
    "exp": lambda lib, x, y: x.exp(),
    "tanh": lambda lib, x, y: x.tanh(),
    "neg": lambda lib, x, y: -x,
    "pow": lambda lib, x, y: x ** 2,
    "clone": lambda lib, x, y: x.clone(),
    "sigmoid": lambda lib, x, y: x.sigmoid(),
}


@pytest.mark.parametrize("case", sorted(NODE_CASES))
def test_grad_fn_names(case):
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = _leaf(lib, [3., 4.])
        return NODE_CASES[case](lib, x, y).grad_fn.name()
    m, t = both(f)
    assert m == t


def test_next_functions_structure():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        w = lib.tensor([3., 4.])
        y = (x * w).sum()
        fn = y.grad_fn
        mul, nr = fn.next_functions[0]
        acc = mul.next_functions[0][0]
        return (fn.name(), mul.name(), nr, acc.name(), acc.variable is x,
                mul.next_functions[1][0] is None, len(mul.next_functions))
    m, t = both(f)
    assert m == t


# ---------------------------------------------------------------------------------------
# hooks
# ---------------------------------------------------------------------------------------

def test_tensor_hooks_leaf_and_non_leaf_modify_and_remove():
    def f(lib):
        seen = []
        x = _leaf(lib, [1., 2.])
        h = x * 2
        h1 = h.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: seen.append(g.clone()))
        (h * h).sum().backward()
        first = x.grad.clone()
        h1.remove()
        x.grad = None
        h = x * 2
        (h * h).sum().backward()
        return first, x.grad, seen
    assert_same(*both(f))


def test_hook_on_tensor_not_requiring_grad_raises():
    raises_like(lambda: M.ones(2).register_hook(lambda g: g),
                lambda: T.ones(2).register_hook(lambda g: g))


def test_post_accumulate_grad_hook():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        log = []
        x.register_post_accumulate_grad_hook(lambda t: log.append(t.grad.clone()))
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        return log
    assert_same(*both(f))

    def g(lib):
        (_leaf(lib, [1.]) * 2).register_post_accumulate_grad_hook(lambda t: None)
    raises_like(lambda: g(M), lambda: g(T))


def test_node_hooks():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        y = x * x
        log = []
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.grad_fn.register_hook(lambda gi, go: log.append((gi[0].clone(), go[0].clone())))
        y.sum().backward()
        return x.grad, log
    assert_same(*both(f))


# ---------------------------------------------------------------------------------------
# grad mode
# ---------------------------------------------------------------------------------------

def test_grad_mode_context_managers_and_decorators():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        with lib.no_grad():
            a = x * 2
            with lib.enable_grad():
                b = x * 2
        with lib.set_grad_enabled(False):
            c = x * 2
        with lib.inference_mode():
            d = x * 2

        @lib.no_grad()
        def g(t):
            return t * 2

        @lib.enable_grad()
        def h(t):
            return t * 2
        with lib.no_grad():
            e = h(x)
        created = lib.ones(2) if True else None
        with lib.no_grad():
            z = lib.zeros(2)
        return (a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad,
                g(x).requires_grad, e.requires_grad, created.requires_grad, z.requires_grad,
                lib.is_grad_enabled())
    m, t = both(f)
    assert m == t


def test_set_grad_enabled_function_form():
    def f(lib):
        lib.set_grad_enabled(False)
        try:
            y = _leaf(lib, [1.]) * 2
            state = lib.is_grad_enabled()
        finally:
            lib.set_grad_enabled(True)
        return y.requires_grad, state, lib.is_grad_enabled()
    m, t = both(f)
    assert m == t


# ---------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------

def test_out_with_requires_grad_raises():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        lib.add(x, x, out=lib.empty(2))
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert str(em) == str(et)

    def g(lib):
        x = _leaf(lib, [1., 2.])
        with lib.no_grad():
            return lib.mul(x, x, out=lib.empty(2))
    assert_same(*both(g))


def test_version_counter_error():
    def f(lib):
        x = _leaf(lib, [1., 2.])
        h = x * 1
        y = h.exp()  # saves its result
        y.add_(1)
        y.sum().backward()
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "modified by an inplace operation" in str(em)
    assert "is at version 1; expected version 0" in str(em)


def test_inplace_on_leaf_raises():
    def f(lib):
        _leaf(lib, [1., 2.]).mul_(2)
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "leaf Variable that requires grad" in str(em)


def test_backward_on_tensor_without_grad_raises():
    raises_like(lambda: M.ones(1).sum().backward(), lambda: T.ones(1).sum().backward())


def test_grad_shape_mismatch_raises():
    def f(lib):
        (_leaf(lib, [1., 2.]) * 2).backward(lib.ones(3))
    em, et = raises_like(lambda: f(M), lambda: f(T))
    assert "Mismatch in shape" in str(em)


def test_leaf_grad_follows_the_leaf_layout_like_torch():
    import numpy as np
    import torch as T
    import mindtorch_v2 as M
    a = np.arange(12.0).reshape(4, 3)
    for shape_fn in (lambda x: x.t(), lambda x: x[:, ::2], lambda x: x):
        grads = []
        for lib in (M, T):
            w = shape_fn(lib.from_numpy(a.copy())).requires_grad_()
            (w * 2).sum().backward()
            grads.append(w.grad)
        assert grads[0].stride() == grads[1].stride()
        assert grads[0].tolist() == grads[1].tolist()
