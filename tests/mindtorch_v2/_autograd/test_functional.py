"""torch.autograd.functional compared with torch."""
from __future__ import annotations

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, both


def _x(lib, vals):
    return lib.tensor(vals, dtype=lib.float64)


def f1(a):
    return a.sin() * a


def f2(a, b):
    return (a * b.exp(), (a * a).sum())


def scalar1(a):
    return (a ** 3).sum() + (a.sin() * a).sum()


def scalar2(a, b):
    return (a * a * b).sum() + (b.exp()).sum()


X = [[0.5, -1.0], [2.0, 0.3]]
Y = [[1.5, 0.2], [-0.7, 1.1]]


def test_jacobian_single():
    assert_same(*both(lambda lib: lib.autograd.functional.jacobian(f1, _x(lib, X))))


def test_jacobian_tuple_in_tuple_out():
    assert_same(*both(lambda lib: lib.autograd.functional.jacobian(
        f2, (_x(lib, X), _x(lib, Y)))))


def test_jacobian_create_graph():
    def f(lib):
        x = _x(lib, X).requires_grad_()
        J = lib.autograd.functional.jacobian(f1, x, create_graph=True)
        J.sum().backward()
        return J.detach(), x.grad, J.requires_grad
    assert_same(*both(f))


def test_jacobian_strict_and_unused():
    def f(lib, strict):
        return lib.autograd.functional.jacobian(lambda a, b: a * 2, (_x(lib, X), _x(lib, Y)),
                                                strict=strict)
    assert_same(*both(f, False))
    for lib in (M, T):
        with pytest.raises(RuntimeError):
            f(lib, True)


def test_hessian():
    assert_same(*both(lambda lib: lib.autograd.functional.hessian(scalar1, _x(lib, X))))
    assert_same(*both(lambda lib: lib.autograd.functional.hessian(
        scalar2, (_x(lib, X), _x(lib, Y)))))


@pytest.mark.parametrize("fn_name", ["vjp", "jvp"])
def test_vjp_jvp(fn_name):
    def f(lib):
        fn = getattr(lib.autograd.functional, fn_name)
        v = _x(lib, [[1., 2.], [3., -1.]])
        return fn(f1, _x(lib, X), v)
    assert_same(*both(f))

    def g(lib):  # tuples
        fn = getattr(lib.autograd.functional, fn_name)
        v = (_x(lib, Y), _x(lib, X)) if fn_name == "jvp" else (_x(lib, Y), _x(lib, 2.0))
        return fn(f2, (_x(lib, X), _x(lib, Y)), v)
    assert_same(*both(g))


@pytest.mark.parametrize("fn_name", ["vhp", "hvp"])
def test_vhp_hvp(fn_name):
    def f(lib):
        fn = getattr(lib.autograd.functional, fn_name)
        return fn(scalar2, (_x(lib, X), _x(lib, Y)), (_x(lib, Y), _x(lib, X)))
    assert_same(*both(f))


def test_vjp_v_none_scalar_output():
    assert_same(*both(lambda lib: lib.autograd.functional.vjp(scalar1, _x(lib, X))))

    def f(lib):
        lib.autograd.functional.vjp(f1, _x(lib, X))
    for lib in (M, T):
        with pytest.raises(RuntimeError):
            f(lib)


def test_results_detached_without_create_graph():
    def f(lib):
        x = _x(lib, X).requires_grad_()
        out, g = lib.autograd.functional.vjp(scalar1, x)
        return out.requires_grad, g.requires_grad
    m, t = both(f)
    assert m == t
