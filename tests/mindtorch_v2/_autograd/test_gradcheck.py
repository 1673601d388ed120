"""gradcheck / gradgradcheck: pass on correct gradients, fail (like torch) on wrong ones."""
from __future__ import annotations

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import both


def _x(lib, vals, dtype="float64"):
    return lib.tensor(vals, dtype=getattr(lib, dtype), requires_grad=True)


FUNCS = {
    "sin_mul": (lambda lib, a, b: a.sin() * b, 2),
    "broadcast_div": (lambda lib, a, b: a / (b * b + 1), 2),
    "sum_exp": (lambda lib, a, b: (a.exp() * b).sum(), 2),
    "two_outputs": (lambda lib, a, b: (a * b, a.tanh()), 2),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradcheck_passes_like_torch(name):
    fn, _ = FUNCS[name]

    def f(lib):
        a = _x(lib, [[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]])
        b = _x(lib, [0.5, 1.5, -2.0])
        return lib.autograd.gradcheck(lambda a, b: fn(lib, a, b), (a, b))
    assert both(f) == (True, True)


@pytest.mark.parametrize("name", ["sin_mul", "broadcast_div"])
def test_gradgradcheck_passes_like_torch(name):
    fn, _ = FUNCS[name]

    def f(lib):
        a = _x(lib, [[0.3, -1.2], [0.7, 0.1]])
        b = _x(lib, [0.5, 1.5])
        return lib.autograd.gradgradcheck(lambda a, b: fn(lib, a, b), (a, b))
    assert both(f) == (True, True)


def test_gradcheck_non_contiguous_input():
    x = M.tensor([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]], dtype=M.float64).t()
    x.requires_grad_()
    assert M.autograd.gradcheck(lambda a: (a * a).exp(), (x,))


@pytest.mark.parametrize("fn", [
    lambda lib, z: (z * z).exp(),
    lambda lib, z: z.abs(),
    lambda lib, z: (z * z.conj()),
], ids=["exp_sq", "abs", "mul_conj"])
def test_gradcheck_complex(fn):
    def f(lib):
        z = _x(lib, [1 + 2j, 0.5 - 1j], "complex128")
        return lib.autograd.gradcheck(lambda z: fn(lib, z), (z,))
    assert both(f) == (True, True)


def _wrong(lib):
    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * g  # should be 2x
    return Wrong


def test_gradcheck_detects_wrong_gradient():
    def f(lib, **kw):
        x = _x(lib, [1., 2.])
        return lib.autograd.gradcheck(_wrong(lib).apply, (x,), **kw)
    from mindtorch_v2.autograd.gradcheck import GradcheckError as MErr
    from torch.autograd.gradcheck import GradcheckError as TErr
    for lib, err in ((M, MErr), (T, TErr)):
        with pytest.raises(err, match="Jacobian mismatch"):
            f(lib)
    assert issubclass(MErr, RuntimeError)
    assert both(f, raise_exception=False) == (False, False)


def test_gradgradcheck_detects_wrong_second_derivative():
    class Lin(M.autograd.Function):  # first derivative right, not differentiable correctly
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x.detach() * x * g  # d/dx of this is 3x (not 6x)
    x = _x(M, [1., 2.])
    assert M.autograd.gradcheck(Lin.apply, (x,))
    assert not M.autograd.gradgradcheck(Lin.apply, (x,), raise_exception=False)


def test_gradcheck_requires_an_input_requiring_grad():
    for lib in (M, T):
        with pytest.raises(ValueError):
            lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, dtype=lib.float64),))


def test_gradcheck_warns_on_float32():
    for lib in (M, T):
        x = lib.ones(2, requires_grad=True)
        with pytest.warns(UserWarning, match="double precision"):
            lib.autograd.gradcheck(lambda a: a * 2, (x,), raise_exception=False, atol=1e-2)


def test_gradcheck_function_import_path():
    from mindtorch_v2.autograd import gradcheck as gc_mod  # noqa: F401
    assert callable(M.autograd.gradcheck) and callable(M.autograd.gradgradcheck)
