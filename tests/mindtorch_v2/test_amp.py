"""torch.autocast / torch.amp (autocast layer, GradScaler) against real torch on CPU."""
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import to_torch

F_ = {M: M.nn.functional, T: T.nn.functional}

rng = np.random.default_rng(0)
A = rng.standard_normal((2, 3)).astype(np.float32)
B = rng.standard_normal((3, 2)).astype(np.float32)
BA = rng.standard_normal((2, 2, 3)).astype(np.float32)
BB = rng.standard_normal((2, 3, 2)).astype(np.float32)
IMG = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
KER = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)

# name -> op(L, a, b, ...): the same call under autocast in both libraries
OPS = {
    "mm": lambda L, a, b: L.mm(a, b),
    "matmul": lambda L, a, b: a @ b,
    "bmm": lambda L, a, b: L.bmm(L.tensor(BA), L.tensor(BB)),
    "addmm": lambda L, a, b: L.addmm(L.zeros(2, 2), a, b),
    "baddbmm": lambda L, a, b: L.baddbmm(L.zeros(2, 2, 2), L.tensor(BA), L.tensor(BB)),
    "addbmm": lambda L, a, b: L.addbmm(L.zeros(2, 2), L.tensor(BA), L.tensor(BB)),
    "linear": lambda L, a, b: F_[L].linear(a, b.t(), L.zeros(2)),
    "linear_nobias": lambda L, a, b: F_[L].linear(a, b.t()),
    "conv2d": lambda L, a, b: F_[L].conv2d(L.tensor(IMG), L.tensor(KER)),
    "mm_float64": lambda L, a, b: L.mm(a.double(), b.double()),
    "mm_int": lambda L, a, b: L.mm(L.ones(2, 2, dtype=L.int64), L.ones(2, 2, dtype=L.int64)),
    "softmax_bf16": lambda L, a, b: L.softmax(a.bfloat16(), 0),
    "log_softmax_bf16": lambda L, a, b: L.log_softmax(a.bfloat16(), 1),
    "sum_bf16": lambda L, a, b: a.bfloat16().sum(),
    "prod_bf16": lambda L, a, b: a.bfloat16().prod(),
    "trace_bf16": lambda L, a, b: a.bfloat16()[:, :2].trace(),
    "exp_bf16": lambda L, a, b: a.bfloat16().exp(),
    "add_mixed": lambda L, a, b: a + a.bfloat16(),
    "cat_mixed": lambda L, a, b: L.cat([a, a.bfloat16()]),
    "cat_bf16": lambda L, a, b: L.cat([a.bfloat16(), a.bfloat16()]),
    "cat_f64": lambda L, a, b: L.cat([a.double(), a.bfloat16()]),
    "stack_mixed": lambda L, a, b: L.stack([a, a.bfloat16()]),
    "nll_bf16": lambda L, a, b: F_[L].nll_loss(a.bfloat16().log_softmax(1), L.tensor([0, 1])),
    "cross_entropy_bf16": lambda L, a, b: F_[L].cross_entropy(a.bfloat16(),
                                                             L.tensor([0, 1])),
    "mm_then_relu": lambda L, a, b: L.relu(L.mm(a, b)),
    "inv_bf16": lambda L, a, b: L.linalg.inv(L.mm(a, b)),
    "fft_bf16": lambda L, a, b: L.fft.fft(a.bfloat16()),
}


def _run(lib, name, **kw):
    a, b = (lib.tensor(A), lib.tensor(B))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with lib.autocast("cpu", **kw):
            try:
                return OPS[name](lib, a, b)
            except Exception as e:  # noqa: BLE001 -- compared with torch's outcome
                return type(e)


@pytest.mark.parametrize("name", sorted(OPS))
def test_autocast_cpu_dtypes_match_torch(name):
    m, t = _run(M, name), _run(T, name)
    if isinstance(t, type):
        assert m is t
        return
    assert str(m.dtype) == str(t.dtype), name
    tol = 2e-2 if t.dtype in (T.bfloat16, T.float16) else 1e-2
    np.testing.assert_allclose(to_torch(m).to(T.complex128 if t.is_complex() else T.float64),
                               t.to(T.complex128 if t.is_complex() else T.float64),
                               rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["mm", "linear", "cat_mixed", "prod_bf16"])
def test_autocast_float16_and_disabled(name):
    for kw in (dict(dtype=M.float16), dict(enabled=False)):
        tkw = {k: (to_torch(v) if isinstance(v, M.dtype) else v) for k, v in kw.items()}
        assert str(_run(M, name, **kw).dtype) == str(_run(T, name, **tkw).dtype)


def test_autocast_state_and_nesting():
    for L in (M, T):
        assert not L.is_autocast_enabled("cpu")
        assert L.get_autocast_dtype("cpu") == L.bfloat16
        with L.autocast("cpu"):
            assert L.is_autocast_enabled("cpu") and not L.is_autocast_enabled()
            with L.autocast("cpu", enabled=False):
                assert not L.is_autocast_enabled("cpu")
                assert L.mm(L.ones(2, 2), L.ones(2, 2)).dtype == L.float32
            with L.autocast("cpu", dtype=L.float16):
                assert L.get_autocast_dtype("cpu") == L.float16
            assert L.get_autocast_dtype("cpu") == L.bfloat16
            assert L.mm(L.ones(2, 2), L.ones(2, 2)).dtype == L.bfloat16
        assert not L.is_autocast_enabled("cpu")
        assert L.mm(L.ones(2, 2), L.ones(2, 2)).dtype == L.float32


def test_autocast_decorator_and_legacy_aliases():
    for L in (M, T):
        @L.autocast("cpu")
        def f(a, b):
            return a @ b
        assert f(L.ones(2, 2), L.ones(2, 2)).dtype == L.bfloat16
        with pytest.warns(FutureWarning, match="torch.cpu.amp.autocast"):
            ctx = L.cpu.amp.autocast()
        with ctx:
            assert L.mm(L.ones(2, 2), L.ones(2, 2)).dtype == L.bfloat16
        with L.amp.autocast(device_type="cpu", dtype=L.bfloat16, cache_enabled=False):
            assert L.is_autocast_enabled("cpu")


def _outcome(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn()
        except Exception as e:  # noqa: BLE001
            # the list of device names differs; the start of the message does not
            return type(e), str(e)[:15]
    return r, [str(x.message) for x in w]


def _inside(L, device, **kw):
    with L.autocast(device, **kw):
        return L.is_autocast_enabled(device), str(L.get_autocast_dtype(device))


@pytest.mark.parametrize("make", [
    lambda L: L.autocast(3),
    lambda L: _inside(L, "cpu", dtype=L.float32),
    lambda L: _inside(L, "cuda"),
    lambda L: _inside(L, "cpu", dtype=L.float64, enabled=False),
    lambda L: L.autocast("xyz"),
    lambda L: L.amp.is_autocast_available("cpu"),
])
def test_autocast_errors_and_warnings(make):
    assert _outcome(lambda: make(M)) == _outcome(lambda: make(T))
    for L in (M, T):
        assert not L.is_autocast_enabled("cpu") and L.get_autocast_dtype("cpu") == L.bfloat16


def test_autocast_gradients_flow_in_original_dtype():
    res = {}
    for L in (M, T):
        x = L.tensor(A, requires_grad=True)
        w = L.tensor(B, requires_grad=True)
        with L.autocast("cpu"):
            y = L.mm(x, w)
            z = L.mm(x, w)          # second use: the cached cast of w (torch's cast cache)
        assert y.dtype == L.bfloat16
        (y.float().sum() + z.float().sum()).backward()
        assert x.grad.dtype == L.float32 and w.grad.dtype == L.float32
        res[L] = (x.grad, w.grad)
    for m, t in zip(res[M], res[T]):
        np.testing.assert_allclose(to_torch(m).numpy(), t.numpy(), rtol=2e-2, atol=2e-2)


def test_autocast_cache_reuses_parameter_cast():
    w = M.tensor(B, requires_grad=True)
    from mindtorch_v2.amp import autocast_mode as am
    with M.autocast("cpu"):
        M.mm(M.tensor(A), w)
        cast = am._S.cache[id(w)][1]
        M.mm(M.tensor(A), w)
        assert am._S.cache[id(w)][1] is cast and cast.dtype is M.bfloat16
    assert not am._S.cache            # cleared when the outermost region exits
    with M.autocast("cpu", cache_enabled=False):
        M.mm(M.tensor(A), w)
        assert not am._S.cache


def test_autocast_meta_tensors_untouched():
    with M.autocast("cpu"):
        r = M.mm(M.ones(2, 2, device="meta"), M.ones(2, 2, device="meta"))
    assert r.dtype is M.float32


# ------------------------------------------------------------------ GradScaler

def _train(L, steps, inf_at=(), **kw):
    L.manual_seed(0)
    lin = L.nn.Linear(3, 2)
    with L.no_grad():
        lin.weight.copy_(L.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        lin.bias.copy_(L.tensor([0.01, -0.02]))
    opt = L.optim.SGD(lin.parameters(), lr=0.1)
    scaler = L.amp.GradScaler("cpu", **kw)
    x, tgt = L.tensor(A), L.tensor([[1., 0.], [0., 1.]])
    scales, rets = [], []
    for i in range(steps):
        opt.zero_grad()
        loss = ((lin(x) - tgt) ** 2).mean()
        scaler.scale(loss).backward()
        if i in inf_at:
            lin.weight.grad[0, 0] = float("inf")
        rets.append(scaler.step(opt) is None)
        scaler.update()
        scales.append(scaler.get_scale())
    return scales, rets, lin.weight.detach(), scaler.state_dict()


@pytest.mark.parametrize("kw", [dict(), dict(init_scale=8.0, growth_interval=2),
                                dict(init_scale=4.0, growth_factor=3.0, backoff_factor=0.25,
                                     growth_interval=1)])
def test_grad_scaler_matches_torch(kw):
    inf_at = (1, 4)
    ms, mr, mw, msd = _train(M, 6, inf_at, **kw)
    ts, tr, tw, tsd = _train(T, 6, inf_at, **kw)
    assert ms == ts and mr == tr and msd == tsd
    np.testing.assert_allclose(to_torch(mw).numpy(), tw.numpy(), rtol=1e-5, atol=1e-6)


def test_grad_scaler_scale_nested_and_disabled():
    s = M.amp.GradScaler("cpu", init_scale=4.0)
    out = s.scale([M.ones(2), (M.ones(1) * 2,)])
    assert out[0].tolist() == [4.0, 4.0] and out[1][0].tolist() == [8.0]
    d = M.amp.GradScaler("cpu", enabled=False)
    t = M.ones(2)
    assert d.scale(t) is t and d.get_scale() == 1.0 and d.state_dict() == {}


def _scaler_case(L, case):
    lin = L.nn.Linear(2, 1)
    if case == "fp16_grads":
        lin = lin.half()
    opt = L.optim.SGD(lin.parameters(), lr=0.1)
    s = L.amp.GradScaler("cpu")
    if case == "update_first":
        s.scale(L.ones(1))
        return s.update()
    if case == "unscale_before_scale":
        return s.unscale_(opt)
    s.scale(lin(L.ones(1, 2, dtype=lin.weight.dtype)).sum()).backward()
    if case == "unscale_twice":
        s.unscale_(opt)
        return s.unscale_(opt)
    if case == "step_twice":
        s.step(opt)
        return s.step(opt)
    if case == "closure":
        return s.step(opt, closure=lambda: 0)
    if case == "fp16_grads":
        return s.unscale_(opt)
    if case == "bad_new_scale":
        s.step(opt)
        return s.update(L.tensor([1.0], dtype=L.float64))
    if case == "load_empty":
        return s.load_state_dict({})
    if case == "roundtrip":
        s.step(opt)
        s.update(16.0)
        s2 = L.amp.GradScaler("cpu")
        s2.load_state_dict(s.state_dict())
        return s2.state_dict()


@pytest.mark.parametrize("case", ["update_first", "unscale_before_scale", "unscale_twice",
                                  "step_twice", "closure", "fp16_grads", "bad_new_scale",
                                  "load_empty", "roundtrip"])
def test_grad_scaler_errors_match_torch(case):
    def run(L):
        try:
            return "ok", _scaler_case(L, case)
        except Exception as e:  # noqa: BLE001
            return type(e), str(e)
    assert run(M) == run(T)
