"""torch.functionalize: mutations run out of place and are written back into the base.

Values are compared with real torch running the same code eagerly (functionalization must
not change results); spies on kernels and on the write-back table check that the layer,
not the in-place kernels, did the work.
"""
from __future__ import annotations

import threading

import pytest
import torch as T

import mindtorch_v2 as M
from mindtorch_v2 import _functionalize as F
from mindtorch_v2._dispatch.dispatcher import STATE
from mindtorch_v2._ops.registry import OPS

from helpers import assert_same, raises_like


# ---------------------------------------------------------------------------------------
# seed 004 contracts (values read with tolist(), per seeds/README.md)
# ---------------------------------------------------------------------------------------

def test_functionalize_writeback_respects_view_cpu():
    base = M.tensor([1.0, 2.0, 3.0, 4.0])
    view = base.view((2, 2))
    with M.functionalize():
        view.add_(M.ones((2, 2)))
    assert base.tolist() == [2.0, 3.0, 4.0, 5.0]
    assert view.tolist() == [[2.0, 3.0], [4.0, 5.0]]


def test_functionalize_writeback_respects_view_npu():
    if not M.npu.is_available():
        pytest.skip("NPU not available")
    base = M.tensor([1.0, 2.0, 3.0, 4.0], device="npu")
    view = base.view((2, 2))
    with M.functionalize():
        view.add_(M.ones((2, 2), device="npu"))
    assert base.to("cpu").tolist() == [2.0, 3.0, 4.0, 5.0]


def test_functionalize_writeback_respects_view_meta():
    base = M.tensor([1.0, 2.0, 3.0, 4.0], device="meta")
    view = base.view((2, 2))
    with M.functionalize():
        view.add_(M.ones((2, 2), device="meta"))
    assert base.device.type == "meta"
    assert base.shape == (4,)
    assert view.shape == (2, 2)


# ---------------------------------------------------------------------------------------
# the layer does the work (spies)
# ---------------------------------------------------------------------------------------

@pytest.fixture
def no_add_kernel(monkeypatch):
    """The in-place add_ kernel raises: only a functionalized add_ can succeed."""
    def boom(*a, **k):
        raise AssertionError("in-place kernel called")
    monkeypatch.setitem(OPS["add_"].kernels, "cpu", boom)


def test_inplace_kernel_not_used(no_add_kernel):
    x = M.zeros(4)
    with pytest.raises(AssertionError):
        x.add_(1)  # outside: the (sabotaged) in-place kernel runs
    with M.functionalize():
        x.add_(1)
        x[1:].add_(2)
    assert x.tolist() == [1.0, 3.0, 3.0, 3.0]


@pytest.fixture
def writes(monkeypatch):
    """Record every CPU write-back as (base, geometry)."""
    log = []
    real = F.WRITEBACK["cpu"]

    def spy(base, value, geom):
        log.append((base, geom))
        real(base, value, geom)
    monkeypatch.setitem(F.WRITEBACK, "cpu", spy)
    return log


def test_writeback_goes_to_base_with_view_geometry(writes):
    root = M.arange(24.)
    x = root.view(4, 6)
    v = x.t()[2:5, 1:3]  # view of a view of a view: transpose, offset, strides
    with M.functionalize():
        v.mul_(-1)
    (base, g), = writes
    assert base is root and v._base is root
    assert (g.shape, g.stride, g.offset, g.dtype) == ((3, 2), (1, 6), 8, M.float32)
    t = T.arange(24.).reshape(4, 6)
    t.t()[2:5, 1:3].mul_(-1)
    assert_same(x, t)


def test_writeback_non_view_into_itself(writes):
    x = M.ones(3)
    ptr = x.data_ptr()
    with M.functionalize():
        x.mul_(5)
    (base, g), = writes
    assert base is x and g.offset == 0 and g.shape == (3,)
    assert x.data_ptr() == ptr and x.tolist() == [5.0, 5.0, 5.0]


def test_writeback_offset_relative_to_base_with_dtype_view(writes):
    x = M.zeros(4)
    v = x.view(M.int32)[1:3]
    with M.functionalize():
        v.fill_(0x3F800000)  # bit pattern of 1.0f
    (base, g), = writes
    assert base is x and g.offset == 1 and g.dtype is M.int32
    assert x.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_register_writeback_hook(monkeypatch):
    seen = []
    monkeypatch.setitem(F.WRITEBACK, "cpu", lambda b, v, g: seen.append(g.shape))
    x = M.zeros(2, 3)
    with M.functionalize():
        x[0].add_(1)
    assert seen == [(3,)] and x.tolist() == [[0.0] * 3] * 2  # the hook did not write
    F.register_writeback("cpu", F._strided_copy)
    with M.functionalize():
        x[0].add_(1)
    assert x.tolist() == [[1.0] * 3, [0.0] * 3]


# ---------------------------------------------------------------------------------------
# values: functionalized mindtorch == eager torch
# ---------------------------------------------------------------------------------------

def _views_and_mutations(lib, x):
    y = x.view(3, 4)
    y.add_(1)                       # y = x.view(...); y.add_(1)
    x[1:] += 1                      # slice view, __iadd__ + __setitem__
    t = y.t()                       # transpose
    t[1:3].mul_(10)                 # view of a view with offset and strides
    y[::2, 1::2].sub_(0.5)          # strides in both dims
    y.diagonal().neg_()
    return x, y


def _setitem(lib, x):
    y = x.view(3, 4)
    y[0] = 7.0
    y[:, 1] = lib.tensor([1.0, 2.0, 3.0])
    y[1, 1:3] = y[2, :2]            # source aliases the base
    y[lib.tensor([0, 2]), 3] = lib.tensor([-1.0, -2.0])   # advanced index: index_put_
    y[y > 5] = 0.0
    return x


def _out_writes(lib, x):
    y = x.view(3, 4)
    lib.add(y[0], 1, out=y[2])      # out= into a view
    lib.mul(y[:, 0], y[:, 1], out=y[:, 3])  # strided out=
    lib.sum(y[:, :2], 1, out=y[:, 2])
    return x


def _copies_and_fills(lib, x):
    y = x.view(3, 4)
    y[1].copy_(lib.tensor([1, 2, 3, 4]))   # cast int -> float
    y[:, 2:].copy_(lib.tensor([9.0, 8.0]))  # broadcast source
    y[2].fill_(3)
    y.t()[0].zero_()
    return x


def _no_outplace_twin(lib, x):
    y = x.view(3, 4)
    y[1].index_add_(0, lib.tensor([0, 0, 3]), lib.tensor([1.0, 2.0, 3.0]))
    y.t()[1:3].scatter_(1, lib.tensor([[0], [2]]), -4.0)
    y[2].masked_fill_(y[2] > 9, 100.0)
    y[0].clamp_(2.0, 3.0)
    y[:2].tril_()
    return x


def _int_and_compare(lib, x):
    i = x.to(lib.int64).view(4, 3)
    i[1:].mul_(3)
    i[:, 0].floor_divide_(2)
    f = x.view(2, 6)
    f[0].gt_(4.0)                   # result is bool, cast back into float
    return i, x


def _complex_views(lib, x):
    z = lib.complex(x[:6], x[6:])
    r = lib.view_as_real(z)         # float view of a complex base
    r[:, 1].mul_(-1)                # conjugate through the real view
    z[2:].mul_(1j)
    return z


CASES = [_views_and_mutations, _setitem, _out_writes, _copies_and_fills, _no_outplace_twin,
         _int_and_compare, _complex_views]


@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__[1:])
def test_values_match_eager_torch(case):
    want = case(T, T.arange(12.))
    x = M.arange(12.)
    with M.functionalize():
        got = case(M, x)
    assert_same(got, want)
    again = case(M, M.arange(12.))  # and the same code without the layer
    assert_same(again, want)


def test_version_counter_bumped_like_torch():
    t = T.zeros(6)
    m = M.zeros(6)
    with M.functionalize():
        for lib, x in ((T, t), (M, m)):
            v = x.view(2, 3)
            v[0].add_(1)
            v[1] = 5.0
            x.mul_(2)
    assert m._version == t._version and m.tolist() == t.tolist()


# ---------------------------------------------------------------------------------------
# errors are torch's
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros(4).expand(3, 4).add_(1),          # internal overlap
    lambda lib: lib.zeros(3, dtype=lib.int64)[1:].add_(1.5),  # float into long
    lambda lib: lib.zeros(3)[:2].add_(lib.ones(2, 2)),      # broadcast beyond self
    lambda lib: lib.zeros(3).copy_(lib.ones(2)),
], ids=["overlap", "cast", "broadcast", "copy_shape"])
def test_errors_like_torch(fn):
    with M.functionalize():
        em, et = raises_like(lambda: fn(M), lambda: fn(T))
    assert str(em) == str(et)


# ---------------------------------------------------------------------------------------
# meta: metadata only
# ---------------------------------------------------------------------------------------

def test_meta_shapes_and_strides_unchanged():
    def run(lib):
        x = lib.empty(4, 6, device="meta")
        v = x.t()[1:4, ::2]
        with (M.functionalize() if lib is M else T.no_grad()):
            v.mul_(2)
            v.copy_(lib.empty(3, 2, device="meta"))
            x[1:].add_(lib.empty(6, device="meta"))
            r = lib.add(x[0], 1, out=x[1])
        return x, v, r
    for m, t in zip(run(M), run(T)):
        assert m.device.type == "meta"
        assert_same(m, t, check_stride=True)


# ---------------------------------------------------------------------------------------
# autograd through a functionalized region
# ---------------------------------------------------------------------------------------

def _grad_case(lib, a, w):
    x = a * 1
    v = x.view(2, 3)
    v[0].mul_(w[:3])               # in-place on a view, both sides need grad
    v.t()[1:].add_(w[3:5, None])   # transpose + offset + broadcast
    x[1:] += x[:-1].detach() * 2
    v[1, 2] = w[5] ** 2            # __setitem__ with a tensor requiring grad
    x.exp_()
    return (x * lib.arange(6.)).sum()


def _grads(lib, fz):
    a = lib.tensor([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([1.5, -1.0, 0.5, 2.0, 0.25, -0.75], dtype=lib.float64, requires_grad=True)
    if fz:
        with M.functionalize():
            loss = _grad_case(lib, a, w)
    else:
        loss = _grad_case(lib, a, w)
    loss.backward()
    return loss, a.grad, w.grad


def test_gradients_equal_without_functionalize_and_torch():
    want = _grads(T, False)
    assert_same(_grads(M, True), want)
    assert_same(_grads(M, False), want)


def test_view_taken_before_a_mutation_carries_its_gradient():
    # v's history predates x[0].mul_(w): its gradient must still reach w (torch regenerates
    # such views from the base; the layer reads them through a fresh alias of the base)
    outs = []
    for lib in (M, T):
        a = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        w = lib.tensor(3.0, requires_grad=True)
        with M.functionalize():
            x = a * 1
            v = x.view(2, 2)
            x[0].mul_(w)
            (v * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        outs.append((a.grad, w.grad))
    assert_same(outs[0], outs[1])


def test_backward_inside_region_and_higher_order():
    a = M.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ta = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with M.functionalize():
        outs = []
        for lib, p in ((M, a), (T, ta)):
            y = p * p
            y[1:].mul_(p[:2])
            g, = lib.autograd.grad(y.sum(), p, create_graph=True)
            g2, = lib.autograd.grad(g.sum(), p)
            outs.append((g, g2))
    assert_same(outs[0], outs[1])


def test_autograd_errors_unchanged():
    with M.functionalize():
        for fn in (lambda lib: lib.ones(2, requires_grad=True).add_(1),
                   lambda lib: lib.ones(2, requires_grad=True)[0].mul_(2)):
            em, et = raises_like(lambda: fn(M), lambda: fn(T))
            assert str(em) == str(et)

        def saved_modified(lib):
            a = lib.ones(2, requires_grad=True)
            b = a.exp()
            b.add_(1)  # exp's backward reads its result
            b.sum().backward()
        raises_like(lambda: saved_modified(M), lambda: saved_modified(T))


def test_grad_fn_rebased_like_eager():
    a = M.ones(4, requires_grad=True)
    with M.functionalize():
        x = a.clone()
        x[1:3].mul_(2)
    assert x.grad_fn.name() == "CopySlices"
    with M.no_grad(), M.functionalize():
        y = a.clone()
        y[0].add_(1)  # no history recorded under no_grad
    assert y.grad_fn is None and y.tolist() == [2.0, 1.0, 1.0, 1.0]


# ---------------------------------------------------------------------------------------
# the switch: context, decorator, nesting, exceptions, threads
# ---------------------------------------------------------------------------------------

def test_context_nesting_and_exception_restore():
    assert STATE.functionalize is False
    with M.functionalize():
        with M.functionalize():
            assert STATE.functionalize is True
        assert STATE.functionalize is True
        with pytest.raises(RuntimeError):
            with M.functionalize():
                M.zeros(2).add_(M.ones(3))
        assert STATE.functionalize is True
    assert STATE.functionalize is False
    with pytest.raises(ZeroDivisionError):
        with M.functionalize():
            1 / 0
    assert STATE.functionalize is False


def test_decorator_forms(no_add_kernel):
    @M.functionalize()
    def f(x):
        assert STATE.functionalize
        x[1:].add_(1)
        return x

    @M.functionalize
    def g(x):
        x.view(2, 2)[0].add_(1)
        return x

    def h(x):
        x.t()[0].add_(1)
        return x

    assert f(M.zeros(3)).tolist() == [0.0, 1.0, 1.0]
    assert g(M.zeros(4)).tolist() == [1.0, 1.0, 0.0, 0.0]
    assert M.functionalize(h)(M.zeros(2, 2)).tolist() == [[1.0, 0.0], [1.0, 0.0]]
    assert f.__name__ == "f" and STATE.functionalize is False

    class Mod:
        @M.functionalize
        def run(self, x):
            return h(x)
    assert Mod().run(M.zeros(2, 3)).tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]

    @M.functionalize()
    def bad():
        raise ValueError
    with pytest.raises(ValueError):
        bad()
    assert STATE.functionalize is False
    with pytest.raises(RuntimeError):
        M.functionalize(h, remove="everything")


def test_state_is_per_thread():
    seen = []
    with M.functionalize():
        th = threading.Thread(target=lambda: seen.append(STATE.functionalize))
        th.start()
        th.join()
    assert seen == [False]
