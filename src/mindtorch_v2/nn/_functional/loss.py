"""torch.nn.functional: loss functions.

cross_entropy / nll_loss run the fused ``nll_loss_nd`` op on log_softmax output; ctc_loss
runs the log-space forward (alpha) recursion vectorised over the batch with mindtorch ops,
so its gradient comes from autograd.  The rest are short composites.
"""
from __future__ import annotations

import math
import warnings

import mindtorch_v2 as torch
from ..._ops.nn_norm import nll_loss_nd, REDUCTIONS

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy",
           "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
           "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "hinge_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multilabel_margin_loss", "multi_margin_loss",
           "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss"]


def _legacy(size_average, reduce, reduction):
    """torch's mapping of the deprecated size_average/reduce flags to ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='" + ("none" if not reduce else "mean" if size_average else "sum")
                  + "' instead.")
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return REDUCTIONS[reduction]


def _same_size(name, input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      f"to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _pointwise(name, input, target, reduction, weight, fn):
    _same_size(name, input, target)
    _check_reduction(reduction)
    loss = fn(input - target)
    if weight is None:
        return _reduce(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    # the weighted mean divides by the total weight
    return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)^2, optionally weighted, reduced."""
    r = _legacy(size_average, reduce, reduction)
    return _pointwise("mse_loss", input, target, r, weight, lambda d: d * d)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, optionally weighted, reduced."""
    r = _legacy(size_average, reduce, reduction)
    return _pointwise("l1_loss", input, target, r, weight, lambda d: d.abs())


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
                   beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - beta / 2 elsewhere."""
    r = _legacy(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=r)

    def f(d):
        a = d.abs()
        return torch.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
    return _pointwise("smooth_l1_loss", input, target, r, None, f)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - delta / 2) elsewhere."""
    def f(d):
        a = d.abs()
        return torch.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _pointwise("huber_loss", input, target, reduction, weight, f)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of class indices: -input[n, target[n], ...] (weighted)."""
    r = _check_reduction(_legacy(size_average, reduce, reduction))
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if input.dim() >= 2 and target.dim() >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    return nll_loss_nd(input, target, weight, r, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax over the class dim (1, or 0 for unbatched input) then NLL.

    ``target`` holds class indices (integer) or class probabilities (float, same shape as
    input); ``label_smoothing`` mixes in the uniform distribution.
    """
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    cdim = 0 if input.dim() == 1 else 1
    logp = torch.log_softmax(input, cdim)
    c = input.shape[cdim]
    wshape = (c,) + (1,) * (input.dim() - cdim - 1)
    if target.dtype.is_floating_point:
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError(f"Expected target size {list(input.shape)}, got "
                               f"{list(target.shape)}")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / c
        prod = logp * target
        if weight is not None:
            prod = prod * weight.reshape(wshape)
        loss = -prod.sum(cdim)
        if reduction == "mean":
            # mean over the batch elements (an empty batch gives 0 / 0 = nan like torch)
            return loss.sum() / float(input.numel() // c if c else 0)
        return _reduce(loss, reduction)
    if target.dtype.is_complex or target.dtype is torch.bool:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.c10_name}")
    nll = nll_loss_nd(logp, target, weight, REDUCTIONS[reduction], ignore_index)
    if label_smoothing <= 0:
        return nll
    ignore = target == ignore_index
    smooth = -(logp * weight.reshape(wshape)).sum(cdim) if weight is not None \
        else -logp.sum(cdim)
    smooth = smooth.masked_fill(ignore, 0.0)
    if reduction == "mean":
        if weight is not None:
            safe = target.masked_select(~ignore).flatten()
            smooth = smooth.sum() / weight.gather(0, safe).sum()
        else:
            smooth = smooth.sum() / (~ignore).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / c)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)), the logs clamped at -100 like torch."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         f"the same size.")
    with torch.no_grad():
        bad = ((input < 0) | (input > 1)).any().item() if input.numel() else False
    if bad:
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * torch.log(input).clamp_min(-100)
             + (1 - target) * torch.log(1 - input).clamp_min(-100))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """BCE on sigmoid(input), computed stably: (1 - t) x + l * softplus(-x) with
    l = 1 + (pos_weight - 1) t."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    # softplus(-x) = log(1 + exp(-x)) = max(-x, 0) + log1p(exp(-|x|))
    sp = (-input).clamp_min(0) + torch.log1p(torch.exp(-input.abs()))
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * sp
    else:
        loss = (1 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",
           log_target=False):
    """target * (log target - input) pointwise (input holds log-probabilities)."""
    reduction = _legacy(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.")
    if log_target:
        loss = torch.exp(target) * (target - input)
    else:
        loss = torch.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    _check_reduction(reduction)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None,
                     eps=1e-8, reduce=None, reduction="mean"):
    """exp(x) - t x (log_input) or x - t log(x + eps); ``full`` adds Stirling's term."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = torch.exp(input) - target * input
    else:
        loss = input - target * torch.log(input + eps)
    if full:
        st = target * torch.log(target) - target + 0.5 * torch.log(2 * math.pi * target)
        loss = loss + torch.where(target > 1, st, torch.zeros((), dtype=st.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)) (+ const if full)."""
    if not isinstance(var, torch.Tensor):
        var = torch.full_like(input, float(var))
        if (var < 0).any():
            raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    _check_reduction(reduction)
    if (var < 0).any():
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with torch.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (torch.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) for target 1, max(0, cos - margin) for target -1."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    eps = 1e-12
    d = input1.dim() - 1
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / torch.sqrt(m1 * m2)
    zero = torch.zeros((), dtype=cos.dtype)
    loss = torch.where(target == 1, 1 - cos, zero) + \
        torch.where(target == -1, (cos - margin).clamp_min(0), zero)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {input1.shape}, input2: "
                           f"{input2.shape}, target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    zero = torch.zeros((), dtype=input.dtype)
    loss = torch.where(target != 1, (margin - input).clamp_min(0), zero) + \
        torch.where(target != -1, input, zero)
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input))."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _reduce(torch.log1p(torch.exp(-target * input)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Per-class binary logistic loss averaged over classes."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    ls = -(input.clamp_max(0) - torch.log1p(torch.exp(-input.abs())))   # -logsigmoid(x)
    lsn = -((-input).clamp_max(0) - torch.log1p(torch.exp(-input.abs())))
    loss = target * ls + (1 - target) * lsn
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(input.dim() - 1) / input.shape[-1]
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C;
    ``target`` lists class indices, ended by the first -1."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target.reshape(x.shape)
    c = x.shape[1]
    # a target index counts only before the first -1
    alive = torch.cumprod((t >= 0).to(torch.int64), 1) > 0
    safe = torch.where(alive, t, torch.zeros((), dtype=t.dtype))
    is_t = torch.zeros(x.shape, dtype=torch.int64).scatter_add(
        1, safe, alive.to(torch.int64)) > 0
    xj = x.gather(1, safe)                                     # (N, C) target scores
    m = (1 - (xj.unsqueeze(2) - x.unsqueeze(1))).clamp_min(0)  # (N, j, i)
    mask = alive.unsqueeze(2) & ~is_t.unsqueeze(1)
    loss = torch.where(mask, m, torch.zeros((), dtype=m.dtype)).sum((1, 2)) / c
    if input.dim() < 2:
        loss = loss.reshape(()) if reduction == "none" and input.dim() == 1 else loss
    return _reduce(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum_{i != y} max(0, margin - x[y] + x[i])^p / C (weighted by weight[y])."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target.reshape(-1, 1)
    c = x.shape[1]
    xy = x.gather(1, t)
    m = (margin - xy + x).clamp_min(0)
    if p == 2:
        m = m * m
    if weight is not None:
        m = m * weight[t]
    notself = torch.arange(c).reshape(1, c) != t
    loss = torch.where(notself, m, torch.zeros((), dtype=m.dtype)).sum(1) / c
    if input.dim() < 2 and reduction == "none":
        loss = loss.reshape(()) if input.dim() == 1 else loss
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) with d the pairwise p-distance."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    from .distance import pairwise_distance
    nd = anchor.dim()
    if not (nd == positive.dim() == negative.dim()):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {nd}D, positive "
                           f"{positive.dim()}D, and negative {negative.dim()}D inputs")
    dp = pairwise_distance(anchor, positive, p, eps)
    dn = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dn = torch.minimum(dn, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dp - dn).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """triplet_margin_loss with a custom distance (default: pairwise_distance)."""
    _check_reduction(reduction)
    from .distance import pairwise_distance
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater "
                         f"than 0, got {margin} instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    dp = dist(anchor, positive)
    dn = dist(anchor, negative)
    if swap:
        dn = torch.minimum(dn, dist(positive, negative))
    return _reduce((margin + dp - dn).clamp_min(0), reduction)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification loss.

    ``log_probs`` is (T, N, C) (or (T, C) unbatched); ``targets`` (N, S) padded or the
    concatenation of all targets.  The forward recursion over the extended label sequence
    (blanks interleaved, length 2S+1) runs in log space, one step per time frame for the
    whole batch; 'mean' divides each loss by its target length before averaging.
    """
    _check_reduction(reduction)
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.dim() == 1 else targets
    tlen_n, n, _ = log_probs.shape
    il = _lengths(input_lengths, n)
    tl = _lengths(target_lengths, n)
    if targets.dim() == 1 and not unbatched:        # concatenated targets
        s = max(tl) if tl else 0
        rows, pos = [], 0
        flat = targets.tolist()
        for k in tl:
            rows.append(flat[pos:pos + k] + [blank] * (s - k))
            pos += k
        tg = torch.tensor(rows, dtype=torch.int64).reshape(n, s)
    else:
        tg = targets.to(torch.int64)
        s = tg.shape[1]
    for i in range(n):
        if il[i] > tlen_n:
            raise RuntimeError(f"Expected input_lengths to have value at most {tlen_n}, but "
                               f"got value {il[i]} (while checking arguments for ctc_loss_cpu)")
        if tl[i] > s:
            raise RuntimeError(f"Expected tensor to have size at least {tl[i]} at dimension "
                               f"1, but got size {s} for argument #2 'targets' (while "
                               f"checking arguments for ctc_loss_cpu)")
    ls = 2 * s + 1
    ext = torch.full((n, ls), blank, dtype=torch.int64)
    if s:
        ext[:, 1::2] = tg[:, :s]
    neg = torch.tensor(-math.inf, dtype=log_probs.dtype)
    # a state may be entered from two back when it is a label differing from that one
    skip = torch.zeros((n, ls), dtype=torch.bool)
    if ls > 2:
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    valid = torch.arange(ls).reshape(1, ls) < (torch.tensor(tl).reshape(n, 1) * 2 + 1)
    lp = log_probs.gather(2, ext.unsqueeze(0).expand(tlen_n, n, ls))   # (T, N, 2S+1)
    init = torch.full((n, ls), -math.inf, dtype=log_probs.dtype)
    init[:, :2] = 0.0
    alpha = torch.where((init == 0) & valid, lp[0], neg) if tlen_n else init
    il_t = torch.tensor(il).reshape(n, 1)
    for t in range(1, tlen_n):
        prev1 = torch.cat([torch.full((n, 1), -math.inf, dtype=alpha.dtype), alpha[:, :-1]], 1)
        prev2 = torch.cat([torch.full((n, 2), -math.inf, dtype=alpha.dtype), alpha[:, :-2]],
                          1)[:, :ls]
        prev2 = torch.where(skip, prev2, neg)
        stacked = torch.stack([alpha, prev1, prev2], 0)
        new = _logsumexp0(stacked) + lp[t]
        new = torch.where(valid, new, neg)
        # sequences already finished keep their last alpha
        alpha = torch.where(il_t > t, new, alpha)
    end = torch.tensor(tl).reshape(n, 1) * 2
    last = alpha.gather(1, end)
    before = alpha.gather(1, (end - 1).clamp_min(0))
    before = torch.where(end > 0, before, neg.expand_as(before))
    nll = -_logsumexp0(torch.stack([last, before], 0)).reshape(n)
    if tlen_n == 0 or min(il) == 0:
        zero_len = torch.tensor([x == 0 for x in il])
        empty_ok = torch.tensor([k == 0 for k in tl])
        nll = torch.where(zero_len, torch.where(empty_ok, torch.zeros((), dtype=nll.dtype),
                                                 -neg), nll)
    if zero_infinity:
        nll = torch.where(torch.isinf(nll), torch.zeros((), dtype=nll.dtype), nll)
    if reduction == "mean":
        denom = torch.tensor(tl, dtype=nll.dtype).clamp_min(1)
        return (nll / denom).mean()
    if reduction == "sum":
        return nll.sum()
    return nll.reshape(()) if unbatched else nll


def _lengths(x, n):
    vals = x.tolist() if isinstance(x, torch.Tensor) else list(x)
    if isinstance(vals, int):
        vals = [vals]
    if len(vals) != n:
        raise RuntimeError(f"Expected tensor to have size {n} at dimension 0, but got size "
                           f"{len(vals)} (while checking arguments for ctc_loss_cpu)")
    return [int(v) for v in vals]


def _logsumexp0(x):
    """logsumexp over dim 0 that gives -inf (and zero gradient) for all -inf columns."""
    m = x.detach().amax(0)
    m = torch.where(torch.isinf(m), torch.zeros((), dtype=m.dtype), m)
    s = torch.exp(x - m).sum(0)
    pos = s > 0
    # log(0) would give a 0/0 gradient: take log(1) there and select -inf instead
    out = torch.log(torch.where(pos, s, torch.ones((), dtype=s.dtype))) + m
    return torch.where(pos, out, torch.full((), -math.inf, dtype=s.dtype))
