"""torch.testing (assert_close, assert_allclose, make_tensor) against real torch."""
import math
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M


def _outcome(fn, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib)
    except Exception as e:  # noqa: BLE001 -- the exception is the result compared
        # the class path differs by package name only
        return type(e), str(e).replace("mindtorch_v2._tensor.Tensor", "torch.Tensor")
    return None


NAN, INF = float("nan"), float("inf")

CASES = {
    "close_mismatch": lambda L: L.testing.assert_close(L.tensor([1., 2., 3.]),
                                                       L.tensor([1., 2.5, 3.])),
    "int_equal": lambda L: L.testing.assert_close(L.tensor([1, 2, 3]), L.tensor([1, 4, 3])),
    "shape": lambda L: L.testing.assert_close(L.tensor([1., 2.]), L.tensor([1., 2., 3.])),
    "dtype": lambda L: L.testing.assert_close(L.tensor([1., 2.]), L.tensor([1, 2])),
    "nan_default": lambda L: L.testing.assert_close(L.tensor([1., NAN]), L.tensor([1., NAN])),
    "nan_equal": lambda L: L.testing.assert_close(L.tensor([1., NAN]), L.tensor([1., NAN]),
                                                  equal_nan=True),
    "float_scalars": lambda L: L.testing.assert_close(1.0, 1.5),
    "int_scalars": lambda L: L.testing.assert_close(1, 2),
    "int_float_scalars": lambda L: L.testing.assert_close(1, 1.0),
    "tensor_vs_number": lambda L: L.testing.assert_close(L.tensor(1.), 1.0),
    "sequence_item": lambda L: L.testing.assert_close([L.tensor(1.), L.tensor(2.)],
                                                      [L.tensor(1.), L.tensor(3.)]),
    "mapping_item": lambda L: L.testing.assert_close({"a": L.tensor(1.)}, {"a": L.tensor(2.)}),
    "rtol_only": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.]), rtol=1e-3),
    "atol_only": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.]), atol=1),
    "msg_str": lambda L: L.testing.assert_close(L.tensor([1., 2.]), L.tensor([1., 2.1]),
                                                msg="custom"),
    "msg_callable": lambda L: L.testing.assert_close(L.tensor([1., 2.]), L.tensor([1., 2.1]),
                                                     msg=lambda m: "X" + m[:20]),
    "2d_index": lambda L: L.testing.assert_close(L.tensor([[1., 2.], [3, 4]]),
                                                 L.tensor([[1., 2.], [3, 5]])),
    "no_check_dtype": lambda L: L.testing.assert_close(L.tensor([1., 2.]),
                                                       L.tensor([1., 2.]).double(),
                                                       check_dtype=False),
    "no_check_dtype_bf16": lambda L: L.testing.assert_close(
        L.tensor([1., 2.]), L.tensor([1., 2.01]).bfloat16(), check_dtype=False),
    "stride": lambda L: L.testing.assert_close(L.zeros(2, 3), L.zeros(3, 2).t(),
                                               check_stride=True),
    "bool": lambda L: L.testing.assert_close(L.tensor([True, False]), L.tensor([True, True])),
    "within_atol": lambda L: L.testing.assert_close(L.tensor([0., 1.]), L.tensor([1e-6, 1.])),
    "complex": lambda L: L.testing.assert_close(L.tensor([1 + 1j]), L.tensor([1 + 2j])),
    "seq_len": lambda L: L.testing.assert_close([1, 2], [1, 2, 3]),
    "inf_same": lambda L: L.testing.assert_close(L.tensor([1., INF]), L.tensor([1., INF])),
    "inf_sign": lambda L: L.testing.assert_close(L.tensor([INF]), L.tensor([-INF])),
    "zero_dim": lambda L: L.testing.assert_close(L.tensor(1.), L.tensor(2.)),
    "scalar_nan": lambda L: L.testing.assert_close(NAN, NAN),
    "scalar_nan_ok": lambda L: L.testing.assert_close(NAN, NAN, equal_nan=True),
    "str": lambda L: L.testing.assert_close("a", "a"),
    "int32_int64": lambda L: L.testing.assert_close(L.tensor([1, 2], dtype=L.int32),
                                                    L.tensor([1, 2])),
    "explicit_tol": lambda L: L.testing.assert_close(L.tensor([100.]), L.tensor([101.]),
                                                     rtol=0, atol=0.5),
    "half": lambda L: L.testing.assert_close(L.tensor([1., 2.], dtype=L.float16),
                                             L.tensor([1., 2.01], dtype=L.float16)),
    "half_ok": lambda L: L.testing.assert_close(L.tensor([1000.], dtype=L.float16),
                                                L.tensor([1000.5], dtype=L.float16)),
    "float64_tiny": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.float64),
                                                     L.tensor([1. + 1e-8], dtype=L.float64)),
    "numpy": lambda L: L.testing.assert_close(np.array([1., 2.]), np.array([1., 3.])),
    "meta_device": lambda L: L.testing.assert_close(L.zeros(2), L.zeros(2, device="meta")),
    "empty": lambda L: L.testing.assert_close(L.zeros(0, 3), L.ones(0, 3)),
    "many_mismatch": lambda L: L.testing.assert_close(L.arange(10.), L.arange(10.) * 1.5),
    "allclose_close": lambda L: L.testing.assert_allclose(L.tensor([1.]), L.tensor([1.00001])),
    "allclose_far": lambda L: L.testing.assert_allclose(L.tensor([1.]), L.tensor([1.001])),
    "allclose_lists": lambda L: L.testing.assert_allclose([1., 2.], [1., 3.]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_assert_close_matches_torch(name):
    got, want = _outcome(CASES[name], M), _outcome(CASES[name], T)
    assert got == want


def test_assert_close_passes_and_fails():
    M.testing.assert_close(M.ones(3), M.ones(3) + 1e-7)
    with pytest.raises(AssertionError, match="Tensor-likes are not close!"):
        M.testing.assert_close(M.ones(3), M.ones(3) + 1e-3)


def test_assert_allclose_warns():
    with pytest.warns(FutureWarning, match="assert_allclose"):
        M.testing.assert_allclose(M.ones(2), M.ones(2))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64",
                                   "int8", "uint8", "bool", "complex64"])
def test_make_tensor_defaults(dtype):
    t = M.testing.make_tensor(4, 50, dtype=getattr(M, dtype), device="cpu")
    ref = T.testing.make_tensor(4, 50, dtype=getattr(T, dtype), device="cpu")
    assert t.dtype is getattr(M, dtype) and tuple(t.shape) == tuple(ref.shape)
    assert t.is_contiguous() and not t.requires_grad
    if dtype == "bool":
        return
    v = t.abs().double() if dtype == "complex64" else t.double()
    lo = 0 if dtype == "uint8" else -9
    hi = 9 if t.dtype.is_floating_point or t.dtype.is_complex else 10
    if dtype == "complex64":
        v = M.view_as_real(t).double()
    assert v.min().item() >= lo and v.max().item() < hi


def test_make_tensor_options():
    mk = M.testing.make_tensor
    t = mk((3, 4), dtype=M.float32, device="cpu", low=2, high=3, requires_grad=True)
    assert t.requires_grad and t.min().item() >= 2 and t.max().item() < 3
    nc = mk(3, 4, dtype=M.float32, device="cpu", noncontiguous=True)
    ref = T.testing.make_tensor(3, 4, dtype=T.float32, device="cpu", noncontiguous=True)
    assert not nc.is_contiguous() and nc.stride() == ref.stride()
    z = mk(2000, dtype=M.int64, device="cpu", low=-1, high=2, exclude_zero=True)
    assert (z != 0).all().item() and set(z.tolist()) <= {-1, 1}
    f = mk(2000, dtype=M.float16, device="cpu", low=-1e-8, high=1e-8, exclude_zero=True)
    assert (f != 0).all().item()
    u = mk(500, dtype=M.uint8, device="cpu", low=-5, high=3)
    assert 0 <= u.min().item() and u.max().item() < 3
    m = mk(2, 3, dtype=M.float32, device="meta")
    assert m.device.type == "meta" and tuple(m.shape) == (2, 3)


@pytest.mark.parametrize("kw", [dict(dtype="int64", requires_grad=True),
                                dict(dtype="float32", low=2, high=1),
                                dict(dtype="float32", low=math.nan),
                                dict(dtype="int8", low=1, high=1),
                                dict(dtype="int8", low=200, high=300),
                                dict(dtype="float16", low=1e6, high=1e7)])
def test_make_tensor_errors_match_torch(kw):
    def call(L):
        k = dict(kw, dtype=getattr(L, kw["dtype"]))
        L.testing.make_tensor(2, device="cpu", **k)
    assert _outcome(call, M) == _outcome(call, T)


def test_make_tensor_device_required():
    with pytest.raises(TypeError):
        M.testing.make_tensor(2, dtype=M.float32)
