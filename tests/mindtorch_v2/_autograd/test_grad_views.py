"""Gradients of view ops compared with real torch; also ``grad_case``, the comparison
driver the indexing and shape gradient tests reuse.

Every case builds the same leaves in both libraries (float arrays become leaves requiring
grad; integer/bool arrays become index/mask tensors), runs the same forward and backward
with the same upstream gradient, and compares the leaves' .grad.  Layouts: "plain";
"t": the leaves are non-contiguous (transposed memory); "view": each float input is a view
(``leaf[1]``) of a bigger leaf.  ``order=2`` squares the output and differentiates the sum
of the first-order gradients again (create_graph=True), so the backward formulas
themselves are differentiated.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same

RNG = np.random.default_rng(0)
FLOATS = ("float32", "float64")


def arr(shape, dtype="float64", lo=-1.0, hi=1.0, rng=RNG):
    a = rng.uniform(lo, hi, size=shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.uniform(lo, hi, size=shape)
    return a.astype(dtype)


def _is_float(a):
    return isinstance(a, np.ndarray) and a.dtype.kind in "fc"


def _build(lib, arrays, layout):
    """(leaves, inputs) of one library."""
    leaves, inputs = [], []
    for a in arrays:
        if not isinstance(a, np.ndarray):
            inputs.append(a)
            continue
        if not _is_float(a):
            inputs.append(lib.from_numpy(a.copy()))
            continue
        if layout == "t" and a.ndim >= 2:
            a = a.T.copy().T
        elif layout == "view":
            a = np.stack([a * 0 + 0.5, a])
        leaf = lib.from_numpy(a.copy() if layout != "t" else a).requires_grad_()
        leaves.append(leaf)
        inputs.append(leaf[1] if layout == "view" else leaf)
    return leaves, inputs


def grad_case(fn, arrays, *, layout="plain", order=1, rtol=None, atol=None, seed=1):
    """Compare d fn(lib, *inputs) / d leaves between torch and mindtorch."""
    tl, ti = _build(T, arrays, layout)
    ml, mi = _build(M, arrays, layout)
    tout, mout = fn(T, *ti), fn(M, *mi)
    assert_same(mout.detach(), tout.detach(), rtol=rtol, atol=atol)
    if order == 2:
        tout, mout = tout * tout, mout * mout
    g = arr(tuple(tout.shape), str(tout.dtype).split(".")[1], rng=np.random.default_rng(seed))
    if order == 1:
        tout.backward(T.from_numpy(g.copy()))
        mout.backward(M.from_numpy(g.copy()))
    else:
        tg = T.autograd.grad(tout, tl, T.from_numpy(g.copy()), create_graph=True)
        mg = M.autograd.grad(mout, ml, M.from_numpy(g.copy()), create_graph=True)
        assert_same([x.detach() for x in mg], [x.detach() for x in tg], rtol=rtol, atol=atol)
        w = [arr(tuple(x.shape), str(x.dtype).split(".")[1], rng=np.random.default_rng(seed + 1))
             for x in tg]
        sum((x * T.from_numpy(v.copy())).sum() for x, v in zip(tg, w)).real.backward()
        sum((x * M.from_numpy(v.copy())).sum() for x, v in zip(mg, w)).real.backward()
    assert tl, "no differentiable input"
    for t, m in zip(tl, ml):
        if t.grad is None:
            assert m.grad is None or not m.grad.any()
        else:
            assert m.grad is not None, "missing gradient"
            assert_same(m.grad, t.grad, rtol=rtol, atol=atol)


def gradcheck(fn, arrays):
    """Finite differences in float64 through mindtorch's gradcheck."""
    _, mi = _build(M, [a.astype("float64") if _is_float(a) else a for a in arrays], "plain")
    tensors = [x for x in mi if isinstance(x, M.Tensor) and x.requires_grad]
    def f(*xs):
        it = iter(xs)
        return fn(M, *[next(it) if isinstance(x, M.Tensor) and x.requires_grad else x
                       for x in mi])
    assert M.autograd.gradcheck(f, tuple(tensors))


def run(case, dtype, layout, order):
    fn, shapes = case
    arrays = [arr(s, dtype) if isinstance(s, tuple) else s for s in shapes]
    grad_case(fn, arrays, layout=layout, order=order)


# name -> (fn(lib, *inputs), input shapes (tuples become float arrays))
VIEWS = {
    "view": (lambda L, x: x.reshape(6, 2) if not x.is_contiguous() else x.view(6, 2),
             [(3, 4)]),
    "view_neg1": (lambda L, x: x.contiguous().view(-1), [(3, 4)]),
    "reshape": (lambda L, x: x.reshape(2, 6), [(3, 4)]),
    "flatten": (lambda L, x: x.flatten(), [(2, 3, 2)]),
    "transpose": (lambda L, x: x.transpose(0, 1), [(3, 4)]),
    "t": (lambda L, x: x.t(), [(3, 4)]),
    "mT": (lambda L, x: x.mT, [(2, 3, 4)]),
    "permute": (lambda L, x: x.permute(2, 0, 1), [(2, 3, 4)]),
    "permute_neg": (lambda L, x: x.permute(-1, -3, -2), [(2, 3, 4)]),
    "movedim": (lambda L, x: L.movedim(x, 0, -1), [(2, 3, 4)]),
    "expand": (lambda L, x: x.expand(2, 3, 4), [(3, 1)]),
    "expand_same": (lambda L, x: x.expand(-1, 4), [(3, 4)]),
    "broadcast_to": (lambda L, x: L.broadcast_to(x, (2, 3, 4)), [(4,)]),
    "expand_0dim": (lambda L, x: x.expand(3, 2), [()]),
    "squeeze": (lambda L, x: x.squeeze(), [(3, 1, 4)]),
    "squeeze_dim": (lambda L, x: x.squeeze(1), [(3, 1, 4)]),
    "unsqueeze": (lambda L, x: x.unsqueeze(1), [(3, 4)]),
    "unsqueeze_neg": (lambda L, x: x.unsqueeze(-1), [(3, 4)]),
    "select": (lambda L, x: x.select(1, 2), [(3, 4)]),
    "select_neg": (lambda L, x: x[:, -1], [(3, 4)]),
    "slice": (lambda L, x: x[1:3], [(4, 3)]),
    "slice_step": (lambda L, x: x[:, 1::2], [(3, 5)]),
    "narrow": (lambda L, x: x.narrow(1, 1, 2), [(3, 4)]),
    "split": (lambda L, x: x.split(2, 1)[1], [(3, 5)]),
    "chunk": (lambda L, x: L.stack(x.chunk(2, 0), 0).sum(0) * 1, [(4, 3)]),
    "unbind": (lambda L, x: x.unbind(1)[2], [(3, 4)]),
    "diagonal": (lambda L, x: x.diagonal(), [(3, 4)]),
    "diagonal_off": (lambda L, x: x.diagonal(1, 0, 2), [(3, 2, 4)]),
    "diagonal_neg": (lambda L, x: x.diagonal(-1), [(4, 3)]),
    "unfold": (lambda L, x: x.unfold(1, 3, 1), [(2, 5)]),
    "unfold_step": (lambda L, x: x.unfold(0, 2, 3), [(7, 2)]),
    "as_strided": (lambda L, x: x.contiguous().as_strided((2, 2), (3, 1), 1), [(3, 4)]),
    "as_strided_overlap": (lambda L, x: x.contiguous().as_strided((3, 3), (1, 1)), [(3, 4)]),
    "view_of_view": (lambda L, x: x[1:].t()[1].unsqueeze(0).expand(2, 2), [(3, 4)]),
}


@pytest.mark.parametrize("layout", ["plain", "t", "view"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_grads(name, dtype, layout):
    run(VIEWS[name], dtype, layout, 1)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_second_order(name):
    run(VIEWS[name], "float64", "plain", 2)


@pytest.mark.parametrize("name", ["transpose", "select", "slice_step", "diagonal", "unfold",
                                  "as_strided_overlap", "permute", "expand"])
def test_view_gradcheck(name):
    fn, shapes = VIEWS[name]
    gradcheck(fn, [arr(s) for s in shapes])


@pytest.mark.parametrize("name", ["transpose", "select", "slice", "expand", "diagonal",
                                  "view_of_view"])
def test_view_complex(name):
    run(VIEWS[name], "complex64", "plain", 1)


def test_as_strided_of_expanded_input():
    # the input's own elements overlap: torch shares each storage slot's gradient
    grad_case(lambda L, x: x.expand(3, 4).as_strided((2, 2), (0, 1)), [arr((1, 4))])


def test_view_as_real_complex():
    grad_case(lambda L, x: L.view_as_real(x) * 2, [arr((3, 2), "complex64")])
    grad_case(lambda L, x: L.view_as_complex(x) * (1 + 2j), [arr((3, 2), "float32")])
    grad_case(lambda L, x: x.real * 3 + x.imag, [arr((3,), "complex128")])


def test_view_dtype_not_differentiable():
    for lib in (T, M):
        x = lib.ones(2, 3, dtype=lib.float32, requires_grad=True)
        assert not x.view(lib.int32).requires_grad
        assert not x.view(lib.float32).requires_grad


def test_view_backward_ignores_later_inplace_on_base():
    # a view node saves no tensor: changing the input afterwards is not an error
    grads = []
    for lib in (T, M):
        leaf = lib.ones(3, 4, requires_grad=True)
        base = leaf * 1
        out = base.t()[1:].unsqueeze(0)[0, 1]
        base.add_(1)
        out.backward(lib.ones(3))
        grads.append(leaf.grad)
    assert_same(grads[1], grads[0])


# ---------------------------------------------------------------------------------------
# in-place ops on views, and the in-place errors
# ---------------------------------------------------------------------------------------

INPLACE_ON_VIEW = {
    "slice_mul": lambda L, x: _then(x * 1, lambda b: b[1:].mul_(2)),
    "select_add": lambda L, x: _then(x * 1, lambda b: b[0].add_(b[1].exp())),
    "transpose_view": lambda L, x: _then(x * 1, lambda b: b.t()[1:3, :2].mul_(
        b.t()[:2, :2].clone())),
    "view_of_view": lambda L, x: _then(x * 1, lambda b: b[1:][:, 1].exp_()),
    "setitem_tensor": lambda L, x: _then(x * 1, lambda b: b.__setitem__((0, slice(None)),
                                                                        b[1].exp())),
    "setitem_scalar": lambda L, x: _then(x * 1, lambda b: b.__setitem__(1, 5.0)),
    "setitem_index": lambda L, x: _then(x * 1, lambda b: b.__setitem__(
        (L.tensor([0, 2]), slice(1, 3)), b[1, :2].exp())),
    "iadd_nonleaf": lambda L, x: _then(x * 1, _iadd_row),
    "view_then_read": lambda L, x: _view_then_read(x),
    "two_views": lambda L, x: _then(x * 1, lambda b: (b[0].mul_(2), b[:, 0].add_(1))),
}


def _then(base, mutate):
    mutate(base)
    return base * base


def _iadd_row(b):
    b[0] += b[2].exp()  # __getitem__, in-place add on the view, __setitem__ copy-back


def _view_then_read(x):
    base = x * 1
    v = base[1:]
    v.mul_(2)
    return v * 3 + base.sum()


@pytest.mark.parametrize("name", sorted(INPLACE_ON_VIEW))
@pytest.mark.parametrize("order", [1, 2])
def test_inplace_on_view(name, order):
    grad_case(INPLACE_ON_VIEW[name], [arr((3, 4))], order=order)


def test_inplace_on_view_grad_fn_names():
    leaf = M.ones(3, 4, requires_grad=True)
    base = leaf * 1
    v = base[1:]
    v.mul_(2)
    assert base.grad_fn.name() == "CopySlices"
    assert v.grad_fn is not None


def _errors(lib, kind):
    leaf = lib.ones(3, 4, requires_grad=True)
    if kind == "leaf":
        leaf.mul_(2)
    elif kind == "leaf_view":
        leaf[0].mul_(2)
    elif kind == "leaf_setitem":
        leaf[0] = 1.0
    elif kind == "version":
        y = leaf * 1
        z = y.sin()
        y.add_(1)
        z.sum().backward()
    elif kind == "version_view":
        y = leaf * 1
        z = y[1:].sin()  # sin saves its input, a view of y
        y[1].add_(1)
        z.sum().backward()


@pytest.mark.parametrize("kind", ["leaf", "leaf_view", "leaf_setitem", "version",
                                  "version_view"])
def test_inplace_errors(kind):
    with pytest.raises(RuntimeError) as te:
        _errors(T, kind)
    with pytest.raises(type(te.value)) as me:
        _errors(M, kind)
    key = {"leaf": "leaf Variable", "leaf_view": "leaf Variable",
           "leaf_setitem": "leaf Variable", "version": "inplace operation",
           "version_view": "inplace operation"}[kind]
    assert key in str(te.value) and key in str(me.value)


def test_inplace_under_no_grad_on_leaf_is_allowed():
    for lib in (T, M):
        x = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            x[0] = 5.0
            x.mul_(2)
        (x * x).sum().backward()
        assert x.grad.tolist() == [20.0, 4.0, 4.0]
