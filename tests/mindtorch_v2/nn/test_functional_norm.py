"""torch.nn.functional normalisation, dropout, linear and embedding compared with torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
import mindtorch_v2.nn.functional  # noqa: F401  (torch.nn.functional as an attribute)
from helpers import assert_same, raises_like, run_both

RNG = np.random.default_rng(1)


def R(*shape):
    return RNG.standard_normal(shape)


X3 = R(4, 3, 5)
X4 = R(2, 3, 4, 4)
W3, B3 = R(3), R(3)

NORM_CASES = [
    ("layer_norm", lambda L, x, w, b: L.nn.functional.layer_norm(x, [5], w, b),
     [X3, R(5), R(5)]),
    ("layer_norm_2d", lambda L, x, w, b: L.nn.functional.layer_norm(x, (3, 5), w, b, 1e-3),
     [X3, R(3, 5), R(3, 5)]),
    ("layer_norm_noaffine", lambda L, x: L.nn.functional.layer_norm(x, [5]), [X3]),
    ("torch.layer_norm", lambda L, x, w: L.layer_norm(x, [5], w), [X3, R(5)]),
    ("native_layer_norm", lambda L, x, w, b: L.native_layer_norm(x, [5], w, b, 1e-5)[0],
     [X3, R(5), R(5)]),
    ("group_norm", lambda L, x, w, b: L.nn.functional.group_norm(x, 3, w, b), [X4, W3, B3]),
    ("group_norm_1", lambda L, x: L.nn.functional.group_norm(x, 1), [X3]),
    ("torch.group_norm", lambda L, x: L.group_norm(x, 3), [X4]),
    ("instance_norm", lambda L, x, w, b: L.nn.functional.instance_norm(x, weight=w, bias=b),
     [X4, W3, B3]),
    ("rms_norm", lambda L, x, w: L.nn.functional.rms_norm(x, [5], w), [X3, R(5)]),
    ("rms_norm_eps", lambda L, x: L.nn.functional.rms_norm(x, (3, 5), eps=1e-3), [X3]),
    ("local_response_norm", lambda L, x: L.nn.functional.local_response_norm(x, 3), [X4]),
    ("local_response_norm_even",
     lambda L, x: L.nn.functional.local_response_norm(x, 2, 0.1, 0.5, 2.0), [X3]),
    ("normalize", lambda L, x: L.nn.functional.normalize(x), [X3]),
    ("normalize_p1", lambda L, x: L.nn.functional.normalize(x, 1.0, -1), [X3]),
    ("batch_norm_train", lambda L, x, w, b: L.nn.functional.batch_norm(
        x, None, None, w, b, training=True), [X4, W3, B3]),
    ("batch_norm_eval", lambda L, x, w, b, m, v: L.nn.functional.batch_norm(
        x, m.detach(), v.detach().abs() + 0.5, w, b), [X3, W3, B3, W3, B3]),
    ("torch.batch_norm", lambda L, x: L.batch_norm(x, None, None, None, None, True, 0.1,
                                                    1e-5, False), [X4]),
    ("linear", lambda L, x, w, b: L.nn.functional.linear(x, w, b), [X3, R(2, 5), R(2)]),
    ("linear_2d", lambda L, x, w, b: L.nn.functional.linear(x, w, b), [R(4, 5), R(2, 5), R(2)]),
    ("linear_nobias", lambda L, x, w: L.nn.functional.linear(x, w), [R(5), R(2, 5)]),
    ("bilinear", lambda L, a, b, w, c: L.nn.functional.bilinear(a, b, w, c),
     [R(4, 3), R(4, 5), R(2, 3, 5), R(2)]),
    ("torch.bilinear", lambda L, a, b, w: L.bilinear(a, b, w), [R(2, 4, 3), R(2, 4, 5),
                                                               R(2, 3, 5)]),
]


@pytest.mark.parametrize("name,fn,arrays", NORM_CASES, ids=[c[0] for c in NORM_CASES])
@pytest.mark.parametrize("dtype,noncontig", [("float64", False), ("float32", True)])
def test_norm(name, fn, arrays, dtype, noncontig):
    run_both(fn, arrays, dtype, noncontig, rtol=1e-4 if dtype == "float32" else None)


@pytest.mark.parametrize("shape", [(1, 5), (0, 5), (2, 0, 5)])
def test_layer_norm_small_batches(shape):
    run_both(lambda L, x: L.nn.functional.layer_norm(x, [5]), [np.ones(shape) + R(*shape)])


def test_layer_norm_double_backward():
    res = {}
    for L in (M, T):
        x = L.tensor(X3, requires_grad=True)
        w = L.tensor(R(5) if L is M else res["w"], requires_grad=True)
        res.setdefault("w", w.detach().numpy())
        y = L.nn.functional.layer_norm(x, [5], w)
        (gx,) = L.autograd.grad((y * y * y).sum(), x, create_graph=True)
        gx.sum().backward()
        res[L] = gx, x.grad, w.grad
    assert_same(res[M], res[T])


@pytest.mark.parametrize("momentum", [0.1, 0.5])
@pytest.mark.parametrize("x", [X4, X3, R(6, 3)], ids=["4d", "3d", "2d"])
def test_batch_norm_running_stats(x, momentum):
    res = {}
    for L in (M, T):
        rm, rv = L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64)
        xs = L.tensor(x, requires_grad=True)
        y = L.nn.functional.batch_norm(xs, rm, rv, training=True, momentum=momentum)
        y = L.nn.functional.batch_norm(xs * 2, rm, rv, training=True, momentum=momentum)
        y.sum().backward()
        res[L] = y, rm, rv, xs.grad
    assert_same(res[M], res[T])


def test_instance_norm_running_stats():
    res = {}
    for L in (M, T):
        rm, rv = L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64)
        y = L.nn.functional.instance_norm(L.tensor(X4), rm, rv, momentum=0.3)
        e = L.nn.functional.instance_norm(L.tensor(X4), rm, rv, use_input_stats=False)
        res[L] = y, e, rm, rv
    assert_same(res[M], res[T])


NORM_ERRORS = [
    lambda L: L.nn.functional.layer_norm(L.ones(4, 3), [4]),
    lambda L: L.nn.functional.layer_norm(L.ones(4, 3), [3], L.ones(4)),
    lambda L: L.nn.functional.group_norm(L.ones(2, 6, 3), 4),
    lambda L: L.nn.functional.batch_norm(L.ones(1, 3), None, None, training=True),
    lambda L: L.nn.functional.batch_norm(L.ones(2, 3), None, None, training=False),
    lambda L: L.nn.functional.batch_norm(L.ones(2, 3), L.zeros(3), L.ones(3), momentum=None,
                                         training=True),
    lambda L: L.nn.functional.rms_norm(L.ones(4, 3), [4]),
    lambda L: L.nn.functional.local_response_norm(L.ones(4, 3), 2),
    lambda L: L.nn.functional.bilinear(L.ones(2, 3), L.ones(2, 4), L.ones(1, 3, 3)),
]


@pytest.mark.parametrize("i", range(len(NORM_ERRORS)))
def test_norm_errors(i):
    raises_like(lambda: NORM_ERRORS[i](M), lambda: NORM_ERRORS[i](T))


# ---------------------------------------------------------------------------------------
# dropout: statistics and mask structure (values come from a different generator)
# ---------------------------------------------------------------------------------------

def test_dropout_statistics_and_grad():
    x = M.ones(200, 100, dtype=M.float64, requires_grad=True)
    y = M.nn.functional.dropout(x, 0.3)
    vals = np.unique(y.detach().numpy())
    assert set(vals.tolist()) <= {0.0, 1 / 0.7}
    assert abs((y.detach().numpy() == 0).mean() - 0.3) < 0.02
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())


def test_dropout_eval_and_edge_p():
    x = M.randn(4, 5)
    assert M.nn.functional.dropout(x, 0.5, training=False) is x
    assert M.nn.functional.dropout(x, 0.0) is x
    assert (M.nn.functional.dropout(x, 1.0) == 0).all().item()
    assert M.nn.functional.alpha_dropout(x, 0.5) is x            # training=False default
    raises_like(lambda: M.nn.functional.dropout(x, 1.5), lambda: T.nn.functional.dropout(
        T.ones(2), 1.5))


def test_dropout_inplace():
    x = M.ones(50, 40)
    r = M.nn.functional.dropout(x, 0.5, inplace=True)
    assert r is x and ((x == 0) | (x == 2)).all().item()
    y = M.ones(30, 30)
    M.dropout_(y, 0.5, True)
    assert ((y == 0) | (y == 2)).all().item() and (y == 0).any().item()


@pytest.mark.parametrize("fn,shape,lead", [
    ("dropout1d", (8, 16, 10), 2), ("dropout1d", (16, 10), 1),
    ("dropout2d", (8, 16, 5, 5), 2), ("dropout3d", (8, 16, 2, 3, 3), 2),
    ("dropout3d", (16, 2, 3, 3), 1), ("feature_alpha_dropout", (8, 16, 5, 5), 2)])
def test_feature_dropout_masks(fn, shape, lead):
    """Whole channels are dropped: each (sample, channel) slice is constant."""
    kw = {"training": True} if fn == "feature_alpha_dropout" else {}
    y = getattr(M.nn.functional, fn)(M.ones(*shape, dtype=M.float64), 0.5, **kw).numpy()
    flat = y.reshape(int(np.prod(shape[:lead])), -1)
    assert (flat == flat[:, :1]).all()
    assert len(np.unique(flat[:, 0])) == 2


def test_feature_dropout_bad_dims():
    raises_like(lambda: M.nn.functional.dropout1d(M.ones(2, 3, 3, 3)),
                lambda: T.nn.functional.dropout1d(T.ones(2, 3, 3, 3)))


def test_alpha_dropout_keeps_moments():
    x = M.randn(400000, dtype=M.float64)
    y = M.nn.functional.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1) < 0.01
    # dropped elements all take the same value
    xs = x.numpy()
    a = 1.0 / np.sqrt((1.7580993408473766 ** 2 * 0.2 + 1) * 0.8)
    kept = np.isclose(y, xs * a + 1.7580993408473766 * a * 0.2)
    assert abs((~kept).mean() - 0.2) < 0.01
    assert np.ptp(y[~kept]) < 1e-9


# ---------------------------------------------------------------------------------------
# embedding / one_hot
# ---------------------------------------------------------------------------------------

IDX = np.array([[0, 2, 4, 2], [1, 4, 4, 0]])
EMB = [
    ("plain", dict()),
    ("padding", dict(padding_idx=4)),
    ("padding_neg", dict(padding_idx=-1)),
    ("freq", dict(scale_grad_by_freq=True)),
    ("freq_padding", dict(scale_grad_by_freq=True, padding_idx=2)),
]


@pytest.mark.parametrize("name,kw", EMB, ids=[e[0] for e in EMB])
def test_embedding(name, kw):
    w = R(5, 3)
    run_both(lambda L, w: L.nn.functional.embedding(L.tensor(IDX), w, **kw), [w])
    run_both(lambda L, w: L.nn.functional.embedding(L.tensor(IDX[0]).int(), w, **kw), [w],
             "float32")


def test_embedding_max_norm_renormalises_in_place():
    w = R(5, 3) * 3
    res = {}
    for L in (M, T):
        wt = L.tensor(w, requires_grad=True)
        with L.no_grad():
            wc = wt.clone()
        wc.requires_grad_()
        y = L.nn.functional.embedding(L.tensor(IDX), wc, max_norm=1.5)
        y.sum().backward()
        res[L] = y, wc.detach(), wc.grad
    assert_same(res[M], res[T])


def test_torch_embedding_and_errors():
    w = R(5, 3)
    assert_same(M.embedding(M.tensor(w), M.tensor(IDX)), T.embedding(T.tensor(w),
                                                                     T.tensor(IDX)))
    raises_like(lambda: M.nn.functional.embedding(M.tensor([1.0]), M.ones(3, 2)),
                lambda: T.nn.functional.embedding(T.tensor([1.0]), T.ones(3, 2)))
    raises_like(lambda: M.nn.functional.embedding(M.tensor([5]), M.ones(3, 2)),
                lambda: T.nn.functional.embedding(T.tensor([5]), T.ones(3, 2)))
    raises_like(lambda: M.nn.functional.embedding(M.tensor([1]), M.ones(3, 2), padding_idx=3),
                lambda: T.nn.functional.embedding(T.tensor([1]), T.ones(3, 2), padding_idx=3))


BAGS = [
    ("sum2d", dict(mode="sum"), IDX, None),
    ("mean2d", dict(mode="mean"), IDX, None),
    ("max2d", dict(mode="max"), IDX, None),
    ("mean_off", dict(mode="mean"), np.array([0, 2, 4, 1, 3, 3]), [0, 2, 2, 5]),
    ("sum_off_last", dict(mode="sum", include_last_offset=True), np.array([0, 2, 4, 1, 3]),
     [0, 1, 4, 5]),
    ("max_off", dict(mode="max"), np.array([0, 2, 4, 1, 3, 3]), [0, 3]),
    ("mean_pad", dict(mode="mean", padding_idx=4), IDX, None),
    ("sum_pad_off", dict(mode="sum", padding_idx=2), np.array([0, 2, 2, 1, 2]), [0, 1, 3]),
]


@pytest.mark.parametrize("name,kw,idx,offsets", BAGS, ids=[b[0] for b in BAGS])
def test_embedding_bag(name, kw, idx, offsets):
    def fn(L, w):
        off = None if offsets is None else L.tensor(offsets)
        return L.nn.functional.embedding_bag(L.tensor(idx), w, off, **kw)
    run_both(fn, [R(5, 3)])


def test_embedding_bag_per_sample_weights():
    psw = np.abs(R(*IDX.shape))
    run_both(lambda L, w, p: L.nn.functional.embedding_bag(L.tensor(IDX), w, mode="sum",
                                                            per_sample_weights=p),
             [R(5, 3), psw])
    raises_like(lambda: M.nn.functional.embedding_bag(M.tensor(IDX), M.ones(5, 3),
                                                      per_sample_weights=M.ones(2, 4)),
                lambda: T.nn.functional.embedding_bag(T.tensor(IDX), T.ones(5, 3),
                                                      per_sample_weights=T.ones(2, 4)))


@pytest.mark.parametrize("args", [([3, 0, 1], -1), ([[3, 0], [1, 1]], 5), ([], 3)])
def test_one_hot(args):
    v, n = args
    assert_same(M.nn.functional.one_hot(M.tensor(v, dtype=M.int64), n),
                T.nn.functional.one_hot(T.tensor(v, dtype=T.int64), n))


@pytest.mark.parametrize("v,n", [([1.0], 3), ([-1], 3), ([3], 3), ([], -1)])
def test_one_hot_errors(v, n):
    dt = (M.float32, T.float32) if isinstance(v and v[0], float) else (M.int64, T.int64)
    raises_like(lambda: M.nn.functional.one_hot(M.tensor(v, dtype=dt[0]), n),
                lambda: T.nn.functional.one_hot(T.tensor(v, dtype=dt[1]), n))


GRADCHECK = [
    lambda x, w, b: M.native_layer_norm(x, [4], w, b, 1e-5),     # all three outputs
    lambda x, w, b: M.nn.functional.cross_entropy(x.reshape(3, 4), M.tensor([0, 3, 1]),
                                                  label_smoothing=0.1) * w.sum() + b.sum(),
    lambda x, w, b: M.nn.functional.gelu(x, approximate="tanh") * w,
    lambda x, w, b: M.native_batch_norm(x.reshape(3, 4, 1), w, b, None, None, True, 0.1,
                                        1e-5),
    lambda x, w, b: M.nn.functional.batch_norm(x, M.tensor(W3[:1].repeat(4)),
                                               M.tensor(np.abs(B3[:1].repeat(4)) + 0.5), w, b),
    lambda x, w, b: M.nn.functional.ctc_loss(
        x.reshape(3, 1, 4).log_softmax(2), M.tensor([[1, 2]]), [3], [2]) * w.sum(),
]


@pytest.mark.parametrize("i", range(len(GRADCHECK)))
def test_gradcheck(i):
    from mindtorch_v2.autograd.gradcheck import gradcheck
    args = [M.tensor(a, requires_grad=True) for a in (R(3, 4), R(4), R(4))]
    assert gradcheck(GRADCHECK[i], args)
