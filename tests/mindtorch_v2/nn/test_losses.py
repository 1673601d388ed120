"""Loss modules against real torch: forward values for every reduction, input gradients,
weight / pos_weight buffers in state_dict, repr, legacy size_average/reduce flags, and
torch's errors for bad arguments."""
from __future__ import annotations

import sys
import pathlib

import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from _layer_harness import NC, compare  # noqa: E402
from helpers import assert_same, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402

T.manual_seed(0)
N, C = 4, 5
CLS = T.tensor([1, 0, 4, 2])
CLS_IGN = T.tensor([1, -100, 4, 2])
PROBS = T.softmax(T.randn(N, C), 1)
SIGNS = T.tensor([1.0, -1.0, -1.0, 1.0])
BIN = T.rand(N, C)
HARD = (T.rand(N, C) > 0.5).double()
W_C = T.rand(C) + 0.5
POSW = T.rand(C) + 0.5


def lib_t(nn, t):
    """``t`` in the library of ``nn`` (torch tensors are shared, mindtorch copies)."""
    return t.clone() if nn is T.nn else to_mt(t)


# (id, factory(nn, reduction), inputs)
LOSSES = [
    ("mse", lambda nn, r: nn.MSELoss(reduction=r), [NC(N, C), T.randn(N, C)]),
    ("l1", lambda nn, r: nn.L1Loss(reduction=r), [(N, C), T.randn(N, C)]),
    ("smooth_l1", lambda nn, r: nn.SmoothL1Loss(reduction=r, beta=0.5), [(N, C),
                                                                           T.randn(N, C)]),
    ("huber", lambda nn, r: nn.HuberLoss(reduction=r, delta=0.7), [(N, C), T.randn(N, C)]),
    ("ce", lambda nn, r: nn.CrossEntropyLoss(reduction=r), [NC(N, C), CLS]),
    ("ce_weight_ignore", lambda nn, r: nn.CrossEntropyLoss(lib_t(nn, W_C), reduction=r),
     [(N, C), CLS_IGN]),
    ("ce_smoothing", lambda nn, r: nn.CrossEntropyLoss(lib_t(nn, W_C), reduction=r,
                                                       label_smoothing=0.2, ignore_index=2),
     [(N, C), CLS]),
    ("ce_probs", lambda nn, r: nn.CrossEntropyLoss(reduction=r, label_smoothing=0.1),
     [(N, C), PROBS]),
    ("ce_spatial", lambda nn, r: nn.CrossEntropyLoss(reduction=r),
     [(2, C, 3), T.tensor([[0, 1, 4], [3, 3, 2]])]),
    ("nll", lambda nn, r: nn.NLLLoss(lib_t(nn, W_C), reduction=r, ignore_index=0),
     [(N, C), CLS]),
    ("bce", lambda nn, r: nn.BCELoss(lib_t(nn, W_C), reduction=r),
     [T.rand(N, C).requires_grad_(), BIN]),
    ("bce_logits", lambda nn, r: nn.BCEWithLogitsLoss(reduction=r, pos_weight=lib_t(nn, POSW)),
     [(N, C), HARD]),
    ("bce_logits_weight", lambda nn, r: nn.BCEWithLogitsLoss(lib_t(nn, W_C), reduction=r),
     [NC(N, C), BIN]),
    ("kldiv", lambda nn, r: nn.KLDivLoss(reduction=r), [(N, C), PROBS]),
    ("kldiv_logtarget", lambda nn, r: nn.KLDivLoss(reduction=r, log_target=True),
     [(N, C), PROBS.log()]),
    ("cosine_emb", lambda nn, r: nn.CosineEmbeddingLoss(0.2, reduction=r),
     [(N, C), (N, C), SIGNS]),
    ("margin_ranking", lambda nn, r: nn.MarginRankingLoss(0.1, reduction=r),
     [(N,), (N,), SIGNS]),
    ("triplet", lambda nn, r: nn.TripletMarginLoss(0.5, p=1.5, swap=True, reduction=r),
     [(N, C), (N, C), (N, C)]),
    ("triplet_distance", lambda nn, r: nn.TripletMarginWithDistanceLoss(reduction=r,
                                                                        margin=2.0),
     [(N, C), (N, C), (N, C)]),
    ("hinge_emb", lambda nn, r: nn.HingeEmbeddingLoss(0.5, reduction=r), [(N,), SIGNS]),
    ("soft_margin", lambda nn, r: nn.SoftMarginLoss(reduction=r), [(N, C), HARD * 2 - 1]),
    ("multilabel_soft", lambda nn, r: nn.MultiLabelSoftMarginLoss(lib_t(nn, W_C), reduction=r),
     [(N, C), HARD]),
    ("multi_margin", lambda nn, r: nn.MultiMarginLoss(p=2, margin=0.5, weight=lib_t(nn, W_C),
                                                      reduction=r), [(N, C), CLS]),
    ("multilabel_margin", lambda nn, r: nn.MultiLabelMarginLoss(reduction=r),
     [(N, C), T.tensor([[3, 0, -1, 1, 1], [0, 1, 2, 3, 4], [4, -1, 0, 0, 0],
                        [-1, 0, 0, 0, 0]])]),
    ("poisson", lambda nn, r: nn.PoissonNLLLoss(reduction=r), [(N, C), T.rand(N, C) * 3]),
    ("poisson_full", lambda nn, r: nn.PoissonNLLLoss(log_input=False, full=True, reduction=r),
     [T.rand(N, C).add(0.1).requires_grad_(), T.rand(N, C) * 3]),
    ("gaussian", lambda nn, r: nn.GaussianNLLLoss(reduction=r, full=True),
     [(N, C), T.randn(N, C), T.rand(N, C) + 0.1]),
    ("gaussian_var1", lambda nn, r: nn.GaussianNLLLoss(reduction=r, eps=1e-3),
     [(N, C), T.randn(N, C), T.rand(N, 1) + 0.1]),
]
REDUCTIONS = ["mean", "sum", "none"]


def _bind(make, r):
    return lambda nn: make(nn, r)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,make,inputs", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss(name, make, inputs, reduction):
    # a tensor that requires grad is a float input to differentiate: pass it as a shape
    # whose values are replaced below
    leaves = [x for x in inputs if isinstance(x, T.Tensor) and x.requires_grad]
    if leaves:
        _compare_given(_bind(make, reduction), inputs)
    else:
        compare(_bind(make, reduction), inputs)


def _compare_given(make, inputs):
    """compare() for inputs whose values matter (probabilities, positive rates)."""
    tm, mm = make(T.nn).double(), make(M.nn).double()
    assert repr(mm) == repr(tm)
    it = [x.detach().double().requires_grad_(x.requires_grad) for x in inputs]
    im = [to_mt(x).requires_grad_(x.requires_grad) for x in it]
    yt, ym = tm(*it), mm(*im)
    assert_same(ym, yt.detach())
    g = T.randn_like(yt)
    yt.backward(g)
    ym.backward(to_mt(g))
    for a, b in zip(im, it):
        if b.requires_grad:
            assert_same(a.grad, b.grad)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_ctc_loss(reduction):
    Tn, B, Cn, S = 12, 3, 5, 4
    # gradients through log_softmax: torch's CTC backward w.r.t. log_probs assumes they are
    # normalised, so only the gradient w.r.t. the logits is well defined to compare
    logits = T.randn(Tn, B, Cn, dtype=T.float64, requires_grad=True)
    mlogits = to_mt(logits).requires_grad_()
    lp, lm = logits.log_softmax(2), mlogits.log_softmax(2)
    targets = T.randint(1, Cn, (B, S))
    il, tl = T.tensor([12, 10, 11]), T.tensor([4, 2, 3])
    tmod, mmod = T.nn.CTCLoss(reduction=reduction), M.nn.CTCLoss(reduction=reduction)
    assert repr(tmod) == repr(mmod)
    yt, ym = tmod(lp, targets, il, tl), mmod(lm, to_mt(targets), to_mt(il), to_mt(tl))
    assert_same(ym, yt.detach())
    yt.backward()
    ym.backward()
    assert_same(mlogits.grad, logits.grad)
    # zero_infinity: an impossible alignment gives 0 instead of inf
    short = T.tensor([1, 10, 11])
    yt = T.nn.CTCLoss(reduction="none", zero_infinity=True)(lp, targets, short, tl)
    ym = M.nn.CTCLoss(reduction="none", zero_infinity=True)(lm, to_mt(targets), to_mt(short),
                                                            to_mt(tl))
    assert_same(ym, yt.detach())


def test_weight_buffers_in_state_dict():
    for make in (lambda nn, w: nn.CrossEntropyLoss(w), lambda nn, w: nn.NLLLoss(w),
                 lambda nn, w: nn.BCELoss(w), lambda nn, w: nn.MultiLabelSoftMarginLoss(w),
                 lambda nn, w: nn.BCEWithLogitsLoss(w, pos_weight=w),
                 lambda nn, w: nn.MultiMarginLoss(weight=w)):
        tm, mm = make(T.nn, W_C.clone()), make(M.nn, to_mt(W_C))
        assert list(mm.state_dict()) == list(tm.state_dict())
        assert [n for n, _ in mm.named_buffers()] == [n for n, _ in tm.named_buffers()]
        assert mm.double().weight.dtype is M.float64
    for make in (lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.BCEWithLogitsLoss()):
        assert list(make(M.nn).state_dict()) == list(make(T.nn).state_dict()) == []


def test_legacy_reduction_flags():
    for kw, want in (({"size_average": False}, "sum"), ({"reduce": False}, "none"),
                     ({"size_average": True, "reduce": True}, "mean")):
        with pytest.warns(UserWarning):
            m = M.nn.MSELoss(**kw)
        assert m.reduction == want == T.nn.MSELoss(**kw).reduction
        with pytest.warns(UserWarning):
            assert M.nn.CrossEntropyLoss(**kw).reduction == want


def test_attributes_and_reprs():
    pairs = [(M.nn.CrossEntropyLoss(label_smoothing=0.1), T.nn.CrossEntropyLoss(
        label_smoothing=0.1)), (M.nn.HuberLoss(delta=2.0), T.nn.HuberLoss(delta=2.0)),
        (M.nn.CTCLoss(blank=2), T.nn.CTCLoss(blank=2)), (M.nn.KLDivLoss(), T.nn.KLDivLoss())]
    for m, t in pairs:
        assert repr(m) == repr(t)
        for k in ("reduction", "label_smoothing", "ignore_index", "delta", "blank",
                  "zero_infinity", "log_target"):
            assert getattr(m, k, None) == getattr(t, k, None)


@pytest.mark.parametrize("make", [
    lambda nn: nn.MultiMarginLoss(p=3),
    lambda nn: nn.MultiMarginLoss(weight=(T if nn is T.nn else M).ones(2, 2)),
    lambda nn: nn.TripletMarginLoss(margin=0),
    lambda nn: nn.TripletMarginWithDistanceLoss(margin=-1.0),
])
def test_constructor_errors(make):
    with pytest.raises(Exception) as et:
        make(T.nn)
    with pytest.raises(et.type):
        make(M.nn)


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.MSELoss(reduction="avg"), [T.randn(3), T.randn(3)]),
    (lambda nn: nn.CrossEntropyLoss(), [T.randn(3, 4), T.tensor([0, 1, 4])]),
    (lambda nn: nn.NLLLoss(), [T.randn(3, 4), T.tensor([0, 1])]),
    (lambda nn: nn.BCEWithLogitsLoss(), [T.randn(3, 4), T.rand(3, 5)]),
    (lambda nn: nn.BCELoss(), [T.rand(3), T.rand(4)]),
])
def test_forward_errors(make, inputs):
    with pytest.raises(Exception) as et:
        make(T.nn)(*inputs)
    with pytest.raises(et.type):
        make(M.nn)(*[to_mt(x) for x in inputs])


def test_float32_and_batch0():
    compare(lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1), [(N, C), CLS],
            dtype=T.float32, tol=1e-5)
    compare(lambda nn: nn.BCEWithLogitsLoss(), [(N, C), HARD], dtype=T.float32, tol=1e-5)
    compare(lambda nn: nn.MSELoss(reduction="sum"), [(0, C), T.randn(0, C)])
    compare(lambda nn: nn.L1Loss(reduction="none"), [(0, C), T.randn(0, C)])
