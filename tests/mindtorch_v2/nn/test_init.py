"""nn.init against torch: gains and fans exactly, distributions by moments and bounds."""
import math
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, to_torch

SHAPE = (300, 200)      # 60k samples: moments within a few percent


@pytest.mark.parametrize("args", [
    ("linear",), ("conv1d",), ("conv2d",), ("conv3d",), ("conv_transpose1d",),
    ("conv_transpose2d",), ("conv_transpose3d",), ("sigmoid",), ("tanh",), ("relu",),
    ("selu",), ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 1), ("leaky_relu", True),
    ("leaky_relu", "x"), ("gelu",)])
def test_calculate_gain(args):
    try:
        gt = T.nn.init.calculate_gain(*args)
    except ValueError as e:
        with pytest.raises(ValueError) as em:
            M.nn.init.calculate_gain(*args)
        assert str(em.value) == str(e)
        return
    assert M.nn.init.calculate_gain(*args) == gt


@pytest.mark.parametrize("shape", [(3,), (4, 5), (4, 5, 3), (2, 3, 3, 5), (2, 3, 1, 2, 2)])
def test_fans(shape):
    try:
        ft = T.nn.init._calculate_fan_in_and_fan_out(T.empty(shape))
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            M.nn.init._calculate_fan_in_and_fan_out(M.empty(shape))
        return
    assert M.nn.init._calculate_fan_in_and_fan_out(M.empty(shape)) == ft
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        assert M.nn.init._calculate_correct_fan(M.empty(shape), mode) == \
            T.nn.init._calculate_correct_fan(T.empty(shape), mode)
    with pytest.raises(ValueError) as em:
        M.nn.init._calculate_correct_fan(M.empty(shape), "fan_avg")
    with pytest.raises(ValueError) as et:
        T.nn.init._calculate_correct_fan(T.empty(shape), "fan_avg")
    assert str(em.value) == str(et.value)


def _stats(t):
    a = to_torch(t).double().numpy().ravel() if isinstance(t, M.Tensor) else \
        t.double().numpy().ravel()
    return a.mean(), a.std(), a.min(), a.max(), ((a - a.mean()) ** 4).mean() / a.var() ** 2


# (name, args, kwargs, shape)
CASES = [
    ("uniform_", (-2.0, 3.0), {}, SHAPE),
    ("normal_", (1.5, 0.5), {}, SHAPE),
    ("trunc_normal_", (), {}, SHAPE),
    ("trunc_normal_", (0.5, 2.0, -1.0, 1.5), {}, SHAPE),
    ("xavier_uniform_", (), {"gain": 2.0}, SHAPE),
    ("xavier_normal_", (), {}, (200, 30, 3, 3)),
    ("kaiming_uniform_", (), {}, SHAPE),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}, (60, 40, 5)),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"}, SHAPE),
    ("kaiming_normal_", (), {"a": 0.1}, SHAPE),
    ("kaiming_normal_", (), {"mode": "fan_out", "nonlinearity": "tanh"}, (100, 20, 3, 3)),
    ("orthogonal_", (), {}, (200, 300)),
    ("sparse_", (0.25,), {"std": 0.1}, (40, 300)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CASES)
def test_distribution_like_torch(name, args, kwargs, shape):
    wm = M.nn.Parameter(M.empty(shape))
    wt = T.nn.Parameter(T.empty(shape))
    rm = getattr(M.nn.init, name)(wm, *args, **kwargs)
    getattr(T.nn.init, name)(wt, *args, **kwargs)
    assert rm is wm and wm.requires_grad and wm.is_leaf and wm.grad_fn is None
    mm, sm, lom, him, km = _stats(wm)
    mt, st, lot, hit, kt = _stats(wt.detach())
    assert abs(mm - mt) < 0.05 * st + 1e-3
    assert sm == pytest.approx(st, rel=0.04)
    assert km == pytest.approx(kt, rel=0.1)      # kurtosis: shape of the distribution
    if name.startswith(("uniform", "xavier_uniform", "kaiming_uniform", "trunc")):
        assert lom == pytest.approx(lot, abs=0.02 * st) and him == pytest.approx(hit, abs=0.02 * st)
    if name == "sparse_":
        assert ((to_torch(wm.detach()) == 0).sum(0) == 10).all()


def test_theoretical_bounds():
    w = M.empty(64, 32)
    M.nn.init.kaiming_uniform_(w, a=math.sqrt(5))       # Linear's default: U(+-1/sqrt(fan_in))
    assert w.abs().max().item() <= 1 / math.sqrt(32) + 1e-7
    M.nn.init.trunc_normal_(w, mean=0.0, std=1.0, a=-0.5, b=0.25)
    assert w.min().item() >= -0.5 and w.max().item() <= 0.25
    M.nn.init.orthogonal_(w, gain=3.0)
    assert_same(w.T @ w, 9 * T.eye(32), atol=1e-4)


def test_generator_reproducible():
    for name, args in (("uniform_", ()), ("normal_", ()), ("kaiming_normal_", ()),
                       ("xavier_uniform_", ()), ("orthogonal_", ()),
                       ("trunc_normal_", ()), ("sparse_", (0.5,))):
        a, b = M.empty(6, 5), M.empty(6, 5)
        getattr(M.nn.init, name)(a, *args, generator=M.Generator().manual_seed(3))
        getattr(M.nn.init, name)(b, *args, generator=M.Generator().manual_seed(3))
        assert M.equal(a, b), name


def test_deterministic_initialisers():
    wm, wt = M.empty(3, 5), T.empty(3, 5)
    for name, args in (("constant_", (0.5,)), ("ones_", ()), ("zeros_", ()), ("eye_", ())):
        getattr(M.nn.init, name)(wm, *args)
        getattr(T.nn.init, name)(wt, *args)
        assert_same(wm, wt)
    for shape, groups in (((4, 2, 3), 1), ((4, 2, 3, 3), 2), ((6, 4, 3, 3, 3), 3),
                          ((2, 5, 3, 3), 1)):
        wm, wt = M.empty(shape), T.empty(shape)
        M.nn.init.dirac_(wm, groups)
        T.nn.init.dirac_(wt, groups)
        assert_same(wm, wt)
    pm = M.nn.Parameter(M.empty(2, 2))
    M.nn.init.eye_(pm)
    assert pm.is_leaf and pm.requires_grad


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 3), groups=2),
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 4), mode="fan"),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 4), nonlinearity="swish"),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3)),
    lambda lib: lib.nn.init.sparse_(lib.empty(3), 0.1),
])
def test_errors_like_torch(call):
    with pytest.raises(ValueError) as et:
        call(T)
    with pytest.raises(ValueError) as em:
        call(M)
    assert str(em.value) == str(et.value)


def test_warnings_like_torch():
    for lib in (M, T):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            lib.nn.init.kaiming_uniform_(lib.empty(0, 3))
        with pytest.warns(UserWarning, match="mean is more than 2 std"):
            lib.nn.init.trunc_normal_(lib.empty(3), mean=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        M.nn.init.orthogonal_(M.empty(0, 3))


def test_linear_default_init_matches_torch_distribution():
    lm, lt = M.nn.Linear(400, 300), T.nn.Linear(400, 300)
    for nm, nt in ((lm.weight, lt.weight), (lm.bias, lt.bias)):
        sm, st = _stats(nm.detach()), _stats(nt.detach())
        assert sm[1] == pytest.approx(st[1], rel=0.1)
        assert abs(sm[2]) <= 1 / 20 + 1e-7 and sm[3] <= 1 / 20 + 1e-7
    assert np.isclose(_stats(lm.weight.detach())[1], 1 / 20 / math.sqrt(3), rtol=0.03)
