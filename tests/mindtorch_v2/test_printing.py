"""repr/str of tensors compared with torch's strings, and set_printoptions."""
import math

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

inf, nan = math.inf, math.nan

# each case builds the same tensor with lib = mindtorch_v2 or torch
CASES = {
    "f_ints": lambda L: L.tensor([1.0, 2.0, 3.0]),
    "f_frac": lambda L: L.tensor([1.5, -2.25, 3.125]),
    "f_2d": lambda L: L.tensor([[1.0, 2.5], [-3.0, 4.0]]),
    "f_3d": lambda L: L.arange(24, dtype=L.float32).reshape(2, 3, 4) / 7,
    "f_4d": lambda L: L.arange(16, dtype=L.float32).reshape(2, 2, 2, 2),
    "f_scalar": lambda L: L.tensor(3.5),
    "f_scalar_int": lambda L: L.tensor(3.0),
    "f_scalar_zero": lambda L: L.tensor(0.0),
    "f_scalar_negzero": lambda L: L.tensor(-0.0),
    "f_scalar_nan": lambda L: L.tensor(nan),
    "f_scalar_small": lambda L: L.tensor(1e-7),
    "f_zeros": lambda L: L.zeros(2, 3),
    "f_nan_inf": lambda L: L.tensor([nan, inf, -inf, 1.0]),
    "f_nan_inf_frac": lambda L: L.tensor([nan, inf, -inf, 1.5]),
    "f_only_nonfinite": lambda L: L.tensor([nan, inf, 0.0]),
    "f_sci_big": lambda L: L.tensor([1e10, 1.0]),
    "f_sci_small": lambda L: L.tensor([1e-5, 1.0]),
    "f_sci_ratio": lambda L: L.tensor([0.5, 1000.5]),
    "f_int_ratio": lambda L: L.tensor([1.0, 100000.0]),
    "f_int_big": lambda L: L.tensor([1e9, 2e9]),
    "f_negzero": lambda L: L.tensor([-0.0, 1.5]),
    "f_mixed_sign": lambda L: L.tensor([[-1.2345678, 22.5], [0.001, -100.0]]),
    "f64": lambda L: L.tensor([1.0, 2.5], dtype=L.float64),
    "f64_int": lambda L: L.tensor([1.0, 2.0], dtype=L.float64),
    "f16": lambda L: L.tensor([1.0, 2.5, 0.1], dtype=L.float16),
    "bf16": lambda L: L.tensor([1.0, 2.5, 0.1], dtype=L.bfloat16),
    "f16_scalar": lambda L: L.tensor(0.1, dtype=L.float16),
    "i64": lambda L: L.tensor([1, -20, 300]),
    "i64_2d": lambda L: L.tensor([[1, -20], [300, 4]]),
    "i32": lambda L: L.tensor([1, 2], dtype=L.int32),
    "i8": lambda L: L.tensor([-1, 2], dtype=L.int8),
    "u8": lambda L: L.tensor([1, 255], dtype=L.uint8),
    "i16_scalar": lambda L: L.tensor(7, dtype=L.int16),
    "i64_scalar": lambda L: L.tensor(-7),
    "bool": lambda L: L.tensor([True, False, True]),
    "bool_all_true": lambda L: L.tensor([[True, True], [True, True]]),
    "bool_scalar": lambda L: L.tensor(False),
    "c64": lambda L: L.tensor([1 + 2j, -3.5 - 0.5j]),
    "c64_ints": lambda L: L.tensor([1 + 2j, 3 - 4j]),
    "c64_scalar": lambda L: L.tensor(1 - 2j),
    "c128": lambda L: L.tensor([1 + 2j, 0.25j], dtype=L.complex128),
    "c64_2d": lambda L: L.tensor([[1 + 1j, 2.5 - 3j], [0j, -1e-5 + 1j]]),
    "c64_nan": lambda L: L.tensor([complex(nan, 1), complex(1, inf)]),
    "empty_1d": lambda L: L.tensor([]),
    "empty_2d": lambda L: L.zeros(0, 3),
    "empty_int": lambda L: L.zeros(0, dtype=L.int64),
    "empty_int_3d": lambda L: L.zeros(2, 0, 1, dtype=L.int32),
    "empty_bool": lambda L: L.zeros(0, dtype=L.bool),
    "empty_f64": lambda L: L.zeros(0, dtype=L.float64),
    "wrap_long": lambda L: L.arange(40, dtype=L.float32) * 1.5,
    "wrap_int": lambda L: L.arange(100),
    "wrap_2d": lambda L: L.arange(60, dtype=L.float32).reshape(2, 30) / 3,
    "wrap_c": lambda L: L.arange(30, dtype=L.float32).to(L.complex64) * (1 + 0.5j),
    "summ_1d": lambda L: L.arange(2000, dtype=L.float32),
    "summ_2d": lambda L: L.arange(4000).reshape(40, 100),
    "summ_3d": lambda L: L.arange(2000, dtype=L.float32).reshape(10, 20, 10) / 3,
    "summ_small_dim": lambda L: L.arange(2002).reshape(1001, 2),
    "summ_bool": lambda L: L.arange(1500).reshape(3, 500) % 3 == 0,
    "summ_c": lambda L: L.arange(1200, dtype=L.float32).to(L.complex64).reshape(30, 40),
    "summ_sci": lambda L: L.cat([L.tensor([1e-6]), L.arange(1999, dtype=L.float32)]),
    "transposed": lambda L: L.arange(6, dtype=L.float32).reshape(2, 3).t() / 4,
    "sliced": lambda L: L.arange(10).as_strided((3,), (3,), 1),
    "requires_grad": lambda L: L.tensor([1.0, 2.0], requires_grad=True),
    "requires_grad_scalar": lambda L: L.tensor(1.0, requires_grad=True),
    "rg_dtype": lambda L: L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True),
    "meta": lambda L: L.empty(2, 3, device="meta"),
    "meta_int": lambda L: L.empty(4, dtype=L.int64, device="meta"),
    "meta_f16": lambda L: L.empty((), dtype=L.float16, device="meta"),
    "meta_empty": lambda L: L.empty(0, 3, device="meta"),
    "meta_bool": lambda L: L.empty(2, dtype=L.bool, device="meta"),
    "meta_rg": lambda L: L.empty(2, device="meta", requires_grad=True),
    "long_suffix": lambda L: L.arange(19, dtype=L.float64) * 1.5,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_matches_torch(name):
    fn = CASES[name]
    t = fn(T)
    m = fn(M)
    assert repr(m) == repr(t)
    assert str(m) == str(t)


@pytest.mark.parametrize("opts", [
    dict(precision=2),
    dict(precision=8),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(linewidth=30),
    dict(linewidth=200),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
])
@pytest.mark.parametrize("name", ["f_frac", "f_3d", "f_sci_small", "i64_2d", "c64_2d",
                                  "summ_2d", "summ_3d", "wrap_long", "f_scalar", "bool",
                                  "f_nan_inf_frac", "summ_1d"])
def test_printoptions(opts, name):
    old_t = T._tensor_str.get_printoptions()
    old_m = M.get_printoptions()
    try:
        T.set_printoptions(**opts)
        M.set_printoptions(**opts)
        assert M.get_printoptions() == T._tensor_str.get_printoptions()
        t = CASES[name](T)
        m = CASES[name](M)
        assert repr(m) == repr(t)
    finally:
        T.set_printoptions(**old_t)
        M.set_printoptions(**old_m)
    assert M.get_printoptions() == old_m


def test_printoptions_defaults_and_sci_mode_reset():
    d = M.get_printoptions()
    assert d == T._tensor_str.get_printoptions()
    assert d == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                 "sci_mode": None}
    try:
        M.set_printoptions(sci_mode=True)
        assert M.get_printoptions()["sci_mode"] is True
        M.set_printoptions(precision=3)  # like torch, sci_mode goes back to None
        assert M.get_printoptions()["sci_mode"] is None
        assert M.get_printoptions()["precision"] == 3
    finally:
        M.set_printoptions(profile="default")
    assert M.get_printoptions() == d


def test_default_dtype_change_changes_suffix():
    old = M.get_default_dtype()
    try:
        M.set_default_dtype(M.float64)
        T.set_default_dtype(T.float64)
        for fn in (lambda L: L.tensor([1.5], dtype=L.float32),
                   lambda L: L.tensor([1.5], dtype=L.float64),
                   lambda L: L.tensor([1j], dtype=L.complex128),
                   lambda L: L.tensor([1j], dtype=L.complex64),
                   lambda L: L.zeros(0, dtype=L.float32)):
            assert repr(fn(M)) == repr(fn(T))
    finally:
        M.set_default_dtype(old)
        T.set_default_dtype(T.float32)


class _Fn:
    def name(self):
        return "torch::autograd::AddBackward0"


def test_grad_fn_suffix():
    m = M.tensor([1.0, 2.0])
    m.grad_fn = _Fn()
    assert repr(m) == "tensor([1., 2.], grad_fn=<AddBackward0>)"
    t = T.tensor([1.0, 2.0], requires_grad=True) + 0
    assert repr(t) == "tensor([1., 2.], grad_fn=<AddBackward0>)"


def test_subclass_prefix_and_format():
    class MyT(M.Tensor):
        _subclass_new = True
    m = M.tensor([1.0, 2.0])
    from mindtorch_v2._tensor import _as_subclass
    s = _as_subclass(m, MyT)
    assert repr(s) == "MyT([1., 2.])"
    assert f"{M.tensor(2.5):.2f}" == f"{T.tensor(2.5):.2f}" == "2.50"


def test_repr_of_numpy_backed_noncontiguous():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]
    assert repr(M.from_numpy(a)) == repr(T.from_numpy(a))
