"""Factory functions against real torch: dtypes, values, shapes, strides, devices, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check

DATA = [
    1, 2.5, True, 1 + 2j, [1, 2, 3], [1.0, 2], [True, False], [True, 1], [1, 2.5, 3j],
    [[1, 2], [3, 4]], ((1, 2), (3, 4)), [], [[]], [[], []], [2 ** 40], [-1, 0],
    np.float32(1.5), np.int16(3), [np.float32(1.5), 2], [np.int32(1), np.int32(2)],
    [np.float64(1.5)], [1, np.float16(2)], np.array([1, 2], dtype=np.uint8),
    np.array([[1.5, 2]], dtype=np.float32), np.array(3.0), np.array([True]),
    [[1, 2], (3, 4)], [np.array([1, 2]), np.array([3, 4])], float("inf"), [float("nan")],
]


@pytest.mark.parametrize("data", DATA, ids=[repr(d)[:30] for d in DATA])
def test_tensor_inference(data):
    check(lambda lib: lib.tensor(data), check_stride=True)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "bfloat16",
                                   "float32", "float64", "complex64"])
@pytest.mark.parametrize("data", [[1, 0, 2], [1.7, -2.2], 3, [[True, False]], [1 + 1j]],
                         ids=str)
def test_tensor_with_dtype(data, dtype):
    check(lambda lib: lib.tensor(data, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize("data", [[[1, 2], [3]], [1, [2]], [[1], 2], [[[1, 2]], [[3]]]],
                         ids=str)
def test_tensor_ragged(data):
    check(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data", ["abc", ["a", "b"], [1, "a"], None, object()],
                         ids=["str", "strlist", "mixed", "none", "object"])
def test_tensor_bad_data(data):
    check(lambda lib: lib.tensor(data))


def test_tensor_overflow_and_options():
    check(lambda lib: lib.tensor([2 ** 64]))
    check(lambda lib: lib.tensor(2 ** 63))
    check(lambda lib: lib.tensor([1.0], dtype="float32"))
    t = M.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert M.tensor([1, 2], device="meta").device.type == "meta"
    check(lambda lib: lib.tensor([1, 2], requires_grad=True))


def test_tensor_copies():
    a = np.array([1.0, 2.0])
    t = M.tensor(a)
    a[0] = 5
    assert t[0].item() == 1.0
    x = M.tensor([1.0, 2.0])
    with pytest.warns(UserWarning):
        y = M.tensor(x)
    x.add_(1)
    assert y.tolist() == [1.0, 2.0]


def test_tensor_from_tensor_list():
    check(lambda lib: lib.tensor([lib.tensor(1.5), lib.tensor(2.0)]))
    check(lambda lib: lib.tensor([lib.tensor(1), lib.tensor(2)]))


def test_as_tensor_and_asarray_share_memory():
    a = np.arange(6.0).reshape(2, 3)
    t = M.as_tensor(a)
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    u = M.asarray(a)
    a[1, 1] = -1
    assert u[1, 1].item() == -1
    c = M.as_tensor(a, dtype=M.float32)  # needs a cast: a copy
    a[0, 1] = 7
    assert c[0, 1].item() != 7
    x = M.ones(3)
    assert M.as_tensor(x) is x
    assert M.asarray(x) is x
    check(lambda lib: lib.as_tensor([1, 2.5]))
    check(lambda lib: lib.as_tensor(np.arange(6).reshape(2, 3).T), check_stride=True)
    check(lambda lib: lib.asarray([1, 2], dtype=lib.float64))
    check(lambda lib: lib.asarray(np.ones(3), copy=False, dtype=lib.float32))
    d = M.asarray(a, copy=True)
    a[0, 0] = 0
    assert d[0, 0].item() == 42


def test_from_numpy():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = M.from_numpy(a)
    a[0, 0] = 100
    assert t[0, 0].item() == 100
    check(lambda lib: lib.from_numpy(np.arange(12.0).reshape(3, 4)[:, ::2]), check_stride=True)
    check(lambda lib: lib.from_numpy(np.arange(12.0).reshape(3, 4).T), check_stride=True)
    check(lambda lib: lib.from_numpy(np.arange(4)[::-1]))
    check(lambda lib: lib.from_numpy([1, 2]))
    check(lambda lib: lib.from_numpy(np.array(["a"])))
    for dt in (np.bool_, np.uint8, np.int8, np.int16, np.int64, np.float16, np.float64,
               np.complex64, np.complex128, np.uint16):
        check(lambda lib: lib.from_numpy(np.zeros(2, dtype=dt)))


SIZES = [(2, 3), ((2, 3),), ([4],), (0,), ((),), (1, 0, 2)]


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_zeros_ones_empty(name, size):
    def fn(lib):
        r = getattr(lib, name)(*size)
        return r if name != "empty" else r.fill_(0)
    check(fn, check_stride=True)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "bfloat16",
                                   "float64", "complex64"])
@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_factory_dtype(name, dtype):
    check(lambda lib: getattr(lib, name)(2, 2, dtype=getattr(lib, dtype)))


def test_factory_errors():
    check(lambda lib: lib.zeros(-1))
    check(lambda lib: lib.ones(2, 2.5))
    check(lambda lib: lib.zeros((2, "a")))
    check(lambda lib: lib.full((2,), "x"))
    check(lambda lib: lib.empty(2, dtype="float32"))


def test_factory_out_requires_grad_meta():
    check(lambda lib: lib.zeros(2, 3, out=lib.empty(7)))
    check(lambda lib: lib.ones(2, out=lib.empty(2, dtype=lib.int64)))
    z = M.zeros(2, requires_grad=True)
    assert z.requires_grad
    m = M.ones(3, 4, device="meta", dtype=M.float16)
    t = T.ones(3, 4, device="meta", dtype=T.float16)
    assert_same(m, t, check_stride=True)


@pytest.mark.parametrize("value", [1, 2.5, True, 1 + 1j, -3])
@pytest.mark.parametrize("dtype", [None, "int32", "float64", "bool"])
def test_full(value, dtype):
    def fn(lib):
        kw = {} if dtype is None else {"dtype": getattr(lib, dtype)}
        return lib.full((2, 3), value, **kw)
    check(fn)


def test_full_overflow_and_meta():
    check(lambda lib: lib.full((2,), 300, dtype=lib.uint8))
    check(lambda lib: lib.full((2,), 1.5, dtype=lib.int32))
    assert M.full((2,), 1.0, device="meta").device.type == "meta"


def _src(lib, kind):
    x = lib.arange(24, dtype=lib.float32).reshape(2, 3, 4)
    if kind == "t":
        return x.permute(2, 0, 1)
    if kind == "s":
        return x[:, :, ::2]
    if kind == "cl":
        return lib.ones(2, 3, 4, 5).contiguous(memory_format=lib.channels_last) \
            if hasattr(lib, "channels_last") else x
    return x


@pytest.mark.parametrize("kind", ["c", "t", "s"])
@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like(name, kind):
    def fn(lib):
        x = _src(lib, kind)
        r = getattr(lib, name)(x, 1.5) if name == "full_like" else getattr(lib, name)(x)
        return r if name != "empty_like" else r.fill_(0)
    check(fn, check_stride=True)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_options(name):
    def call(lib, x, **kw):
        return getattr(lib, name)(x, 7, **kw) if name == "full_like" else \
            getattr(lib, name)(x, **kw)

    def fn(lib):
        r = call(lib, _src(lib, "t"), dtype=lib.int64)
        return r if name != "empty_like" else r.fill_(0)
    check(fn, check_stride=True)
    check(lambda lib: call(lib, _src(lib, "t"), memory_format=lib.contiguous_format).fill_(1),
          check_stride=True)
    m = call(M, _src(M, "t"), device="meta")
    t = call(T, _src(T, "t"), device="meta")
    assert_same(m, t, check_stride=True)
    assert call(M, _src(M, "c"), requires_grad=True).requires_grad


def test_empty_strided():
    m = M.empty_strided((2, 3), (1, 2))
    t = T.empty_strided((2, 3), (1, 2))
    assert m.stride() == t.stride() and m.shape == t.shape
    m = M.empty_strided((2, 3), (1, 2), device="meta", dtype=M.float64)
    t = T.empty_strided((2, 3), (1, 2), device="meta", dtype=T.float64)
    assert_same(m, t, check_stride=True)
    check(lambda lib: lib.empty_strided((2, 3), (3, 1)).fill_(2), check_stride=True)
    check(lambda lib: lib.empty_strided((2, 3), (1,)))


ARANGE = [(5,), (2, 7), (0, 1, 0.1), (1, 2.5, 0.5), (10, 0, -3), (0, 10, 3), (1.5,),
          (-1, 1, 0.3), (0, 0), (0, 1, 1 / 3), (0.1, 0.9, 0.2), (5, 1), (2, 3, 0.5),
          (T.tensor(3).item(),), (0, 5, 2.5)]


@pytest.mark.parametrize("args", ARANGE, ids=str)
def test_arange(args):
    check(lambda lib: lib.arange(*args))


@pytest.mark.parametrize("dtype", ["int32", "float64", "float16", "bfloat16", "int8"])
def test_arange_dtype(dtype):
    check(lambda lib: lib.arange(0, 5, 0.5, dtype=getattr(lib, dtype)))
    check(lambda lib: lib.arange(10, dtype=getattr(lib, dtype)))


def test_arange_errors_and_out():
    check(lambda lib: lib.arange(0, 1, 0))
    check(lambda lib: lib.arange(0, 10, -1))
    check(lambda lib: lib.arange(float("inf")))
    check(lambda lib: lib.arange(0, 5, out=lib.empty(2, dtype=lib.int64)))
    check(lambda lib: lib.arange(lib.tensor(2), lib.tensor(6)))
    assert M.arange(4, device="meta").shape == (4,)


LINSPACE = [(0, 1, 5), (0, 1, 1), (0, 1, 0), (-2, 2, 4), (1, 0, 3), (0, 10, 11), (2, 2, 3),
            (0.5, 5.5, 7)]


@pytest.mark.parametrize("args", LINSPACE, ids=str)
def test_linspace_logspace(args):
    check(lambda lib: lib.linspace(*args))
    check(lambda lib: lib.logspace(*args), rtol=1e-5)
    check(lambda lib: lib.logspace(*args, base=2))
    check(lambda lib: lib.linspace(*args, dtype=lib.int64))
    check(lambda lib: lib.linspace(*args, dtype=lib.float64))


def test_linspace_errors():
    check(lambda lib: lib.linspace(0, 1, -1))
    check(lambda lib: lib.linspace(0, 1, 2.5))
    check(lambda lib: lib.linspace(0j, 1 + 1j, 3))


@pytest.mark.parametrize("args", [(3,), (2, 4), (4, 2), (0,), (3, 0), (1, 1)], ids=str)
def test_eye(args):
    check(lambda lib: lib.eye(*args), check_stride=True)
    check(lambda lib: lib.eye(*args, dtype=lib.int32))
    check(lambda lib: lib.eye(*args, dtype=lib.bool))


def test_eye_errors():
    check(lambda lib: lib.eye(-1))
    check(lambda lib: lib.eye(2, -3))


@pytest.mark.parametrize("args", [(3, 3), (4, 3, 1), (3, 4, -1), (0, 3), (3, 3, 5),
                                  (3, 3, -5), (1, 5, 2), (5, 1)], ids=str)
@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_tri_indices(name, args):
    check(lambda lib: getattr(lib, name)(*args))
    check(lambda lib: getattr(lib, name)(*args, dtype=lib.int32))


def test_complex_polar():
    for dt in ("float32", "float64"):
        check(lambda lib: lib.complex(lib.tensor([1.0, 2.0], dtype=getattr(lib, dt)),
                                      lib.tensor([0.5, -1.0], dtype=getattr(lib, dt))))
        check(lambda lib: lib.polar(lib.tensor([1.0, 2.0], dtype=getattr(lib, dt)),
                                    lib.tensor([0.5, -1.0], dtype=getattr(lib, dt))))
    check(lambda lib: lib.complex(lib.ones(3, 1), lib.zeros(2)))
    check(lambda lib: lib.complex(lib.ones(2), lib.ones(2, dtype=lib.float64)))
    check(lambda lib: lib.complex(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)))
    check(lambda lib: lib.polar(lib.ones(2, dtype=lib.float16), lib.ones(2, dtype=lib.float16)))
    check(lambda lib: lib.complex(lib.ones(2), lib.ones(2), out=lib.empty(2,
                                                                          dtype=lib.complex64)))


@pytest.mark.parametrize("s", [1, 2.5, True, 1j])
@pytest.mark.parametrize("dtype", [None, "int64", "float64"])
def test_scalar_tensor(s, dtype):
    def fn(lib):
        kw = {} if dtype is None else {"dtype": getattr(lib, dtype)}
        return lib.scalar_tensor(s, **kw)
    check(fn)
