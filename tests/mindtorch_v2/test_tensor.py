"""Tensor metadata and Python protocol compared with torch."""
import copy
import math
import pickle

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check, raises_like

# tensors built the same way in both libraries (no indexing: views via view ops)
BUILD = {
    "vec": lambda L: L.arange(6, dtype=L.float32),
    "mat": lambda L: L.arange(12, dtype=L.float32).reshape(3, 4),
    "mat_t": lambda L: L.arange(12, dtype=L.float32).reshape(3, 4).t(),
    "narrow": lambda L: L.arange(12).reshape(3, 4).narrow(1, 1, 2),
    "strided": lambda L: L.arange(20.).as_strided((3, 2), (5, 2), 1),
    "scalar": lambda L: L.tensor(2.5),
    "int_scalar": lambda L: L.tensor(7),
    "empty": lambda L: L.zeros(0, 3),
    "empty_t": lambda L: L.zeros(0, 3).t(),
    "nchw": lambda L: L.zeros(2, 3, 4, 5),
    "nhwc": lambda L: L.zeros(2, 4, 5, 3).permute(0, 3, 1, 2),
    "ncdhw_cl": lambda L: L.zeros(2, 3, 4, 5, 6).permute(0, 2, 3, 4, 1).permute(0, 4, 1, 2, 3),
    "size1": lambda L: L.zeros(1, 3, 1, 1).as_strided((1, 3, 1, 1), (9, 1, 7, 3)),
    "expanded": lambda L: L.arange(3.).expand(4, 3),
    "f16": lambda L: L.ones(2, 3, dtype=L.float16),
    "c64": lambda L: L.tensor([1 + 2j, 3j]),
    "bool": lambda L: L.tensor([[True, False]]),
    "u8": lambda L: L.tensor([1, 2, 3], dtype=L.uint8),
    "bf16": lambda L: L.tensor([1.5, 2.5], dtype=L.bfloat16),
}

META = ["shape", "size", "stride", "storage_offset", "dim", "ndim", "numel", "element_size",
        "nbytes", "itemsize", "dtype", "is_contiguous", "is_contiguous_cl",
        "is_contiguous_cl3d", "is_floating_point", "is_complex", "size_neg", "stride_neg",
        "len", "type", "is_signed", "nelement", "ndimension", "device", "layout"]


def _meta(x, what, L):
    if what == "shape":
        return tuple(x.shape), type(x.shape).__name__
    if what == "size":
        return tuple(x.size())
    if what == "stride":
        return x.stride()
    if what == "size_neg":
        return x.size(-1) if x.dim() else None
    if what == "stride_neg":
        return x.stride(-1) if x.dim() else None
    if what == "is_contiguous":
        return x.is_contiguous()
    if what == "is_contiguous_cl":
        return x.is_contiguous(memory_format=L.channels_last)
    if what == "is_contiguous_cl3d":
        return x.is_contiguous(memory_format=L.channels_last_3d)
    if what == "len":
        return len(x) if x.dim() else None
    if what == "dtype":
        return str(x.dtype)
    if what == "device":
        return str(x.device), x.device.type
    if what == "layout":
        return str(x.layout)
    if what == "type":
        return x.type()
    v = getattr(x, what)
    return v() if callable(v) else v


@pytest.mark.parametrize("what", META)
@pytest.mark.parametrize("name", sorted(BUILD))
def test_metadata(name, what):
    m = BUILD[name](M)
    t = BUILD[name](T)
    assert _meta(m, what, M) == _meta(t, what, T)


@pytest.mark.parametrize("name", sorted(BUILD))
def test_contiguous_clone_detach(name):
    m, t = BUILD[name](M), BUILD[name](T)
    for fn in (lambda x: x.contiguous(), lambda x: x.clone(), lambda x: x.detach(),
               lambda x: x.clone(memory_format=M.contiguous_format if isinstance(x, M.Tensor)
                                 else T.contiguous_format)):
        assert_same(fn(m), fn(t), check_stride=True)
    # contiguous() returns self when already contiguous
    assert (m.contiguous() is m) == (t.contiguous() is t)
    # clone owns new memory; detach shares
    if m.numel():
        assert m.clone().data_ptr() != m.data_ptr()
        assert m.detach().data_ptr() == m.data_ptr()


@pytest.mark.parametrize("name", ["nchw", "nhwc", "size1", "mat"])
def test_channels_last_clone_contiguous(name):
    def f(L):
        x = BUILD[name](L)
        if x.dim() != 4:
            return x.contiguous()
        return x.contiguous(memory_format=L.channels_last)
    m, t = f(M), f(T)
    assert_same(m, t, check_stride=True)
    raises_like(lambda: BUILD["mat"](M).contiguous(memory_format=M.channels_last),
                lambda: BUILD["mat"](T).contiguous(memory_format=T.channels_last))


def test_detach_shares_storage_and_version():
    m = M.arange(4.)
    d = m.detach()
    d.add_(1)
    assert m.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert d._version == m._version
    assert d.untyped_storage().data_ptr() == m.untyped_storage().data_ptr()


@pytest.mark.parametrize("name", ["vec", "mat_t", "strided", "scalar", "int_scalar", "c64",
                                  "bool", "u8", "bf16", "f16", "empty"])
def test_tolist_item(name):
    m, t = BUILD[name](M), BUILD[name](T)
    assert m.tolist() == t.tolist()
    assert type(m.tolist()) is type(t.tolist())
    if t.numel() == 1:
        assert m.item() == t.item()
        assert type(m.item()) is type(t.item())
    else:
        raises_like(m.item, t.item)


def test_python_number_protocol():
    for L in (M, T):
        assert float(L.tensor([2.5])) == 2.5
        assert int(L.tensor(3.9)) == 3
        assert int(L.tensor(-3.9)) == -3
        assert bool(L.tensor([0.0])) is False
        assert bool(L.tensor(2)) is True
        assert complex(L.tensor(1 + 2j)) == 1 + 2j
        assert [10, 20, 30][L.tensor(1)] == 20
        assert L.tensor([[5]]).__index__() == 5
    for fn in (lambda L: bool(L.tensor([1, 2])), lambda L: bool(L.tensor([])),
               lambda L: float(L.tensor([1.0, 2.0])), lambda L: int(L.zeros(0)),
               lambda L: [1, 2][L.tensor(1.0)], lambda L: [1, 2][L.tensor([0, 1])],
               lambda L: len(L.tensor(1.0)), lambda L: iter(L.tensor(1.0)),
               lambda L: L.tensor([1, 2]).item()):
        raises_like(lambda: fn(M), lambda: fn(T))


def test_iter_len():
    for name in ("mat", "mat_t", "vec", "empty"):
        m, t = BUILD[name](M), BUILD[name](T)
        assert len(m) == len(t)
        ms, ts = list(m), list(t)
        assert len(ms) == len(ts)
        for a, b in zip(ms, ts):
            assert_same(a, b, check_stride=True)


def test_hash_identity_and_eq_tensor():
    a, b = M.tensor([1.0]), M.tensor([1.0])
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2 and len(d) == 2
    assert hash(a) == id(a)
    eq = a == b
    assert isinstance(eq, M.Tensor) and eq.dtype is M.bool and eq.tolist() == [True]
    assert a in {a}


def test_numpy_shares_memory_both_ways():
    m = M.arange(6.).reshape(2, 3)
    n = m.numpy()
    assert n.dtype == np.float32 and n.shape == (2, 3)
    n[0, 0] = 100
    assert m.tolist()[0][0] == 100
    m.add_(1)
    assert n[0, 0] == 101
    mt = m.t()
    nt = mt.numpy()
    assert nt.strides == (4, 12)
    nt[2, 1] = -5
    assert m.tolist()[1][2] == -5
    raises_like(lambda: M.ones(2, requires_grad=True).numpy(),
                lambda: T.ones(2, requires_grad=True).numpy())
    raises_like(lambda: M.ones(2, device="meta").numpy(),
                lambda: T.ones(2, device="meta").numpy())
    assert M.ones(2, requires_grad=True).numpy(force=True).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("make", [
    lambda: np.arange(12, dtype=np.float64).reshape(3, 4),
    lambda: np.arange(12, dtype=np.int32).reshape(3, 4).T,
    lambda: np.arange(24, dtype=np.float32).reshape(4, 6)[1:, ::2],
    lambda: np.arange(5, dtype=np.int16)[::-1].copy(),
    lambda: np.array(3.5),
    lambda: np.zeros((0, 2), dtype=np.uint8),
    lambda: np.array([True, False]),
    lambda: np.arange(4, dtype=np.complex128),
])
def test_from_numpy_shares(make):
    a = make()
    m, t = M.from_numpy(a), T.from_numpy(a)
    # torch gives zero-size arrays all-zero strides (creation's from_numpy does not yet)
    assert_same(m, t, check_stride=a.size > 0)
    if a.size:
        idx = (0,) * a.ndim
        a[idx] = 1
        assert m.tolist() == t.tolist()
        assert m.data_ptr() == t.data_ptr()


def test_from_numpy_negative_strides_error():
    a = np.arange(5)[::-1]
    raises_like(lambda: M.from_numpy(a), lambda: T.from_numpy(a))


def test_array_protocol():
    m = M.arange(6.).reshape(2, 3).t()
    a = np.asarray(m)
    assert a.shape == (3, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, np.asarray(T.arange(6.).reshape(2, 3).t()))
    assert np.asarray(m, dtype=np.int64).dtype == np.int64
    assert np.asarray(M.tensor(2)).shape == ()


CASTS = ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte",
         "bool", "cfloat", "cdouble"]


@pytest.mark.parametrize("cast", CASTS)
@pytest.mark.parametrize("name", ["mat_t", "vec", "scalar", "bool", "u8", "empty", "nhwc"])
def test_typed_casts(name, cast):
    check(lambda L: getattr(BUILD[name](L), cast)(), check_stride=True)


def test_typed_cast_same_dtype_returns_self():
    for L in (M, T):
        x = L.arange(3.)
        assert x.float() is x
        assert x.to(L.float32) is x
        assert x.to(x) is x
        assert x.to("cpu") is x
        assert x.to(L.float32, copy=True) is not x
        assert x.type(L.float32) is x if L is T else True


@pytest.mark.parametrize("args", [
    lambda L: ((L.float64,), {}),
    lambda L: (("cpu",), {}),
    lambda L: (("cpu", L.int32), {}),
    lambda L: ((), {"dtype": L.int16}),
    lambda L: ((), {"device": "cpu", "dtype": L.float16}),
    lambda L: ((L.tensor([1], dtype=L.int8),), {}),
    lambda L: ((L.float32,), {"copy": True}),
    lambda L: ((), {"memory_format": L.contiguous_format}),
    lambda L: ((L.complex64,), {}),
])
@pytest.mark.parametrize("name", ["mat_t", "nhwc", "c64", "scalar"])
def test_to(name, args):
    def f(L):
        a, k = args(L)
        return BUILD[name](L).to(*a, **k)
    check(f, check_stride=True)


def test_to_meta_and_back():
    m = M.arange(6.).reshape(2, 3).t().to("meta")
    t = T.arange(6.).reshape(2, 3).t().to("meta")
    assert m.device.type == "meta" and m.stride() == t.stride() and m.shape == t.shape
    raises_like(lambda: m.to("cpu"), lambda: t.to("cpu"))


def test_type_strings_and_type_as():
    for name in BUILD:
        assert BUILD[name](M).type() == BUILD[name](T).type()
    for s in ("torch.IntTensor", "torch.DoubleTensor", "torch.BoolTensor"):
        assert_same(BUILD["mat_t"](M).type(s), BUILD["mat_t"](T).type(s))
    check(lambda L: BUILD["vec"](L).type(L.int64))
    check(lambda L: BUILD["mat"](L).type_as(L.tensor([1], dtype=L.int16)))
    check(lambda L: BUILD["mat"](L).type_as(L.tensor([1], dtype=L.float32)))
    assert M.typename(M.zeros(1)) == T.typename(T.zeros(1))


def test_requires_grad_validation():
    for dt in ("int64", "int32", "bool", "uint8"):
        raises_like(lambda: M.zeros(2, dtype=getattr(M, dt)).requires_grad_(),
                    lambda: T.zeros(2, dtype=getattr(T, dt)).requires_grad_())

        def set_m():
            M.zeros(2, dtype=getattr(M, dt)).requires_grad = True

        def set_t():
            T.zeros(2, dtype=getattr(T, dt)).requires_grad = True
        raises_like(set_m, set_t)
    raises_like(lambda: M.zeros(2, dtype=M.int64, requires_grad=True),
                lambda: T.zeros(2, dtype=T.int64, requires_grad=True))
    for L in (M, T):
        x = L.zeros(2, dtype=L.int64)
        x.requires_grad_(False)
        assert x.requires_grad is False
        y = L.zeros(2, dtype=L.complex64).requires_grad_()
        assert y.requires_grad and y.is_leaf
        z = L.zeros(2).requires_grad_()
        assert z.requires_grad is True and z.detach().requires_grad is False


def test_size_behaviour():
    for L in (M, T):
        s = L.zeros(2, 3, 4).shape
        assert isinstance(s, tuple) and isinstance(s, L.Size)
        assert s == (2, 3, 4) and s[1] == 3 and s[-1] == 4
        assert isinstance(s[1:], L.Size) and s[1:] == (3, 4)
        assert s.numel() == 24
        assert L.Size([]).numel() == 1
        assert isinstance(s + (5,), L.Size)
        assert pickle.loads(pickle.dumps(s)) == s
    assert repr(M.zeros(2, 3).shape) == repr(T.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert str(M.zeros(()).shape) == str(T.zeros(()).shape)
    assert repr(M.Size([1, 2])) == repr(T.Size([1, 2]))


@pytest.mark.parametrize("name", ["mat", "mat_t", "scalar", "c64", "bool", "bf16", "empty",
                                  "strided"])
def test_pickle_and_deepcopy(name):
    m = BUILD[name](M)
    t = BUILD[name](T)
    for r in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert_same(r, t, check_stride=True)
        if m.numel():
            assert r.data_ptr() != m.data_ptr()


def test_pickle_views_share_storage():
    base = M.arange(12.).reshape(3, 4)
    v = base.t()
    n = base.narrow(1, 1, 2)
    b2, v2, n2 = pickle.loads(pickle.dumps((base, v, n)))
    assert b2.untyped_storage().data_ptr() == v2.untyped_storage().data_ptr()
    assert n2.storage_offset() == 1 and n2.stride() == (4, 1)
    b2.fill_(7.0)
    assert v2.tolist() == [[7.0] * 3] * 4
    assert n2.tolist() == [[7.0, 7.0]] * 3
    rg = pickle.loads(pickle.dumps(M.ones(2, requires_grad=True)))
    assert rg.requires_grad
    mt = pickle.loads(pickle.dumps(M.empty(2, 3, device="meta")))
    assert mt.device.type == "meta" and mt.shape == (2, 3)


def test_deepcopy_memo_and_grad():
    a = M.ones(2, requires_grad=True)
    a.grad = M.full((2,), 3.0)
    b, c = copy.deepcopy([a, a])
    assert b is c and b is not a and b.requires_grad
    assert b.grad.tolist() == [3.0, 3.0]
    nl = M.ones(2)
    nl.grad_fn = object()
    raises_like(lambda: copy.deepcopy(nl),
                lambda: copy.deepcopy(T.ones(2, requires_grad=True) * 2))


COPY_CASES = {
    "same": lambda L: (L.zeros(2, 3), L.arange(6.).reshape(2, 3)),
    "cast_f2i": lambda L: (L.zeros(2, 3, dtype=L.int32), L.arange(6.).reshape(2, 3) * 1.7),
    "cast_i2f": lambda L: (L.zeros(3), L.tensor([1, 2, 3])),
    "cast_bool": lambda L: (L.zeros(3, dtype=L.bool), L.tensor([0.0, 2.0, -1.0])),
    "to_bool_src": lambda L: (L.zeros(2), L.tensor([True, False])),
    "bcast_row": lambda L: (L.zeros(3, 4), L.arange(4.)),
    "bcast_col": lambda L: (L.zeros(3, 4), L.arange(3.).reshape(3, 1)),
    "bcast_scalar": lambda L: (L.zeros(2, 2), L.tensor(5.0)),
    "dst_transposed": lambda L: (L.zeros(4, 3).t(), L.arange(12.).reshape(3, 4)),
    "src_transposed": lambda L: (L.zeros(3, 4), L.arange(12.).reshape(4, 3).t()),
    "dst_narrow": lambda L: (L.zeros(3, 4).narrow(1, 1, 2), L.ones(3, 2)),
    "complex_to_complex": lambda L: (L.zeros(2, dtype=L.complex128), L.tensor([1 + 1j, 2j])),
    "real_to_complex": lambda L: (L.zeros(2, dtype=L.complex64), L.tensor([1.5, 2.0])),
    "f16": lambda L: (L.zeros(2, dtype=L.float16), L.tensor([1.0001, 65504.0])),
    "empty": lambda L: (L.zeros(0, 3), L.zeros(0, 3)),
    "empty_bcast": lambda L: (L.zeros(0, 3), L.ones(3)),
    "bad_shape": lambda L: (L.zeros(2, 3), L.ones(3, 2)),
    "bad_bcast": lambda L: (L.zeros(3), L.ones(2, 3)),
    "bad_type": lambda L: (L.zeros(3), [1, 2, 3]),
}


@pytest.mark.parametrize("name", sorted(COPY_CASES))
def test_copy_(name):
    def f(L):
        dst, src = COPY_CASES[name](L)
        r = dst.copy_(src)
        assert r is dst
        return dst
    check(f, check_stride=True)


def test_copy_version_and_self_copy():
    x = M.arange(4.)
    v = x._version
    x.copy_(M.ones(4))
    assert x._version == v + 1
    x.copy_(x)
    assert x.tolist() == [1.0] * 4
    # overlapping views: copying from a view of itself
    y = M.arange(5.)
    y.narrow(0, 1, 4).copy_(y.narrow(0, 0, 4))
    z = T.arange(5.)
    z.narrow(0, 1, 4).copy_(z.narrow(0, 0, 4).clone())
    assert y.tolist() == z.tolist()


def test_copy_complex_to_real_warns():
    with pytest.warns(UserWarning):
        M.zeros(2).copy_(M.tensor([1 + 2j, 3j]))


def test_data_ptr_views():
    for L in (M, T):
        x = L.arange(12.).reshape(3, 4)
        assert x.narrow(1, 1, 2).data_ptr() == x.data_ptr() + 4
        assert x.t().data_ptr() == x.data_ptr()
        assert x.untyped_storage().data_ptr() == x.data_ptr()
    assert M.empty(2, device="meta").data_ptr() == T.empty(2, device="meta").data_ptr() == 0


def test_storage_offset_views():
    check(lambda L: L.arange(12.).reshape(3, 4).narrow(0, 1, 2).narrow(1, 2, 2),
          check_stride=True)


def test_data_setter_and_legacy_constructor():
    x = M.zeros(2)
    x.data = M.ones(3, dtype=M.float64)
    assert x.shape == (3,) and x.dtype is M.float64
    check(lambda L: L.Tensor([1, 2, 3]))
    check(lambda L: L.Tensor(2, 3).zero_())
    check(lambda L: L.Tensor(L.Size([2, 1])).fill_(1))


def test_format_protocol():
    assert f"{M.tensor(3.14159):.3f}" == f"{T.tensor(3.14159):.3f}"
    assert f"{M.tensor(7):5d}" == f"{T.tensor(7):5d}"
    assert f"{M.tensor([1., 2.])}" == f"{T.tensor([1., 2.])}"


def test_resize_():
    def f(L):
        x = L.arange(6.)
        x.resize_(2, 2)
        return x
    check(f, check_stride=True)
    x = M.arange(3.)
    x.resize_(2, 3)
    assert x.shape == (2, 3) and x.untyped_storage().nbytes() >= 24
    assert x.tolist()[0] == [0.0, 1.0, 2.0]


def test_deepcopy_keeps_layout_and_shared_views():
    base = M.arange(12.).reshape(3, 4)
    v = base.t()
    b2, v2 = copy.deepcopy((base, v))
    assert v2.stride() == (1, 4)
    assert b2.untyped_storage() is v2.untyped_storage()
    assert b2.data_ptr() != base.data_ptr()
    n = base.narrow(1, 1, 2)
    tn = T.arange(12.).reshape(3, 4).narrow(1, 1, 2)
    dn, dt = copy.deepcopy(n), copy.deepcopy(tn)
    assert dn.storage_offset() == dt.storage_offset() == 1
    assert dn.untyped_storage().nbytes() == dt.untyped_storage().nbytes()
    assert_same(dn, dt, check_stride=True)


@pytest.mark.parametrize("build", [
    lambda L: L.zeros(4, 6).t().as_strided((6, 2), (1, 12)),
    lambda L: L.zeros(4, 6, 2).permute(2, 0, 1).as_strided((2, 2, 6), (1, 24, 2)),
    lambda L: L.zeros(3, 0, 2).permute(2, 1, 0),
    lambda L: L.zeros(0, 3).t(),
    lambda L: L.arange(3.).expand(2, 4, 3).transpose(0, 1),
    lambda L: L.zeros(2, 3, 1, 1).as_strided((2, 3, 1, 1), (3, 1, 3, 3)),
])
def test_clone_preserve_format_strides(build):
    check(lambda L: build(L).clone(), check_stride=True)
    check(lambda L: build(L).to(L.float64), check_stride=True)
    e = lambda L: (tuple(L.empty_like(build(L)).shape), L.empty_like(build(L)).stride())  # noqa
    assert e(M) == e(T)


@pytest.mark.parametrize("mf", ["contiguous_format", "channels_last", "preserve_format"])
@pytest.mark.parametrize("name", ["nchw", "nhwc", "mat_t"])
def test_to_memory_format_identity(name, mf):
    def f(L):
        x = BUILD[name](L)
        if mf == "channels_last" and x.dim() != 4:
            return x
        y = x.to(memory_format=getattr(L, mf))
        return y, y is x
    m, t = f(M), f(T)
    if isinstance(t, tuple):
        assert m[1] == t[1]
        assert_same(m[0], t[0], check_stride=True)
