"""torch.func transforms compared with real torch.func on the same functions."""
from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

_spec = importlib.util.spec_from_file_location(
    "mt_helpers", pathlib.Path(__file__).resolve().parents[1] / "helpers.py")
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)
assert_same, check, raises_like = _h.assert_same, _h.check, _h.raises_like


def arr(*shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def tens(lib, *shape, seed=0):
    return lib.tensor(arr(*shape, seed=seed))


def same_tree(m, t, **kw):
    if isinstance(t, dict):
        assert isinstance(m, dict) and set(m) == set(t)
        for k in t:
            same_tree(m[k], t[k], **kw)
    elif isinstance(t, (tuple, list)):
        assert type(m) is type(t) and len(m) == len(t)
        for a, b in zip(m, t):
            same_tree(a, b, **kw)
    else:
        assert_same(m, t, **kw)


def both(fn):
    """fn(lib) compared as a tree between mindtorch and torch."""
    same_tree(fn(M), fn(T), atol=1e-4, rtol=1e-4)


def f_scalar(lib):
    return lambda x: (lib.sin(x) * x).sum()


# ------------------------------------------------------------------------------- vmap
def test_vmap_in_out_dims():
    both(lambda lib: lib.func.vmap(lib.mv, in_dims=(0, None))(tens(lib, 4, 2, 3),
                                                               tens(lib, 3, seed=1)))
    both(lambda lib: lib.func.vmap(lambda x, y: x * y, in_dims=(1, 0), out_dims=1)(
        tens(lib, 3, 5), tens(lib, 5, seed=1)))
    both(lambda lib: lib.vmap(lambda x: (x.sum(0), x * 2), out_dims=(0, -1))(tens(lib, 2, 3)))
    both(lambda lib: lib.func.vmap(lambda x: x.sum(), in_dims=-1)(tens(lib, 2, 3)))


def test_vmap_pytrees_and_none_out():
    def fn(lib):
        def g(d, pair):
            return {"s": d["a"] + pair[0], "t": [pair[1] * 2]}, 7
        return lib.func.vmap(g, in_dims=({"a": 0}, (None, 1)), out_dims=({"s": 1, "t": 0}, None))(
            {"a": tens(lib, 3, 2)}, (tens(lib, 2, seed=1), tens(lib, 4, 3, seed=2)))
    m, t = fn(M), fn(T)
    assert m[1] == t[1] == 7
    same_tree(m[0], t[0])


def test_nested_vmap_and_kwargs():
    both(lambda lib: lib.func.vmap(lib.func.vmap(lambda a, b: a @ b, in_dims=(None, 1)),
                                   in_dims=(0, None))(tens(lib, 2, 3), tens(lib, 3, 4, seed=1)))
    both(lambda lib: lib.func.vmap(lambda x, scale=1.0: x * scale)(tens(lib, 3, 2), scale=3.0))


def test_vmap_batch_size_zero_and_chunk_size():
    both(lambda lib: lib.func.vmap(lambda x: x.sum(0))(lib.zeros(0, 3)))
    both(lambda lib: lib.func.vmap(lambda x: x * 2, chunk_size=2)(tens(lib, 5, 2)))


@pytest.mark.parametrize("call", [
    lambda lib: lib.func.vmap(lambda x, y: x + y)(lib.ones(2), lib.ones(3)),
    lambda lib: lib.func.vmap(lambda x: x, in_dims=2)(lib.ones(2, 3)),
    lambda lib: lib.func.vmap(lambda x: x, in_dims=[0])(lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x, y: x, in_dims=(0,))(lib.ones(2), lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x: x, in_dims=None)(lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x, y: x, in_dims=(0, 0))(lib.ones(2), 3),
    lambda lib: lib.func.vmap(lambda x: x)(),
    lambda lib: lib.func.vmap(lambda x: 3)(lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x: x, out_dims=(0, 0))(lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x: x, out_dims="a")(lib.ones(2)),
    lambda lib: lib.func.vmap(lambda x: x, randomness="bad"),
    lambda lib: lib.func.vmap(lambda x: x, chunk_size=0),
    lambda lib: lib.func.vmap(lambda x: x + lib.rand(()))(lib.ones(2)),
])
def test_vmap_errors(call):
    em, et = raises_like(lambda: call(M), lambda: call(T))
    assert str(em).split(":")[0][:8] == str(et).split(":")[0][:8]


def test_vmap_randomness():
    M.manual_seed(0)
    same = M.func.vmap(lambda x: x + M.rand(()), randomness="same")(M.zeros(4))
    assert M.all(same == same[0])
    diff = M.func.vmap(lambda x: x + M.rand(()), randomness="different")(M.zeros(4))
    assert len(set(diff.tolist())) == 4


# ------------------------------------------------------------------------------- grad
def test_grad_argnums_and_aux():
    both(lambda lib: lib.func.grad(f_scalar(lib))(tens(lib, 4)))
    both(lambda lib: lib.func.grad(lambda x, y: (x * y.exp()).sum(), argnums=(0, 1))(
        tens(lib, 3), tens(lib, 3, seed=1)))
    both(lambda lib: lib.func.grad(lambda x, y: (x * y).sum(), argnums=-1)(
        tens(lib, 3), tens(lib, 3, seed=1)))
    both(lambda lib: lib.func.grad(lambda p: (p["w"] * p["b"][0]).sum())(
        {"w": tens(lib, 3), "b": [tens(lib, 3, seed=1)]}))
    both(lambda lib: lib.func.grad(lambda x: ((x ** 2).sum(), x.cos()), has_aux=True)(
        tens(lib, 3)))
    both(lambda lib: lib.func.grad_and_value(lambda x: (x ** 3).sum())(tens(lib, 3)))
    both(lambda lib: lib.func.grad_and_value(lambda x: ((x ** 3).sum(), {"a": x}),
                                             has_aux=True)(tens(lib, 3)))
    both(lambda lib: lib.func.grad(lambda x, y: (y * 2).sum())(tens(lib, 3), tens(lib, 3)))


def test_grad_results_are_plain_tensors_but_keep_outer_graph():
    g = M.func.grad(lambda x: (x * x).sum())(M.ones(3))
    assert not g.requires_grad
    w = M.ones(3, requires_grad=True)
    g = M.func.grad(lambda x: (x * w * w).sum())(M.ones(3))
    tw = T.ones(3, requires_grad=True)
    tg = T.func.grad(lambda x: (x * tw * tw).sum())(T.ones(3))
    assert g.requires_grad == tg.requires_grad
    g.sum().backward()
    tg.sum().backward()
    assert_same(w.grad, tw.grad)


def test_nested_grad():
    both(lambda lib: lib.func.grad(lib.func.grad(lambda x: x ** 3 * x.sin()))(lib.tensor(1.3)))
    both(lambda lib: lib.func.grad(lambda x: lib.func.grad(lambda y: x * y)(x))(lib.tensor(2.)))


@pytest.mark.parametrize("call", [
    lambda lib: lib.func.grad(lambda x: x * 2)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: 3.0)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x.sum(), argnums=2)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x, y: x.sum(), argnums=(0, 0))(lib.ones(3), lib.ones(3)),
    lambda lib: lib.func.grad(lambda x, y: x.sum(), argnums=())(lib.ones(3), lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x, argnums=1.0)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x)(3.0),
])
def test_grad_errors(call):
    em, et = raises_like(lambda: call(M), lambda: call(T))
    assert str(em)[:20] == str(et)[:20]


def test_per_sample_grads_via_vmap_grad():
    def fn(lib):
        torch_nn = lib.nn
        lib.manual_seed(0)
        model = torch_nn.Linear(3, 2)
        with lib.no_grad():
            model.weight.copy_(tens(lib, 2, 3, seed=3))
            model.bias.copy_(tens(lib, 2, seed=4))
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y):
            out = lib.func.functional_call(model, p, (x.unsqueeze(0),))
            return torch_nn.functional.mse_loss(out, y.unsqueeze(0))
        return lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0, 0))(
            params, tens(lib, 5, 3, seed=1), tens(lib, 5, 2, seed=2))
    both(fn)


def test_grad_of_vmap():
    both(lambda lib: lib.func.grad(lambda x: lib.func.vmap(lambda r: r.dot(r).sin())(x).sum())(
        tens(lib, 3, 4)))


# ------------------------------------------------------------------------------- vjp / jvp
def test_vjp():
    def fn(lib):
        out, vjp_fn = lib.func.vjp(lambda x, y: (x * y, x.exp()), tens(lib, 3),
                                   tens(lib, 3, seed=1))
        return out, vjp_fn((lib.ones(3), tens(lib, 3, seed=2)))
    both(fn)

    def fn_aux(lib):
        out, vjp_fn, aux = lib.func.vjp(lambda x: (x.sin(), x.sum()), tens(lib, 2, 2),
                                        has_aux=True)
        return out, vjp_fn(lib.ones(2, 2)), vjp_fn(tens(lib, 2, 2)), aux
    both(fn_aux)


def test_vjp_errors():
    raises_like(lambda: M.func.vjp(lambda x: x, M.ones(2))[1]((M.ones(2),)),
                lambda: T.func.vjp(lambda x: x, T.ones(2))[1]((T.ones(2),)))
    raises_like(lambda: M.func.vjp(lambda x: (x > 0), M.ones(2)),
                lambda: T.func.vjp(lambda x: (x > 0), T.ones(2)))


def test_jvp_and_linearize():
    both(lambda lib: lib.func.jvp(lambda x: x.sin() * x, (tens(lib, 4),), (tens(lib, 4, seed=1),)))
    both(lambda lib: lib.func.jvp(lambda x, y: (x @ y, (x ** 2).sum()),
                                  (tens(lib, 2, 3), tens(lib, 3, seed=1)),
                                  (tens(lib, 2, 3, seed=2), lib.ones(3))))
    both(lambda lib: lib.func.jvp(lambda x: (x.exp(), x), (tens(lib, 3),), (lib.ones(3),),
                                  has_aux=True))
    both(lambda lib: lib.func.jvp(lambda x, y: y * 2, (tens(lib, 3), lib.ones(3)),
                                  (lib.ones(3), lib.ones(3))))

    def lin(lib):
        out, fn = lib.func.linearize(lambda x: x.tanh() * 3, tens(lib, 3))
        return out, fn(lib.ones(3)), fn(tens(lib, 3, seed=5))
    both(lin)


def test_jvp_errors():
    raises_like(lambda: M.func.jvp(lambda x: x, M.ones(2), (M.ones(2),)),
                lambda: T.func.jvp(lambda x: x, T.ones(2), (T.ones(2),)))
    raises_like(lambda: M.func.jvp(lambda x: x, (M.ones(2),), [M.ones(2)]),
                lambda: T.func.jvp(lambda x: x, (T.ones(2),), [T.ones(2)]))
    raises_like(lambda: M.func.jvp(lambda x: x, (M.ones(2),), (M.ones(3),)),
                lambda: T.func.jvp(lambda x: x, (T.ones(2),), (T.ones(3),)))
    raises_like(lambda: M.func.jvp(lambda x: M.ones(2), (M.ones(2),), (M.ones(2),), strict=True),
                lambda: T.func.jvp(lambda x: T.ones(2), (T.ones(2),), (T.ones(2),), strict=True))
    raises_like(lambda: M.func.linearize(lambda x: x * 2, M.ones(2))[1](M.ones(3)),
                lambda: T.func.linearize(lambda x: x * 2, T.ones(2))[1](T.ones(3)))


# ------------------------------------------------------------------------------- jacobians
@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobians(jac):
    both(lambda lib: getattr(lib.func, jac)(lambda x: x.sin() * x.sum())(tens(lib, 3)))
    both(lambda lib: getattr(lib.func, jac)(lambda x, y: (x @ y, y.exp()), argnums=(0, 1))(
        tens(lib, 2, 3), tens(lib, 3, seed=1)))
    both(lambda lib: getattr(lib.func, jac)(lambda x: (x.cumsum(0), x[0]), has_aux=True)(
        tens(lib, 3)))
    both(lambda lib: getattr(lib.func, jac)(lambda x: x.sum())(tens(lib, 2, 2)))
    both(lambda lib: getattr(lib.func, jac)(lambda d: d["a"] * d["b"])(
        {"a": tens(lib, 2), "b": tens(lib, 2, seed=1)}))
    raises_like(lambda: getattr(M.func, jac)(lambda x: x)(M.ones(2, dtype=M.complex64)),
                lambda: getattr(T.func, jac)(lambda x: x)(T.ones(2, dtype=T.complex64)))


def test_jacrev_chunk_size_and_hessian():
    both(lambda lib: lib.func.jacrev(lambda x: x ** 2, chunk_size=1)(tens(lib, 3)))
    with pytest.raises(ValueError):
        M.func.jacrev(lambda x: x, chunk_size=0)
    both(lambda lib: lib.func.hessian(lambda x: (x.sin() * x).sum() * x.prod())(tens(lib, 3)))
    both(lambda lib: lib.func.hessian(lambda x, y: (x * y ** 2).sum(), argnums=(0, 1))(
        tens(lib, 2), tens(lib, 2, seed=1)))


def _mlp(lib):
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 1))
    with lib.no_grad():
        for i, (_, p) in enumerate(sorted(model.named_parameters())):
            p.copy_(tens(lib, *p.shape, seed=10 + i))
    return model


def test_jacrev_hessian_of_network():
    def fn(lib):
        model = _mlp(lib).eval()
        params = {k: v.detach() for k, v in model.named_parameters()}
        x = tens(lib, 5, 3, seed=1)
        f = lambda p: lib.func.functional_call(model, p, x).sum()  # noqa: E731
        return lib.func.jacrev(f)(params), lib.func.hessian(
            lambda w: lib.func.functional_call(model, {**params, "3.weight": w}, x).pow(2).sum()
        )(params["3.weight"])
    both(fn)


# ------------------------------------------------------------------------------- functional_call
def test_functional_call_linear_and_restore():
    def fn(lib):
        lin = lib.nn.Linear(3, 2)
        w, b = tens(lib, 2, 3, seed=1), tens(lib, 2, seed=2)
        out = lib.func.functional_call(lin, {"weight": w, "bias": b}, (tens(lib, 4, 3),))
        out2 = lib.func.functional_call(lin, ({"weight": w}, {"bias": b}), tens(lib, 4, 3),
                                        strict=True)
        assert isinstance(lin.weight, lib.nn.Parameter)
        assert lin.weight is not w and set(dict(lin.named_parameters())) == {"weight", "bias"}
        return out, out2
    both(fn)


def test_functional_call_batchnorm_buffers_training():
    def fn(lib):
        model = _mlp(lib)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        bufs = {k: v.clone() for k, v in model.named_buffers()}
        params = {k: v * 2 for k, v in model.named_parameters()}
        out = lib.func.functional_call(model, (params, bufs), (tens(lib, 6, 3),))
        for k, v in model.state_dict().items():  # module untouched
            assert lib.equal(v, before[k])
        return out, bufs
    both(fn)


def test_functional_call_gradients_and_tied_weights():
    def fn(lib):
        model = _mlp(lib).eval()
        params = {k: v.detach().requires_grad_() for k, v in model.named_parameters()}
        out = lib.func.functional_call(model, params, tens(lib, 4, 3)).sum()
        out.backward()
        return {k: v.grad for k, v in params.items()}
    both(fn)

    def tied(lib):
        class Tied(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Linear(2, 2, bias=False)
                self.b = lib.nn.Linear(2, 2, bias=False)
                self.b.weight = self.a.weight

            def forward(self, x):
                return self.b(self.a(x))
        m, x, w = Tied(), tens(lib, 3, 2), tens(lib, 2, 2, seed=1)
        return (lib.func.functional_call(m, {"a.weight": w}, x),
                lib.func.functional_call(m, {"a.weight": w}, x, tie_weights=False).shape)
    same_tree(tied(M)[0], tied(T)[0])
    assert tuple(tied(M)[1]) == tuple(tied(T)[1])


@pytest.mark.parametrize("call", [
    lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2), {"weight": lib.ones(2, 2)},
                                         lib.ones(2), strict=True),
    lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2), {"nope": lib.ones(2)},
                                         lib.ones(2), strict=True),
    lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2), ({"bias": lib.ones(2)},
                                                               {"bias": lib.ones(2)}),
                                         lib.ones(2)),
    lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2), 3, lib.ones(2)),
])
def test_functional_call_errors(call):
    em, et = raises_like(lambda: call(M), lambda: call(T))
    assert str(em)[:25] == str(et)[:25]


def test_stack_module_state_ensemble():
    def fn(lib):
        models = []
        for i in range(3):
            m = lib.nn.Linear(3, 2)
            with lib.no_grad():
                m.weight.copy_(tens(lib, 2, 3, seed=i))
                m.bias.copy_(tens(lib, 2, seed=i + 5))
            models.append(m)
        params, buffers = lib.func.stack_module_state(models)
        assert all(p.requires_grad and p.grad_fn is None for p in params.values())
        base = models[0]
        out = lib.func.vmap(lambda p, b, x: lib.func.functional_call(base, (p, b), (x,)),
                            in_dims=(0, 0, None))(params, buffers, tens(lib, 4, 3, seed=9))
        return params, buffers, out
    both(fn)
    raises_like(lambda: M.func.stack_module_state([]), lambda: T.func.stack_module_state([]))
    raises_like(lambda: M.func.stack_module_state([M.nn.Linear(1, 1), M.nn.Tanh()]),
                lambda: T.func.stack_module_state([T.nn.Linear(1, 1), T.nn.Tanh()]))
