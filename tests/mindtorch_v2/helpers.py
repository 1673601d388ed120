"""Comparing mindtorch_v2 with real PyTorch: build the same case in both, compare."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

DTYPE_PAIRS = [(getattr(M, n), getattr(T, n)) for n in (
    "bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64", "float16",
    "bfloat16", "float32", "float64", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2")]
M2T = {m: t for m, t in DTYPE_PAIRS}
T2M = {t: m for m, t in DTYPE_PAIRS}


def to_torch(x):
    """A mindtorch value (tensor / tuple / scalar) converted to torch (tensors copied)."""
    if isinstance(x, M.Tensor):
        a = x.detach().cpu()
        if a.dtype is M.bfloat16:
            return T.from_numpy(np.array(a.numpy(), dtype=np.float32, order="C")).to(T.bfloat16)
        return T.from_numpy(np.array(a.numpy(), order="C", copy=True))
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v) for v in x) if not hasattr(x, "_fields") else \
            tuple(to_torch(v) for v in x)
    if isinstance(x, M.dtype):
        return M2T[x]
    return x


def to_mt(x):
    """A torch value converted to mindtorch (tensors copied)."""
    if isinstance(x, T.Tensor):
        a = x.detach()
        if a.dtype is T.bfloat16:
            return M.from_numpy(a.float().numpy().copy()).to(M.bfloat16)
        return M.from_numpy(a.numpy().copy())
    if isinstance(x, (list, tuple)):
        return type(x)(to_mt(v) for v in x) if not hasattr(x, "_fields") else \
            tuple(to_mt(v) for v in x)
    if isinstance(x, T.dtype):
        return T2M[x]
    return x


def assert_same(m, t, *, rtol=None, atol=None, check_stride=False, check_dtype=True,
                equal_nan=True):
    """Values, dtype, shape (and optionally strides) of a mindtorch result equal torch's."""
    if isinstance(t, (tuple, list)):
        assert isinstance(m, (tuple, list)), f"expected a sequence, got {type(m)}"
        assert len(m) == len(t)
        for a, b in zip(m, t):
            assert_same(a, b, rtol=rtol, atol=atol, check_stride=check_stride,
                        check_dtype=check_dtype, equal_nan=equal_nan)
        return
    if not isinstance(t, T.Tensor):
        if isinstance(t, float) and np.isnan(t):
            assert np.isnan(m)
        elif isinstance(t, float):
            assert m == pytest.approx(t, rel=rtol or 1e-6, abs=atol or 1e-6)
        else:
            assert m == t, f"{m!r} != {t!r}"
        return
    assert isinstance(m, M.Tensor), f"expected a Tensor, got {type(m)}"
    assert tuple(m.shape) == tuple(t.shape), f"shape {tuple(m.shape)} != {tuple(t.shape)}"
    if check_dtype:
        assert M2T[m.dtype] == t.dtype, f"dtype {m.dtype} != {t.dtype}"
    if check_stride:
        assert m.stride() == t.stride(), f"stride {m.stride()} != {t.stride()}"
        assert m.storage_offset() == t.storage_offset(), \
            f"offset {m.storage_offset()} != {t.storage_offset()}"
    if m.device.type == "meta":
        return
    tm = to_torch(m)
    if t.dtype.is_floating_point or t.dtype.is_complex:
        if rtol is None:
            rtol = {T.float16: 1e-3, T.bfloat16: 1e-2, T.float32: 1.3e-6}.get(t.dtype, 1e-7)
            if t.dtype == T.complex64:
                rtol = 1.3e-6
        if atol is None:
            atol = {T.float16: 1e-3, T.bfloat16: 1e-2}.get(t.dtype, 1e-5)
        T.testing.assert_close(tm.to(t.dtype), t, rtol=rtol, atol=atol, equal_nan=equal_nan,
                               check_dtype=False)
    else:
        assert T.equal(tm.to(t.dtype), t), f"values differ:\n{tm}\n{t}"


def _leaf(lib, a, dtype, noncontig):
    """A leaf of array ``a``; with ``noncontig`` the value is every other column of it."""
    if noncontig:
        wide = np.repeat(a, 2, axis=-1)
        base = lib.tensor(wide, dtype=dtype, requires_grad=True)
        return base, base[..., ::2]
    t = lib.tensor(a, dtype=dtype, requires_grad=True)
    return t, t


def run_both(fn, arrays, dtype="float64", noncontig=False, grad=True, **kw):
    """fn(lib, *tensors) in both libraries; compare outputs and the leaves' gradients."""
    res = {}
    for lib in (M, T):
        dt = getattr(lib, dtype)
        pairs = [_leaf(lib, a, dt, noncontig) for a in arrays]
        out = fn(lib, *[v for _, v in pairs])
        if grad:
            g = np.random.default_rng(7).standard_normal(tuple(out.shape))
            out.backward(lib.tensor(g, dtype=out.dtype))
        res[lib] = out, [b.grad for b, _ in pairs]
    assert_same(res[M][0], res[T][0], **kw)
    if grad:
        for gm, gt in zip(res[M][1], res[T][1]):
            assert_same(gm, gt, **kw)


def raises_like(fn_m, fn_t):
    """Both raise, with the same exception type (returns the two exceptions)."""
    try:
        fn_t()
    except Exception as e:  # noqa: BLE001
        et = e
    else:
        raise AssertionError("torch did not raise")
    with pytest.raises(type(et)) as em:
        fn_m()
    return em.value, et


def both(fn, *args, **kwargs):
    """fn(lib) evaluated with lib=mindtorch_v2 and lib=torch."""
    return fn(M, *args, **kwargs), fn(T, *args, **kwargs)


def check(fn, **kw):
    """Run fn(lib) on both libraries and compare (or compare exception types)."""
    try:
        t = fn(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(M)
        return
    m = fn(M)
    assert_same(m, t, **kw)
