"""dtypes, finfo/iinfo, default dtype, promote_types, can_cast, result_type vs torch."""
from __future__ import annotations

import itertools
import math

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import DTYPE_PAIRS, M2T, check

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
         "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
         "float8_e4m3fn", "float8_e5m2"]
ALIASES = {"half": "float16", "float": "float32", "double": "float64", "cfloat": "complex64",
           "cdouble": "complex128", "short": "int16", "int": "int32", "long": "int64"}
PAIRS = [(getattr(M, n), getattr(T, n)) for n in NAMES]


@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes(name):
    m, t = getattr(M, name), getattr(T, name)
    assert isinstance(m, M.dtype)
    assert m.is_floating_point == t.is_floating_point
    assert m.is_complex == t.is_complex
    assert m.is_signed == t.is_signed
    assert m.itemsize == t.itemsize
    assert repr(m) == repr(t) and str(m) == str(t)
    assert M.tensor([], dtype=m).dtype is m if name not in ("float8_e4m3fn", "float8_e5m2") \
        else True


@pytest.mark.parametrize("alias", list(ALIASES))
def test_aliases(alias):
    assert getattr(M, alias) is getattr(M, ALIASES[alias])
    assert getattr(M, alias) == getattr(M, ALIASES[alias])
    assert repr(getattr(M, alias)) == repr(getattr(T, alias))


def test_dtype_hash_pickle_eq():
    import pickle
    assert len({M.float32, M.float, M.float64}) == 2
    assert pickle.loads(pickle.dumps(M.bfloat16)) is M.bfloat16
    assert M.float32 != M.float64


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64", "complex64",
                                  "complex128", "float8_e4m3fn", "float8_e5m2"])
def test_finfo(name):
    fm, ft = M.finfo(getattr(M, name)), T.finfo(getattr(T, name))
    for f in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(fm, f) == getattr(ft, f), f
    assert fm.dtype == ft.dtype


def test_finfo_default_and_errors():
    assert M.finfo().eps == T.finfo().eps
    for d in ("int32", "bool"):
        with pytest.raises(TypeError):
            T.finfo(getattr(T, d))
        with pytest.raises(TypeError):
            M.finfo(getattr(M, d))


@pytest.mark.parametrize("name", ["bool", "uint8", "int8", "int16", "int32", "int64",
                                  "uint16", "uint32", "uint64"])
def test_iinfo(name):
    try:
        it = T.iinfo(getattr(T, name))
    except TypeError:
        with pytest.raises(TypeError):
            M.iinfo(getattr(M, name))
        return
    im = M.iinfo(getattr(M, name))
    for f in ("bits", "max", "min"):
        assert getattr(im, f) == getattr(it, f), f
    assert im.dtype == it.dtype


def test_iinfo_errors():
    for d in ("float32", "complex64"):
        with pytest.raises(TypeError):
            T.iinfo(getattr(T, d))
        with pytest.raises(TypeError):
            M.iinfo(getattr(M, d))


@pytest.fixture
def restore_default():
    yield
    M.set_default_dtype(M.float32)
    T.set_default_dtype(T.float32)


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_default_dtype_effects(name, restore_default):
    M.set_default_dtype(getattr(M, name))
    T.set_default_dtype(getattr(T, name))
    assert M2T[M.get_default_dtype()] == T.get_default_dtype()
    check(lambda lib: lib.tensor([1.5]))
    check(lambda lib: lib.tensor([1, 2.5]))
    if name != "float16":  # torch gives complex32, which mindtorch_v2 does not have
        check(lambda lib: lib.tensor(2j))
    check(lambda lib: lib.tensor([1, 2]) + 1.5)
    check(lambda lib: lib.tensor([1, 2]) / 2)
    check(lambda lib: lib.ones(2))
    check(lambda lib: lib.arange(0, 1, 0.25))
    check(lambda lib: lib.exp(lib.tensor([1, 2])))
    check(lambda lib: lib.tensor([True]) * 1.5)


@pytest.mark.parametrize("bad", ["int32", "complex64", "bool", "uint8"])
def test_set_default_dtype_errors(bad, restore_default):
    with pytest.raises(TypeError):
        T.set_default_dtype(getattr(T, bad))
    with pytest.raises(TypeError):
        M.set_default_dtype(getattr(M, bad))


@pytest.mark.parametrize("a,b", list(itertools.product(range(len(NAMES)), repeat=2)),
                         ids=lambda i: NAMES[i])
def test_promote_types_table(a, b):
    (ma, ta), (mb, tb) = PAIRS[a], PAIRS[b]
    try:
        rt = T.promote_types(ta, tb)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            M.promote_types(ma, mb)
        return
    assert M2T[M.promote_types(ma, mb)] == rt


def test_promote_types_bad_args():
    with pytest.raises(TypeError):
        T.promote_types(T.float32, 1)
    with pytest.raises(TypeError):
        M.promote_types(M.float32, 1)


@pytest.mark.parametrize("a", NAMES)
def test_can_cast_table(a):
    for b in NAMES:
        assert M.can_cast(getattr(M, a), getattr(M, b)) == T.can_cast(getattr(T, a),
                                                                       getattr(T, b)), (a, b)


SCALARS = [True, 3, -2, 2.5, 1 + 1j]
RT_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
            "float32", "float64", "complex64", "complex128"]


def _mk(lib, name, zero_dim):
    x = lib.zeros(() if zero_dim else (2,), dtype=getattr(lib, name))
    return x


@pytest.mark.parametrize("zero_dim", [False, True])
@pytest.mark.parametrize("s", SCALARS, ids=repr)
@pytest.mark.parametrize("name", RT_NAMES)
def test_result_type_tensor_scalar(name, s, zero_dim):
    if name == "float16" and isinstance(s, complex):
        pytest.skip("torch gives complex32, which mindtorch_v2 does not have")
    assert M2T[M.result_type(_mk(M, name, zero_dim), s)] == \
        T.result_type(_mk(T, name, zero_dim), s)
    assert M2T[M.result_type(s, _mk(M, name, zero_dim))] == \
        T.result_type(s, _mk(T, name, zero_dim))


@pytest.mark.parametrize("zd", [(False, False), (True, False), (False, True), (True, True)],
                         ids=str)
@pytest.mark.parametrize("a", RT_NAMES)
def test_result_type_tensor_tensor(a, zd):
    for b in RT_NAMES:
        try:
            rt = T.result_type(_mk(T, a, zd[0]), _mk(T, b, zd[1]))
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e)):
                M.result_type(_mk(M, a, zd[0]), _mk(M, b, zd[1]))
            continue
        if rt == T.complex32:
            continue  # mindtorch_v2 has no complex32
        assert M2T[M.result_type(_mk(M, a, zd[0]), _mk(M, b, zd[1]))] == rt, (a, b)
        # the same rule drives the binary ops
        assert M2T[(_mk(M, a, zd[0]) * _mk(M, b, zd[1])).dtype] == rt if "bool" not in (a,) \
            else True


@pytest.mark.parametrize("pair", list(itertools.product(SCALARS, repeat=2)), ids=str)
def test_result_type_scalar_scalar(pair):
    try:
        rt = T.result_type(*pair)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            M.result_type(*pair)
        return
    assert M2T[M.result_type(*pair)] == rt


def test_result_type_errors():
    with pytest.raises(TypeError):
        T.result_type("a", T.ones(2))
    with pytest.raises(TypeError):
        M.result_type("a", M.ones(2))


def test_dtype_pairs_cover_helpers():
    assert len(DTYPE_PAIRS) == len(NAMES)
    assert math.isfinite(M.finfo(M.bfloat16).max)
