"""MultiheadAttention and the Transformer modules against torch: torch's state dict loaded
into ours, same inputs -> same outputs, attention weights and gradients."""
import math
import warnings

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, raises_like, to_mt

F64 = T.float64


def load(m, t):
    res = m.load_state_dict({k: to_mt(v) for k, v in t.state_dict().items()})
    assert not res.missing_keys and not res.unexpected_keys
    assert list(m.state_dict()) == list(t.state_dict())
    return m, t


def build(name, *args, dtype=F64, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's nested-tensor notices
        t = getattr(T.nn, name)(*args, **kw).to(dtype)
    m = getattr(M.nn, name)(*args, **kw).to(M.float64 if dtype == F64 else M.float32)
    return load(m, t)


def leaves(*xs):
    return [to_mt(x).requires_grad_() for x in xs], [x.clone().requires_grad_() for x in xs]


def backward_both(om, ot):
    w = T.randn(ot.shape, dtype=F64).to(ot.dtype)
    (ot * w).sum().backward()
    (om * to_mt(w).to(om.dtype)).sum().backward()


def assert_grads(m, t, lm, lt, **tol):
    for a, b in zip(lm, lt):
        assert_same(a.grad, b.grad, **tol)
    for (n1, p1), (n2, p2) in zip(m.named_parameters(), t.named_parameters()):
        assert n1 == n2
        if p2.grad is None:
            assert p1.grad is None or float(p1.grad.abs().max()) == 0, n1
        else:
            assert_same(p1.grad, p2.grad, **tol)


# ---------------------------------------------------------------------------------------
# MultiheadAttention
# ---------------------------------------------------------------------------------------

MHA_CONFIGS = [
    {},
    dict(batch_first=True),
    dict(bias=False),
    dict(kdim=5, vdim=3),
    dict(add_bias_kv=True),
    dict(add_zero_attn=True, batch_first=True),
    dict(add_bias_kv=True, add_zero_attn=True, kdim=5, vdim=3),
]
MASKS = ["none", "bool_attn", "float_attn", "kpm", "kpm_float_attn_3d"]


def masks(kind, lib, N, L, S, H):
    g = T.Generator().manual_seed(5)
    am = kpm = None
    if kind == "bool_attn":
        am = T.rand(L, S, generator=g) > 0.7
        am[:, 0] = False  # every query keeps one key
    elif kind == "float_attn":
        am = T.randn(L, S, generator=g, dtype=F64)
    elif kind == "kpm":
        kpm = T.zeros(N, S, dtype=T.bool)
        kpm[0, -2:] = True
    elif kind == "kpm_float_attn_3d":
        kpm = T.zeros(N, S, dtype=F64)
        kpm[-1, 1] = -math.inf
        am = T.randn(N * H, L, S, generator=g, dtype=F64)
    conv = to_mt if lib is M else (lambda x: x)
    return (None if am is None else conv(am)), (None if kpm is None else conv(kpm))


@pytest.mark.parametrize("kw", MHA_CONFIGS, ids=[str(k) for k in MHA_CONFIGS])
@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_mha(kw, mask, need_weights, average):
    T.manual_seed(0)
    m, t = build("MultiheadAttention", 8, 2, **kw)
    N, L, S = 2, 3, 4
    bf = kw.get("batch_first", False)
    shp = lambda n, e: (N, n, e) if bf else (n, N, e)  # noqa: E731
    q = T.randn(shp(L, 8), dtype=F64)
    k = T.randn(shp(S, kw.get("kdim", 8)), dtype=F64)
    v = T.randn(shp(S, kw.get("vdim", 8)), dtype=F64)
    lm, lt = leaves(q, k, v)
    amm, kpmm = masks(mask, M, N, L, S, 2)
    amt, kpmt = masks(mask, T, N, L, S, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        om, wm = m(*lm, key_padding_mask=kpmm, attn_mask=amm, need_weights=need_weights,
                   average_attn_weights=average)
        ot, wt = t(*lt, key_padding_mask=kpmt, attn_mask=amt, need_weights=need_weights,
                   average_attn_weights=average)
    assert_same(om, ot)
    if need_weights:
        assert_same(wm, wt)
    else:
        assert wm is None and wt is None
    backward_both(om, ot)
    assert_grads(m, t, lm, lt)


@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_self_attention_unbatched_noncontiguous_float32(batch_first):
    T.manual_seed(1)
    m, t = build("MultiheadAttention", 6, 3, batch_first=batch_first, dtype=T.float32)
    tol = dict(rtol=1e-5, atol=1e-5)
    # self-attention (query is key is value) on a non-contiguous tensor
    x = T.randn(6, 2, 5).permute(2, 1, 0) if batch_first else T.randn(6, 2, 5).permute(2, 1, 0)
    xm = to_mt(x.contiguous()).requires_grad_()
    xt = x.detach().clone().requires_grad_()
    xm_nc = xm.transpose(0, 1).contiguous().transpose(0, 1)
    assert not xm_nc.is_contiguous()
    om, wm = m(xm_nc, xm_nc, xm_nc)
    ot, wt = t(xt, xt, xt)
    assert_same((om, wm), (ot, wt), **tol)
    backward_both(om, ot)
    assert_grads(m, t, [xm], [xt], **tol)
    # unbatched (L, E) input with a key padding mask of shape (S,)
    u = T.randn(4, 6)
    kpm = T.tensor([False, False, True, False])
    assert_same(m(to_mt(u), to_mt(u), to_mt(u), key_padding_mask=to_mt(kpm)),
                t(u, u, u, key_padding_mask=kpm), **tol)
    assert_same(m(to_mt(u), to_mt(u), to_mt(u), need_weights=False)[0],
                t(u, u, u, need_weights=False)[0], **tol)


def test_mha_parameters_and_init():
    for kw in MHA_CONFIGS:
        t = T.nn.MultiheadAttention(8, 2, **kw)
        m = M.nn.MultiheadAttention(8, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in t.named_parameters()]
        assert repr(m) == repr(t)
        if kw.get("bias", True):
            assert float(m.in_proj_bias.abs().max()) == 0
            assert float(m.out_proj.bias.abs().max()) == 0
        w = m.in_proj_weight if m.in_proj_weight is not None else m.q_proj_weight
        bound = math.sqrt(6 / (w.shape[0] + w.shape[1]))  # xavier_uniform_
        assert float(w.abs().max()) <= bound and float(w.std()) > 0.2 * bound
    assert type(M.nn.MultiheadAttention(4, 2).out_proj).__name__ == \
        "NonDynamicallyQuantizableLinear"


def test_mha_batch_zero():
    m, t = build("MultiheadAttention", 4, 2, batch_first=True)
    x = T.randn(0, 3, 4, dtype=F64)
    assert_same(m(to_mt(x), to_mt(x), to_mt(x)), t(x, x, x))


@pytest.mark.parametrize("call", [
    lambda lib, m: m(lib.zeros(3, 2, 8), lib.zeros(4, 2, 8), lib.zeros(4, 2, 8),
                     attn_mask=lib.zeros(2, 2)),                            # bad 2-D mask
    lambda lib, m: m(lib.zeros(3, 2, 8), lib.zeros(4, 2, 8), lib.zeros(4, 2, 8),
                     attn_mask=lib.zeros(3, 3, 4)),                         # bad 3-D mask
    lambda lib, m: m(lib.zeros(3, 2, 8), lib.zeros(4, 2, 8), lib.zeros(4, 2, 8),
                     key_padding_mask=lib.zeros(2, 4, dtype=lib.int64)),    # int mask
    lambda lib, m: m(lib.zeros(3, 2, 6), lib.zeros(4, 2, 6), lib.zeros(4, 2, 6)),  # wrong E
    lambda lib, m: m(lib.zeros(3, 2, 8), lib.zeros(4, 2, 8), lib.zeros(4, 2, 8),
                     is_causal=True),                                       # hint, no mask
    lambda lib, m: m(lib.zeros(3, 8), lib.zeros(4, 2, 8), lib.zeros(4, 2, 8)),
    lambda lib, m: lib.nn.MultiheadAttention(7, 2),
    lambda lib, m: lib.nn.MultiheadAttention(0, 2),
])
def test_mha_errors(call):
    m, t = M.nn.MultiheadAttention(8, 2), T.nn.MultiheadAttention(8, 2)
    raises_like(lambda: call(M, m), lambda: call(T, t))


# ---------------------------------------------------------------------------------------
# Transformer layers and stacks
# ---------------------------------------------------------------------------------------

LAYER_CONFIGS = [
    {},
    dict(norm_first=True),
    dict(activation="gelu", batch_first=True),
    dict(activation=lambda x: x.sigmoid() * x, bias=False),
    dict(norm_first=True, batch_first=True, layer_norm_eps=1e-3),
]
LIDS = ["default", "norm_first", "gelu-bf", "callable-nobias", "nf-bf-eps"]


def _act(kw, lib):
    # the callable activation must use the library of the module it runs in
    if callable(kw.get("activation")):
        return dict(kw, activation=lambda x: lib.sigmoid(x) * x)
    return kw


def build_layers(name, args, kw, num_layers=None, norm=False):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mods = []
        for lib in (M, T):
            layer = getattr(lib.nn, name)(*args, dropout=0.0, **_act(kw, lib))
            if num_layers is not None:
                stack = name.replace("Layer", "")
                nrm = lib.nn.LayerNorm(args[0]) if norm else None
                layer = getattr(lib.nn, stack)(layer, num_layers, norm=nrm)
            mods.append(layer)
    m, t = mods
    t.double()
    m.double()
    return load(m, t)


def seq(kw, n, length, e, lib=T):
    return T.randn((n, length, e) if kw.get("batch_first") else (length, n, e), dtype=F64)


@pytest.mark.parametrize("kw", LAYER_CONFIGS, ids=LIDS)
@pytest.mark.parametrize("stacked", [False, True])
def test_encoder(kw, stacked):
    T.manual_seed(2)
    if stacked:
        m, t = build_layers("TransformerEncoderLayer", (8, 2, 16), kw, 2, norm=True)
    else:
        m, t = build_layers("TransformerEncoderLayer", (8, 2, 16), kw)
    x = seq(kw, 2, 5, 8)
    lm, lt = leaves(x)
    mask = T.nn.Transformer.generate_square_subsequent_mask(5, dtype=F64)
    kpm = T.tensor([[False] * 5, [False] * 3 + [True] * 2])
    if stacked:
        om = m(lm[0], mask=to_mt(mask), src_key_padding_mask=to_mt(kpm), is_causal=True)
        ot = t(lt[0], mask=mask, src_key_padding_mask=kpm, is_causal=True)
    else:
        om = m(lm[0], src_mask=to_mt(mask), src_key_padding_mask=to_mt(kpm))
        ot = t(lt[0], src_mask=mask, src_key_padding_mask=kpm)
    assert_same(om, ot)
    backward_both(om, ot)
    assert_grads(m, t, lm, lt)


@pytest.mark.parametrize("kw", LAYER_CONFIGS, ids=LIDS)
@pytest.mark.parametrize("stacked", [False, True])
def test_decoder(kw, stacked):
    T.manual_seed(3)
    if stacked:
        m, t = build_layers("TransformerDecoderLayer", (8, 2, 16), kw, 2, norm=True)
    else:
        m, t = build_layers("TransformerDecoderLayer", (8, 2, 16), kw)
    tgt, mem = seq(kw, 2, 4, 8), seq(kw, 2, 6, 8)
    lm, lt = leaves(tgt, mem)
    tmask = T.nn.Transformer.generate_square_subsequent_mask(4, dtype=F64)
    mkpm = T.tensor([[False] * 6, [False] * 4 + [True] * 2])
    om = m(*lm, tgt_mask=to_mt(tmask), memory_key_padding_mask=to_mt(mkpm),
           tgt_is_causal=True)
    ot = t(*lt, tgt_mask=tmask, memory_key_padding_mask=mkpm, tgt_is_causal=True)
    assert_same(om, ot)
    backward_both(om, ot)
    assert_grads(m, t, lm, lt)


@pytest.mark.parametrize("kw", [dict(), dict(batch_first=True, norm_first=True,
                                              activation="gelu")])
def test_transformer(kw):
    T.manual_seed(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = T.nn.Transformer(8, 2, 2, 1, 16, dropout=0.0, **kw).double()
    m = M.nn.Transformer(8, 2, 2, 1, 16, dropout=0.0, **kw).double()
    load(m, t)
    assert repr(m) == repr(t)
    src, tgt = seq(kw, 3, 5, 8), seq(kw, 3, 4, 8)
    lm, lt = leaves(src, tgt)
    tm = T.nn.Transformer.generate_square_subsequent_mask(4, dtype=F64)
    om = m(*lm, tgt_mask=to_mt(tm), src_key_padding_mask=to_mt(T.zeros(3, 5, dtype=T.bool)))
    ot = t(*lt, tgt_mask=tm, src_key_padding_mask=T.zeros(3, 5, dtype=T.bool))
    assert_same(om, ot)
    backward_both(om, ot)
    assert_grads(m, t, lm, lt)
    # unbatched
    s, g = T.randn(5, 8, dtype=F64), T.randn(4, 8, dtype=F64)
    assert_same(m(to_mt(s), to_mt(g)), t(s, g))


def test_transformer_init_and_masks():
    m = M.nn.Transformer(8, 2, 1, 1, 16)
    for name, p in m.named_parameters():
        if p.dim() > 1:  # xavier_uniform_ everywhere with more than one dim
            bound = math.sqrt(6 / (p.shape[0] + p.shape[1]))
            assert float(p.abs().max()) <= bound, name
    for sz, dt in [(4, None), (1, M.float64), (0, None)]:
        assert_same(M.nn.Transformer.generate_square_subsequent_mask(sz, dtype=dt),
                    T.nn.Transformer.generate_square_subsequent_mask(
                        sz, dtype=None if dt is None else T.float64))


def test_dropout_in_training_mode():
    m = M.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = M.randn(4, 2, 8)
    M.manual_seed(0)
    a, b = m(x), m(x)
    assert not bool((a == b).all())
    m.eval()
    assert bool((m(x) == m(x)).all())


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(3, 2, 8), lib.zeros(3, 4, 8)),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(3, 2, 8), lib.zeros(3, 2, 6)),
])
def test_transformer_errors(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: call(M), lambda: call(T))


@pytest.mark.parametrize("kw,norm", [(dict(batch_first=True), True),
                                     (dict(batch_first=True, activation="gelu"), False),
                                     (dict(batch_first=True, norm_first=True), False),
                                     (dict(), False)])
@pytest.mark.parametrize("grad", [False, True])
def test_encoder_eval_padding(kw, norm, grad):
    """In eval mode without grad torch's nested-tensor path zeroes padded positions."""
    m, t = build_layers("TransformerEncoderLayer", (8, 2, 16), kw, 2, norm=norm)
    m.eval()
    t.eval()
    x = seq(kw, 2, 5, 8)
    kpm = T.tensor([[False] * 5, [False] * 3 + [True] * 2])
    with T.set_grad_enabled(grad), M.set_grad_enabled(grad):
        ot = t(x, src_key_padding_mask=kpm)
        om = m(to_mt(x), src_key_padding_mask=to_mt(kpm))
    assert_same(om, ot)
