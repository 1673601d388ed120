"""View ops against real torch: shape, strides, storage offset, contiguity, storage sharing,
and writes through the view reaching the base."""
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check


def ar(L, *shape, dtype=None):
    n = 1
    for s in shape:
        n *= s
    return L.arange(n).reshape(shape).to(dtype or L.float32)


# base layouts every generic case runs on: (name, lib -> (root, x))
def _contig(L):
    r = ar(L, 2, 3, 4)
    return r, r


def _perm(L):
    r = ar(L, 4, 2, 3)
    return r, r.permute(1, 2, 0)                 # shape (2, 3, 4), non-contiguous


def _strided(L):
    r = ar(L, 3, 3, 9)
    return r, r.as_strided((2, 3, 4), (27, 9, 2), 1)  # offset + step 2 on the last dim


def _narrowed(L):
    r = ar(L, 4, 3, 4)
    return r, r.narrow(0, 1, 2)                  # contiguous with an offset


BASES = [("contig", _contig), ("perm", _perm), ("strided", _strided), ("narrowed", _narrowed)]

# (name, fn(lib, x) -> view or tuple of views, write-through test?)
GENERIC = [
    ("transpose", lambda L, x: x.transpose(0, 2), True),
    ("transpose_neg", lambda L, x: L.transpose(x, -1, -2), True),
    ("swapaxes", lambda L, x: L.swapaxes(x, 0, 1), True),
    ("swapdims", lambda L, x: x.swapdims(2, 0), True),
    ("permute", lambda L, x: x.permute(2, 0, 1), True),
    ("permute_tuple", lambda L, x: L.permute(x, (1, -1, 0)), True),
    ("mT", lambda L, x: x.mT, True),
    ("T2d", lambda L, x: x[0].T if False else L.select(x, 0, 1).T, True),
    ("mH", lambda L, x: x.mH, True),
    ("unsqueeze0", lambda L, x: x.unsqueeze(0), True),
    ("unsqueeze_last", lambda L, x: L.unsqueeze(x, -1), True),
    ("unsqueeze_mid", lambda L, x: x.unsqueeze(2), True),
    ("squeeze_all", lambda L, x: x.unsqueeze(1).unsqueeze(-1).squeeze(), True),
    ("squeeze_dim", lambda L, x: x.unsqueeze(1).squeeze(1), True),
    ("squeeze_noop", lambda L, x: x.squeeze(0), True),
    ("squeeze_tuple", lambda L, x: L.squeeze(x.unsqueeze(0).unsqueeze(2), (0, 2, 3)), True),
    ("expand", lambda L, x: x.unsqueeze(0).expand(3, -1, -1, -1), False),
    ("expand_inner", lambda L, x: x.unsqueeze(-1).expand(2, 3, 4, 5), False),
    ("expand_as", lambda L, x: x.unsqueeze(1).expand_as(L.zeros(2, 5, 3, 4)), False),
    ("broadcast_to", lambda L, x: L.broadcast_to(x, (2, 2, 3, 4)), False),
    ("narrow", lambda L, x: x.narrow(2, 1, 2), True),
    ("narrow_neg", lambda L, x: L.narrow(x, -2, -2, 2), True),
    ("narrow_empty", lambda L, x: x.narrow(1, 3, 0), False),
    ("select", lambda L, x: x.select(1, 2), True),
    ("select_neg", lambda L, x: L.select(x, -1, -1), True),
    ("unbind", lambda L, x: x.unbind(1), True),
    ("unbind_neg", lambda L, x: L.unbind(x, -1), True),
    ("split_int", lambda L, x: x.split(3, 2), True),
    ("split_sizes", lambda L, x: L.split(x, [1, 2], 1), True),
    ("split_big", lambda L, x: x.split(10), True),
    ("chunk", lambda L, x: x.chunk(3, 2), True),
    ("chunk_more", lambda L, x: L.chunk(x, 5, -1), True),
    ("tensor_split_n", lambda L, x: x.tensor_split(3, 2), True),
    ("tensor_split_idx", lambda L, x: L.tensor_split(x, [1, 3], 2), True),
    ("tensor_split_tensor", lambda L, x: L.tensor_split(x, L.tensor([1, 5]), 1), True),
    ("tensor_split_0d_tensor", lambda L, x: L.tensor_split(x, L.tensor(2), 2), True),
    ("hsplit", lambda L, x: L.hsplit(x, 3), True),
    ("vsplit", lambda L, x: x.vsplit([1]), True),
    ("dsplit", lambda L, x: L.dsplit(x, 2), True),
    ("diagonal", lambda L, x: x.diagonal(), True),
    ("diagonal_off", lambda L, x: L.diagonal(x, 1, 1, 2), True),
    ("diagonal_negoff", lambda L, x: L.diagonal(x, -1, 2, 0), True),
    ("diagonal_far", lambda L, x: L.diagonal(x, 7, 1, 2), False),
    ("unfold", lambda L, x: x.unfold(2, 2, 1), False),
    ("unfold_step", lambda L, x: x.unfold(-1, 2, 2), True),
    ("movedim", lambda L, x: L.movedim(x, 0, -1), True),
    ("movedim_multi", lambda L, x: x.movedim((0, 1), (2, 0)), True),
    ("moveaxis", lambda L, x: L.moveaxis(x, -1, 0), True),
    ("as_strided", lambda L, x: L.as_strided(x, (2, 2), (1, 2)), False),
    ("as_strided_off", lambda L, x: x.as_strided((3,), (2,), 4), True),
    ("view_same", lambda L, x: x.view_as(x), True),
    ("flatten_partial", lambda L, x: x.unsqueeze(-1).flatten(2), True),
    ("flatten_noop", lambda L, x: L.flatten(x, 1, 1), True),
    ("unflatten", lambda L, x: x.unflatten(2, (2, 2)), True),
    ("unflatten_neg", lambda L, x: L.unflatten(x, -1, (-1, 1)), True),
    ("t_1d", lambda L, x: L.select(L.select(x, 0, 1), 0, 1).t(), True),
    ("real_of_real", lambda L, x: L.real(x), True),
]


def _compare_views(m, t):
    if isinstance(t, (tuple, list)):
        assert isinstance(m, (tuple, list)) and len(m) == len(t)
        for a, b in zip(m, t):
            _compare_views(a, b)
        return
    assert_same(m, t, check_stride=True)
    assert m.is_contiguous() == t.is_contiguous()


def _shares(v, root):
    vs = v if isinstance(v, (tuple, list)) else (v,)
    return all(x.untyped_storage().data_ptr() == root.untyped_storage().data_ptr() for x in vs)


def _run(fn, base, write):
    (rm, xm), (rt, xt) = base(M), base(T)
    try:
        vt = fn(T, xt)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(M, xm)
        return
    vm = fn(M, xm)
    _compare_views(vm, vt)
    assert _shares(vm, rm) and _shares(vt, rt)
    if write:
        vms = vm if isinstance(vm, (tuple, list)) else (vm,)
        vts = vt if isinstance(vt, (tuple, list)) else (vt,)
        for i, (a, b) in enumerate(zip(vms, vts)):
            a.fill_(-1 - i)
            b.fill_(-1 - i)
        assert_same(rm, rt)
        assert_same(xm, xt, check_stride=True)


@pytest.mark.parametrize("base", [b[1] for b in BASES], ids=[b[0] for b in BASES])
@pytest.mark.parametrize("name,fn,write", GENERIC, ids=[g[0] for g in GENERIC])
def test_view_generic(name, fn, write, base):
    _run(fn, base, write)


# cases with a dedicated input (and error cases: exception type must match torch's)
SPECIFIC = [
    ("view_shape", lambda L: ar(L, 2, 3, 4).view(4, -1)),
    ("view_tuple", lambda L: ar(L, 2, 3, 4).view((6, 4))),
    ("view_0d", lambda L: L.tensor(3.).view(1, 1)),
    ("view_to_0d", lambda L: ar(L, 1, 1).view(())),
    ("view_empty", lambda L: L.zeros(0, 3).view(3, 0, 2)),
    ("view_perm_ok", lambda L: ar(L, 2, 3, 4).permute(1, 0, 2).view(3, 2, 2, 2)),
    ("view_err_stride", lambda L: ar(L, 2, 3).t().view(6)),
    ("view_err_size", lambda L: ar(L, 2, 3).view(4, 2)),
    ("view_err_two_neg", lambda L: ar(L, 2, 3).view(-1, -1)),
    ("view_dtype_same", lambda L: ar(L, 2, 3).view(L.int32)),
    ("view_dtype_smaller", lambda L: ar(L, 2, 3).view(L.int16)),
    ("view_dtype_bigger", lambda L: ar(L, 2, 4).view(L.float64)),
    ("view_dtype_u8", lambda L: ar(L, 2, 2, dtype=L.float16).view(L.uint8)),
    ("view_dtype_complex", lambda L: ar(L, 2, 4).view(L.complex64)),
    ("view_dtype_noncontig_same", lambda L: ar(L, 2, 3).t().view(L.int32)),
    ("view_dtype_err_stride", lambda L: ar(L, 2, 4).t().view(L.float64)),
    ("view_dtype_err_odd", lambda L: ar(L, 2, 3).view(L.float64)),
    ("view_dtype_err_0d", lambda L: L.tensor(1.).view(L.int16)),
    ("reshape_view", lambda L: ar(L, 2, 3, 4).reshape(6, 4)),
    ("reshape_copy", lambda L: ar(L, 2, 3).t().reshape(6)),
    ("reshape_neg", lambda L: L.reshape(ar(L, 2, 3, 4), (-1, 2))),
    ("reshape_as", lambda L: ar(L, 2, 3).reshape_as(L.zeros(3, 2))),
    ("reshape_err", lambda L: ar(L, 2, 3).reshape(5)),
    ("t_2d", lambda L: ar(L, 2, 3).t()),
    ("t_err", lambda L: ar(L, 2, 3, 4).t()),
    ("T_3d", lambda L: ar(L, 2, 3, 4).T),
    ("T_1d", lambda L: ar(L, 3).T),
    ("H_2d", lambda L: ar(L, 2, 3).H),
    ("H_1d_err", lambda L: ar(L, 3).H),
    ("H_3d_err", lambda L: ar(L, 2, 3, 4).H),
    ("H_0d", lambda L: L.tensor(2.).H.reshape(1)),
    ("H_complex", lambda L: ar(L, 2, 3, dtype=L.complex64).H),
    ("mH_complex", lambda L: ar(L, 2, 2, 3, dtype=L.complex64).mH),
    ("mT_err", lambda L: ar(L, 3).mT),
    ("transpose_err", lambda L: ar(L, 2, 3).transpose(0, 2)),
    ("transpose_0d", lambda L: L.tensor(1.).transpose(0, -1).reshape(1)),
    ("permute_err_len", lambda L: ar(L, 2, 3).permute(0)),
    ("permute_err_dup", lambda L: ar(L, 2, 3).permute(0, 0)),
    ("squeeze_err", lambda L: ar(L, 2, 3).squeeze(3)),
    ("unsqueeze_err", lambda L: ar(L, 2, 3).unsqueeze(3)),
    ("expand_err", lambda L: ar(L, 2, 3).expand(3, 3)),
    ("expand_err_few", lambda L: ar(L, 2, 3).expand(3)),
    ("expand_0d", lambda L: L.tensor(2.).expand(2, 3)),
    ("narrow_err", lambda L: ar(L, 2, 3).narrow(1, 2, 2)),
    ("select_err", lambda L: ar(L, 2, 3).select(1, 3)),
    ("select_err_0d", lambda L: L.tensor(1.).select(0, 0)),
    ("unbind_0d_err", lambda L: L.tensor(1.).unbind()),
    ("split_err_sum", lambda L: ar(L, 4).split([1, 2])),
    ("chunk_err", lambda L: ar(L, 4).chunk(0)),
    ("tensor_split_err", lambda L: ar(L, 4).tensor_split(0)),
    ("hsplit_1d", lambda L: L.hsplit(ar(L, 6), 3)),
    ("hsplit_err", lambda L: L.hsplit(ar(L, 2, 5), 2)),
    ("vsplit_err_1d", lambda L: L.vsplit(ar(L, 4), 2)),
    ("dsplit_err", lambda L: L.dsplit(ar(L, 2, 2), 2)),
    ("diagonal_err", lambda L: ar(L, 2, 3).diagonal(0, 1, 1)),
    ("as_strided_err_oob", lambda L: ar(L, 2, 3).as_strided((3, 3), (3, 1))),
    ("unfold_err", lambda L: ar(L, 2, 3).unfold(1, 4, 1)),
    ("unfold_0d", lambda L: L.tensor(2.).unfold(0, 1, 1)),
    ("movedim_err", lambda L: ar(L, 2, 3).movedim((0, 1), (0,))),
    ("movedim_err_rep", lambda L: ar(L, 2, 3).movedim((0, 0), (0, 1))),
    ("flatten_0d", lambda L: L.tensor(2.).flatten()),
    ("flatten_noncontig", lambda L: ar(L, 2, 3).t().flatten()),
    ("flatten_err", lambda L: ar(L, 2, 3).flatten(1, 0)),
    ("unflatten_err", lambda L: ar(L, 2, 6).unflatten(1, (4, 2))),
    ("view_as_real", lambda L: L.view_as_real(ar(L, 2, 3, dtype=L.complex64))),
    ("view_as_real_t", lambda L: L.view_as_real(ar(L, 2, 3, dtype=L.complex128).t())),
    ("view_as_real_err", lambda L: L.view_as_real(ar(L, 2))),
    ("view_as_complex", lambda L: L.view_as_complex(ar(L, 3, 2))),
    ("view_as_complex_f64", lambda L: L.view_as_complex(ar(L, 2, 3, 2, dtype=L.float64))),
    ("view_as_complex_err_last", lambda L: L.view_as_complex(ar(L, 3, 3))),
    ("view_as_complex_err_stride", lambda L: L.view_as_complex(ar(L, 2, 3).t())),
    ("view_as_complex_err_dtype", lambda L: L.view_as_complex(ar(L, 3, 2, dtype=L.int32))),
    ("real", lambda L: L.real(ar(L, 2, 3, dtype=L.complex64))),
    ("imag", lambda L: L.imag(ar(L, 2, 3, dtype=L.complex64).t())),
    ("real_prop", lambda L: ar(L, 2, 3, dtype=L.complex128).real),
    ("imag_prop", lambda L: ar(L, 2, 3, dtype=L.complex64).imag),
    ("T_0d", lambda L: L.tensor(1.).T.reshape(1)),
    ("squeeze_0d", lambda L: L.tensor(1.).squeeze(0).reshape(1)),
    ("unsqueeze_0d", lambda L: L.tensor(1.).unsqueeze(0)),
    ("expand_neg1_new_err", lambda L: L.zeros(3).expand(-1, 3)),
    ("split_0", lambda L: L.zeros(0, 3).split(0)),
    ("chunk_empty", lambda L: L.zeros(0, 3).chunk(2)),
    ("chunk_uneven", lambda L: L.arange(5.).chunk(4)),
    ("chunk_6_4", lambda L: L.arange(6.).chunk(4)),
    ("diagonal_neg_far", lambda L: ar(L, 2, 3).diagonal(-5)),
    ("as_strided_stride0", lambda L: ar(L, 6).as_strided((2, 3), (0, 1))),
    ("narrow_tensor_start", lambda L: ar(L, 6).narrow(0, L.tensor(2), 3)),
    ("view_as_real_0d", lambda L: L.view_as_real(L.tensor(1 + 2j))),
    ("view_dtype_bool", lambda L: L.arange(4, dtype=L.uint8).view(L.bool)),
    ("view_dtype_offset", lambda L: ar(L, 8).narrow(0, 2, 6).view(L.float64)),
    ("view_dtype_err_offset", lambda L: ar(L, 8).narrow(0, 1, 6).view(L.float64)),
    ("unfold_last", lambda L: ar(L, 2, 5).unfold(1, 5, 3)),
    ("tensor_split_neg_idx", lambda L: ar(L, 6).tensor_split([-2, 4])),
    ("select_0size", lambda L: L.zeros(0, 3).select(1, 0)),
    ("flatten_empty", lambda L: L.zeros(2, 0, 3).flatten()),
    ("reshape_empty_err", lambda L: L.zeros(2, 0).reshape(0, -1)),
    ("imag_err", lambda L: L.imag(ar(L, 2))),
]


@pytest.mark.parametrize("name,fn", SPECIFIC, ids=[s[0] for s in SPECIFIC])
def test_view_specific(name, fn):
    check(fn, check_stride=True)


@pytest.mark.parametrize("name,fn", SPECIFIC, ids=[s[0] for s in SPECIFIC])
def test_view_contiguity(name, fn):
    try:
        t = fn(T)
    except Exception:  # noqa: BLE001
        return
    m = fn(M)
    if isinstance(t, T.Tensor):
        assert m.is_contiguous() == t.is_contiguous()
        assert m.storage_offset() == t.storage_offset()


def test_reshape_shares_storage_only_when_viewable():
    x = M.arange(6.).reshape(2, 3)
    v = x.reshape(3, 2)
    assert v.data_ptr() == x.data_ptr()
    assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    c = x.t().reshape(6)
    assert c.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
    assert c.is_contiguous()
    c.fill_(0)
    assert x.tolist() == [[0., 1., 2.], [3., 4., 5.]]
    v.fill_(7)
    assert x.tolist() == [[7.] * 3] * 2


def test_view_dtype_writes_through():
    xm, xt = M.zeros(2, 2), T.zeros(2, 2)
    xm.view(M.int32).fill_(1065353216)
    xt.view(T.int32).fill_(1065353216)
    assert_same(xm, xt)
    assert xm.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_complex_views_write_through():
    zm = M.zeros(3, dtype=M.complex64)
    zt = T.zeros(3, dtype=T.complex64)
    M.view_as_real(zm).select(1, 1).fill_(2)
    T.view_as_real(zt).select(1, 1).fill_(2)
    assert_same(zm, zt)
    zm.real = M.tensor([1., 2., 3.])
    zt.real = T.tensor([1., 2., 3.])
    assert_same(zm, zt)
    zm.imag.fill_(-1)
    zt.imag.fill_(-1)
    assert_same(zm, zt)
    rm = M.zeros(2, 2)
    M.view_as_complex(rm).fill_(1 + 2j)
    assert rm.tolist() == [[1., 2.], [1., 2.]]


def test_view_version_counter_shared():
    x = M.zeros(3)
    v = x.view(3)
    v0 = x._version
    v.fill_(1)
    assert x._version == v._version and x._version > v0
    assert v._base is x
