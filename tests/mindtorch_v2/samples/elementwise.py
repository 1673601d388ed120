"""CPU/meta agreement samples for the elementwise family (generated from its tables)."""
from __future__ import annotations

from mindtorch_v2._ops import elementwise as E

_INPUT_DTYPE = {E.INT: "int32", E.LOGICAL: "bool"}


def _t(lib, dt, shape=(3, 4), transposed=False, lo=1):
    n = 1
    for s in shape:
        n *= s
    x = (lib.arange(n) % 5 + lo).reshape(shape).to(getattr(lib, dt))
    return x.t() if transposed else x


def _unary(kind):
    dt = _INPUT_DTYPE.get(kind, "float32")
    return [
        lambda lib: ((_t(lib, dt),), {}),
        lambda lib: ((_t(lib, dt, (4, 3), True),), {}),
        lambda lib: ((_t(lib, "int64", (2, 0)),), {}),
        lambda lib: ((_t(lib, "complex64", ()),), {}),
        lambda lib: ((_t(lib, "bool", (5,)),), {}),
    ]


def _binary(kind):
    dt = _INPUT_DTYPE.get(kind, "float32")
    return [
        lambda lib: ((_t(lib, dt), _t(lib, dt)), {}),
        lambda lib: ((_t(lib, dt, (4, 3), True), _t(lib, dt, (4,))), {}),
        lambda lib: ((_t(lib, dt, (3, 1)), _t(lib, "int64", (1, 4))), {}),
        lambda lib: ((_t(lib, dt, (2, 3)), 2), {}),
        lambda lib: ((_t(lib, "float64", (3,)), _t(lib, "int32", ())), {}),
        lambda lib: ((_t(lib, dt, (2, 3)), _t(lib, dt, (4, 3))), {}),  # broadcast error
        lambda lib: ((_t(lib, "complex64", (2,)), _t(lib, "float32", (2,))), {}),
    ]


def _inplace_binary(kind):
    dt = _INPUT_DTYPE.get(kind, "float32")
    return [
        lambda lib: ((_t(lib, dt), _t(lib, dt)), {}),
        lambda lib: ((_t(lib, dt, (4, 3), True), _t(lib, dt, (3,))), {}),
        lambda lib: ((_t(lib, dt, (3,)), _t(lib, dt, (2, 3))), {}),  # result bigger: error
        lambda lib: ((_t(lib, "int32", (3,)), _t(lib, "float32", (3,))), {}),  # cast error
    ]


def _inplace_unary(kind):
    dt = _INPUT_DTYPE.get(kind, "float32")
    return [
        lambda lib: ((_t(lib, dt),), {}),
        lambda lib: ((_t(lib, dt, (4, 3), True),), {}),
        lambda lib: ((_t(lib, "int32", (3,)),), {}),
    ]


SAMPLES = {}
for _name, _op in E.UNARY_OPS.items():
    SAMPLES[_name] = _unary(_op.extra["kind"])
    if _name + "_" in E.OPS:
        SAMPLES[_name + "_"] = _inplace_unary(_op.extra["kind"])
for _name, _op in E.BINARY_OPS.items():
    SAMPLES[_name] = _binary(_op.extra["kind"])
    if _name + "_" in E.OPS:
        SAMPLES[_name + "_"] = _inplace_binary(_op.extra["kind"])

SAMPLES["add"] += [lambda lib: ((_t(lib, "float32"), _t(lib, "float32")), {"alpha": 2.5}),
                   lambda lib: ((_t(lib, "int32"), 3, 2), {})]
SAMPLES["sub"] += [lambda lib: ((_t(lib, "bool"), _t(lib, "bool")), {}),
                   lambda lib: ((_t(lib, "float32"), _t(lib, "int64"), 2), {})]
SAMPLES["div"] = _binary(E.FLOAT) + [lambda lib: ((_t(lib, "int32"), _t(lib, "int32")), {}),
                   lambda lib: ((_t(lib, "int32"), _t(lib, "int32"), "floor"), {}),
                   lambda lib: ((_t(lib, "float32", (4, 3), True), 2.0, "trunc"), {})]
SAMPLES["div_"] = _inplace_binary(E.FLOAT) + [lambda lib: ((_t(lib, "int32"), 2), {}),
                    lambda lib: ((_t(lib, "int32"), 2, "floor"), {})]
SAMPLES["pow_"] = _inplace_binary(E.SAME)
SAMPLES["pow"] = _binary(E.SAME) + [lambda lib: ((_t(lib, "int32"), -1), {}),
                   lambda lib: ((2, _t(lib, "float32", (4, 3), True)), {})]
SAMPLES["round"] = _unary(E.NOCOMPLEX)[:3] + [
    lambda lib: ((_t(lib, "float32", (4, 3), True), 2), {})]
SAMPLES["round_"] = _inplace_unary(E.NOCOMPLEX)[:2] + [
    lambda lib: ((_t(lib, "float64", (3,)), -1), {})]
SAMPLES["clamp"] = [
    lambda lib: ((_t(lib, "float32"), 1, 3), {}),
    lambda lib: ((_t(lib, "int32", (4, 3), True), 1.5, None), {}),
    lambda lib: ((_t(lib, "float32", (4, 3), True), _t(lib, "float64", (3,)), None), {}),
    lambda lib: ((_t(lib, "int32", (3, 1)), None, _t(lib, "float16", (1, 4))), {}),
    lambda lib: ((_t(lib, "complex64"), 1, 2), {}),
]
SAMPLES["clamp_"] = [
    lambda lib: ((_t(lib, "float32"), 1, 3), {}),
    lambda lib: ((_t(lib, "int32"), 1.5, None), {}),
    lambda lib: ((_t(lib, "float32", (3,)), _t(lib, "float32", (2, 3)), None), {}),
]
SAMPLES["where"] = [
    lambda lib: ((_t(lib, "bool"), _t(lib, "float32"), _t(lib, "int64")), {}),
    lambda lib: ((_t(lib, "bool", (3,)), _t(lib, "float32", (4, 3), True), 1.0), {}),
    lambda lib: ((_t(lib, "bool", (3, 1)), 1, _t(lib, "int8", (1, 4))), {}),
    lambda lib: ((_t(lib, "float32"), _t(lib, "float32"), _t(lib, "float32")), {}),
]
SAMPLES["lerp"] = [
    lambda lib: ((_t(lib, "float32"), _t(lib, "float32"), 0.3), {}),
    lambda lib: ((_t(lib, "float32", (4, 3), True), _t(lib, "float32", (3,)),
                  _t(lib, "float32", (4, 1))), {}),
    lambda lib: ((_t(lib, "float32"), _t(lib, "float64"), 0.3), {}),
]
SAMPLES["lerp_"] = [
    lambda lib: ((_t(lib, "float32"), _t(lib, "float32"), 0.3), {}),
    lambda lib: ((_t(lib, "float32", (3,)), _t(lib, "float32", (2, 3)), 0.5), {}),
]
for _n in ("addcmul", "addcdiv"):
    SAMPLES[_n] = [
        lambda lib: ((_t(lib, "float32"), _t(lib, "float32"), _t(lib, "float32")), {}),
        lambda lib: ((_t(lib, "float32", (4, 3), True), _t(lib, "float64", (3,)),
                      _t(lib, "float32", (4, 1)), 0.5), {}),
    ]
    SAMPLES[_n + "_"] = [
        lambda lib: ((_t(lib, "float32"), _t(lib, "float32"), _t(lib, "float32"), 2), {}),
        lambda lib: ((_t(lib, "float32", (3,)), _t(lib, "float32", (2, 3)),
                      _t(lib, "float32", (3,))), {}),
    ]
SAMPLES["nan_to_num"] = [
    lambda lib: ((_t(lib, "float32"),), {}),
    lambda lib: ((_t(lib, "float64", (4, 3), True), 1.0, 2.0, -2.0), {}),
    lambda lib: ((_t(lib, "int32"),), {}),
]
SAMPLES["nan_to_num_"] = [lambda lib: ((_t(lib, "float32", (4, 3), True),), {})]
SAMPLES["logit"] = [
    lambda lib: ((_t(lib, "float32"),), {}),
    lambda lib: ((_t(lib, "int32", (4, 3), True), 0.1), {}),
]
SAMPLES["polygamma"] = [
    lambda lib: ((1, _t(lib, "float32")), {}),
    lambda lib: ((2, _t(lib, "int64", (4, 3), True)), {}),
]
