"""torch.nn.functional losses compared with torch: values and gradients, every reduction."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
import mindtorch_v2.nn.functional  # noqa: F401  (torch.nn.functional as an attribute)
from helpers import raises_like, run_both

RNG = np.random.default_rng(1)


def R(*shape):
    return RNG.standard_normal(shape)


def P(*shape):
    return RNG.uniform(0.05, 0.95, shape)


def S(*shape):
    return np.where(RNG.standard_normal(shape) > 0, 1.0, -1.0)


CONST_DTYPE = ["float64"]


def C(L, v):
    """A constant (no-grad) tensor in lib L (floats in the dtype under test)."""
    v = np.asarray(v)
    return L.tensor(v, dtype=getattr(L, CONST_DTYPE[0])) if v.dtype.kind == "f" \
        else L.tensor(v)


A, B = R(4, 5), R(4, 5)
TGT = np.array([1, 0, 4, 2])
TGT_IGN = np.array([1, -100, 4, 2])
TGT_K = RNG.integers(0, 5, (4, 3, 2))
W5 = np.abs(R(5))
S4, S6, S45 = S(4), S(6), S(4, 5)
F = "nn.functional"

LOSSES = [
    ("mse", lambda L, a, b, r: L.nn.functional.mse_loss(a, b, reduction=r), [A, B]),
    ("mse_weight", lambda L, a, b, r: L.nn.functional.mse_loss(
        a, b, reduction=r, weight=C(L, np.abs(B))), [A, B]),
    ("l1", lambda L, a, b, r: L.nn.functional.l1_loss(a, b, reduction=r), [A, B]),
    ("smooth_l1", lambda L, a, b, r: L.nn.functional.smooth_l1_loss(a, b, reduction=r,
                                                                     beta=0.5), [A, B]),
    ("smooth_l1_b0", lambda L, a, b, r: L.nn.functional.smooth_l1_loss(a, b, reduction=r,
                                                                        beta=0.0), [A, B]),
    ("huber", lambda L, a, b, r: L.nn.functional.huber_loss(a, b, reduction=r, delta=0.7),
     [A, B]),
    ("ce", lambda L, a, r: L.nn.functional.cross_entropy(a, C(L, TGT), reduction=r), [A]),
    ("ce_weight_ignore", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, TGT_IGN), C(L, W5), reduction=r), [A]),
    ("ce_ignore_custom", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, TGT), ignore_index=4, reduction=r), [A]),
    ("ce_smooth", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, TGT_IGN), reduction=r, label_smoothing=0.2), [A]),
    ("ce_smooth_weight", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, TGT_IGN), C(L, W5), reduction=r, label_smoothing=0.3), [A]),
    ("ce_kdim", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, TGT_K), reduction=r), [R(4, 5, 3, 2)]),
    ("ce_unbatched", lambda L, a, r: L.nn.functional.cross_entropy(
        a, C(L, np.array(3)), reduction=r), [R(5)]),
    ("ce_probs", lambda L, a, t, r: L.nn.functional.cross_entropy(a, t, reduction=r),
     [A, np.abs(B)]),
    ("ce_probs_smooth_w", lambda L, a, t, r: L.nn.functional.cross_entropy(
        a, t, C(L, W5), reduction=r, label_smoothing=0.1), [A, np.abs(B)]),
    ("ce_probs_kdim", lambda L, a, t, r: L.nn.functional.cross_entropy(a, t, reduction=r),
     [R(2, 5, 3), P(2, 5, 3)]),
    ("nll", lambda L, a, r: L.nn.functional.nll_loss(a, C(L, TGT_IGN), reduction=r), [A]),
    ("nll_weight_kdim", lambda L, a, r: L.nn.functional.nll_loss(
        a, C(L, TGT_K), C(L, W5), reduction=r), [R(4, 5, 3, 2)]),
    ("bce", lambda L, a, t, r: L.nn.functional.binary_cross_entropy(a, t, reduction=r),
     [P(4, 5), P(4, 5)]),
    ("bce_weight", lambda L, a, t, r: L.nn.functional.binary_cross_entropy(
        a, t, C(L, W5), reduction=r), [P(4, 5), P(4, 5)]),
    ("bce_logits", lambda L, a, t, r: L.nn.functional.binary_cross_entropy_with_logits(
        a * 30, t, reduction=r), [A, P(4, 5)]),
    ("bce_logits_pos_w", lambda L, a, t, r: L.nn.functional.binary_cross_entropy_with_logits(
        a, t, C(L, W5), reduction=r, pos_weight=C(L, W5[::-1].copy())), [A, P(4, 5)]),
    ("kl", lambda L, a, t, r: L.nn.functional.kl_div(a, t, reduction=r), [A, P(4, 5)]),
    ("kl_log_target", lambda L, a, t, r: L.nn.functional.kl_div(
        a, t, reduction=r, log_target=True), [A, B]),
    ("cosine_emb", lambda L, a, b, r: L.nn.functional.cosine_embedding_loss(
        a, b, C(L, S4), 0.2, reduction=r), [A, B]),
    ("margin_rank", lambda L, a, b, r: L.nn.functional.margin_ranking_loss(
        a, b, C(L, S6), 0.3, reduction=r), [R(6), R(6)]),
    ("triplet", lambda L, a, p, n, r: L.nn.functional.triplet_margin_loss(
        a, p, n, reduction=r), [A, B, R(4, 5)]),
    ("triplet_swap_p1", lambda L, a, p, n, r: L.nn.functional.triplet_margin_loss(
        a, p, n, 2.0, 1, swap=True, reduction=r), [A, B, R(4, 5)]),
    ("triplet_dist", lambda L, a, p, n, r: L.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1), reduction=r),
     [A, B, R(4, 5)]),
    ("hinge", lambda L, a, r: L.nn.functional.hinge_embedding_loss(
        a, C(L, S45), 0.5, reduction=r), [A]),
    ("soft_margin", lambda L, a, r: L.nn.functional.soft_margin_loss(
        a, C(L, S45), reduction=r), [A]),
    ("multilabel_soft", lambda L, a, w, r: L.nn.functional.multilabel_soft_margin_loss(
        a * 20, C(L, (S45 > 0) * 1.0), w, reduction=r), [A, np.abs(R(5))]),
    ("multilabel_margin", lambda L, a, r: L.nn.functional.multilabel_margin_loss(
        a, C(L, np.array([[3, 0, -1, 1, 1], [0, 1, 2, 3, 4], [-1, 1, 1, 1, 1],
                          [4, 4, 2, -1, 0]])), reduction=r), [A]),
    ("multi_margin", lambda L, a, r: L.nn.functional.multi_margin_loss(
        a, C(L, TGT), reduction=r), [A]),
    ("multi_margin_p2_w", lambda L, a, r: L.nn.functional.multi_margin_loss(
        a, C(L, TGT), 2, 0.5, C(L, W5), reduction=r), [A]),
    ("poisson", lambda L, a, t, r: L.nn.functional.poisson_nll_loss(a, t, reduction=r),
     [A, np.abs(B) * 3]),
    ("poisson_full", lambda L, a, t, r: L.nn.functional.poisson_nll_loss(
        a, t, log_input=False, full=True, reduction=r), [P(4, 5) * 4, np.abs(B) * 3]),
    ("gaussian", lambda L, a, t, v, r: L.nn.functional.gaussian_nll_loss(a, t, v, reduction=r),
     [A, B, P(4, 5)]),
    ("gaussian_full_vec", lambda L, a, t, v, r: L.nn.functional.gaussian_nll_loss(
        a, t, v, full=True, reduction=r), [A, B, P(4)]),
    ("gaussian_float_var", lambda L, a, t, r: L.nn.functional.gaussian_nll_loss(
        a, t, 0.5, reduction=r), [A, B]),
    ("torch.kl_div", lambda L, a, t, r: L.kl_div(a, t, {"none": 0, "mean": 1, "sum": 2}[r]),
     [A, P(4, 5)]),
    ("torch.bce_logits", lambda L, a, t, r: L.binary_cross_entropy_with_logits(
        a, t, reduction={"none": 0, "mean": 1, "sum": 2}[r]), [A, P(4, 5)]),
]


@pytest.mark.parametrize("name,fn,arrays", LOSSES, ids=[c[0] for c in LOSSES])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_loss(name, fn, arrays, reduction):
    run_both(lambda L, *xs: fn(L, *xs, reduction), arrays)


@pytest.mark.parametrize("name,fn,arrays", LOSSES[::3], ids=[c[0] for c in LOSSES[::3]])
def test_loss_float32_noncontig(name, fn, arrays):
    CONST_DTYPE[0] = "float32"
    try:
        run_both(lambda L, *xs: fn(L, *xs, "mean"), arrays, "float32", True, rtol=1e-4,
                 atol=1e-5)
    finally:
        CONST_DTYPE[0] = "float64"


def test_kl_div_batchmean_and_legacy():
    run_both(lambda L, a, t: L.nn.functional.kl_div(a, t, reduction="batchmean"),
             [A, P(4, 5)])
    with pytest.warns(UserWarning):
        run_both(lambda L, a, b: L.nn.functional.mse_loss(a, b, size_average=False), [A, B])


def test_cross_entropy_empty_and_all_ignored():
    run_both(lambda L, a: L.nn.functional.cross_entropy(a, C(L, np.array([-100, -100]))),
             [R(2, 3)])
    run_both(lambda L, a: L.nn.functional.cross_entropy(
        a, C(L, np.zeros(0, dtype=np.int64)), reduction="sum"), [R(0, 3)])


LOSS_ERRORS = [
    lambda L: L.nn.functional.mse_loss(L.ones(3), L.ones(3), reduction="bad"),
    lambda L: L.nn.functional.cross_entropy(L.ones(3, 4), L.tensor([0, 1, 4])),
    lambda L: L.nn.functional.cross_entropy(L.ones(3, 4), L.tensor([0, 1])),
    lambda L: L.nn.functional.cross_entropy(L.ones(3, 4, 2), L.tensor([[0, 1]] * 2)),
    lambda L: L.nn.functional.cross_entropy(L.ones(3, 4), L.ones(3, 2)),
    lambda L: L.nn.functional.cross_entropy(L.ones(3, 4), L.tensor([0, 1, 2]),
                                            label_smoothing=1.5),
    lambda L: L.nn.functional.nll_loss(L.ones(3, 4), L.tensor([0, 1, 2]), L.ones(3)),
    lambda L: L.nn.functional.binary_cross_entropy(L.ones(3) * 2, L.ones(3)),
    lambda L: L.nn.functional.binary_cross_entropy(L.ones(3) / 2, L.ones(2)),
    lambda L: L.nn.functional.binary_cross_entropy_with_logits(L.ones(3), L.ones(2)),
    lambda L: L.nn.functional.gaussian_nll_loss(L.ones(3, 2), L.ones(3, 2), L.ones(2, 2)),
    lambda L: L.nn.functional.gaussian_nll_loss(L.ones(3), L.ones(3), -L.ones(3)),
    lambda L: L.nn.functional.multi_margin_loss(L.ones(3, 2), L.tensor([0, 1, 1]), p=3),
    lambda L: L.nn.functional.smooth_l1_loss(L.ones(3), L.ones(3), beta=-1.0),
]


@pytest.mark.parametrize("i", range(len(LOSS_ERRORS)))
def test_loss_errors(i):
    raises_like(lambda: LOSS_ERRORS[i](M), lambda: LOSS_ERRORS[i](T))


# ---------------------------------------------------------------------------------------
# CTC
# ---------------------------------------------------------------------------------------

CTC_T, CTC_N, CTC_C = 12, 3, 5
CTC_LOGITS = R(CTC_T, CTC_N, CTC_C)
CTC_CASES = [
    ("padded", np.array([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 3, 0]]), [12, 10, 9], [4, 2, 3]),
    ("concat", np.array([1, 2, 2, 3, 4, 1, 3]), [12, 12, 7], [4, 2, 1]),
    ("empty_target", np.array([[1, 2], [4, 1], [1, 1]]), [12, 5, 8], [2, 0, 2]),
    ("impossible", np.array([[1, 1, 1, 1, 1, 1, 1]] * 3), [12, 5, 12], [7, 7, 2]),
]


@pytest.mark.parametrize("name,targets,il,tl", CTC_CASES, ids=[c[0] for c in CTC_CASES])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_inf", [False, True])
def test_ctc_loss(name, targets, il, tl, reduction, zero_inf):
    if name == "impossible" and not zero_inf and reduction != "none":
        pytest.skip("inf loss: gradient is nan in both")

    def fn(L, x):
        lp = L.log_softmax(x, 2)
        return L.nn.functional.ctc_loss(lp, C(L, targets), C(L, np.array(il)),
                                        C(L, np.array(tl)), reduction=reduction,
                                        zero_infinity=zero_inf)
    run_both(fn, [CTC_LOGITS], grad=not (name == "impossible" and not zero_inf))


def test_ctc_loss_unbatched_blank_and_tuple_lengths():
    def fn(L, x):
        return L.nn.functional.ctc_loss(L.log_softmax(x, 1), C(L, np.array([0, 1, 1])),
                                        (8,), (3,), blank=4)
    run_both(fn, [R(8, 5)])
    for red in (0, 1, 2):
        run_both(lambda L, x: L.ctc_loss(L.log_softmax(x, 2), C(L, np.array([[1, 2]] * 3)),
                                         [12, 12, 12], [2, 2, 1], 0, red), [CTC_LOGITS],
                 "float32", rtol=1e-5)


TOP_LEVEL = [
    lambda L, a, b: L.margin_ranking_loss(a[0], b[0], C(L, S(5) * 0 + 1), 0.5, 0),
    lambda L, a, b: L.hinge_embedding_loss(a, C(L, S45), 0.5, 2),
    lambda L, a, b: L.cosine_embedding_loss(a, b, C(L, S4), 0.1, 1),
    lambda L, a, b: L.triplet_margin_loss(a, b, a * 2, 1.0, 2, 1e-6, True, 0),
    lambda L, a, b: L.poisson_nll_loss(a, b.abs(), True, False, 1e-8, 1),
]


@pytest.mark.parametrize("i", range(len(TOP_LEVEL)))
def test_top_level_int_reduction(i):
    run_both(TOP_LEVEL[i], [A, B])
