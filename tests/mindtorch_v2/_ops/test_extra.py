"""The extra family (_ops/extra.py) against real torch: values, dtypes, errors, gradients."""
from __future__ import annotations

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

_spec = importlib.util.spec_from_file_location(
    "_mt_helpers", pathlib.Path(__file__).resolve().parent.parent / "helpers.py")
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)
check, assert_same, to_torch, to_mt = _h.check, _h.assert_same, _h.to_torch, _h.to_mt


def R(lib, *shape, seed=0, dtype=np.float64):
    """The same random data in either library."""
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lib.tensor(a)


def grads(fn, *arrays):
    """Gradients of sum(fn(lib, *leaves)) w.r.t. the leaves, in both libraries; compared."""
    res = []
    for lib in (M, T):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *leaves)
        (out.abs() if out.is_complex() else out).sum().backward()
        res.append([x.grad for x in leaves])
    for gm, gt in zip(*res):
        assert_same(gm, gt, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------------------
# constructors and metadata
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    lambda L: L.arange(6).new_zeros(2, 3),
    lambda L: L.arange(6.0).new_ones((2,), dtype=L.float16),
    lambda L: L.arange(6.0).new_full((2, 2), 7),
    lambda L: L.arange(6).new_full([3], 2.5, dtype=L.float64),
    lambda L: L.arange(6.0).new_empty(3, 0).shape,
    lambda L: L.arange(6.0).new_empty_strided((2, 3), (1, 2)).stride(),
    lambda L: L.arange(6, dtype=L.int32).new([1, 2]),
    lambda L: L.arange(6, dtype=L.int32).new().shape,
    lambda L: L.arange(6, dtype=L.int32).new(2, 3).shape,
    lambda L: L.arange(6.0).new(L.ones(2)),
    lambda L: L.arange(6.0).new(L.ones(2, dtype=L.int64)),
])
def test_new_constructors(case):
    check(case)


def test_new_requires_grad_and_dtype():
    x = M.ones(2, dtype=M.float64)
    y = x.new_zeros(3, requires_grad=True)
    assert y.requires_grad and y.dtype is M.float64
    assert x.new_empty(2).dtype is M.float64
    alias = x.new(x)
    alias[0] = 5
    assert float(x[0]) == 5 and alias is not x


def test_as_subclass_shares_data():
    class Sub(M.Tensor):
        pass
    x = M.arange(3.0)
    s = x.as_subclass(Sub)
    assert type(s) is Sub and s.data_ptr() == x.data_ptr()
    with pytest.raises(TypeError):
        x.as_subclass(int)


def test_apply_map():
    for lib in (M, T):
        x = lib.arange(6.0).reshape(2, 3)
        y = lib.tensor([1.0, 10.0, 100.0])
        r = [x.clone().apply_(lambda v: v * 2 + 1), x.clone().map_(y, lambda a, b: a * b),
             x.clone().map2_(y, y, lambda a, b, c: a + b - c)]
        if lib is M:
            rm = r
        else:
            assert_same(rm, r)
    with pytest.raises(TypeError):
        M.ones(2, device="meta").apply_(lambda v: v)


@pytest.mark.parametrize("case", [
    lambda L: L.tensor([3]).is_nonzero(),
    lambda L: L.tensor(0.0).is_nonzero(),
    lambda L: L.is_nonzero(L.tensor([True])),
    lambda L: L.ones(2).is_nonzero(),
    lambda L: L.ones(0).is_nonzero(),
    lambda L: L.ones(2, 3).is_same_size(L.zeros(2, 3)),
    lambda L: L.is_same_size(L.ones(2, 3), L.zeros(3, 2)),
    lambda L: L.is_signed(L.ones(2, dtype=L.uint8)),
    lambda L: L.is_signed(L.ones(2, dtype=L.int8)),
    lambda L: L.is_conj(L.ones(2)),
    lambda L: L.is_neg(L.ones(2)),
    lambda L: L.resolve_conj(L.arange(3.0)),
    lambda L: L.resolve_neg(L.arange(3.0)),
    lambda L: L.detach(L.arange(3.0)),
    lambda L: L.ones(2).is_inference(),
    lambda L: L.ones(2, 3, 4).dim_order(),
    lambda L: L.ones(2, 3, 4).permute(2, 0, 1).dim_order(),
    lambda L: L.ones(2, 3).t().dim_order(),
    lambda L: L.ones(1, 3).t().dim_order(),
    lambda L: L.ones(2, 3, 4, 5).to(memory_format=L.channels_last).dim_order(),
    lambda L: L.ones(2, 3, 4, 5).permute(3, 1, 0, 2).dim_order(),
    lambda L: L.ones(3, 4).expand(2, 3, 4).transpose(0, 2).dim_order(),
    lambda L: L.ones(2, 2, 3)[:, :1].transpose(0, 1).dim_order(),
    lambda L: L.ones(4, 6)[::2, ::3].t().dim_order(),
    lambda L: L.ones(2, 3).t().dim_order(ambiguity_check=True),
    lambda L: L.ones(2, 1).dim_order(ambiguity_check=True),
])
def test_predicates(case):
    check(case)


def test_is_set_to_and_ptrs():
    for lib in (M, T):
        x = lib.arange(6.0)
        assert x.is_set_to(x) and x.is_set_to(x[:])
        assert not x.is_set_to(x[1:]) and not x.is_set_to(x.clone())
        assert not x.is_set_to(x.view(2, 3))
        assert x.const_data_ptr() == x.data_ptr()


def test_chalf_refused_storage_type():
    with pytest.raises(RuntimeError, match="complex32"):
        M.ones(2).chalf()
    assert M.ones(2).storage_type() is M.TypedStorage


# ---------------------------------------------------------------------------------------
# resize, set_, sum_to_size, splitting
# ---------------------------------------------------------------------------------------

def test_resize_deprecated_forms():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda L: L.arange(6.0).reshape(2, 3).t().resize(3, 2))
        check(lambda L: L.arange(6.0).resize_as(L.ones(3, 2)))
        check(lambda L: L.arange(6.0).resize(4))
    check(lambda L: L.resize_as_(L.arange(6.0), L.ones(2, 3)).shape)


def test_set_():
    for lib in (M, T):
        src = lib.arange(12.0)
        x = lib.zeros(2)
        v = x._version
        x.set_(src.view(3, 4)[1:])
        assert x.shape == (2, 4) and x.storage_offset() == 4 and x._version > v
        assert x.is_set_to(src.view(3, 4)[1:])
        src[5] = 100
        assert float(x[0, 1]) == 100
        y = lib.zeros(1)
        y.set_(src.untyped_storage(), 2, (2, 3), (1, 2))
        r = y.clone()
        z = lib.ones(3)
        z.set_()
        if lib is M:
            rm, zm = r, z
        else:
            assert_same(rm, r)
            assert_same(zm, z)
    with pytest.raises(RuntimeError):
        M.zeros(1).set_(M.arange(4.0).untyped_storage(), 2, (3,))


@pytest.mark.parametrize("case", [
    lambda L: L.arange(24.0).reshape(2, 3, 4).sum_to_size(3, 1),
    lambda L: L.arange(24.0).reshape(2, 3, 4).sum_to_size((1, 3, 4)),
    lambda L: L.arange(24.0).reshape(2, 3, 4).sum_to_size(2, 3, 4),
    lambda L: L.arange(24.0).reshape(2, 3, 4).sum_to_size(5),
    lambda L: L.arange(6.0).sum_to_size(2, 6),
    lambda L: L.split_with_sizes(L.arange(10.0), [3, 7]),
    lambda L: L.arange(10.0).reshape(2, 5).split_with_sizes([2, 3], 1),
    lambda L: L.arange(10.0).split_with_sizes([2, 2]),
    lambda L: L.unsafe_split(L.arange(10.0), 3),
    lambda L: L.arange(10.0).unsafe_split_with_sizes([4, 6]),
    lambda L: L.unsafe_chunk(L.arange(10.0), 3),
    lambda L: L.narrow_copy(L.arange(12.0).reshape(3, 4).t(), 1, 1, 2),
])
def test_sizes_and_splits(case):
    check(case)


def test_narrow_copy_is_contiguous_copy():
    x = M.arange(12.0).reshape(3, 4)
    y = x.narrow_copy(1, 1, 2)
    assert y.is_contiguous() and y.data_ptr() != x.data_ptr()
    grads(lambda L, a: a.sum_to_size(3, 1) * L.tensor([[1.0], [2.0], [3.0]]),
          np.arange(12.0).reshape(3, 4))


# ---------------------------------------------------------------------------------------
# in-place metadata ops
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,args", [
    ("squeeze_", ()), ("squeeze_", (1,)), ("unsqueeze_", (0,)), ("unsqueeze_", (-1,)),
    ("t_", ()), ("transpose_", (0, 2)), ("swapaxes_", (0, 1)), ("swapdims_", (2, 1)),
    ("as_strided_", ((2, 2), (1, 2), 1)),
])
def test_inplace_metadata(name, args):
    res = []
    for lib in (M, T):
        x = lib.arange(6.0).reshape(2, 1, 3) if name != "t_" else lib.arange(6.0).reshape(2, 3)
        v = x._version
        r = getattr(x, name)(*args)
        assert r is x and x._version == v + 1
        res.append((x.clone(), x.stride(), x.storage_offset()))
    assert_same(res[0][0], res[1][0])
    assert res[0][1:] == res[1][1:]


def test_inplace_metadata_autograd():
    with pytest.raises(RuntimeError, match="leaf Variable"):
        M.ones(2, 3, requires_grad=True).t_()
    grads(lambda L, a: (a * 1).t_() * L.arange(6.0).reshape(3, 2), np.ones((2, 3)))
    grads(lambda L, a: (a * 1).unsqueeze_(0).transpose_(0, 2) * L.arange(6.0).reshape(3, 2, 1),
          np.ones((2, 3)))


def test_top_level_as_strided_():
    check(lambda L: L.as_strided_(L.arange(6.0), (2, 2), (2, 1)))


# ---------------------------------------------------------------------------------------
# fill_diagonal_, renorm, index_reduce
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    lambda L: L.zeros(3, 3).fill_diagonal_(5),
    lambda L: L.zeros(7, 3).fill_diagonal_(2.5),
    lambda L: L.zeros(7, 3).fill_diagonal_(2.5, wrap=True),
    lambda L: L.zeros(8, 2, dtype=L.int64).fill_diagonal_(1, True),
    lambda L: L.zeros(2, 5).fill_diagonal_(1, wrap=True),
    lambda L: L.zeros(3, 3, 3).fill_diagonal_(-1),
    lambda L: L.zeros(3, 2, 3).fill_diagonal_(1),
    lambda L: L.zeros(3).fill_diagonal_(1),
])
def test_fill_diagonal(case):
    check(case)


@pytest.mark.parametrize("p,dim,maxnorm", [(2, 0, 1.0), (1, 1, 2.0), (3.5, -1, 0.5),
                                           (float("inf"), 0, 1.0), (2, 0, 100.0)])
def test_renorm(p, dim, maxnorm):
    check(lambda L: R(L, 3, 4).renorm(p, dim, maxnorm))
    check(lambda L: L.renorm(R(L, 2, 3, 4, dtype=np.float32), p, dim, maxnorm))
    check(lambda L: R(L, 3, 4).renorm_(p, dim, maxnorm))
    a = np.random.default_rng(1).standard_normal((3, 4))
    grads(lambda L, x: L.renorm(x, p, dim, maxnorm) * L.arange(12.0).reshape(3, 4), a)


@pytest.mark.parametrize("case", [
    lambda L: L.renorm(L.ones(3, dtype=L.float32), 2, 0, 1),
    lambda L: L.renorm(L.ones(3, 3, dtype=L.int64), 2, 0, 1),
    lambda L: L.renorm(L.ones(3, 3), -1, 0, 1),
    lambda L: L.renorm(L.ones(3, 3), 2, 0, -1),
])
def test_renorm_errors(case):
    check(case)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    def f(L):
        x = R(L, 4, 3)
        src = R(L, 5, 3, seed=1)
        idx = L.tensor([0, 2, 0, 3, 2])
        return x.index_reduce(0, idx, src, reduce, include_self=include_self)
    check(f, rtol=1e-12)
    check(lambda L: R(L, 3, 4).index_reduce_(1, L.tensor([1, 1]), R(L, 3, 2, seed=2),
                                             reduce, include_self=include_self), rtol=1e-12)
    check(lambda L: L.arange(12).reshape(3, 4).index_reduce(
        1, L.tensor([3, 0, 3]), L.arange(9).reshape(3, 3) - 4, reduce,
        include_self=include_self))
    if reduce in ("prod", "mean"):
        a = np.random.default_rng(2).standard_normal((4, 3))
        b = np.random.default_rng(3).standard_normal((5, 3))
        grads(lambda L, x, s: L.index_reduce(x, 0, L.tensor([0, 2, 0, 3, 2]), s, reduce,
                                             include_self=include_self), a, b)


def test_index_reduce_errors():
    check(lambda L: L.zeros(3).index_reduce(0, L.tensor([0]), L.ones(1), "sum"))
    check(lambda L: L.zeros(3).index_reduce(0, L.tensor([0, 1]), L.ones(1), "prod"))


# ---------------------------------------------------------------------------------------
# elementwise math
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    lambda L: L.tensor([0.2, 0.5, 0.9]).logit_(),
    lambda L: L.tensor([0.0, 0.5, 1.0]).logit_(1e-3),
    lambda L: L.logit_(L.tensor([0.3])),
    lambda L: L.tensor([0.5, 1.5, 3.0]).polygamma_(1),
    lambda L: L.tensor([0.5, 1.5, 3.0], dtype=L.float64).polygamma_(3),
    lambda L: L.tensor([1.5, 2.0, 7.0]).mvlgamma(2),
    lambda L: L.mvlgamma(L.tensor([[3.0, 4.5]], dtype=L.float64), 4),
    lambda L: L.tensor([1.5, 2.0]).mvlgamma_(1),
    lambda L: L.tensor([0.5, 2.0]).mvlgamma(2),
    lambda L: L.ldexp(L.tensor([1.0, -2.5]), L.tensor([3, -1])),
    lambda L: L.ldexp(L.tensor([1, 3]), L.tensor([2, 4])),
    lambda L: L.tensor([1.0, 2.0], dtype=L.float64).ldexp(L.tensor([[1], [2]])),
    lambda L: L.ldexp_(L.tensor([1.0, 2.0]), L.tensor([2, 3])),
    lambda L: L.tensor([1.0, 2.0]).ldexp_(L.tensor([2.0, 0.5])),
    lambda L: L.ldexp(L.tensor([1.0, 2.0], dtype=L.float16), L.tensor([3])),
])
def test_elementwise_math(case):
    check(case, rtol=1e-5)


@pytest.mark.parametrize("dt", ["float16", "bfloat16", "float32", "float64"])
def test_frexp(dt):
    vals = [0.0, -0.0, 1.0, -3.5, 1e-3, 1024.0, 0.75, float("inf"), float("nan")]
    check(lambda L: L.frexp(L.tensor(vals, dtype=getattr(L, dt))))
    check(lambda L: L.tensor(vals, dtype=getattr(L, dt)).reshape(3, 3).t().frexp())


def test_frexp_errors_out_and_grad():
    check(lambda L: L.frexp(L.arange(3)))
    for lib in (M, T):
        m, e = lib.empty(2), lib.empty(2, dtype=lib.int32)
        r = lib.frexp(lib.tensor([3.0, 10.0]), out=(m, e))
        assert r[0] is m and r[1] is e and r.mantissa is m
        assert_same(to_mt(m) if lib is T else m, T.tensor([0.75, 0.625]))
    grads(lambda L, x: L.frexp(x).mantissa * L.tensor([1.0, 2.0, 3.0]),
          np.array([3.0, -0.1, 700.0]))


@pytest.mark.parametrize("fn", ["igamma", "igammac"])
def test_igamma(fn):
    a = [[0.5, 1.0, 2.5], [4.0, 0.1, 10.0]]
    x = [0.3, 1.0, 7.0]
    check(lambda L: getattr(L, fn)(L.tensor(a), L.tensor(x)))
    check(lambda L: getattr(L.tensor(a, dtype=L.float64), fn)(L.tensor(x)))
    check(lambda L: getattr(L, fn)(L.tensor(a).t(), 2.0)
          if L is M else getattr(L, fn)(L.tensor(a).t(), L.tensor(2.0)))
    check(lambda L: getattr(L.tensor(a), fn + "_")(L.tensor(x)))
    check(lambda L: getattr(L, fn)(L.tensor([1, 2]), L.tensor([1, 3])))
    check(lambda L: getattr(L, fn)(L.tensor([1, 2]), L.tensor(2.5)))
    check(lambda L: getattr(L.tensor([1, 2]), fn + "_")(L.tensor([1.0, 3.0])))
    check(lambda L: getattr(L, fn)(L.ones(2, dtype=L.complex64), L.ones(2)))
    grads(lambda L, aa, xx: getattr(L, fn)(L.tensor(a[0], dtype=L.float64), xx),
          np.array(a[0]), np.array(x))
    with pytest.raises(NotImplementedError):
        getattr(M, fn)(M.tensor(a[0], requires_grad=True), M.tensor(x)).sum().backward()
    with pytest.raises(NotImplementedError):
        getattr(T, fn)(T.tensor(a[0], requires_grad=True), T.tensor(x)).sum().backward()


@pytest.mark.parametrize("case", [
    lambda L: L.diff(L.tensor([1, 4, 9, 16])),
    lambda L: L.diff(L.arange(24.0).reshape(2, 3, 4) ** 2, n=2, dim=1),
    lambda L: L.diff(L.arange(12.0).reshape(3, 4), dim=0, prepend=L.ones(2, 4),
                     append=L.zeros(1, 4)),
    lambda L: L.tensor([1.0, 3.0]).diff(n=3, prepend=L.tensor([0.0])),
    lambda L: L.diff(L.tensor([True, False, False, True])),
    lambda L: L.diff(L.arange(5), n=0),
    lambda L: L.diff(L.arange(5), n=7),
    lambda L: L.diff(L.tensor(1.0)),
    lambda L: L.diff(L.arange(5), n=-1),
    lambda L: L.diff(L.arange(6, dtype=L.uint8), append=L.tensor([0], dtype=L.uint8)),
])
def test_diff(case):
    check(case)


def test_diff_grad():
    grads(lambda L, x: L.diff(x, n=2, dim=0) * L.arange(4.0).reshape(2, 2),
          np.random.default_rng(0).standard_normal((4, 2)))


# ---------------------------------------------------------------------------------------
# histogram, isin, cov, trapezoid, vander, unravel_index
# ---------------------------------------------------------------------------------------

_HX = [1.0, 2.0, 1.0, 4.0, 2.5, 3.9999, -1.0, 0.0, 7.0]


@pytest.mark.parametrize("case", [
    lambda L: L.histogram(L.tensor(_HX), bins=4),
    lambda L: L.histogram(L.tensor(_HX, dtype=L.float64), 5, range=(0.0, 4.0)),
    lambda L: L.histogram(L.tensor(_HX), 3, range=(0.5, 3.0), density=True),
    lambda L: L.histogram(L.tensor(_HX), 4, weight=L.arange(9.0)),
    lambda L: L.tensor(_HX).histogram(L.tensor([0.0, 1.0, 2.5, 10.0])),
    lambda L: L.histogram(L.tensor(_HX), L.tensor([0.0, 1.0, 2.5, 10.0]), density=True),
    lambda L: L.histogram(L.tensor([2.0, 2.0]), 4),
    lambda L: L.histogram(L.arange(100.0).reshape(10, 10) / 7, 13),
    lambda L: L.histogram(R(L, 1000), 17),
    lambda L: L.histogram(L.tensor(_HX), L.tensor([0.0, 1.0], dtype=L.float64)),
    lambda L: L.histogram(L.tensor(_HX), 0),
    lambda L: L.histogram(L.tensor(_HX), 3, range=(3.0, 1.0)),
])
def test_histogram(case):
    check(case)


@pytest.mark.parametrize("case", [
    lambda L: L.histogramdd(L.arange(20.0).reshape(10, 2) % 7, bins=3),
    lambda L: L.histogramdd(L.arange(20.0).reshape(10, 2) % 7, bins=[2, 4],
                            range=[0.0, 6.0, 1.0, 5.0], density=True),
    lambda L: L.histogramdd(R(L, 50, 3, dtype=np.float32), bins=[2, 3, 4],
                            weight=L.arange(50.0)),
    lambda L: L.histogramdd(L.arange(20.0).reshape(10, 2) % 7,
                            bins=[L.tensor([0.0, 2.0, 7.0]), L.tensor([1.0, 3.0, 4.0, 6.0])]),
])
def test_histogramdd(case):
    check(case, rtol=1e-5)


@pytest.mark.parametrize("case", [
    lambda L: L.isin(L.tensor([[1, 2], [3, 4]]), L.tensor([2, 3, 9])),
    lambda L: L.isin(L.tensor([1.0, 2.0, float("nan")]), L.tensor([2, 1])),
    lambda L: L.isin(L.tensor([1, 2, 3]), L.tensor([2, 3]), invert=True),
    lambda L: L.isin(L.tensor([1, 2, 3]), L.tensor([2, 3]), assume_unique=True),
    lambda L: L.isin(L.tensor([1, 2, 3]), 2),
    lambda L: L.isin(3, L.tensor([1, 2, 3])),
    lambda L: L.isin(L.tensor([1, 2]), L.tensor([], dtype=L.int64)),
    lambda L: L.isin(L.arange(50) % 7, L.arange(0, 100, 3)),
])
def test_isin(case):
    check(case)


@pytest.mark.parametrize("case", [
    lambda L: L.cov(R(L, 3, 6)),
    lambda L: L.cov(R(L, 6, dtype=np.float32)),
    lambda L: R(L, 2, 5).cov(correction=0),
    lambda L: L.cov(R(L, 3, 4), fweights=L.tensor([1, 2, 0, 3])),
    lambda L: L.cov(R(L, 3, 4), aweights=L.tensor([0.5, 2.0, 1.0, 3.0], dtype=L.float64)),
    lambda L: L.cov(R(L, 3, 4), correction=2, fweights=L.tensor([1, 2, 1, 3]),
                    aweights=L.tensor([0.5, 2.0, 1.0, 3.0], dtype=L.float64)),
    lambda L: L.cov(L.arange(12).reshape(3, 4)),
    lambda L: L.cov(R(L, 3, 4) + 1j * R(L, 3, 4, seed=3)),
    lambda L: L.cov(R(L, 2, 2, 2)),
    lambda L: L.cov(R(L, 3, 4), fweights=L.tensor([1.0, 2.0, 1.0, 1.0])),
    lambda L: L.corrcoef(R(L, 3, 6)),
    lambda L: R(L, 4, 5, dtype=np.float32).corrcoef(),
    lambda L: L.corrcoef(L.arange(12).reshape(3, 4) % 5),
    lambda L: L.corrcoef(R(L, 5)),
])
def test_cov_corrcoef(case):
    check(case, rtol=1e-5, atol=1e-6)


def test_cov_grad():
    grads(lambda L, x: L.cov(x) * L.arange(9.0).reshape(3, 3),
          np.random.default_rng(0).standard_normal((3, 5)))
    grads(lambda L, x: L.corrcoef(x) * L.arange(9.0).reshape(3, 3),
          np.random.default_rng(0).standard_normal((3, 5)))


@pytest.mark.parametrize("case", [
    lambda L: L.trapezoid(L.tensor([1.0, 3.0, 2.0])),
    lambda L: L.trapezoid(L.arange(12.0).reshape(3, 4), dx=0.5, dim=0),
    lambda L: L.trapezoid(L.arange(12.0).reshape(3, 4), L.tensor([0.0, 1.0, 3.0, 7.0])),
    lambda L: L.trapezoid(L.arange(12.0).reshape(3, 4), L.arange(12.0).reshape(3, 4) ** 2),
    lambda L: L.trapezoid(L.arange(6), 2),
    lambda L: L.trapezoid(L.arange(6), dx=2),
    lambda L: L.cumulative_trapezoid(L.arange(6.0), 2),
    lambda L: L.trapz(L.arange(6.0).reshape(2, 3), dx=2.0),
    lambda L: L.trapz(L.arange(6.0), L.arange(6.0) * 3),
    lambda L: L.trapezoid(L.ones(2, 0)),
    lambda L: L.cumulative_trapezoid(L.tensor([1.0, 3.0, 2.0, 5.0])),
    lambda L: L.cumulative_trapezoid(L.arange(12.0).reshape(3, 4), dx=0.5, dim=0),
    lambda L: L.cumulative_trapezoid(L.arange(12.0).reshape(3, 4),
                                     L.tensor([0.0, 1.0, 3.0, 7.0])),
    lambda L: L.cumulative_trapezoid(L.arange(5)),
])
def test_trapezoid(case):
    check(case)


@pytest.mark.parametrize("case", [
    lambda L: L.vander(L.tensor([1, 2, 3])),
    lambda L: L.vander(L.tensor([1.0, 2.0, 3.0]), N=4, increasing=True),
    lambda L: L.vander(L.tensor([1, 2], dtype=L.int32), 3),
    lambda L: L.vander(L.tensor([1.0, 2.0]), 0),
    lambda L: L.vander(L.tensor([1.0j, 2.0])),
    lambda L: L.vander(L.ones(2, 2)),
    lambda L: L.linalg.vander(L.tensor([1.0, 2.0, 3.0])),
    lambda L: L.linalg.vander(L.arange(6).reshape(2, 3), N=4),
    lambda L: L.linalg.vander(L.tensor([1.0, 2.0]), N=1),
    lambda L: L.unravel_index(L.tensor([0, 5, 11, -1]), (3, 4)),
    lambda L: L.unravel_index(L.tensor([[2, 3], [4, 5]]), (2, 1, 3)),
    lambda L: L.unravel_index(L.tensor(7), 10),
    lambda L: L.unravel_index(L.tensor([12, -13, 30]), (3, 4)),
    lambda L: L.unravel_index(L.tensor([1.0]), (3, 4)),
])
def test_vander_unravel(case):
    check(case)


def test_vander_grad():
    # torch.vander's own backward fails (in-place in its forward): compare with linalg.vander
    grads(lambda L, x: L.vander(x, 4) if L is M else L.linalg.vander(x, N=4).flip(-1),
          np.array([0.5, -1.5, 2.0]))


# ---------------------------------------------------------------------------------------
# windows, stft / istft
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window",
                                  "bartlett_window", "kaiser_window"])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 16])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows(name, n, periodic):
    check(lambda L: getattr(L, name)(n, periodic), atol=1e-6, rtol=1e-5)
    check(lambda L: getattr(L, name)(n, periodic=periodic, dtype=L.float64), atol=1e-12,
          rtol=1e-10)


def test_window_options():
    check(lambda L: L.hamming_window(9, False, 0.6, 0.3), atol=1e-6)
    check(lambda L: L.kaiser_window(9, True, 3.0), atol=1e-6)
    check(lambda L: L.hann_window(5, dtype=L.int64))
    check(lambda L: L.hann_window(-1))
    assert M.hann_window(4, requires_grad=True).requires_grad


_SIG = np.random.default_rng(5).standard_normal((2, 64))


@pytest.mark.parametrize("kw", [
    dict(n_fft=16, return_complex=True),
    dict(n_fft=16, hop_length=5, return_complex=True, center=False),
    dict(n_fft=16, hop_length=4, win_length=10, return_complex=True, normalized=True),
    dict(n_fft=8, return_complex=False, pad_mode="constant"),
    dict(n_fft=16, return_complex=True, onesided=False),
])
@pytest.mark.parametrize("window", [False, True])
def test_stft(kw, window):
    def f(L):
        w = L.hann_window(kw.get("win_length", kw["n_fft"]), dtype=L.float64) if window \
            else None
        return L.stft(L.tensor(_SIG), window=w, **kw), L.tensor(_SIG[0]).stft(window=w, **kw)
    check(f, rtol=1e-9, atol=1e-9)


def test_stft_errors_and_istft():
    check(lambda L: L.stft(L.tensor(_SIG), 16))
    check(lambda L: L.stft(L.tensor(_SIG), 100, return_complex=True, center=False))
    for kw in (dict(n_fft=16), dict(n_fft=16, hop_length=3, normalized=True),
               dict(n_fft=16, center=False), dict(n_fft=16, win_length=12)):
        def f(L, kw=kw):
            w = L.hann_window(kw.get("win_length", 16), dtype=L.float64)
            s = L.stft(L.tensor(_SIG), window=w, return_complex=True, **kw)
            return L.istft(s, window=w, length=64 if kw.get("center", True) else None, **kw)
        check(f, rtol=1e-9, atol=1e-9)
    check(lambda L: L.istft(L.stft(L.tensor(_SIG[0]), 8, window=L.hann_window(8,
                                   dtype=L.float64), return_complex=True), 8,
                            window=L.hann_window(8, dtype=L.float64)), rtol=1e-9, atol=1e-9)
    check(lambda L: L.istft(L.ones(5, 3), 8))


def test_stft_grad():
    grads(lambda L, x: L.stft(x, 8, window=L.hann_window(8, dtype=L.float64),
                              return_complex=True), _SIG[0])


# ---------------------------------------------------------------------------------------
# *_scatter and *_copy
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    lambda L: L.select_scatter(L.zeros(3, 4), L.arange(4.0), 0, 1),
    lambda L: L.zeros(3, 4).select_scatter(L.arange(3.0), 1, -1),
    lambda L: L.slice_scatter(L.zeros(6, 3), L.ones(2, 3), 0, 1, 5, 2),
    lambda L: L.zeros(3, 6).slice_scatter(L.ones(3, 3), dim=1, start=3),
    lambda L: L.diagonal_scatter(L.zeros(3, 4), L.arange(3.0)),
    lambda L: L.diagonal_scatter(L.zeros(3, 4), L.arange(2.0), 2),
    lambda L: L.zeros(2, 3, 3).diagonal_scatter(L.ones(3, 2), 0, 0, 2),
    lambda L: L.as_strided_scatter(L.zeros(9), L.arange(4.0).reshape(2, 2), (2, 2), (3, 1),
                                   1),
    lambda L: L.select_scatter(L.zeros(3, 4), L.arange(3.0), 0, 1),
])
def test_scatters(case):
    check(case)


@pytest.mark.parametrize("name,args", [
    ("select_scatter", (0, 1)), ("slice_scatter", (1, 0, 2)), ("diagonal_scatter", ())])
def test_scatter_grads(name, args):
    src = {"select_scatter": np.ones(4), "slice_scatter": np.ones((3, 2)),
           "diagonal_scatter": np.ones(3), "as_strided_scatter": np.ones((2, 2))}[name]
    grads(lambda L, x, s: getattr(L, name)(x, s, *args) * L.arange(12.0).reshape(3, 4),
          np.ones((3, 4)), src)


def test_as_strided_scatter_grad():
    # torch 2.13's as_strided_scatter backward returns the region instead of zeroing it;
    # compare with the equivalent slice assignment
    def f(L, x, s):
        if L is M:
            y = L.as_strided_scatter(x, s, (2, 2), (4, 1), 1)
        else:
            y = x.clone()
            y[0:2, 1:3] = s
        return y * L.arange(12.0).reshape(3, 4)
    grads(f, np.ones((3, 4)), np.ones((2, 2)))


@pytest.mark.parametrize("case", [
    lambda L: L.view_copy(L.arange(6.0), (2, 3)),
    lambda L: L.permute_copy(L.arange(24.0).reshape(2, 3, 4), (2, 0, 1)),
    lambda L: L.t_copy(L.arange(6.0).reshape(2, 3)),
    lambda L: L.transpose_copy(L.arange(6.0).reshape(2, 3), 0, 1),
    lambda L: L.squeeze_copy(L.ones(2, 1, 3)),
    lambda L: L.squeeze_copy(L.ones(2, 1, 3), 1),
    lambda L: L.unsqueeze_copy(L.ones(2, 3), 1),
    lambda L: L.select_copy(L.arange(6.0).reshape(2, 3), 1, 2),
    lambda L: L.slice_copy(L.arange(10.0), 0, 1, 8, 3),
    lambda L: L.diagonal_copy(L.arange(12.0).reshape(3, 4), 1),
    lambda L: L.unfold_copy(L.arange(10.0), 0, 3, 2),
    lambda L: L.as_strided_copy(L.arange(10.0), (2, 2), (1, 3), 1),
    lambda L: L.view_as_real_copy(L.tensor([1 + 2j, 3j])),
    lambda L: L.view_as_complex_copy(L.arange(4.0).reshape(2, 2)),
    lambda L: L.detach_copy(L.arange(3.0)),
    lambda L: L.alias_copy(L.arange(3.0)),
    lambda L: L.unbind_copy(L.arange(6.0).reshape(2, 3), 1),
    lambda L: L.split_copy(L.arange(7.0), 3),
    lambda L: L.split_with_sizes_copy(L.arange(7.0), [3, 4]),
    lambda L: L.split_with_sizes_copy(L.arange(7.0), [3, 3]),
])
def test_view_copies(case):
    check(case, check_stride=True)


def test_view_copy_owns_memory_and_out():
    x = M.arange(6.0)
    assert M.view_copy(x, (2, 3)).data_ptr() != x.data_ptr()
    for lib in (M, T):
        o = lib.empty(3, 2)
        r = lib.t_copy(lib.arange(6.0).reshape(2, 3), out=o)
        assert r is o
        assert_same(to_mt(o) if lib is T else o, T.arange(6.0).reshape(2, 3).t())
    grads(lambda L, a: L.permute_copy(a, (1, 0)) * L.arange(6.0).reshape(3, 2),
          np.ones((2, 3)))


# ---------------------------------------------------------------------------------------
# top-level in-place functions
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,args", [
    ("abs_", ()), ("exp_", ()), ("sin_", ()), ("sqrt_", ()), ("neg_", ()), ("trunc_", ()),
    ("clamp_", (0.1, 0.5)), ("clamp_min_", (0.3,)), ("fill_", (2.0,)), ("zero_", ()),
    ("rsqrt_", ()), ("sigmoid_", ()), ("nan_to_num_", ()), ("logit_", ()),
    ("xlogy_", (2.0,)),
])
def test_top_level_inplace(name, args):
    for lib in (M, T):
        x = lib.tensor([0.25, 0.5, 0.75])
        r = getattr(lib, name)(x, *args)
        assert r is x
        if lib is M:
            xm = x
    assert_same(xm, x)


def test_top_level_inplace_misc():
    check(lambda L: L.gcd_(L.tensor([4, 6]), L.tensor([6, 9])))
    check(lambda L: L.conj_physical_(L.tensor([1 + 1j])))
    check(lambda L: L.detach_(L.ones(2)))
    check(lambda L: L.addmv_(L.ones(2), L.ones(2, 3), L.arange(3.0)))


# ---------------------------------------------------------------------------------------
# LU family
# ---------------------------------------------------------------------------------------

def _mat(L, *shape, seed=0, cplx=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    if cplx:
        a = a + 1j * np.random.default_rng(seed + 7).standard_normal(shape)
    return L.tensor(a)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (3, 5), (2, 5, 3), (0, 2), (2, 1, 1)])
@pytest.mark.parametrize("cplx", [False, True])
def test_lu_factor_and_unpack(shape, cplx):
    check(lambda L: L.linalg.lu_factor(_mat(L, *shape, cplx=cplx)),
          check_stride=0 not in shape)
    check(lambda L: L.linalg.lu_factor_ex(_mat(L, *shape, cplx=cplx)))
    check(lambda L: L.linalg.lu(_mat(L, *shape, cplx=cplx)), check_stride=0 not in shape)
    check(lambda L: L.lu_unpack(*L.linalg.lu_factor(_mat(L, *shape, cplx=cplx))))
    check(lambda L: L.lu_unpack(*L.linalg.lu_factor(_mat(L, *shape)), unpack_data=False))
    check(lambda L: L.lu_unpack(*L.linalg.lu_factor(_mat(L, *shape)), unpack_pivots=False))


@pytest.mark.parametrize("case", [
    lambda L: L.linalg.lu_factor(L.tensor([[1.0, 2.0], [2.0, 4.0]])),
    lambda L: L.linalg.lu_factor_ex(L.tensor([[1.0, 2.0], [2.0, 4.0]])),
    lambda L: L.linalg.lu_factor(L.ones(2, 2), pivot=False),
    lambda L: L.linalg.lu_factor(L.ones(2, 2, dtype=L.float16)),
    lambda L: L.linalg.lu_factor(L.ones(2, 2, dtype=L.int64)),
    lambda L: L.linalg.lu_factor(L.ones(3)),
    lambda L: L.lu(L.tensor([[1.0, 2.0], [2.0, 4.0]]), get_infos=True),
    lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]]).lu(),
])
def test_lu_edge_cases(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(case)
    with pytest.raises(M.linalg.LinAlgError):
        M.linalg.lu_factor(M.ones(2, 2))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
@pytest.mark.parametrize("cplx", [False, True])
def test_lu_solve(left, adjoint, cplx):
    def f(L):
        LU, piv = L.linalg.lu_factor(_mat(L, 2, 3, 3, cplx=cplx))
        B = _mat(L, 2, 3, 4, seed=1, cplx=cplx) if left else _mat(L, 2, 4, 3, seed=1,
                                                                     cplx=cplx)
        return L.linalg.lu_solve(LU, piv, B, left=left, adjoint=adjoint)
    check(f, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unit", [True, False])
@pytest.mark.parametrize("left", [True, False])
def test_solve_triangular(upper, unit, left):
    def f(L):
        A = _mat(L, 2, 3, 3) + 3 * L.eye(3, dtype=L.float64)
        B = _mat(L, 2, 3, 2, seed=1) if left else _mat(L, 2, 2, 3, seed=1)
        return L.linalg.solve_triangular(A, B, upper=upper, left=left, unitriangular=unit)
    check(f, rtol=1e-10, atol=1e-12)
    a = np.random.default_rng(0).standard_normal((3, 3)) + 3 * np.eye(3)
    b = np.random.default_rng(1).standard_normal((3, 2) if left else (2, 3))
    grads(lambda L, x, y: L.linalg.solve_triangular(x, y, upper=upper, left=left,
                                                     unitriangular=unit), a, b)


def test_deprecated_solves_and_lu_grads():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kw in (dict(), dict(upper=False), dict(transpose=True, unitriangular=True)):
            check(lambda L: L.triangular_solve(_mat(L, 3, 2, seed=1),
                                               _mat(L, 3, 3) + 3 * L.eye(3,
                                                                         dtype=L.float64),
                                               **kw), rtol=1e-10, atol=1e-12)
        check(lambda L: L.lu_solve(_mat(L, 3, 2, seed=1), *L.linalg.lu_factor(_mat(L, 3, 3))),
              rtol=1e-10)
        check(lambda L: _mat(L, 3, 2, seed=1).lu_solve(*L.linalg.lu_factor(_mat(L, 3, 3))),
              rtol=1e-10)
    a = np.random.default_rng(0).standard_normal((2, 3, 3))
    w = np.arange(9.0).reshape(3, 3)
    grads(lambda L, x: L.linalg.lu_factor(x).LU * L.tensor(w), a)
    grads(lambda L, x: sum(t * L.tensor(w) for t in L.linalg.lu(x)[1:]), a)
    b = np.random.default_rng(1).standard_normal((2, 3, 2))
    grads(lambda L, x, y: L.linalg.lu_solve(*L.linalg.lu_factor(x), y), a, b)


@pytest.mark.parametrize("shape,k", [((4, 3), 3), ((4, 3), 2), ((2, 5, 2), 2), ((3, 3), 0)])
@pytest.mark.parametrize("cplx", [False, True])
def test_householder_product(shape, k, cplx):
    check(lambda L: L.linalg.householder_product(_mat(L, *shape, cplx=cplx),
                                                 _mat(L, *shape[:-2], k, seed=3,
                                                      cplx=cplx)), rtol=1e-10, atol=1e-12)
    check(lambda L: _mat(L, *shape).orgqr(_mat(L, *shape[:-2], k, seed=3)), rtol=1e-10)
    if not cplx and k:  # (k == 0: mindtorch's result is a constant, without grad_fn)
        a = np.random.default_rng(0).standard_normal(shape)
        t = np.random.default_rng(3).standard_normal(shape[:-2] + (k,))
        grads(lambda L, x, y: L.linalg.householder_product(x, y) * L.arange(
            float(shape[-2] * shape[-1])).reshape(shape[-2:]), a, t)


def test_householder_product_errors():
    check(lambda L: L.linalg.householder_product(L.ones(2, 3), L.ones(2)))
    check(lambda L: L.linalg.householder_product(L.ones(3, 2), L.ones(3)))
    check(lambda L: L.linalg.householder_product(L.ones(3), L.ones(1)))
