"""Backward formulas of the reduction family (``_ops/reduction.py``).

Registry-level signatures (what the formulas receive) are listed in that module's
docstring; the ones used here:

  sum/nansum/mean/nanmean/prod      (x, dims, keepdim, dtype)
  var/std/var_mean/std_mean         (x, dims, correction, keepdim)
  amax/amin/logsumexp               (x, dims, keepdim)
  max/min/median/nanmedian (full)   (x)
  max.dim/min.dim/median.dim/...    (x, dim, keepdim) -> (values, indices)
  kthvalue                          (x, k, dim, keepdim) -> (values, indices)
  linalg_vector_norm                (x, ord, dims, keepdim, dtype)
  linalg_matrix_norm                (A, ord, dims, keepdim, dtype)
  cumsum/cumprod                    (x, dim, dtype);  cummax/cummin/logcumsumexp (x, dim)
  sort                              (x, dim, descending, stable)
  topk                              (x, k, dim, largest, sorted)
  quantile/nanquantile              (x, q, dim, keepdim, interpolation)

Patterns: a reduction's gradient is ``g`` with the reduced dims put back (size 1) so it
broadcasts against the input; ops that *select* an element (max.dim, sort, kthvalue, ...)
scatter ``g`` back to the selected indices; full max/min/median and amax/amin share ``g``
evenly among tied elements, as torch does.  Index outputs, argmax, all, unique, ... are
declared non-differentiable in ``_ops/reduction.py`` itself.
"""
from __future__ import annotations

import math

from ..._ops import elementwise as E
from ..._ops.creation import arange, ones, tensor, zeros
from ..._ops.shape import cat
from ..._tensor import Tensor
from ..derivatives import defgrad
from ..grad_mode import is_grad_enabled


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def _unsqueeze_dims(g, shape, dims, keepdim):
    """Put back the reduced dims (size 1) so ``g`` broadcasts against the input."""
    if keepdim or not shape:
        return g
    for d in sorted(d % len(shape) for d in dims):
        g = g.unsqueeze(d)
    return g


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _c(t):
    return t.conj() if t.dtype.is_complex else t


def _zeros_as(shape, g):
    return zeros(shape, dtype=g.dtype, device=g.device)


def _rcumsum(t, dim):
    """Reversed cumulative sum: out[k] = sum_{j >= k} t[j] along ``dim``."""
    return t.flip(dim).cumsum(dim).flip(dim)


def _share_ties(g, x, value, dims):
    """``g`` shared evenly among the elements of ``x`` equal to ``value`` (per reduced slice).

    ``g`` and ``value`` have the reduced dims kept (size 1).
    """
    mask = x == value
    return (g / mask.sum(dims, keepdim=True)) * mask


def _evenly(g, x, *, result):
    """Full reductions that pick a value (max(), min(), median()): ties share ``g``; a NaN
    result sends the gradient to the NaNs."""
    mask = x.isnan() if bool(result.isnan().item()) else x == result
    return mask * (g / mask.sum())


def _select_back(g, dim, keepdim, meta, indices):
    """Gradient of an op that picked ``values = x.gather(dim, indices)``."""
    shape = meta[0][0]
    if not shape:
        return g
    if not keepdim:
        g = g.unsqueeze(dim)
        indices = indices.unsqueeze(dim)
    return _zeros_as(shape, g).scatter(dim, indices, g)


# ---------------------------------------------------------------------------------------
# sum / mean / prod
# ---------------------------------------------------------------------------------------

@defgrad("sum")
def _sum(g, x, dims, keepdim=False, dtype=None, *, meta):
    shape = meta[0][0]
    return _unsqueeze_dims(g, shape, dims, keepdim).expand(shape)


@defgrad("nansum")
def _nansum(g, x, dims, keepdim=False, dtype=None):
    return _unsqueeze_dims(g, x.shape, dims, keepdim) * x.isnan().logical_not()


@defgrad("mean")
def _mean(g, x, dims, keepdim=False, dtype=None, *, meta):
    shape = meta[0][0]
    n = _numel(shape, dims)
    g = _unsqueeze_dims(g, shape, dims, keepdim)
    return (g / n if n else g).expand(shape)


@defgrad("nanmean")
def _nanmean(g, x, dims, keepdim=False, dtype=None):
    # nanmean = nansum(x) / count(not nan)
    ok = x.isnan().logical_not()
    g = _unsqueeze_dims(g, x.shape, dims, keepdim)
    return (g / ok.sum(dims, keepdim=True)) * ok


def _exclusive_prod_grad(g, x, dim):
    """d prod(x) / d x_k = prod_{i<k} x_i * prod_{i>k} x_i, exact even with zeros.

    Both exclusive products are cumprods of ``x`` shifted by one (a 1 in front), the second
    one taken from the end.
    """
    n = x.shape[dim]
    if n == 0:
        return g.expand(x.shape)
    ones_shape = list(x.shape)
    ones_shape[dim] = 1
    one = ones(ones_shape, dtype=x.dtype, device=x.device)
    before = cat([one, x.narrow(dim, 0, n - 1)], dim).cumprod(dim)
    after = cat([one, x.narrow(dim, 1, n - 1).flip(dim)], dim).cumprod(dim).flip(dim)
    return g * _c(before * after)


@defgrad("prod")
def _prod(g, x, dims, keepdim=False, dtype=None, *, result):
    if x.dim() == 0:
        return g
    g = _unsqueeze_dims(g, x.shape, dims, keepdim)
    if not bool((x == 0).any().item()):
        return g * _c(_unsqueeze_dims(result, x.shape, dims, keepdim) / x)
    if len(dims) == 1:
        return _exclusive_prod_grad(g, x, dims[0])
    # full reduction (torch.prod has no multi-dim form): over the flattened input
    return _exclusive_prod_grad(g.reshape(1), x.reshape(-1), 0).reshape(x.shape)


# ---------------------------------------------------------------------------------------
# var / std
# ---------------------------------------------------------------------------------------

def _var_grad(g, x, dims, correction, keepdim):
    """d var / dx = 2 (x - mean) / (N - correction), ``g`` not yet unsqueezed."""
    g = _unsqueeze_dims(g, x.shape, dims, keepdim)
    dof = _numel(x.shape, dims) - correction
    mean = x.mean(dims, keepdim=True)
    if dof <= 0 and len(dims) == x.dim():
        # full reduction without degrees of freedom: torch gives NaN where x equals the mean
        # (inf * 0) and inf elsewhere
        return g * E.where(x == mean, math.nan, math.inf)
    factor = 2.0 / dof if dof != 0 else math.inf
    return factor * g * (x - mean)


def _std_to_var(g, result, dims, keepdim, shape):
    """d std = d var / (2 std); zero where std == 0 (torch's choice, instead of inf)."""
    r = _unsqueeze_dims(result, shape, dims, keepdim)
    g = _unsqueeze_dims(g, shape, dims, keepdim)
    return (g / (2 * r)).masked_fill(r == 0, 0)


@defgrad("var")
def _var(g, x, dims, correction=1, keepdim=False):
    return _var_grad(g, x, dims, correction, keepdim)


@defgrad("std")
def _std(g, x, dims, correction=1, keepdim=False, *, result):
    gv = _std_to_var(g, result, dims, keepdim, x.shape)
    return _var_grad(gv, x, dims, correction, True)


def _mean_part(gm, x, dims, keepdim):
    return _unsqueeze_dims(gm, x.shape, dims, keepdim) / (_numel(x.shape, dims) or 1)


@defgrad("var_mean")
def _var_mean(g, x, dims, correction=1, keepdim=False):
    gv, gm = g
    return _var_grad(gv, x, dims, correction, keepdim) + _mean_part(gm, x, dims, keepdim)


@defgrad("std_mean")
def _std_mean(g, x, dims, correction=1, keepdim=False, *, result):
    gs, gm = g
    gv = _std_to_var(gs, result[0], dims, keepdim, x.shape)
    return _var_grad(gv, x, dims, correction, True) + _mean_part(gm, x, dims, keepdim)


# ---------------------------------------------------------------------------------------
# max / min family
# ---------------------------------------------------------------------------------------

for _name in ("max", "min", "median", "nanmedian"):
    defgrad(_name, _evenly)


def _dim_select(g, x, dim, keepdim=False, *, result, meta):
    return _select_back(g[0], dim, keepdim, meta, result[1])


for _name in ("max.dim", "min.dim", "median.dim", "nanmedian.dim", "mode"):
    defgrad(_name, _dim_select)


@defgrad("kthvalue")
def _kthvalue(g, x, k, dim=-1, keepdim=False, *, result, meta):
    return _select_back(g[0], dim, keepdim, meta, result[1])


def _amax_like(g, x, dims, keepdim=False, *, result):
    return _share_ties(_unsqueeze_dims(g, x.shape, dims, keepdim), x,
                       _unsqueeze_dims(result, x.shape, dims, keepdim), dims)


defgrad("amax", _amax_like)
defgrad("amin", _amax_like)


@defgrad("aminmax")
def _aminmax(g, x, dim=None, keepdim=False, *, result):
    dims = tuple(range(x.dim())) if dim is None else (dim % max(x.dim(), 1),)
    return (_amax_like(g[0], x, dims, keepdim, result=result[0])
            + _amax_like(g[1], x, dims, keepdim, result=result[1]))


@defgrad("logsumexp")
def _logsumexp(g, x, dims, keepdim=False, *, result):
    r = _unsqueeze_dims(result, x.shape, dims, keepdim)
    return _unsqueeze_dims(g, x.shape, dims, keepdim) * _c((x - r).exp())


# ---------------------------------------------------------------------------------------
# norms
# ---------------------------------------------------------------------------------------

def _vector_norm_grad(g, x, p, dims, norm):
    """Gradient of ||x||_p over ``dims``; ``g`` and ``norm`` have the reduced dims kept.

    d||x||_p / dx = sgn(x) |x|^(p-1) / ||x||^(p-1); zero where the norm is 0 (p >= 1) or
    where x is 0 (p < 1), as torch.  p = inf / -inf: the extreme |x| share ``g``.
    """
    if p == 0:  # torch defines no gradient (x.grad stays None)
        return None
    if p == 1:
        return x.sgn() * g
    if p == 2:
        return g * E.where(norm == 0, 0, x / norm)
    if math.isinf(p):
        ax = x.abs()
        mask = (ax == norm).logical_or(ax.isnan())
        return x.sgn() * ((g / mask.sum(dims, keepdim=True)) * mask)
    if p < 1:
        scaled = E.where(x == 0, 0, x.sgn() * x.abs().pow(p - 1))
        return scaled * g * norm.pow(1 - p)
    scaled = x.sgn() * x.abs().pow(p - 1) if p < 2 else x * x.abs().pow(p - 2)
    return scaled * E.where(norm == 0, 0, g / norm.pow(p - 1))


@defgrad("linalg_vector_norm")
def _vector_norm(g, x, ord, dims, keepdim=False, dtype=None, *, result):
    return _vector_norm_grad(_unsqueeze_dims(g, x.shape, dims, keepdim), x, ord, dims,
                             _unsqueeze_dims(result, x.shape, dims, keepdim))


def _singular_value_grad(g, A, ord, dims):
    """nuc = sum(S), 2 = max(S), -2 = min(S); with dS given, dA = U diag(dS) V^H.

    ``g`` has both matrix dims kept (size 1)."""
    a = A.movedim(dims, (-2, -1))
    u, s, vh = _svd(a)
    gs = g.movedim(dims, (-2, -1))[..., 0]          # [..., 1] against s: [..., k]
    if ord != "nuc":
        ext = s.amax(-1, keepdim=True) if ord == 2 else s.amin(-1, keepdim=True)
        gs = _share_ties(gs, s, ext, (-1,))
    else:
        gs = gs.expand(s.shape)
    ga = (u * gs.unsqueeze(-2).to(u.dtype)) @ vh
    return ga.movedim((-2, -1), dims)


def _svd(a):
    from ... import linalg  # the public namespace imports this package: import lazily
    return linalg.svd(a, full_matrices=False)


@defgrad("linalg_matrix_norm")
def _matrix_norm(g, A, ord, dims, keepdim=False, dtype=None, *, result):
    g = _unsqueeze_dims(g, A.shape, dims, keepdim)
    r = _unsqueeze_dims(result, A.shape, dims, keepdim)
    if ord == "fro":
        return _vector_norm_grad(g, A, 2.0, dims, r)
    if ord in ("nuc", 2, -2):
        return _singular_value_grad(g, A, ord, dims)
    # 1 / -1: extreme column sum of |A| (sum over rows); inf / -inf: extreme row sum
    d_sum, d_ext = (dims[0], dims[1]) if abs(ord) == 1 else (dims[1], dims[0])
    col = A.abs().sum(d_sum, keepdim=True)
    return A.sgn() * _share_ties(g, col, r, (d_ext,))


# ---------------------------------------------------------------------------------------
# cumulative ops
# ---------------------------------------------------------------------------------------

@defgrad("cumsum")
def _cumsum(g, x, dim, dtype=None, *, meta):
    if not meta[0][0]:
        return g
    return _rcumsum(g, dim)


@defgrad("cumprod")
def _cumprod(g, x, dim, dtype=None, *, result):
    # dy_j/dx_k = prod_{i <= j, i != k} x_i  (j >= k)
    if x.dim() == 0 or x.shape[dim] <= 1:
        return g
    zero = x == 0
    if not bool(zero.any().item()):
        return _rcumsum(g * _c(result), dim) / _c(x)
    # Before the first zero z of a slice, y_j = 0 for j >= z, so the no-zero formula holds
    # there.  At z: sum_{j>=z} g_j prod_{i<=j, i!=z} x_i, i.e. the reversed cumsum of g times
    # the cumprod of x with x_z replaced by 1.  After z every term has a factor x_z = 0.
    if is_grad_enabled():  # create_graph: the masked formula below is exact but its own
        return _cumprod_grad_products(g, x, dim)  # derivative at the zeros is not
    nz = zero.cumsum(dim)
    before = nz == 0
    first = zero.logical_and(nz == 1)
    safe = x.masked_fill(before.logical_not(), 1)
    part_before = (_rcumsum(g * _c(result), dim) / _c(safe)).masked_fill(
        before.logical_not(), 0)
    y_skip = x.masked_fill(first, 1).cumprod(dim)
    part_zero = _rcumsum(g * _c(y_skip), dim).masked_fill(first.logical_not(), 0)
    return part_before + part_zero


def _cumprod_grad_products(g, x, dim):
    """cumprod's gradient without any division, so differentiable at zeros (O(n^2) memory):

    dx_k = prod_{i<k} x_i * sum_{m>=k} g_m prod_{k<i<=m} x_i  (conjugated factors for complex)
    The inner products come from a [k, i] matrix holding x_i where i > k and 1 elsewhere.
    """
    xm, gm = x.movedim(dim, -1), g.movedim(dim, -1)
    n = xm.shape[-1]
    i = arange(n, device=x.device)
    later = i.unsqueeze(0) > i.unsqueeze(1)                     # [k, i]: i > k
    partial = E.where(later, xm.unsqueeze(-2), 1).cumprod(-1)   # [..., k, m]
    s = (gm.unsqueeze(-2) * _c(partial)).masked_fill(later.logical_not().logical_and(
        i.unsqueeze(0) != i.unsqueeze(1)), 0).sum(-1)
    one = ones(xm.shape[:-1] + (1,), dtype=x.dtype, device=x.device)
    before = cat([one, xm.narrow(-1, 0, n - 1)], -1).cumprod(-1)
    return (_c(before) * s).movedim(-1, dim)


def _cummaxmin(g, x, dim, *, result, meta):
    shape = meta[0][0]
    if not shape:
        return g[0]
    return _zeros_as(shape, g[0]).scatter_add(dim, result[1], g[0])


defgrad("cummax", _cummaxmin)
defgrad("cummin", _cummaxmin)


def _rlogcumsumexp(t, dim):
    return t.flip(dim).logcumsumexp(dim).flip(dim)


@defgrad("logcumsumexp")
def _logcumsumexp(g, x, dim, *, result):
    # dx_k = sum_{j>=k} g_j exp(x_k - y_j) = exp(x_k + log sum_{j>=k} exp(log g_j - y_j)),
    # computed in log space (stable); real g is split by sign since log needs g > 0.
    if x.dim() == 0:
        return g
    if g.dtype.is_complex:
        return (_rlogcumsumexp(g.log() - _c(result), dim) + _c(x)).exp()
    from ... import finfo
    lowest = finfo(g.dtype).min
    log_abs = g.abs().log()
    pos = E.where(g > 0, log_abs, lowest)
    neg = E.where(g < 0, log_abs, lowest)
    return ((_rlogcumsumexp(pos - result, dim) + x).exp()
            - (_rlogcumsumexp(neg - result, dim) + x).exp())


# ---------------------------------------------------------------------------------------
# sort / topk / quantile
# ---------------------------------------------------------------------------------------

@defgrad("sort")
def _sort(g, x, dim=-1, descending=False, stable=False, *, result, meta):
    return _select_back(g[0], dim, True, meta, result[1])


@defgrad("topk")
def _topk(g, x, k, dim=-1, largest=True, sorted=True, *, result, meta):  # noqa: A002
    return _select_back(g[0], dim, True, meta, result[1])


def _quantile_for(ignore_nan):
    def formula(g, x, q, dim=None, keepdim=False, interpolation="linear"):
        # quantile = lerp(sorted[below], sorted[above], rank - below): the gradient goes to
        # the two neighbouring order statistics with weights (1 - w, w), then back through
        # the sort permutation.  Ranks follow torch: q * (n - 1), n counting non-NaN values
        # for nanquantile; a slice holding NaN (quantile) takes the last (NaN) element.
        xf = x.reshape(-1) if dim is None else x.movedim(dim, -1)
        srt, perm = xf.sort(-1)
        n = srt.shape[-1]
        q_scalar = not isinstance(q, Tensor) or q.dim() == 0
        qt = (q if isinstance(q, Tensor) else tensor(q)).to(x.dtype).reshape(-1)
        isnan = srt.isnan()
        if ignore_nan:
            ranks = (qt * (isnan.logical_not().sum(-1, keepdim=True) - 1)).clamp(min=0)
        else:
            ranks = E.where(isnan.any(-1, keepdim=True), float(n - 1), qt * (n - 1))
        ranks = {"lower": ranks.floor, "higher": ranks.ceil,
                 "nearest": ranks.round}.get(interpolation, lambda: ranks)()
        below = ranks.floor()
        # g -> [..., Q] (batch dims of xf, quantiles last)
        if q_scalar:
            g = g.unsqueeze(0)
        if dim is None:
            g = g.reshape(-1)
        else:
            if keepdim:
                g = g.squeeze(dim % x.dim() + 1) if x.dim() else g
            g = g.movedim(0, -1)
        gs = _zeros_as(srt.shape, g)
        if interpolation in ("linear", "midpoint"):
            w = ranks - below if interpolation == "linear" else E.where(
                ranks == below, 0.0, 0.5)
            gs = gs.scatter_add(-1, below.long(), g * (1 - w))
            gs = gs.scatter_add(-1, ranks.ceil().long(), g * w)
        else:
            gs = gs.scatter_add(-1, below.long(), g)
        gx = _zeros_as(srt.shape, g).scatter(-1, perm, gs)
        return gx.reshape(x.shape) if dim is None else gx.movedim(-1, dim)
    return formula


defgrad("quantile", _quantile_for(False))
defgrad("nanquantile", _quantile_for(True))
