"""Gradients of the reduction family, compared with real torch.

Each case builds the same leaf in both libraries, runs the same forward, back-propagates the
same random upstream gradients (``autograd.grad`` over every floating output, so multi-output
ops such as var_mean / max.dim are covered) and compares the leaves' gradients (values,
dtypes, shapes).  Second-order cases differentiate the first gradient again; a few float64
cases also go through mindtorch's own finite-difference gradcheck.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same

INF = math.inf


def _arr(shape, lo, hi, dtype, seed=0, ints=False):
    rng = np.random.default_rng(seed)
    if ints:  # small integers: many ties
        a = rng.integers(int(lo), int(hi) + 1, size=shape).astype(float)
    else:
        a = rng.uniform(lo, hi, size=shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.uniform(lo, hi, size=shape)
    return a.astype(dtype)


def _layout(a, layout):
    """The leaf's memory: plain, transposed (non-contiguous) or strided (sliced)."""
    if a.ndim < 2 or layout in ("plain", "view"):
        return a
    if layout == "t":
        return np.swapaxes(np.swapaxes(a, -1, -2).copy(), -1, -2)
    return np.repeat(a, 2, axis=-1)[..., ::2]


def _outs(r):
    r = r if isinstance(r, (tuple, list)) else (r,)
    return [o for o in r if o.dtype.is_floating_point or o.dtype.is_complex]


def _grad_outputs(outs, seed):
    gs = []
    for i, o in enumerate(outs):
        rng = np.random.default_rng(seed + i)
        g = rng.uniform(-1, 1, size=tuple(o.shape))
        if o.dtype.is_complex:
            g = g + 1j * rng.uniform(-1, 1, size=g.shape)
        gs.append(np.asarray(g).astype(str(o.dtype).split(".")[1]))
    return gs


def compare(fn, a, *, layout="plain", order=1, rtol=None, atol=None, seed=1):
    """Gradient (order 1) or gradient of the gradient (order 2) of ``fn(lib, x)``."""
    a = _layout(a, layout)
    if layout == "view":  # the op sees a transposed view of a contiguous leaf
        a = np.swapaxes(a, -1, -2).copy()
    tx = T.from_numpy(a).requires_grad_()
    mx = M.from_numpy(a).requires_grad_()
    if layout in ("t", "slice") and a.ndim >= 2:
        assert not mx.is_contiguous()

    def run(L, x):
        inp = x.transpose(-1, -2) if layout == "view" else x
        outs = _outs(fn(L, inp))
        gs = [L.from_numpy(g.copy()) for g in _grad_outputs(outs, seed)]
        (gx,) = L.autograd.grad(outs, [x], gs, create_graph=order == 2)
        if order == 2:
            v = L.from_numpy(_grad_outputs([gx], seed + 7)[0])
            (gx,) = L.autograd.grad([gx], [x], [v], allow_unused=True)
        return outs, gx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            touts, tg = run(T, tx)
        except RuntimeError as e:  # e.g. a gradient that does not depend on x (order 2)
            key = "not have been used" if "not have been used" in str(e) else \
                str(e).split(" ")[0]
            with pytest.raises(RuntimeError, match=key):
                run(M, mx)
            return
        mouts, mg = run(M, mx)
    for m, t in zip(mouts, touts):
        assert_same(m.detach(), t.detach(), rtol=rtol, atol=atol)
    if tg is None:
        assert mg is None or not mg.abs().sum().item()
        return
    assert mg is not None, "missing gradient"
    assert_same(mg, tg, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------
# first-order cases: id -> (fn(lib, x), shape, low, high, dtypes)
# ---------------------------------------------------------------------------------------

R = ("float32", "float64")
RC = R + ("complex64",)

CASES = {
    "sum": (lambda L, x: x.sum(), (3, 4), -2, 2, RC),
    "sum_dim": (lambda L, x: x.sum(1), (3, 4), -2, 2, RC),
    "sum_dims_keep": (lambda L, x: x.sum((0, 2), keepdim=True), (2, 3, 4), -2, 2, RC),
    "sum_dtype": (lambda L, x: x.sum(0, dtype=L.float64), (3, 4), -2, 2, ("float32",)),
    "nansum": (lambda L, x: L.nansum(L.where(x > 1, float("nan"), x), 1), (3, 4), -2, 2, R),
    "mean": (lambda L, x: x.mean(), (3, 4), -2, 2, RC),
    "mean_dim": (lambda L, x: x.mean(-1, keepdim=True), (3, 4), -2, 2, RC),
    "mean_dims": (lambda L, x: L.mean(x, (0, 1)), (2, 3, 4), -2, 2, R),
    "nanmean": (lambda L, x: L.nanmean(L.where(x > 1, float("nan"), x), 0), (3, 4), -2, 2, R),
    "prod": (lambda L, x: x.prod(), (3, 4), 0.5, 1.5, RC),
    "prod_dim": (lambda L, x: x.prod(1), (3, 4), -2, 2, RC),
    "prod_dim_keep": (lambda L, x: x.prod(0, keepdim=True), (3, 4), -2, 2, R),
    "var": (lambda L, x: x.var(), (3, 4), -2, 2, RC),
    "var_dim": (lambda L, x: x.var(1), (3, 4), -2, 2, RC),
    "var_corr0": (lambda L, x: L.var(x, (0, 1), correction=0, keepdim=True), (2, 3, 4), -2, 2,
                  R),
    "var_corr2": (lambda L, x: L.var(x, 0, correction=2), (3, 4), -2, 2, R),
    "std": (lambda L, x: x.std(), (3, 4), -2, 2, RC),
    "std_dim": (lambda L, x: x.std(0, unbiased=False), (3, 4), -2, 2, RC),
    "var_mean": (lambda L, x: L.var_mean(x, 1), (3, 4), -2, 2, RC),
    "std_mean": (lambda L, x: L.std_mean(x, 0, keepdim=True), (3, 4), -2, 2, RC),
    "max_full": (lambda L, x: x.max(), (3, 4), -2, 2, R),
    "min_full": (lambda L, x: x.min(), (3, 4), -2, 2, R),
    "max_ties": (lambda L, x: x.max(), (3, 4), 0, 2, R, True),
    "min_ties": (lambda L, x: x.min(), (3, 4), 0, 2, R, True),
    "max_dim": (lambda L, x: x.max(1), (3, 4), -2, 2, R),
    "min_dim_keep": (lambda L, x: L.min(x, 0, keepdim=True), (3, 4), -2, 2, R),
    "max_dim_ties": (lambda L, x: x.max(1), (3, 4), 0, 1, R, True),
    "amax": (lambda L, x: x.amax(1), (3, 4), -2, 2, R),
    "amax_ties": (lambda L, x: L.amax(x, (0, 1)), (3, 4), 0, 2, R, True),
    "amin_ties_keep": (lambda L, x: L.amin(x, 1, keepdim=True), (3, 4), 0, 2, R, True),
    "aminmax": (lambda L, x: L.aminmax(x), (3, 4), 0, 2, R, True),
    "aminmax_dim": (lambda L, x: L.aminmax(x, dim=1), (3, 4), 0, 2, R, True),
    "logsumexp": (lambda L, x: L.logsumexp(x, 1), (3, 4), -2, 2, RC),
    "logsumexp_all": (lambda L, x: L.logsumexp(x, (0, 1), keepdim=True), (3, 4), -2, 2, R),
    "norm2": (lambda L, x: L.linalg.vector_norm(x), (3, 4), -2, 2, RC),
    "norm2_dim": (lambda L, x: L.linalg.vector_norm(x, 2, 1), (3, 4), -2, 2, RC),
    "norm1": (lambda L, x: L.linalg.vector_norm(x, 1, 0), (3, 4), -2, 2, RC),
    "norm0": (lambda L, x: L.linalg.vector_norm(x, 0, 0), (3, 4), -2, 2, R),
    "norm_inf": (lambda L, x: L.linalg.vector_norm(x, INF, 1), (3, 4), -2, 2, RC),
    "norm_ninf": (lambda L, x: L.linalg.vector_norm(x, -INF), (3, 4), -2, 2, R),
    "norm_inf_ties": (lambda L, x: L.linalg.vector_norm(x, INF, 1), (3, 4), -2, 2, R, True),
    "norm_p3": (lambda L, x: L.linalg.vector_norm(x, 3, 1, keepdim=True), (3, 4), -2, 2, RC),
    "norm_p1_5": (lambda L, x: L.linalg.vector_norm(x, 1.5), (3, 4), -2, 2, RC),
    "norm_p0_5": (lambda L, x: L.linalg.vector_norm(x, 0.5, 0), (3, 4), -2, 2, R),
    "norm_dtype": (lambda L, x: L.linalg.vector_norm(x, dtype=L.float64), (3, 4), -2, 2,
                   ("float32",)),
    "norm_method": (lambda L, x: x.norm(dim=1), (3, 4), -2, 2, R),
    "linalg_norm": (lambda L, x: L.linalg.norm(x), (3, 4), -2, 2, R),
    "dist": (lambda L, x: L.dist(x, x.flip(0) * 0.5, 3), (3, 4), -2, 2, R),
    "mnorm_fro": (lambda L, x: L.linalg.matrix_norm(x), (2, 3, 4), -2, 2, RC),
    "mnorm_nuc": (lambda L, x: L.linalg.matrix_norm(x, "nuc"), (2, 3, 4), -2, 2, RC),
    "mnorm_2": (lambda L, x: L.linalg.matrix_norm(x, 2), (2, 3, 4), -2, 2, RC),
    "mnorm_m2": (lambda L, x: L.linalg.matrix_norm(x, -2), (2, 4, 3), -2, 2, R),
    "mnorm_1": (lambda L, x: L.linalg.matrix_norm(x, 1), (2, 3, 4), -2, 2, RC),
    "mnorm_m1": (lambda L, x: L.linalg.matrix_norm(x, -1, keepdim=True), (2, 3, 4), -2, 2, R),
    "mnorm_inf": (lambda L, x: L.linalg.matrix_norm(x, INF), (2, 3, 4), -2, 2, R),
    "mnorm_minf_dims": (lambda L, x: L.linalg.matrix_norm(x, -INF, dim=(2, 0)), (2, 3, 4),
                        -2, 2, R),
    "mnorm_nuc_dims": (lambda L, x: L.linalg.matrix_norm(x, "nuc", dim=(0, 2)), (3, 2, 4),
                       -2, 2, R),
    "cumsum": (lambda L, x: x.cumsum(1), (3, 4), -2, 2, RC),
    "cumsum_dtype": (lambda L, x: L.cumsum(x, 0, dtype=L.float64), (3, 4), -2, 2,
                     ("float32",)),
    "cumprod": (lambda L, x: x.cumprod(1), (3, 4), -2, 2, RC),
    "cumprod_dim0": (lambda L, x: x.cumprod(-2), (3, 4), 0.5, 1.5, R),
    "cummax": (lambda L, x: L.cummax(x, 1), (3, 4), -2, 2, R),
    "cummin_ties": (lambda L, x: L.cummin(x, 0), (3, 4), 0, 2, R, True),
    "logcumsumexp": (lambda L, x: L.logcumsumexp(x, 1), (3, 4), -2, 2, RC),
    "logcumsumexp0": (lambda L, x: L.logcumsumexp(x, 0), (3, 4), -2, 2, R),
    "median": (lambda L, x: x.median(), (3, 5), -2, 2, R),
    "median_ties": (lambda L, x: x.median(), (3, 5), 0, 2, R, True),
    "median_nan": (lambda L, x: L.where(x > 1.5, float("nan"), x).median(), (3, 4), -2, 2, R),
    "max_nan": (lambda L, x: L.where(x > 1.5, float("nan"), x).max(), (3, 4), -2, 2, R),
    "median_dim": (lambda L, x: x.median(1), (3, 4), -2, 2, R),
    "nanmedian": (lambda L, x: L.nanmedian(L.where(x > 1.5, float("nan"), x)), (3, 4), -2, 2,
                  R),
    "nanmedian_dim": (lambda L, x: L.nanmedian(L.where(x > 1.5, float("nan"), x), 0, True),
                      (3, 4), -2, 2, R),
    "mode": (lambda L, x: L.mode(x, 1), (3, 6), 0, 2, R, True),
    "kthvalue": (lambda L, x: L.kthvalue(x, 2, 0), (3, 4), -2, 2, R),
    "kthvalue_keep": (lambda L, x: L.kthvalue(x, 3, 1, True), (3, 4), -2, 2, R),
    "sort": (lambda L, x: x.sort(1), (3, 4), -2, 2, R),
    "sort_desc": (lambda L, x: L.sort(x, dim=0, descending=True, stable=True), (3, 4), 0, 2, R,
                  True),
    "msort": (lambda L, x: L.msort(x), (3, 4), -2, 2, R),
    "topk": (lambda L, x: x.topk(2, 1), (3, 4), -2, 2, R),
    "topk_small": (lambda L, x: L.topk(x, 2, 0, largest=False), (3, 4), -2, 2, R),
    "quantile": (lambda L, x: L.quantile(x, 0.3), (3, 4), -2, 2, R),
    "quantile_dim": (lambda L, x: L.quantile(x, 0.4, dim=1, keepdim=True), (3, 4), -2, 2, R),
    "quantile_qvec": (lambda L, x: L.quantile(x, L.tensor([0.1, 0.5, 0.9], dtype=x.dtype),
                                              dim=0), (3, 4), -2, 2, R),
    "quantile_qvec_keep": (lambda L, x: L.quantile(x, L.tensor([0.25, 0.7], dtype=x.dtype),
                                                   dim=1, keepdim=True), (3, 4), -2, 2, R),
    "quantile_all_keep": (lambda L, x: L.quantile(x, L.tensor([0.2, 0.6], dtype=x.dtype),
                                                  keepdim=True), (3, 4), -2, 2, R),
    "quantile_nan": (lambda L, x: L.quantile(L.where(x > 1.5, float("nan"), x), 0.5, dim=1),
                     (3, 4), -2, 2, R),
    "nanquantile": (lambda L, x: L.nanquantile(L.where(x > 1.0, float("nan"), x), 0.6, dim=1),
                    (3, 4), -2, 2, R),
    "nanquantile_all": (lambda L, x: L.nanquantile(L.where(x > 1.0, float("nan"), x), 0.35),
                        (3, 4), -2, 2, R),
}
for _interp in ("lower", "higher", "nearest", "midpoint"):
    CASES["quantile_" + _interp] = (
        lambda L, x, i=_interp: L.quantile(x, L.tensor([0.3, 0.5], dtype=x.dtype), dim=1,
                                           interpolation=i), (3, 5), -2, 2, R)


def _params():
    out = []
    for name, (fn, shape, lo, hi, dtypes, *ties) in CASES.items():
        for dt in dtypes:
            out.append(pytest.param(fn, shape, lo, hi, dt, bool(ties), id=f"{name}-{dt}"))
    return out


@pytest.mark.parametrize("fn,shape,lo,hi,dtype,ties", _params())
def test_grad(fn, shape, lo, hi, dtype, ties):
    compare(fn, _arr(shape, lo, hi, dtype, ints=ties), rtol=1e-4 if dtype != "float64" else None,
            atol=1e-5 if dtype != "float64" else None)


LAYOUT_CASES = ["sum_dim", "mean_dim", "prod_dim", "var_dim", "std", "amax", "max_dim",
                "logsumexp", "norm2_dim", "norm_p3", "mnorm_nuc", "mnorm_1", "cumsum",
                "cumprod", "cummax", "logcumsumexp", "median_dim", "sort", "topk",
                "quantile_qvec", "kthvalue"]


@pytest.mark.parametrize("layout", ["t", "slice", "view"])
@pytest.mark.parametrize("name", LAYOUT_CASES)
def test_grad_layouts(name, layout):
    fn, shape, lo, hi, *_ = CASES[name]
    compare(fn, _arr(shape, lo, hi, "float64"), layout=layout)


# ---------------------------------------------------------------------------------------
# zeros, degenerate sizes, broadcast inputs
# ---------------------------------------------------------------------------------------

ZERO_INPUTS = {
    "one_zero": [[1.5, 0.0, 2.0, -1.0], [0.5, 2.0, 3.0, 1.0]],
    "two_zeros": [[0.0, 0.5, 0.0, 2.0], [1.0, 0.0, -2.0, 3.0]],
    "zero_first_last": [[0.0, 0.5, 1.5, 2.0], [1.0, 2.0, -2.0, 0.0]],
}


@pytest.mark.parametrize("dtype", ["float64", "complex64"])
@pytest.mark.parametrize("key", list(ZERO_INPUTS))
@pytest.mark.parametrize("fn", [
    lambda L, x: x.prod(), lambda L, x: x.prod(1), lambda L, x: x.prod(0, keepdim=True),
    lambda L, x: x.cumprod(1), lambda L, x: x.cumprod(0),
    lambda L, x: L.linalg.vector_norm(x, 0.5, 1), lambda L, x: L.linalg.vector_norm(x, 3, 1),
], ids=["prod", "prod_dim", "prod_dim0", "cumprod", "cumprod0", "norm_p0_5", "norm_p3"])
def test_grad_with_zeros(fn, key, dtype):
    compare(fn, np.array(ZERO_INPUTS[key], dtype=dtype), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.linalg.vector_norm(x, 2, 1),          # zero vector: 0, not NaN
    lambda L, x: L.linalg.vector_norm(x, 1.5, 1),
    lambda L, x: L.linalg.vector_norm(x, INF, 1),
    lambda L, x: x.std(1),                               # std 0: gradient 0
    lambda L, x: L.std_mean(x, 1),
    lambda L, x: L.linalg.matrix_norm(x.reshape(2, 2, 2)),
], ids=["norm2", "norm1_5", "norm_inf", "std", "std_mean", "fro"])
def test_grad_zero_rows(fn):
    compare(fn, np.array([[0.0, 0.0, 0.0, 0.0], [1.0, -2.0, 0.5, 3.0]]))


@pytest.mark.parametrize("fn", [
    lambda L, x: x.var(),                         # one element: NaN (inf * 0)
    lambda L, x: L.var(x, correction=2),
    lambda L, x: L.var(x.reshape(1, 1), 1),
], ids=["var1", "var_corr", "var_dim1"])
def test_var_no_dof(fn):
    compare(fn, np.array([1.5]))


@pytest.mark.parametrize("fn", [
    lambda L, x: x.sum(), lambda L, x: x.mean(), lambda L, x: x.prod(),
    lambda L, x: x.var(correction=0), lambda L, x: x.amax(), lambda L, x: x.max(),
    lambda L, x: L.logsumexp(x, 0), lambda L, x: L.linalg.vector_norm(x),
    lambda L, x: x.cumsum(0), lambda L, x: x.cumprod(0), lambda L, x: L.cummax(x, 0),
    lambda L, x: L.logcumsumexp(x, 0), lambda L, x: x.sort(0),
    lambda L, x: L.max(x, 0), lambda L, x: L.median(x), lambda L, x: L.quantile(x, 0.5),
], ids=["sum", "mean", "prod", "var", "amax", "max", "logsumexp", "norm", "cumsum",
        "cumprod", "cummax", "logcumsumexp", "sort", "max_dim", "median", "quantile"])
def test_grad_scalar_input(fn):
    compare(fn, np.array(1.25))


@pytest.mark.parametrize("fn", [
    lambda L, x: (x + L.ones(2, 1, 1, dtype=x.dtype)).sum(0).sum(),
    lambda L, x: (x * L.arange(1, 5, dtype=x.dtype)).prod(1),
    lambda L, x: L.logsumexp(x.expand(2, 3, 4), (0, 2)),
    lambda L, x: x.expand(2, 3, 4).amax(0),
    lambda L, x: L.linalg.vector_norm(x.unsqueeze(0).expand(3, 3, 4) - x.unsqueeze(1), dim=2),
])
def test_grad_broadcast(fn):
    compare(fn, _arr((3, 4), -2, 2, "float64"))


def test_empty_reductions():
    compare(lambda L, x: x.sum(0), np.zeros((0, 3)))
    compare(lambda L, x: x.prod(1), np.zeros((0, 3)))
    compare(lambda L, x: x.mean(0), np.zeros((0, 3)))


def test_nondiff_outputs():
    x = M.tensor([[1.0, 3.0, 2.0]], requires_grad=True)
    for r in (x.argmax(), x.argmin(1), x.all(), x.any(1), M.count_nonzero(x), x.unique(),
              M.unique_consecutive(x), M.histc(x, 4), M.searchsorted(x, x.detach()),
              x.max(1).indices, x.sort(1).indices, M.argsort(x)):
        assert not r.requires_grad and r.grad_fn is None
    assert x.sum().requires_grad and x.max(1).values.requires_grad


def test_cumsum_inplace_grad():
    for L in (T, M):
        a = L.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        b = a * 2
        b.cumsum_(1)
        b.backward(L.tensor([[1.0, -1.0, 2.0]]))
        if L is T:
            ref = a.grad
        else:
            assert_same(a.grad, ref)


# ---------------------------------------------------------------------------------------
# second order
# ---------------------------------------------------------------------------------------

SECOND = ["sum_dim", "mean_dim", "prod_dim", "prod", "var_dim", "var", "std_dim",
          "var_mean", "logsumexp", "amax", "max_full", "norm2", "norm2_dim", "norm1",
          "norm_p3", "norm_p1_5", "norm_inf", "mnorm_fro", "mnorm_1", "cumsum", "cumprod",
          "logcumsumexp", "max_dim", "sort", "quantile_dim"]


@pytest.mark.parametrize("dtype", ["float64", "complex64"])
@pytest.mark.parametrize("name", SECOND)
def test_second_order(name, dtype):
    fn, shape, lo, hi, dtypes, *ties = CASES[name]
    if dtype not in dtypes:
        pytest.skip("real only")
    compare(fn, _arr(shape, lo, hi, dtype), order=2,
            rtol=1e-4 if dtype == "complex64" else None,
            atol=1e-5 if dtype == "complex64" else None)


@pytest.mark.parametrize("fn", [lambda L, x: x.prod(1), lambda L, x: x.prod(),
                                lambda L, x: x.cumprod(1)], ids=["prod_dim", "prod", "cumprod"])
def test_second_order_with_zeros(fn):
    compare(fn, np.array(ZERO_INPUTS["one_zero"]), order=2)
    compare(fn, np.array(ZERO_INPUTS["two_zeros"]), order=2)


# ---------------------------------------------------------------------------------------
# finite differences (mindtorch's own gradcheck, float64)
# ---------------------------------------------------------------------------------------

GRADCHECK = ["prod_dim", "var_dim", "std_mean", "logsumexp", "norm_p3", "norm_p1_5",
             "mnorm_nuc", "mnorm_2", "mnorm_inf", "cumprod", "logcumsumexp", "quantile_dim",
             "sort", "kthvalue"]


@pytest.mark.parametrize("name", GRADCHECK)
def test_gradcheck(name):
    fn, shape, lo, hi, *_ = CASES[name]
    x = M.from_numpy(_arr(shape, lo, hi, "float64", seed=3)).requires_grad_()
    assert M.autograd.gradcheck(lambda t: tuple(_outs(fn(M, t))), (x,))


def test_gradcheck_prod_cumprod_zeros():
    x = M.tensor(ZERO_INPUTS["one_zero"], dtype=M.float64, requires_grad=True)
    assert M.autograd.gradcheck(lambda t: (t.prod(1), t.cumprod(1), t.prod()), (x,))
    assert M.autograd.gradgradcheck(lambda t: (t.prod(1), t.cumprod(1)), (x,))
