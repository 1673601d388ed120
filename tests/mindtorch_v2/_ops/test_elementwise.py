"""Elementwise ops against real torch: values, dtypes, shapes, strides, errors."""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check
from mindtorch_v2._ops import elementwise as E

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64"]

_BASE = np.array([-2.5, -1.0, -0.5, 0.0, 0.25, 0.75, 1.0, 2.0, 3.5, 7.0, -3.0, 0.5])


def _np_values(dt, shape, seed=0):
    n = int(np.prod(shape)) if shape else 1
    v = np.resize(np.roll(_BASE, seed), n)
    if dt == "bool":
        return (v > 0.3).reshape(shape)
    if dt == "uint8":
        return np.abs(v * 2).astype(np.uint8).reshape(shape)
    if dt in ("int8", "int32", "int64"):
        return (v * 2).astype(dt).reshape(shape)
    if dt == "complex64":
        return (v + 1j * np.roll(v, 3)).astype(np.complex64).reshape(shape)
    return v.reshape(shape)


def mk(lib, dt, shape=(3, 4), *, seed=0, layout=None):
    """A tensor of dtype ``dt``; layout "t" (transposed) or "s" (sliced) is non-contiguous."""
    if layout == "t":
        shape = tuple(reversed(shape))
    elif layout == "s":
        shape = shape[:-1] + (shape[-1] * 2,)
    a = _np_values(dt, shape, seed)
    if dt in ("float16", "bfloat16"):
        x = lib.from_numpy(a.astype(np.float32)).to(getattr(lib, dt))
    else:
        x = lib.from_numpy(np.ascontiguousarray(a)).to(getattr(lib, dt))
    if layout == "t":
        x = x.t() if x.dim() == 2 else x.permute(*reversed(range(x.dim())))
    elif layout == "s":
        x = x[..., ::2]
    return x


def _pos(lib, dt, shape=(3, 4), layout=None):
    """Values in (0, 1) for domain-restricted functions (logit, erfinv, atanh...)."""
    x = mk(lib, dt, shape, layout=layout)
    if dt in ("bool",) or dt.startswith(("int", "uint")):
        return x
    return (x.abs() + 0.5) / 10.0


UNARY_NAMES = [r[0] for r in E.UNARY]
SPECIAL_NAMES = [r[0] for r in E.SPECIAL_UNARY]
DOMAIN01 = {"erfinv", "atanh", "arctanh", "ndtri", "asin", "acos", "arcsin", "arccos"}


def _unary_fn(name):
    def fn(lib):
        return getattr(lib, name)
    return fn


def _special_fn(lib, name):
    if lib is T:
        return getattr(T.special, name)
    return E.special(name)


def _unary_input(lib, name, dt, layout=None, shape=(3, 4)):
    if name in DOMAIN01:
        return _pos(lib, dt, shape, layout)
    return mk(lib, dt, shape, layout=layout)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", UNARY_NAMES)
def test_unary(name, dt):
    check(lambda lib: getattr(lib, name)(_unary_input(lib, name, dt)), equal_nan=True)


@pytest.mark.parametrize("dt", ["int64", "float32", "float64", "bfloat16"])
@pytest.mark.parametrize("name", SPECIAL_NAMES)
def test_special_unary(name, dt):
    tol = 2e-2 if dt == "bfloat16" else 1e-4
    check(lambda lib: _special_fn(lib, name)(_unary_input(lib, name, dt)), rtol=tol,
          atol=tol / 10)


@pytest.mark.parametrize("layout", ["t", "s"])
@pytest.mark.parametrize("name", ["neg", "abs", "exp", "sqrt", "isnan", "floor", "sigmoid",
                                  "bitwise_not", "logical_not", "square", "sgn", "isreal"])
def test_unary_noncontig_strides(name, layout):
    dt = "int32" if name == "bitwise_not" else "float32"
    check(lambda lib: getattr(lib, name)(mk(lib, dt, (3, 4), layout=layout)),
          check_stride=True)


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
@pytest.mark.parametrize("name", ["neg", "exp", "isnan", "abs", "ceil", "logical_not"])
def test_unary_0dim_zero_size(name, shape):
    check(lambda lib: getattr(lib, name)(mk(lib, "float32", shape)), check_stride=True)


@pytest.mark.parametrize("name", ["exp", "neg", "sqrt", "sin", "isnan", "abs", "floor"])
def test_unary_out(name):
    def fn(lib):
        out = lib.empty(5, dtype=lib.float64 if name != "isnan" else lib.bool)
        r = getattr(lib, name)(mk(lib, "float32", (2, 3)), out=out)
        assert r is out
        return out
    check(fn)


@pytest.mark.parametrize("dt", ["int32", "float32"])
@pytest.mark.parametrize("name", ["neg", "abs", "exp", "sqrt", "floor", "sin", "sigmoid",
                                  "bitwise_not", "reciprocal", "square", "trunc", "sgn"])
def test_unary_inplace(name, dt):
    def fn(lib):
        x = mk(lib, dt, (4, 3), layout="t")
        r = getattr(x, name + "_")()
        assert r is x
        return x
    check(fn)


# ---------------------------------------------------------------------------------------
# binary
# ---------------------------------------------------------------------------------------

BINARY_NAMES = [r[0] for r in E.BINARY] + ["add", "sub", "div", "pow", "subtract",
                                           "divide", "float_power"]
SHIFTS = {"bitwise_left_shift", "bitwise_right_shift"}
BIN_DTYPES = ["bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32", "float64",
              "complex64"]


def _rhs(lib, name, dt, shape=(3, 4), layout=None):
    y = mk(lib, dt, shape, seed=5, layout=layout)
    if name in SHIFTS and dt not in ("bool",):
        return (y.abs() if dt != "uint8" else y) % 4
    if name in ("floor_divide", "remainder", "fmod", "div", "divide", "true_divide") and \
            dt not in ("bool",) and not dt.startswith(("float", "bfloat", "complex")):
        return lib.where(y == 0, lib.ones_like(y), y)
    if name in ("pow", "float_power") and dt not in ("bool",) and \
            not dt.startswith(("float", "bfloat", "complex")):
        return y.abs() % 3
    return y


def _lhs(lib, name, dt, shape=(3, 4), layout=None):
    x = mk(lib, dt, shape, layout=layout)
    if name in SHIFTS and dt not in ("bool",):
        return x.abs() if dt != "uint8" else x
    return x


@pytest.mark.parametrize("dt", BIN_DTYPES)
@pytest.mark.parametrize("name", BINARY_NAMES)
def test_binary_same_dtype(name, dt):
    check(lambda lib: getattr(lib, name)(_lhs(lib, name, dt), _rhs(lib, name, dt)),
          rtol=2e-3 if name in ("float_power", "pow") else None)


MIXED = [("int32", "float32"), ("uint8", "int8"), ("bool", "int64"), ("float16", "bfloat16"),
         ("int64", "float16"), ("float32", "float64"), ("bool", "float32"),
         ("int32", "complex64"), ("float64", "complex64")]


@pytest.mark.parametrize("pair", MIXED, ids=str)
@pytest.mark.parametrize("name", BINARY_NAMES)
def test_binary_mixed_dtype_broadcast(name, pair):
    a, b = pair
    check(lambda lib: getattr(lib, name)(_lhs(lib, name, a, (3, 1)), _rhs(lib, name, b, (4,))),
          rtol=2e-3)


SCALARS = [2, -3, 2.5, True, 1 + 2j]


@pytest.mark.parametrize("s", SCALARS, ids=repr)
@pytest.mark.parametrize("dt", ["bool", "uint8", "int64", "float16", "float32", "complex64"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "eq", "lt", "maximum",
                                  "remainder", "bitwise_and", "pow", "floor_divide", "atan2",
                                  "logical_and", "fmod", "hypot", "copysign"])
def test_binary_tensor_scalar(name, dt, s):
    if dt == "float16" and isinstance(s, complex):
        pytest.skip("torch gives complex32 (ComplexHalf), which mindtorch_v2 does not have")
    check(lambda lib: getattr(lib, name)(_lhs(lib, name, dt), s), rtol=2e-3)


@pytest.mark.parametrize("name", ["add", "mul", "maximum", "eq", "bitwise_or", "atan2",
                                  "div", "remainder"])
@pytest.mark.parametrize("layouts", [("t", "t"), ("t", None), (None, "t"), ("s", "t")],
                         ids=str)
def test_binary_noncontig_strides(name, layouts):
    dt = "int32" if name == "bitwise_or" else "float32"
    check(lambda lib: getattr(lib, name)(_lhs(lib, name, dt, layout=layouts[0]),
                                         _rhs(lib, name, dt, layout=layouts[1])),
          check_stride=True)


@pytest.mark.parametrize("shapes", [((4, 3), (3,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)),
                                    ((), (2, 3)), ((0, 3), (3,)), ((2, 0), (1,))], ids=str)
@pytest.mark.parametrize("name", ["add", "mul", "lt", "maximum", "div"])
def test_binary_broadcast_strides(name, shapes):
    check(lambda lib: getattr(lib, name)(mk(lib, "float32", shapes[0]),
                                         mk(lib, "float32", shapes[1], seed=3)),
          check_stride=True)


def test_binary_broadcast_transposed_strides():
    check(lambda lib: lib.add(mk(lib, "float32", (4, 3), layout="t"),
                              mk(lib, "float32", (4, 1))), check_stride=True)
    check(lambda lib: lib.mul(mk(lib, "float32", (2, 3, 4)).permute(2, 0, 1),
                              mk(lib, "float32", (2, 1))), check_stride=True)


@pytest.mark.parametrize("name", ["add", "mul", "sub", "eq", "bitwise_and"])
def test_binary_broadcast_error(name):
    check(lambda lib: getattr(lib, name)(mk(lib, "int32", (2, 3)), mk(lib, "int32", (4, 3))))


@pytest.mark.parametrize("case", [
    ("bitwise_and", "float32", "float32"), ("bitwise_or", "int32", "float32"),
    ("bitwise_left_shift", "float32", "int32"), ("gcd", "float32", "float32"),
    ("lt", "complex64", "complex64"), ("maximum", "complex64", "float32"),
    ("remainder", "complex64", "complex64"), ("atan2", "complex64", "complex64"),
    ("floor_divide", "complex64", "complex64"), ("sub", "bool", "bool"),
    ("fmod", "complex64", "float32"), ("copysign", "complex64", "float32"),
], ids=str)
def test_binary_dtype_errors(case):
    name, a, b = case
    check(lambda lib: getattr(lib, name)(mk(lib, a), mk(lib, b, seed=2)))


@pytest.mark.parametrize("name", ["floor_divide", "remainder", "fmod", "div"])
def test_integer_division_by_zero(name):
    def fn(lib):
        kw = {"rounding_mode": "floor"} if name == "div" else {}
        return getattr(lib, name)(lib.tensor([1, 2]), lib.tensor([0, 1]), **kw)
    check(fn)


def test_float_division_by_zero():
    check(lambda lib: lib.tensor([1.0, -1.0, 0.0]) / 0)
    check(lambda lib: lib.tensor([1.0, -1.0, 0.0]) // 0.0)
    check(lambda lib: lib.remainder(lib.tensor([1.0, -1.0, 5.5]), 0.0))


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
@pytest.mark.parametrize("dt", ["int32", "int64", "uint8", "float32", "float64", "bfloat16"])
def test_div_rounding_mode(dt, mode):
    check(lambda lib: lib.div(_lhs(lib, "div", dt) * 3, _rhs(lib, "div", dt),
                              rounding_mode=mode))
    check(lambda lib: lib.div(_lhs(lib, "div", dt) * 3, -2, rounding_mode=mode))


def test_div_bad_rounding_mode():
    check(lambda lib: lib.div(lib.ones(2), 2, rounding_mode="round"))


@pytest.mark.parametrize("alpha", [2, -1, 0.5, True])
@pytest.mark.parametrize("dt", ["int64", "float32", "bool", "complex64"])
@pytest.mark.parametrize("name", ["add", "sub"])
def test_add_sub_alpha(name, dt, alpha):
    check(lambda lib: getattr(lib, name)(mk(lib, dt), mk(lib, dt, seed=1), alpha=alpha))


def test_rsub():
    check(lambda lib: lib.rsub(mk(lib, "float32"), 2))
    check(lambda lib: lib.rsub(mk(lib, "float32"), mk(lib, "int32"), alpha=2))


@pytest.mark.parametrize("case", [
    ("int64", 2), ("int64", 0), ("int32", -1), ("int64", 0.5), ("float32", -2),
    ("float32", 0.5), ("float16", 3), ("complex64", 2), ("bool", 2), ("uint8", 3),
    ("float32", 1 + 1j), ("int64", True),
], ids=str)
def test_pow_scalar_exponent(case):
    dt, e = case
    check(lambda lib: lib.pow(mk(lib, dt), e), rtol=1e-3)


@pytest.mark.parametrize("dt", ["int64", "float32", "complex64", "bool"])
@pytest.mark.parametrize("base", [2, 0.5, -1.5, True, 1j])
def test_pow_scalar_base(dt, base):
    check(lambda lib: lib.pow(base, _rhs(lib, "pow", dt)), rtol=1e-3)


def test_pow_int_negative_tensor_exponent():
    check(lambda lib: lib.pow(lib.tensor([2, 1, -1, 0, 3]), lib.tensor([-1, -2, -3, 2, 0])))


@pytest.mark.parametrize("case", [("int32", 2), ("float32", 0.5), ("float32", -1),
                                  ("complex64", 2), ("int64", "int32t"), ("float64", 2.5)],
                         ids=str)
def test_float_power(case):
    dt, e = case

    def fn(lib):
        ex = mk(lib, "int32").abs() % 3 if e == "int32t" else e
        return lib.float_power(mk(lib, dt), ex)
    check(fn)


def test_float_power_inplace_errors():
    check(lambda lib: mk(lib, "float32").float_power_(2))
    check(lambda lib: mk(lib, "float64").float_power_(2))


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "int64"])
def test_round(dt, decimals):
    def fn(lib):
        x = lib.tensor([0.5, 1.5, 2.5, -0.5, 1.2345, 15.0, 25.0, -123.456]).to(
            getattr(lib, dt))
        return lib.round(x, decimals=decimals)
    check(fn)


def test_round_complex_error():
    check(lambda lib: lib.round(mk(lib, "complex64")))


@pytest.mark.parametrize("bounds", [(0, 1), (-1, None), (None, 2), (0.5, 1.5), (2, 1),
                                    (True, None)], ids=str)
@pytest.mark.parametrize("dt", ["int64", "uint8", "float32", "float16", "bool"])
def test_clamp_scalar_bounds(dt, bounds):
    lo, hi = bounds
    check(lambda lib: lib.clamp(mk(lib, dt), lo, hi))
    check(lambda lib: lib.clip(mk(lib, dt), lo, hi))


@pytest.mark.parametrize("dts", [("float32", "float32", "float32"), ("int32", "float32", None),
                                 ("float32", "float64", "int64"), ("int64", None, "int64"),
                                 ("float16", "float32", None)], ids=str)
def test_clamp_tensor_bounds(dts):
    def fn(lib):
        x = mk(lib, dts[0], (4, 3), layout="t")
        lo = mk(lib, dts[1], (3,), seed=4) if dts[1] else None
        hi = mk(lib, dts[2], (4, 1), seed=7) + 2 if dts[2] else None
        return lib.clamp(x, lo, hi)
    check(fn, check_stride=True)


def test_clamp_errors_and_nan():
    check(lambda lib: lib.clamp(mk(lib, "float32")))
    check(lambda lib: lib.clamp(mk(lib, "complex64"), 0, 1))
    check(lambda lib: lib.clamp(lib.tensor([float("nan"), 1.0, 5.0]), 0, 2))
    check(lambda lib: lib.clamp(lib.tensor([1.0, 2.0]), lib.tensor([float("nan"), 0.0])))
    check(lambda lib: lib.clamp_min(mk(lib, "float32"), 0.5))
    check(lambda lib: lib.clamp_max(mk(lib, "int64"), 1))


def test_clamp_inplace():
    check(lambda lib: mk(lib, "float32").clamp_(0, 1))
    check(lambda lib: mk(lib, "int32").clamp_(0.5, 1))
    check(lambda lib: mk(lib, "float32").clamp_min_(0.5))
    check(lambda lib: mk(lib, "float32").clip_(max=0.5))


@pytest.mark.parametrize("case", [
    ("float32", "float32"), ("int64", "float32"), ("float32", "scalar"), ("scalar", "int64"),
    ("scalar", "scalar"), ("float16", "float64"), ("bool", "uint8"), ("int32", "float0d"),
], ids=str)
def test_where(case):
    def fn(lib):
        cond = mk(lib, "bool", (3, 1), seed=2)

        def operand(k, seed):
            if k == "scalar":
                return 2.5 if seed else 3
            if k == "float0d":
                return lib.tensor(1.5)
            return mk(lib, k, (4,) if seed else (3, 4), seed=seed)
        return lib.where(cond, operand(case[0], 0), operand(case[1], 1))
    check(fn, check_stride=True)


def test_where_errors_and_method():
    check(lambda lib: lib.where(mk(lib, "float32"), mk(lib, "float32"), mk(lib, "float32")))
    check(lambda lib: lib.where(mk(lib, "bool", (2, 3)), mk(lib, "float32", (3, 3)), 0.0))
    check(lambda lib: mk(lib, "float32").where(mk(lib, "bool", seed=1), 0.0))
    check(lambda lib: lib.where(mk(lib, "bool", (4, 3), layout="t"),
                                mk(lib, "float32", (4, 3), layout="t"), 0.0), check_stride=True)


@pytest.mark.parametrize("weight", [0.3, 0.75, "tensor", "int"], ids=str)
@pytest.mark.parametrize("dt", ["float32", "float64", "bfloat16"])
def test_lerp(dt, weight):
    def fn(lib):
        w = mk(lib, dt, (4,), seed=3) / 4 if weight == "tensor" else \
            (2 if weight == "int" else weight)
        return lib.lerp(mk(lib, dt, (3, 4)), mk(lib, dt, (3, 4), seed=1), w)
    check(fn)


def test_lerp_errors_and_inplace():
    check(lambda lib: lib.lerp(mk(lib, "float32"), mk(lib, "float64"), 0.5))
    check(lambda lib: lib.lerp(mk(lib, "int32"), mk(lib, "int32"), 0.5))
    check(lambda lib: mk(lib, "float32").lerp_(mk(lib, "float32", seed=1), 0.25))
    check(lambda lib: mk(lib, "float32", (4,)).lerp_(mk(lib, "float32", (3, 4)), 0.25))


@pytest.mark.parametrize("value", [1, 0.5, -2])
@pytest.mark.parametrize("dts", [("float32",) * 3, ("float64", "float32", "float32"),
                                 ("float32", "int64", "int64"), ("int64",) * 3,
                                 ("float32", "float16", "float32")], ids=str)
@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv(name, dts, value):
    def fn(lib):
        return getattr(lib, name)(mk(lib, dts[0], (3, 1)), mk(lib, dts[1], (4,), seed=2),
                                  _rhs(lib, "div", dts[2], (3, 4)), value=value)
    check(fn)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_inplace(name):
    check(lambda lib: getattr(mk(lib, "float32"), name + "_")(
        mk(lib, "float32", seed=1), mk(lib, "float32", seed=2) + 10, value=0.5))
    check(lambda lib: getattr(mk(lib, "float32", (4,)), name + "_")(
        mk(lib, "float32", (3, 4), seed=1), mk(lib, "float32", (4,), seed=2) + 10))


@pytest.mark.parametrize("args", [(), (1.0,), (0.0, 100.0, -100.0), (None, None, 5.0)],
                         ids=str)
@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16", "int64",
                                "complex64"])
def test_nan_to_num(dt, args):
    def fn(lib):
        x = lib.tensor([float("nan"), float("inf"), -float("inf"), 1.5]).to(getattr(lib, dt))
        if dt == "complex64":
            x = x * (1 + 1j)
        return lib.nan_to_num(x, *args)
    check(fn)
    check(lambda lib: lib.tensor([float("nan"), float("inf")]).nan_to_num_(2.0))


@pytest.mark.parametrize("eps", [None, 0.1, 0.6])
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "bfloat16"])
def test_logit(dt, eps):
    check(lambda lib: lib.logit(_pos(lib, dt) if dt != "int64" else mk(lib, dt) % 2, eps))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("dt", ["float32", "float64", "int64"])
def test_polygamma(n, dt):
    check(lambda lib: lib.polygamma(n, _pos(lib, dt) * 10 + 0.5), rtol=1e-4)
    check(lambda lib: mk(lib, "float32").abs().add(0.5).polygamma(n), rtol=1e-4)


@pytest.mark.parametrize("kw", [{}, {"rtol": 0.1}, {"atol": 0.5}, {"equal_nan": True}],
                         ids=str)
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "bool", "complex64"])
def test_isclose_allclose(dt, kw):
    def make(lib):
        a = mk(lib, dt)
        b = a + (0.05 if dt not in ("int64", "bool") else 0) if dt != "bool" else a
        return a, b
    check(lambda lib: lib.isclose(*make(lib), **kw))
    check(lambda lib: lib.allclose(*make(lib), **kw))
    nan = float("nan")
    check(lambda lib: lib.isclose(lib.tensor([nan, 1.0, float("inf")]),
                                  lib.tensor([nan, 1.0, float("inf")]), **kw))


def test_isclose_dtype_mismatch():
    check(lambda lib: lib.isclose(mk(lib, "float32"), mk(lib, "float64")))


def test_equal():
    check(lambda lib: lib.equal(mk(lib, "float32"), mk(lib, "float32")))
    check(lambda lib: lib.equal(mk(lib, "float32"), mk(lib, "float32", (2, 6))))
    check(lambda lib: lib.equal(mk(lib, "float32"), mk(lib, "float32", seed=1)))
    check(lambda lib: mk(lib, "int64").equal(mk(lib, "int64")))


# ---------------------------------------------------------------------------------------
# out= and in-place
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    ("add", "float32", "float64"), ("add", "int64", "float32"), ("mul", "float32", "int64"),
    ("div", "int64", "int64"), ("eq", "float32", "float32"), ("lt", "float32", "bool"),
    ("bitwise_and", "int32", "int64"), ("maximum", "float32", "complex64"),
], ids=str)
def test_binary_out(case):
    name, dt, out_dt = case

    def fn(lib):
        out = lib.zeros(7, dtype=getattr(lib, out_dt))
        r = getattr(lib, name)(mk(lib, dt, (3, 1)), mk(lib, dt, (4,), seed=3), out=out)
        assert r is out
        return out
    check(fn)


BIN_INPLACE = ["add", "sub", "mul", "div", "remainder", "fmod", "floor_divide", "pow",
               "bitwise_and", "bitwise_xor", "atan2", "copysign", "hypot", "eq", "lt",
               "logical_and", "xlogy", "bitwise_left_shift", "gcd", "nextafter", "heaviside"]


@pytest.mark.parametrize("pair", [("float32", "float32"), ("float64", "int32"),
                                  ("int32", "int32"), ("int32", "float32"),
                                  ("int64", "bool"), ("bool", "bool"), ("float32", "complex64"),
                                  ("uint8", "int8")], ids=str)
@pytest.mark.parametrize("name", BIN_INPLACE)
def test_binary_inplace(name, pair):
    def fn(lib):
        x = _lhs(lib, name, pair[0], (4, 3), layout="t")
        r = getattr(x, name + "_")(_rhs(lib, name, pair[1], (3,)))
        assert r is x
        return x
    check(fn)


@pytest.mark.parametrize("name", ["add", "mul", "sub", "div", "maximum", "eq"])
def test_inplace_broadcast_to_bigger_raises(name):
    def fn(lib):
        x = mk(lib, "float32", (3,))
        if lib is M and name == "maximum":  # torch has no maximum_: use the operator form
            raise RuntimeError("no maximum_")
        return getattr(x, name + "_")(mk(lib, "float32", (2, 3)))
    if name == "maximum":
        assert not hasattr(T.Tensor, "maximum_")
        assert not hasattr(M.Tensor, "maximum_")
        return
    check(fn)


def test_inplace_version_counter_and_scalars():
    x = M.ones(3)
    v = x._version
    x.add_(1)
    x.mul_(2.0)
    assert x._version == v + 2
    check(lambda lib: mk(lib, "int32").add_(1.5))
    check(lambda lib: mk(lib, "int32").mul_(2))
    check(lambda lib: mk(lib, "float16").add_(1e10))
    check(lambda lib: mk(lib, "bool").add_(True))
    check(lambda lib: mk(lib, "float32").add_(mk(lib, "float32"), alpha=2))
    check(lambda lib: mk(lib, "float32").sub_(1, alpha=2))
    check(lambda lib: mk(lib, "int32").div_(2))
    check(lambda lib: mk(lib, "int32").div_(2, rounding_mode="floor"))
    check(lambda lib: mk(lib, "float32").div_(2, rounding_mode="trunc"))
    check(lambda lib: mk(lib, "float32").pow_(2))
    check(lambda lib: mk(lib, "int32").pow_(-1))


# ---------------------------------------------------------------------------------------
# Python operators
# ---------------------------------------------------------------------------------------

BINOPS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_,
    "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
IOPS = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow, "&": operator.iand,
    "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift, ">>": operator.irshift,
}
_SAFE = {"//", "%", "/", "**", "<<", ">>"}


def _op_operand(lib, sym, dt, seed=0, shape=(3, 4)):
    x = mk(lib, dt, shape, seed=seed)
    if sym in _SAFE and dt not in ("bool",):
        if dt.startswith(("int", "uint")):
            return x.abs() % 3 + 1
        return x.abs() + 0.5 if dt != "complex64" else x
    return x


@pytest.mark.parametrize("other", ["int64", "float32", "bool", 3, 2.5, True, 1j], ids=str)
@pytest.mark.parametrize("dt", ["int32", "float32", "bool", "uint8"])
@pytest.mark.parametrize("sym", list(BINOPS))
def test_python_operators(sym, dt, other):
    f = BINOPS[sym]

    def operand(lib):
        return _op_operand(lib, sym, other, seed=3) if isinstance(other, str) else other
    check(lambda lib: f(_op_operand(lib, sym, dt), operand(lib)), rtol=1e-3)
    if not isinstance(other, str):  # reflected: scalar on the left
        check(lambda lib: f(operand(lib), _op_operand(lib, sym, dt)), rtol=1e-3)


@pytest.mark.parametrize("other", ["int64", "float32", "bool", 2, 2.5, True], ids=str)
@pytest.mark.parametrize("dt", ["int32", "float32", "bool"])
@pytest.mark.parametrize("sym", list(IOPS))
def test_python_inplace_operators(sym, dt, other):
    f = IOPS[sym]

    def fn(lib):
        x = _op_operand(lib, sym, dt)
        o = _op_operand(lib, sym, other, seed=3) if isinstance(other, str) else other
        r = f(x, o)
        assert r is x
        return x
    check(fn, rtol=1e-3)


def test_int_tensor_iadd_float_raises():
    def fn(lib):
        x = lib.ones(3, dtype=lib.int32)
        x += 1.5
    check(fn)


@pytest.mark.parametrize("dt", ["int32", "float32", "bool", "complex64", "uint8"])
def test_unary_operators(dt):
    check(lambda lib: -mk(lib, dt))
    check(lambda lib: abs(mk(lib, dt)))
    check(lambda lib: ~mk(lib, dt))
    check(lambda lib: +mk(lib, dt))


def test_operator_with_unsupported_type():
    check(lambda lib: mk(lib, "float32") + "a")
    check(lambda lib: mk(lib, "float32") + [1, 2])
    check(lambda lib: mk(lib, "float32") + None)


def test_positive_returns_input():
    x = M.ones(2)
    assert M.positive(x) is x
    check(lambda lib: lib.positive(mk(lib, "bool")))


@pytest.mark.parametrize("name", ["isnan_", "maximum_", "isreal_", "angle_", "positive_",
                                  "logaddexp_"])
def test_no_inplace_methods_torch_lacks(name):
    assert hasattr(M.Tensor, name) == hasattr(T.Tensor, name)


def test_meta_device_elementwise():
    x = M.ones(4, 3, device="meta").t()
    y = M.add(x, 1.5)
    assert y.device.type == "meta" and y.shape == (3, 4) and y.stride() == (1, 3)
    assert M.lt(x, x).dtype is M.bool
    assert M.exp(M.ones(2, dtype=M.int64, device="meta")).dtype is M.float32
    with pytest.raises(RuntimeError):
        M.add(M.ones(2, 3, device="meta"), M.ones(4, 3, device="meta"))
    assert_same(M.add(M.ones(2, device="meta"), 1), T.add(T.ones(2, device="meta"), 1))
