"""RNN / LSTM / GRU and their cells against torch: torch's state dict loaded into ours, same
inputs -> same outputs, final states, and gradients of inputs, states and parameters."""
import warnings

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, raises_like, to_mt

TOL = {T.float32: dict(rtol=2e-5, atol=2e-5), T.float64: {}}


def make_pair(cls, *args, dtype=T.float64, **kw):
    t = getattr(T.nn, cls)(*args, **kw).to(dtype)
    m = getattr(M.nn, cls)(*args, **kw).to(M.float64 if dtype == T.float64 else M.float32)
    res = m.load_state_dict({k: to_mt(v) for k, v in t.state_dict().items()})
    assert not res.missing_keys and not res.unexpected_keys
    return m, t


def leaf(x):
    """The same data as a torch leaf and a mindtorch leaf, both requiring grad."""
    return to_mt(x).requires_grad_(), x.detach().clone().requires_grad_()


def flat(out):
    """Tensors of an RNN result (output may be packed, hidden may be a tuple)."""
    res = []
    for o in out if isinstance(out, tuple) else (out,):
        if isinstance(o, tuple) and not hasattr(o, "batch_sizes"):
            res.extend(o)
        elif hasattr(o, "batch_sizes"):
            res.append(o.data)
        else:
            res.append(o)
    return res


def compare_grads(m, t, mt_leaves, t_leaves, outs_m, outs_t, tol):
    # a fixed random weighting of every output so every value matters to the gradient
    gen = T.Generator().manual_seed(1)
    loss_t = sum((o * T.randn(o.shape, generator=gen, dtype=T.float64).to(o.dtype)).sum()
                 for o in outs_t)
    gen = T.Generator().manual_seed(1)
    loss_m = sum((o * to_mt(T.randn(tuple(o.shape), generator=gen, dtype=T.float64))
                  .to(o.dtype)).sum() for o in outs_m)
    loss_t.backward()
    loss_m.backward()
    for a, b in zip(mt_leaves, t_leaves):
        assert_same(a.grad, b.grad, **tol)
    for (n1, p1), (n2, p2) in zip(m.named_parameters(), t.named_parameters()):
        assert n1 == n2
        assert_same(p1.grad, p2.grad, **tol)


CONFIGS = [
    ("RNN", {}),
    ("RNN", dict(nonlinearity="relu", num_layers=2)),
    ("RNN", dict(bias=False, bidirectional=True)),
    ("LSTM", {}),
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("LSTM", dict(proj_size=3)),
    ("LSTM", dict(proj_size=2, num_layers=2, bidirectional=True, bias=False)),
    ("GRU", {}),
    ("GRU", dict(num_layers=3, bidirectional=True)),
    ("GRU", dict(bias=False, batch_first=True)),
]
IDS = [f"{c}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for c, kw in CONFIGS]


def hidden_shape(kw, batch):
    nd = 2 if kw.get("bidirectional") else 1
    lead = (kw.get("num_layers", 1) * nd,) + ((batch,) if batch is not None else ())
    h = (5,) if not kw.get("proj_size") else (kw["proj_size"],)
    return lead + h, lead + (5,)


def make_hx(cls, kw, batch, dtype):
    hs, cs = hidden_shape(kw, batch)
    h = T.randn(hs, dtype=dtype)
    return (h, T.randn(cs, dtype=dtype)) if cls == "LSTM" else h


@pytest.mark.parametrize("cls,kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype,with_hx", [(T.float64, False), (T.float64, True),
                                           (T.float32, True)])
def test_padded_forward_backward(cls, kw, dtype, with_hx):
    T.manual_seed(0)
    m, t = make_pair(cls, 4, 5, dtype=dtype, **kw)
    bf = kw.get("batch_first", False)
    x = T.randn((3, 6, 4) if bf else (6, 3, 4), dtype=dtype)
    xm, xt = leaf(x)
    lm, lt = [xm], [xt]
    hm = ht = None
    if with_hx:
        hx = make_hx(cls, kw, 3, dtype)
        pairs = [leaf(h) for h in (hx if isinstance(hx, tuple) else (hx,))]
        hm = tuple(p[0] for p in pairs) if cls == "LSTM" else pairs[0][0]
        ht = tuple(p[1] for p in pairs) if cls == "LSTM" else pairs[0][1]
        lm += [p[0] for p in pairs]
        lt += [p[1] for p in pairs]
    om, ot = flat(m(xm, hm)), flat(t(xt, ht))
    assert_same(om, ot, **TOL[dtype])
    compare_grads(m, t, lm, lt, om, ot, TOL[dtype])


@pytest.mark.parametrize("cls,kw", CONFIGS[::2], ids=IDS[::2])
def test_unbatched_and_noncontiguous(cls, kw):
    T.manual_seed(1)
    m, t = make_pair(cls, 4, 5, **kw)
    # unbatched (L, H_in) input with an unbatched state
    x = T.randn(6, 4, dtype=T.float64)
    hx = make_hx(cls, kw, None, T.float64)
    hm = tuple(to_mt(h) for h in hx) if isinstance(hx, tuple) else to_mt(hx)
    assert_same(flat(m(to_mt(x), hm)), flat(t(x, hx)))
    assert_same(flat(m(to_mt(x))), flat(t(x)))
    # a transposed (non-contiguous) input
    x = T.randn(4, 3, 6, dtype=T.float64)
    xt = x.permute(2, 1, 0) if not kw.get("batch_first") else x.permute(1, 2, 0)
    xm = to_mt(x).permute(2, 1, 0) if not kw.get("batch_first") else to_mt(x).permute(1, 2, 0)
    assert not xm.is_contiguous()
    om, ot = flat(m(xm)), flat(t(xt))
    assert_same(om, ot)


@pytest.mark.parametrize("cls,kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed(cls, kw, enforce_sorted):
    T.manual_seed(2)
    m, t = make_pair(cls, 4, 5, **kw)
    bf = kw.get("batch_first", False)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x = T.randn((4, 5, 4) if bf else (5, 4, 4), dtype=T.float64)
    xm, xt = leaf(x)
    pm = M.nn.utils.rnn.pack_padded_sequence(xm, lengths, batch_first=bf,
                                             enforce_sorted=enforce_sorted)
    pt = T.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=bf,
                                             enforce_sorted=enforce_sorted)
    hx = make_hx(cls, kw, 4, T.float64)
    pairs = [leaf(h) for h in (hx if isinstance(hx, tuple) else (hx,))]
    hm = tuple(p[0] for p in pairs) if cls == "LSTM" else pairs[0][0]
    ht = tuple(p[1] for p in pairs) if cls == "LSTM" else pairs[0][1]
    out_m, out_t = m(pm, hm), t(pt, ht)
    assert isinstance(out_m[0], M.nn.utils.rnn.PackedSequence)
    assert_same(out_m[0].batch_sizes, out_t[0].batch_sizes)
    om, ot = flat(out_m), flat(out_t)
    assert_same(om, ot)
    padded_m = M.nn.utils.rnn.pad_packed_sequence(out_m[0], batch_first=bf)
    padded_t = T.nn.utils.rnn.pad_packed_sequence(out_t[0], batch_first=bf)
    assert_same(padded_m, padded_t)
    compare_grads(m, t, [xm] + [p[0] for p in pairs], [xt] + [p[1] for p in pairs],
                  om, ot, {})
    # default (zero) initial state on a packed input
    assert_same(flat(m(pm)), flat(t(pt)))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_batch_zero_and_empty_time(cls):
    m, t = make_pair(cls, 4, 5, num_layers=2, bidirectional=True)
    x = T.randn(3, 0, 4, dtype=T.float64)
    assert_same(flat(m(to_mt(x))), flat(t(x)))


def test_parameter_names_shapes_and_init():
    for cls, kw in CONFIGS:
        t = getattr(T.nn, cls)(4, 5, **kw)
        m = getattr(M.nn, cls)(4, 5, **kw)
        assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in t.named_parameters()]
        assert m._flat_weights_names == t._flat_weights_names
        assert [[tuple(w.shape) for w in ws] for ws in m.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in t.all_weights]
        assert repr(m) == repr(t)
        bound = 1 / 5 ** 0.5
        for p in m.parameters():
            assert float(p.abs().max()) <= bound
            assert float(p.std()) > 0.2 * bound  # drawn from U(-b, b), not constant


def test_dropout_between_layers():
    # training mode with dropout: layer outputs are masked, eval mode matches torch
    m, t = make_pair("LSTM", 4, 5, num_layers=2, dropout=0.5)
    x = T.randn(6, 2, 4, dtype=T.float64)
    M.manual_seed(0)
    o1 = m(to_mt(x))[0]
    o2 = m(to_mt(x))[0]
    assert not bool((o1 == o2).all())
    m.eval()
    t.eval()
    assert_same(flat(m(to_mt(x))), flat(t(x)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        M.nn.GRU(4, 5, dropout=0.3)
    assert any("num_layers greater than 1" in str(x.message) for x in w)


@pytest.mark.parametrize("build", [
    lambda nn: nn.RNN(4, 5, nonlinearity="sigmoid"),
    lambda nn: nn.RNN(4, 5, dropout=1.5),
    lambda nn: nn.RNN(4, 0),
    lambda nn: nn.GRU(4, 5, proj_size=2),
    lambda nn: nn.LSTM(4, 5, proj_size=5),
    lambda nn: nn.LSTM(4, 5, proj_size=-1),
    lambda nn: nn.LSTM(4, 5.0),
])
def test_constructor_errors(build):
    raises_like(lambda: build(M.nn), lambda: build(T.nn))


@pytest.mark.parametrize("call", [
    lambda lib, m: m(lib.zeros(2, 3, 4, 4, dtype=lib.float64)),          # 4-D input
    lambda lib, m: m(lib.zeros(2, 3, 3, dtype=lib.float64)),             # wrong input_size
    lambda lib, m: m(lib.zeros(2, 3, 4, dtype=lib.float64),
                     lib.zeros(1, 3, 5, dtype=lib.float64)),             # wrong hidden shape
    lambda lib, m: m(lib.zeros(2, 3, 4, dtype=lib.float64),
                     lib.zeros(3, 5, dtype=lib.float64)),                # 2-D hx, 3-D input
    lambda lib, m: m(lib.zeros(2, 4, dtype=lib.float64),
                     lib.zeros(2, 1, 5, dtype=lib.float64)),             # 3-D hx, 2-D input
    lambda lib, m: m(lib.zeros(2, 3, 4, dtype=lib.float32)),             # dtype mismatch
])
def test_forward_errors(call):
    m, t = make_pair("GRU", 4, 5, num_layers=2)
    raises_like(lambda: call(M, m), lambda: call(T, t))


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------

CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu", bias=False)),
         ("LSTMCell", {}), ("LSTMCell", dict(bias=False)), ("GRUCell", {}),
         ("GRUCell", dict(bias=False))]


@pytest.mark.parametrize("cls,kw", CELLS, ids=[f"{c}{kw}" for c, kw in CELLS])
@pytest.mark.parametrize("batch", [None, 1, 3])
@pytest.mark.parametrize("dtype", [T.float32, T.float64])
def test_cells(cls, kw, batch, dtype):
    T.manual_seed(3)
    m, t = make_pair(cls, 4, 5, dtype=dtype, **kw)
    lead = () if batch is None else (batch,)
    xm, xt = leaf(T.randn(lead + (4,), dtype=dtype))
    pairs = [leaf(T.randn(lead + (5,), dtype=dtype)) for _ in range(2 if "LSTM" in cls else 1)]
    hm = tuple(p[0] for p in pairs) if "LSTM" in cls else pairs[0][0]
    ht = tuple(p[1] for p in pairs) if "LSTM" in cls else pairs[0][1]
    om, ot = flat(m(xm, hm)), flat(t(xt, ht))
    assert_same(om, ot, **TOL[dtype])
    compare_grads(m, t, [xm] + [p[0] for p in pairs], [xt] + [p[1] for p in pairs], om, ot,
                  TOL[dtype])
    assert_same(flat(m(to_mt(xt.detach()))), flat(t(xt.detach())), **TOL[dtype])
    assert repr(m) == repr(t)


@pytest.mark.parametrize("call", [
    lambda lib, c: c(lib.zeros(2, 3, 4)),                   # 3-D input
    lambda lib, c: c(lib.zeros(2, 3)),                      # wrong input size
    lambda lib, c: c(lib.zeros(2, 4), lib.zeros(3, 5)),     # batch mismatch
    lambda lib, c: c(lib.zeros(2, 4), lib.zeros(2, 6)),     # hidden size mismatch
])
def test_cell_errors(call):
    m, t = M.nn.GRUCell(4, 5), T.nn.GRUCell(4, 5)
    raises_like(lambda: call(M, m), lambda: call(T, t))


def test_rnn_in_a_training_loop_matches_torch():
    """A few SGD-like steps on an LSTM keep matching torch (state dict exchange)."""
    m, t = make_pair("LSTM", 3, 4, num_layers=2, batch_first=True)
    x = T.randn(2, 5, 3, dtype=T.float64)
    for _ in range(3):
        lt = t(x)[0].pow(2).mean()
        lm = m(to_mt(x))[0].pow(2).mean()
        assert_same(lm, lt)
        t.zero_grad()
        m.zero_grad()
        lt.backward()
        lm.backward()
        with T.no_grad():
            for p in t.parameters():
                p -= 0.5 * p.grad
        with M.no_grad():
            for p in m.parameters():
                p -= 0.5 * p.grad
    for k, v in m.state_dict().items():
        assert_same(v, t.state_dict()[k])


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_double_backward(cls):
    """Gradients of gradients through the recurrence (create_graph=True) match torch."""
    m, t = make_pair(cls, 3, 4, num_layers=2, bidirectional=True)
    xm, xt = leaf(T.randn(5, 2, 3, dtype=T.float64))
    gt, = T.autograd.grad(t(xt)[0].pow(2).sum(), xt, create_graph=True)
    gm, = M.autograd.grad(m(xm)[0].pow(2).sum(), xm, create_graph=True)
    assert_same(gm, gt)
    assert_same(M.autograd.grad(gm.pow(2).sum(), xm)[0], T.autograd.grad(gt.pow(2).sum(), xt)[0])


def test_lstm_hidden_errors():
    m, t = make_pair("LSTM", 3, 4)
    for hx in [lambda lib: lib.zeros(1, 1, 4, dtype=lib.float64),
               lambda lib: (lib.zeros(1, 1, 4, dtype=lib.float64),
                            lib.zeros(1, 2, 4, dtype=lib.float64))]:
        raises_like(lambda: m(M.zeros(2, 1, 3, dtype=M.float64), hx(M)),
                    lambda: t(T.zeros(2, 1, 3, dtype=T.float64), hx(T)))
