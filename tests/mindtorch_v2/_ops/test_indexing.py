"""Indexing family vs real torch: __getitem__/__setitem__ and the gather/scatter/index ops."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check


def X(lib, dt=None):
    return lib.arange(24, dtype=dt or lib.float32).reshape(2, 3, 4)


def XT(lib):
    return X(lib).transpose(0, 2)          # (4, 3, 2), non-contiguous


def L(lib, v):
    return lib.tensor(v, dtype=lib.int64)


# ---------------------------------------------------------------------------------------
# __getitem__
# ---------------------------------------------------------------------------------------

GET_CASES = [
    lambda l: (1,), lambda l: (-1,), lambda l: (slice(None),), lambda l: (slice(1, None),),
    lambda l: (slice(None, None, 2),), lambda l: (Ellipsis,), lambda l: (None,),
    lambda l: (1, slice(0, 3, 2), -1), lambda l: (Ellipsis, 1), lambda l: (None, Ellipsis, None),
    lambda l: (slice(None), None, 2), lambda l: (slice(-2, -1),), lambda l: (slice(1, 100),),
    lambda l: (l.tensor(1),), lambda l: (slice(None), l.tensor(-1)),
    lambda l: (True,), lambda l: (False,), lambda l: (None, True), lambda l: (1, True),
    lambda l: (L(l, [0, 1]),), lambda l: ([1, 0, 1],), lambda l: (np.array([1, 0]),),
    lambda l: (slice(None), L(l, [0, 2])), lambda l: (Ellipsis, L(l, [0, 3])),
    lambda l: (L(l, [0, 1]), slice(None), L(l, [1, 2])),
    lambda l: (slice(None), L(l, [0, 1]), L(l, [1, 2])),
    lambda l: (L(l, [[0], [1]]), slice(1, None), L(l, [1, 2])),
    lambda l: (slice(None), L(l, [[0, 1]])), lambda l: (L(l, [0, 1]), 1),
    lambda l: (1, slice(None), L(l, [0, 1])), lambda l: (L(l, [1]), slice(None), 1),
    lambda l: (slice(1, None), None, L(l, [0, 1])), lambda l: (None, L(l, [0, 1]), None, [0, 1]),
    lambda l: (X(l) > 5,), lambda l: ((X(l) > 5)[0],), lambda l: (slice(None), (X(l) > 5)[0, :, 0]),
    lambda l: (l.tensor(True),), lambda l: (l.tensor([0, 1], dtype=l.int32),),
    lambda l: ([],), lambda l: (L(l, []), slice(None)),
    # errors
    lambda l: (5,), lambda l: (-3,), lambda l: (slice(None), 5), lambda l: ([5],),
    lambda l: (slice(None), [-4]), lambda l: (1, 2, 3, 4), lambda l: (l.tensor([1.0]),),
    lambda l: ((X(l) > 5)[0, :2],), lambda l: (1.5,), lambda l: (L(l, [0, 1]), L(l, [0, 1, 2])),
    lambda l: (slice(None, None, -1),), lambda l: (slice(None, None, 0),),
]


@pytest.mark.parametrize("i", range(len(GET_CASES)))
@pytest.mark.parametrize("src", ["contig", "transposed"])
def test_getitem(i, src):
    if i == 31 and src == "transposed":
        pytest.xfail("known stride difference: x[1:, None, idx] on a transposed input "
                     "(TensorIterator tie-break on size-1 dims)")
    mk = X if src == "contig" else (lambda l: X(l).transpose(1, 2))
    case = GET_CASES[i]
    try:
        t = mk(T)[case(T)]
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            mk(M)[case(M)]
        return
    m = mk(M)[case(M)]
    assert_same(m, t, check_stride=True)
    assert (m._base is not None) == (t._base is not None)


def test_getitem_int_fast_path_and_messages():
    x = M.arange(3)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match="out of bounds for dimension 1 with size 3"):
        X(M)[:, 5]
    with pytest.raises(IndexError):
        M.tensor(1.)[0]
    with pytest.raises(ValueError):
        x[::-1]
    check(lambda l: l.tensor(5.)[None])
    check(lambda l: l.tensor(5.)[...])
    check(lambda l: l.tensor(5.)[l.tensor(False)])


def test_getitem_view_shares_memory_and_meta():
    x = X(M)
    v = x[1, ::2]
    v.fill_(-1)
    assert x[1, 0, 0].item() == -1 and x[1, 1, 0].item() == 24 - 24 + 16
    xm = X(M).to("meta")
    for idx in [(1, slice(None, None, 2)), (None, Ellipsis, 0), (slice(None), [0, 2])]:
        t = X(T).to("meta")[idx if not isinstance(idx[-1], list) else
                             (slice(None), T.tensor([0, 2]))]
        m = xm[idx if not isinstance(idx[-1], list) else (slice(None), M.tensor([0, 2]))]
        assert m.shape == t.shape and m.stride() == t.stride() and m.device.type == "meta"


# ---------------------------------------------------------------------------------------
# __setitem__
# ---------------------------------------------------------------------------------------

SET_CASES = [
    (lambda l: 1, lambda l: 7.), (lambda l: (1, slice(None), 2), lambda l: l.arange(3.)),
    (lambda l: (Ellipsis, 0), lambda l: l.tensor(2, dtype=l.int64)),
    (lambda l: slice(None, None, 2), lambda l: l.ones(1, 1, 3, 4)),
    (lambda l: (slice(None), L(l, [0, 2])), lambda l: -1),
    (lambda l: (L(l, [0, 1]), slice(None), L(l, [1, 2])), lambda l: l.tensor([[5.], [6.]])),
    (lambda l: X(l) > 10, lambda l: 0), (lambda l: X(l) > 10, lambda l: l.arange(13.)),
    (lambda l: (X(l) > 3)[0], lambda l: l.tensor([1., 2.])),
    (lambda l: [0, 1], lambda l: l.tensor(3, dtype=l.int32)),
    (lambda l: (None, 1), lambda l: 9),
    # errors
    (lambda l: 5, lambda l: 1.), (lambda l: (slice(None), L(l, [0, 1])), lambda l: l.ones(3)),
    (lambda l: 0, lambda l: l.ones(2, 3, 4)),
]


@pytest.mark.parametrize("i", range(len(SET_CASES)))
@pytest.mark.parametrize("dt", ["float32", "int64"])
def test_setitem(i, dt):
    idx, val = SET_CASES[i]

    def run(l):
        x = X(l, getattr(l, dt)).transpose(1, 2)
        v0 = x._version
        x[idx(l)] = val(l)
        return x, x._version > v0
    try:
        t, tb = run(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            run(M)
        return
    m, mb = run(M)
    assert_same(m, t, check_stride=True)
    assert mb and tb


def test_setitem_through_view_updates_base():
    x = M.zeros(3, 4)
    y = x[1:]
    y[:, [0, 3]] = 5.
    t = T.zeros(3, 4)
    t[1:][:, [0, 3]] = 5.
    assert_same(x, t)


# ---------------------------------------------------------------------------------------
# ops
# ---------------------------------------------------------------------------------------

OP_CASES = {
    "gather": [
        lambda l: l.gather(X(l), 1, L(l, [[[0], [2]]])),
        lambda l: l.gather(XT(l), -1, L(l, [[[1, 0]], [[0, 0]]])),
        lambda l: l.gather(l.tensor(1.), 0, L(l, [0])),
        lambda l: l.gather(l.tensor([1., 2]), 0, l.tensor(1)),
        lambda l: X(l).gather(0, L(l, [[[5]]])), lambda l: X(l).gather(0, L(l, [[[-1]]])),
        lambda l: X(l).gather(0, l.tensor([[[1]]], dtype=l.int32)),
        lambda l: X(l).gather(1, l.zeros(5, 1, 1, dtype=l.int64)),
        lambda l: X(l).gather(1, l.zeros(1, 1, dtype=l.int64)),
        lambda l: l.gather(X(l), 2, L(l, [[[3]]]), out=l.empty(0)),
        lambda l: X(l).gather(0, l.zeros(0, 3, 4, dtype=l.int64)),
    ],
    "scatter": [
        lambda l: X(l).scatter(0, L(l, [[[1, 0]]]), 9.),
        lambda l: XT(l).scatter(1, L(l, [[[1], [0]]]), XT(l) * 10),
        lambda l: X(l).scatter(2, L(l, [[[1, 1]]]), X(l), reduce="add"),
        lambda l: X(l).scatter(2, L(l, [[[1, 1]]]), 2., reduce="multiply"),
        lambda l: X(l).scatter_(1, L(l, [[[2]]]), -1.),
        lambda l: X(l).scatter(0, L(l, [[[5]]]), 1.),
        lambda l: X(l).scatter(0, L(l, [[[1]]]), 1., reduce="foo"),
        lambda l: X(l).scatter(0, L(l, [[[1]]]), l.ones(1, 1, 1, dtype=l.float64)),
        lambda l: l.scatter(X(l), 0, L(l, [[[1]]]), value=3.),
        lambda l: X(l, l.int64).scatter(0, L(l, [[[1]]]), 2.5),
    ],
    "scatter_add": [
        lambda l: X(l).scatter_add(1, L(l, [[[1, 0], [1, 1]]]), X(l)),
        lambda l: XT(l).scatter_add_(0, L(l, [[[3, 3]]]), XT(l)),
        lambda l: l.scatter_add(X(l, l.int64), 2, L(l, [[[0, 0, 0]]]), X(l, l.int64)),
        lambda l: X(l).scatter_add(1, l.tensor([[[1]]], dtype=l.int32), X(l)),
    ],
    "scatter_reduce": [
        (lambda r, s: lambda l: X(l).scatter_reduce(1, L(l, [[[1, 0], [1, 1]]]), X(l) + 0.5, r,
                                                    include_self=s))(r, s)
        for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)
    ] + [
        lambda l: X(l, l.int64).scatter_reduce(2, L(l, [[[0, 0, 0]]]), X(l, l.int64) * 3, "mean"),
        lambda l: X(l).scatter_reduce_(0, L(l, [[[1]]]), X(l), "amax", include_self=False),
        lambda l: X(l).scatter_reduce(0, L(l, [[[1]]]), X(l), "foo"),
    ],
    "index_select": [
        lambda l: l.index_select(XT(l), 1, L(l, [2, 0, 0])),
        lambda l: X(l).index_select(-1, l.tensor([3, 1], dtype=l.int32)),
        lambda l: X(l).index_select(1, l.tensor(1)),
        lambda l: l.index_select(l.tensor(1.), 0, L(l, [0])),
        lambda l: X(l).index_select(0, L(l, [5])), lambda l: X(l).index_select(0, L(l, [-1])),
        lambda l: X(l).index_select(0, L(l, [[0]])),
        lambda l: X(l).index_select(0, l.tensor([0.])),
        lambda l: l.index_select(X(l), 2, L(l, []), out=l.empty(2)),
    ],
    "index_add": [
        lambda l: XT(l).index_add(0, L(l, [1, 1]), l.ones(2, 3, 2)),
        lambda l: X(l).index_add(2, L(l, [0, 3]), l.ones(2, 3, 2), alpha=3),
        lambda l: X(l).index_add_(1, l.tensor([2], dtype=l.int32), l.ones(2, 1, 4)),
        lambda l: X(l).index_add(0, L(l, [5]), l.ones(1, 3, 4)),
        lambda l: X(l).index_add(0, L(l, [1]), l.ones(1, 3, 4, dtype=l.float64)),
        lambda l: l.index_add(X(l, l.int64), 0, L(l, [0]), l.ones(1, 3, 4, dtype=l.int64)),
    ],
    "index_copy": [
        lambda l: XT(l).index_copy(0, L(l, [1]), l.ones(1, 3, 2)),
        lambda l: X(l).index_copy_(2, L(l, [3, 0]), l.zeros(2, 3, 2)),
        lambda l: X(l).index_copy(0, L(l, [5]), l.ones(1, 3, 4)),
        lambda l: X(l).index_copy(0, l.tensor([1], dtype=l.int32), l.ones(1, 3, 4)),
        lambda l: l.index_copy(X(l), 0, L(l, [1]), l.ones(1, 3, 4)),
    ],
    "index_fill": [
        lambda l: XT(l).index_fill(0, L(l, [1, 3]), 2.),
        lambda l: X(l).index_fill_(-1, L(l, [0]), l.tensor(-5.)),
        lambda l: X(l, l.int64).index_fill(1, L(l, [2]), 7),
        lambda l: X(l).index_fill(0, L(l, [5]), 1.),
        lambda l: X(l).index_fill(0, l.tensor([1], dtype=l.int32), 1.),
        lambda l: l.index_fill(X(l), 1, L(l, [0]), 3.),
    ],
    "index_put": [
        lambda l: XT(l).index_put((L(l, [1]),), l.tensor(1.)),
        lambda l: X(l).index_put((L(l, [0, 0]), None, L(l, [1, 1])), l.ones(2, 3),
                                 accumulate=True),
        lambda l: X(l).index_put_((X(l) > 4,), l.tensor(0.)),
        lambda l: l.index_put(X(l), (L(l, [5]),), l.tensor(1.)),
        lambda l: l.index_put(X(l), (L(l, [1]),), l.tensor(1)),
        lambda l: l.index_put_(X(l), (L(l, [1]), L(l, [2])), l.tensor([1., 2., 3., 4.])),
        lambda l: X(l).index_put((L(l, [1]),), l.ones(5)),
    ],
    "masked_fill": [
        lambda l: XT(l).masked_fill(l.ones(3, 1, dtype=l.bool), 2.),
        lambda l: X(l)[0].masked_fill(X(l) > 4, 2.),
        lambda l: X(l, l.int64).masked_fill(X(l) > 4, l.tensor(3.7)),
        lambda l: X(l).masked_fill_(X(l)[0] > 4, -1.),
        lambda l: X(l).masked_fill(l.ones(3, 4, dtype=l.int64), 1.),
        lambda l: X(l).masked_fill(X(l) > 4, l.ones(1)),
        lambda l: X(l)[0].masked_fill_(X(l) > 4, 2.),
    ],
    "masked_select": [
        lambda l: l.masked_select(XT(l), XT(l) > 7), lambda l: X(l).masked_select(X(l)[0] > 3),
        lambda l: l.masked_select(X(l), X(l) > 100),
        lambda l: l.masked_select(X(l), X(l) > 10, out=l.empty(0)),
        lambda l: l.masked_select(X(l), L(l, [1])),
    ],
    "masked_scatter": [
        lambda l: XT(l).masked_scatter(l.ones(3, 1, dtype=l.bool), -l.arange(30.)),
        lambda l: X(l).masked_scatter_(X(l) > 13, -l.arange(10.)),
        lambda l: X(l).masked_scatter(X(l) > 3, l.ones(2)),
        lambda l: X(l).masked_scatter(X(l) > 3, l.ones(30, dtype=l.float64)),
    ],
    "nonzero": [
        lambda l: l.nonzero(X(l)), lambda l: l.nonzero(XT(l) > 10), lambda l: l.nonzero(l.zeros(2, 3)),
        lambda l: l.nonzero(l.tensor(3.)), lambda l: l.nonzero(l.tensor(0.)),
        lambda l: l.nonzero(l.tensor([0, 2, 3])), lambda l: l.nonzero(X(l), as_tuple=True),
        lambda l: l.nonzero(l.tensor(3.), as_tuple=True), lambda l: X(l).nonzero(),
        lambda l: l.where(X(l) > 20), lambda l: l.argwhere(XT(l)),
        lambda l: l.nonzero(X(l), out=l.empty(0, dtype=l.int64)).contiguous(),
    ],
    "take": [
        lambda l: l.take(XT(l), L(l, [[0, 5], [-1, 2]])), lambda l: X(l).take(L(l, 3)),
        lambda l: X(l).take(L(l, [100])), lambda l: X(l).take(l.tensor([1], dtype=l.int32)),
        lambda l: l.take(X(l), L(l, [1, 2]), out=l.empty(0)),
    ],
    "take_along_dim": [
        lambda l: l.take_along_dim(XT(l), L(l, [[[0]]]), 1),
        lambda l: l.take_along_dim(X(l), L(l, [3, 1])),
        lambda l: l.take_along_dim(X(l), l.argsort(X(l), dim=2), dim=2) if hasattr(l, "argsort")
        else l.take_along_dim(X(l), L(l, [[[3, 2, 1, 0]]]), dim=2),
        lambda l: X(l).take_along_dim(L(l, [[[1], [0], [1]]]), -1),
        lambda l: l.take_along_dim(X(l), L(l, [1]), 0),
        lambda l: l.take_along_dim(X(l), l.tensor([[[1]]], dtype=l.int32), 0),
    ],
    "put": [
        lambda l: XT(l).put(L(l, [1, -2]), l.ones(2)),
        lambda l: X(l).put_(L(l, [1, 1]), l.tensor([2., 3.]), accumulate=True),
        lambda l: X(l).put(L(l, [100]), l.ones(1)),
        lambda l: X(l).put(L(l, [1]), l.ones(1, dtype=l.float64)),
        lambda l: X(l).put(L(l, [1, 2]), l.ones(1)),
        lambda l: l.put(X(l), L(l, [[0], [1]]), l.ones(2)),
        lambda l: XT(l).put_(L(l, [0, 23]), l.tensor([-1., -2.])),
    ],
}

FLAT = [(name, i) for name, cases in OP_CASES.items() for i in range(len(cases))]


@pytest.mark.parametrize("name,i", FLAT, ids=[f"{n}-{i}" for n, i in FLAT])
def test_ops(name, i):
    check(OP_CASES[name][i], check_stride=True)


@pytest.mark.parametrize("name", ["scatter_", "index_add_", "masked_fill_", "put_", "index_put_"])
def test_inplace_returns_self_and_bumps_version(name):
    x = X(M)
    v0 = x._version
    args = {"scatter_": (0, L(M, [[[1]]]), 2.), "index_add_": (0, L(M, [1]), M.ones(1, 3, 4)),
            "masked_fill_": (X(M) > 3, 0.), "put_": (L(M, [0]), M.ones(1)),
            "index_put_": ((L(M, [0]),), M.tensor(1.))}[name]
    r = getattr(x, name)(*args)
    assert r is x and x._version > v0


def test_meta_data_dependent_raise():
    xm = X(M).to("meta")
    for f in (lambda: M.nonzero(xm), lambda: M.masked_select(xm, xm > 1), lambda: xm[xm > 1]):
        with pytest.raises(NotImplementedError):
            f()


def test_meta_ops_agree_with_torch():
    for f in (lambda l: l.gather(X(l).to("meta"), 1, L(l, [[[0], [2]]]).to("meta")),
              lambda l: X(l).transpose(0, 2).to("meta").index_put(
                  (L(l, [1]).to("meta"),), l.tensor(1.).to("meta")),
              lambda l: X(l).to("meta")[:, L(l, [0, 1]).to("meta")]):
        m, t = f(M), f(T)
        assert m.shape == t.shape and m.stride() == t.stride()
