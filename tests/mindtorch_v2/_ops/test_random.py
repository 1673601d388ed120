"""Random family: Generator API, shapes/dtypes/strides vs torch, distribution moments."""
import math

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import M2T, raises_like

N = 100_000


def np_of(t):
    return np.asarray(t.detach().to(M.float64).numpy() if t.dtype in (M.float16, M.bfloat16)
                      else t.detach().numpy())


def like(fn):
    """fn(lib) gives the same shape/dtype/strides/requires_grad in both libraries, or the
    same exception type."""
    try:
        t = fn(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(M)
        return None
    m = fn(M)
    if isinstance(t, T.Tensor):
        assert tuple(m.shape) == tuple(t.shape)
        assert M2T[m.dtype] == t.dtype, (m.dtype, t.dtype)
        assert m.stride() == t.stride(), (m.stride(), t.stride())
        assert m.requires_grad == t.requires_grad
        assert m.device.type == t.device.type
    return m


# ---------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------

def test_generator_basics():
    g = M.Generator()
    assert g.device == M.device("cpu")
    assert M.Generator(device="cpu").device.type == "cpu"
    assert g.initial_seed() == T.Generator().initial_seed()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    assert g.manual_seed(-1).initial_seed() == T.Generator().manual_seed(-1).initial_seed()
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s
    assert M.manual_seed(7) is M.default_generator
    assert M.initial_seed() == 7
    assert isinstance(M.seed(), int)


@pytest.mark.parametrize("bad", [2 ** 64, -2 ** 63 - 1, 1.5, "3"])
def test_generator_bad_seed(bad):
    raises_like(lambda: M.Generator().manual_seed(bad), lambda: T.Generator().manual_seed(bad))


def test_generator_meta_device_rejected():
    raises_like(lambda: M.Generator(device="meta"), lambda: T.Generator(device="meta"))


def test_state_round_trip():
    g = M.Generator().manual_seed(11)
    M.rand(5, generator=g)
    st = g.get_state()
    assert st.dtype is M.uint8 and st.dim() == 1
    a = M.randn(7, generator=g).numpy().copy()
    b = M.randint(0, 100, (4,), generator=g).numpy().copy()
    g.set_state(st)
    np.testing.assert_array_equal(M.randn(7, generator=g).numpy(), a)
    np.testing.assert_array_equal(M.randint(0, 100, (4,), generator=g).numpy(), b)
    assert g.initial_seed() == 11
    # default generator
    s = M.get_rng_state()
    x = M.rand(3).numpy().copy()
    M.set_rng_state(s)
    np.testing.assert_array_equal(M.rand(3).numpy(), x)


@pytest.mark.parametrize("state", [
    lambda lib: lib.zeros(3),
    lambda lib: lib.zeros(3, dtype=lib.uint8),
    lambda lib: [1, 2],
])
def test_set_state_errors(state):
    raises_like(lambda: M.Generator().set_state(state(M)),
                lambda: T.Generator().set_state(state(T)))
    if not isinstance(state(T), list):
        raises_like(lambda: M.set_rng_state(state(M)), lambda: T.set_rng_state(state(T)))


FNS = [
    lambda lib, g: lib.rand(3, 4, generator=g),
    lambda lib, g: lib.randn(5, generator=g, dtype=lib.complex64),
    lambda lib, g: lib.randint(-3, 9, (6,), generator=g),
    lambda lib, g: lib.randperm(9, generator=g),
    lambda lib, g: lib.normal(lib.zeros(4), lib.ones(4), generator=g),
    lambda lib, g: lib.normal(2.0, 3.0, (4,), generator=g),
    lambda lib, g: lib.bernoulli(lib.full((6,), 0.5), generator=g),
    lambda lib, g: lib.multinomial(lib.ones(5), 3, generator=g),
    lambda lib, g: lib.multinomial(lib.ones(2, 5), 7, True, generator=g),
    lambda lib, g: lib.poisson(lib.full((5,), 3.0), g),
    lambda lib, g: lib.zeros(5).uniform_(1, 2, generator=g),
    lambda lib, g: lib.zeros(5).exponential_(generator=g),
    lambda lib, g: lib.zeros(5).cauchy_(generator=g),
    lambda lib, g: lib.zeros(5).log_normal_(generator=g),
    lambda lib, g: lib.zeros(5).geometric_(0.4, generator=g),
    lambda lib, g: lib.zeros(5, dtype=lib.int32).random_(generator=g),
    lambda lib, g: lib.zeros(5).bernoulli_(lib.full((5,), 0.3), generator=g),
    lambda lib, g: lib.rand_like(lib.zeros(3), generator=g) if lib is M else None,
]


@pytest.mark.parametrize("fn", FNS)
def test_reproducible_with_seed(fn):
    a = fn(M, M.Generator().manual_seed(3))
    if a is None:
        return
    b = fn(M, M.Generator().manual_seed(3))
    c = fn(M, M.Generator().manual_seed(4))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    M.manual_seed(123)
    d = fn(M, None)
    M.manual_seed(123)
    np.testing.assert_array_equal(d.numpy(), fn(M, None).numpy())
    if a.numel() > 4 and a.dtype.is_floating_point:
        assert not np.array_equal(a.numpy(), c.numpy())


def test_bad_generator_type():
    raises_like(lambda: M.rand(3, generator=3), lambda: T.rand(3, generator=3))


# ---------------------------------------------------------------------------------------
# shapes / dtypes / strides / errors against torch
# ---------------------------------------------------------------------------------------

TR = lambda lib: lib.zeros(3, 4).t()  # noqa: E731

CASES = [
    lambda lib: lib.rand(2, 3),
    lambda lib: lib.rand((2, 3)),
    lambda lib: lib.rand([]),
    lambda lib: lib.rand(()),
    lambda lib: lib.rand(0, 3),
    lambda lib: lib.rand(2, dtype=lib.float64),
    lambda lib: lib.rand(2, dtype=lib.float16),
    lambda lib: lib.rand(2, dtype=lib.bfloat16),
    lambda lib: lib.rand(2, dtype=lib.complex64),
    lambda lib: lib.rand(2, dtype=lib.int64),
    lambda lib: lib.rand(2, dtype=lib.bool),
    lambda lib: lib.rand(2, requires_grad=True),
    lambda lib: lib.rand(-1, 2),
    lambda lib: lib.rand(size=(2, 3)),
    lambda lib: lib.rand(2, 3, out=lib.empty(0, dtype=lib.float64)),
    lambda lib: lib.rand(2, 3, out=lib.empty(0), dtype=lib.float64),
    lambda lib: lib.rand(2, device="meta"),
    lambda lib: lib.randn(2, 3),
    lambda lib: lib.randn(4, dtype=lib.complex128),
    lambda lib: lib.randn(4, dtype=lib.float16),
    lambda lib: lib.randn(2, dtype=lib.int32),
    lambda lib: lib.randn(2, dtype=lib.bool),
    lambda lib: lib.randn(2, 2, device="meta", dtype=lib.float64),
    lambda lib: lib.randint(5, (3,)),
    lambda lib: lib.randint(2, 5, (3, 2)),
    lambda lib: lib.randint(5, size=(2,)),
    lambda lib: lib.randint(high=5, size=(2,)),
    lambda lib: lib.randint(5, (3,), dtype=lib.float32),
    lambda lib: lib.randint(0, 2, (3,), dtype=lib.bool),
    lambda lib: lib.randint(3, 5, (3,), dtype=lib.bool),
    lambda lib: lib.randint(0, 2, (3,), dtype=lib.complex64),
    lambda lib: lib.randint(5, 3, (3,)),
    lambda lib: lib.randint(5, 2),
    lambda lib: lib.randint(0, 2 ** 40, (2,), dtype=lib.int32),
    lambda lib: lib.randint(0, 300, (2,), dtype=lib.uint8),
    lambda lib: lib.randint(0, 10, (2,), out=lib.empty(0, dtype=lib.int32)),
    lambda lib: lib.randint(0, 10, (2, 2), device="meta"),
    lambda lib: lib.randperm(5),
    lambda lib: lib.randperm(0),
    lambda lib: lib.randperm(5, dtype=lib.float32),
    lambda lib: lib.randperm(4, dtype=lib.float16),
    lambda lib: lib.randperm(3000, dtype=lib.float16),
    lambda lib: lib.randperm(300, dtype=lib.int8),
    lambda lib: lib.randperm(5, dtype=lib.bool),
    lambda lib: lib.randperm(5, dtype=lib.complex64),
    lambda lib: lib.randperm(-1),
    lambda lib: lib.randperm(4, out=lib.empty(0, dtype=lib.int32)),
    lambda lib: lib.randperm(4, device="meta"),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(3)),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(3, 1)),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(2)),
    lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(6)),
    lambda lib: lib.normal(TR(lib), 1.0),
    lambda lib: lib.normal(1.0, TR(lib)),
    lambda lib: lib.normal(TR(lib), lib.ones(3, 4).t()),
    lambda lib: lib.normal(lib.zeros(3), -1.0),
    lambda lib: lib.normal(lib.zeros(3, dtype=lib.float64), lib.ones(3)),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(3, dtype=lib.float64)),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(3, dtype=lib.complex64)),
    lambda lib: lib.normal(lib.zeros(3, dtype=lib.complex64), lib.ones(3)),
    lambda lib: lib.normal(lib.zeros(3, dtype=lib.int64), lib.ones(3)),
    lambda lib: lib.normal(lib.zeros(3, dtype=lib.int64), 1.0),
    lambda lib: lib.normal(1.0, lib.ones(3, dtype=lib.float16)),
    lambda lib: lib.normal(0.0, 1.0, (2, 3)),
    lambda lib: lib.normal(0.0, 1.0, size=(2, 3)),
    lambda lib: lib.normal(2, 3, size=(2,), dtype=lib.float64),
    lambda lib: lib.normal(2, 3, size=(2,), dtype=lib.int64),
    lambda lib: lib.normal(2.0, 3.0),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(3), out=lib.empty(0)),
    lambda lib: lib.normal(lib.zeros(2, 3, device="meta"), 1.0),
    lambda lib: lib.bernoulli(TR(lib)),
    lambda lib: lib.bernoulli(TR(lib) + 0.5, 0.3),
    lambda lib: lib.bernoulli(lib.ones(3) * 2),
    lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.int64)),
    lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.bool)),
    lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.float64)),
    lambda lib: lib.bernoulli(lib.ones(3), out=lib.empty(3)),
    lambda lib: lib.ones(3, 4).bernoulli(),
    lambda lib: lib.multinomial(lib.ones(3), 2),
    lambda lib: lib.multinomial(lib.ones(3), 4),
    lambda lib: lib.multinomial(lib.ones(3), 0),
    lambda lib: lib.multinomial(lib.ones(3), -1),
    lambda lib: lib.multinomial(lib.ones(3), 4, True),
    lambda lib: lib.multinomial(lib.ones(2, 5), 3),
    lambda lib: lib.multinomial(lib.ones(2, 5).t(), 3, replacement=True),
    lambda lib: lib.multinomial(-lib.ones(3), 2),
    lambda lib: lib.multinomial(lib.zeros(3), 2),
    lambda lib: lib.multinomial(lib.ones(2, 3, 4), 2),
    lambda lib: lib.multinomial(lib.ones(()), 1),
    lambda lib: lib.multinomial(lib.ones(3, dtype=lib.int64), 1),
    lambda lib: lib.multinomial(lib.ones(0), 1),
    lambda lib: lib.multinomial(lib.ones(0, 3), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, float("nan")]), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, float("inf")]), 1),
    lambda lib: lib.multinomial(lib.ones(3, dtype=lib.float16), 2),
    lambda lib: lib.multinomial(lib.ones(3, dtype=lib.float64), 2, out=lib.empty(0, dtype=lib.int64)),
    lambda lib: lib.ones(2, 4).multinomial(2),
    lambda lib: lib.multinomial(lib.ones(2, 4, device="meta"), 3),
    lambda lib: lib.poisson(TR(lib) + 3),
    lambda lib: lib.poisson(-lib.ones(3)),
    lambda lib: lib.poisson(lib.ones(3, dtype=lib.int64)),
    lambda lib: lib.poisson(lib.ones(3, dtype=lib.float64)),
    lambda lib: lib.poisson(lib.ones(0, 2)),
    lambda lib: lib.rand_like(TR(lib)),
    lambda lib: lib.rand_like(lib.ones(3, dtype=lib.int64)),
    lambda lib: lib.rand_like(lib.ones(3, dtype=lib.int64), dtype=lib.float64),
    lambda lib: lib.rand_like(lib.ones(3), requires_grad=True),
    lambda lib: lib.randn_like(TR(lib)),
    lambda lib: lib.randn_like(lib.ones(3, dtype=lib.complex64)),
    lambda lib: lib.randn_like(lib.ones(3, dtype=lib.int32)),
    lambda lib: lib.randint_like(lib.ones(3), 5),
    lambda lib: lib.randint_like(lib.ones(3), 3, 5),
    lambda lib: lib.randint_like(lib.ones(3), low=3, high=5),
    lambda lib: lib.randint_like(TR(lib), 3, 5),
    lambda lib: lib.randint_like(lib.ones(3, dtype=lib.int8), 3, 500),
    lambda lib: lib.randint_like(lib.ones(3, dtype=lib.uint8), 0, 5, dtype=lib.int64),
]


@pytest.mark.parametrize("fn", CASES)
def test_like_torch(fn):
    like(fn)


def _t(lib, dt="float32", *shape):
    return lib.zeros(*(shape or (3,)), dtype=getattr(lib, dt))


INPLACE = [
    lambda lib: _t(lib).uniform_(), lambda lib: _t(lib).uniform_(2, 1),
    lambda lib: _t(lib).uniform_(0, float("inf")),
    lambda lib: _t(lib, "float16").uniform_(0, 1e6),
    lambda lib: _t(lib, "int64").uniform_(), lambda lib: _t(lib, "bool").uniform_(),
    lambda lib: _t(lib, "complex64").uniform_(),
    lambda lib: _t(lib).normal_(0, -1), lambda lib: _t(lib, "int64").normal_(),
    lambda lib: _t(lib, "complex64").normal_(1, 2),
    lambda lib: _t(lib, "float64").normal_(0, 0),
    lambda lib: _t(lib, "int64").exponential_(), lambda lib: _t(lib).exponential_(-1),
    lambda lib: _t(lib).exponential_(0), lambda lib: _t(lib, "complex64").exponential_(),
    lambda lib: _t(lib, "int64").cauchy_(), lambda lib: _t(lib).cauchy_(0, 0),
    lambda lib: _t(lib, "complex64").cauchy_(),
    lambda lib: _t(lib, "int64").log_normal_(), lambda lib: _t(lib).log_normal_(0, -1),
    lambda lib: _t(lib, "complex64").log_normal_(),
    lambda lib: _t(lib, "int64").geometric_(0.5), lambda lib: _t(lib).geometric_(1.5),
    lambda lib: _t(lib, "complex64").geometric_(0.5),
    lambda lib: _t(lib, "bool").geometric_(0.5),
    lambda lib: _t(lib).bernoulli_(1.5), lambda lib: _t(lib, "int64").bernoulli_(0.5),
    lambda lib: _t(lib, "bool").bernoulli_(0.5),
    lambda lib: _t(lib, "complex64").bernoulli_(0.5),
    lambda lib: _t(lib, "float32", 3, 4).bernoulli_(lib.ones(4) * 0.5),
    lambda lib: _t(lib, "float32", 3, 4).bernoulli_(lib.ones(3) * 0.5),
    lambda lib: _t(lib, "float32", 4).bernoulli_(lib.ones(3, 4) * 0.5),
    lambda lib: _t(lib, "float32", 4).bernoulli_(lib.ones(4, dtype=lib.int64)),
    lambda lib: _t(lib, "float32", 4).bernoulli_(lib.ones(4) * 2),
    lambda lib: _t(lib).random_(5, 2), lambda lib: _t(lib, "uint8").random_(-1, 2),
    lambda lib: _t(lib, "uint8").random_(0, 300), lambda lib: _t(lib, "bool").random_(),
    lambda lib: _t(lib, "complex64").random_(), lambda lib: _t(lib, "complex64").random_(0, 3),
    lambda lib: _t(lib, "int64").random_(0, 2 ** 63), lambda lib: _t(lib, "int64").random_(-5),
    lambda lib: _t(lib, "int8").random_(-100, None), lambda lib: _t(lib, "int8").random_(to=5),
    lambda lib: _t(lib, "uint64").random_(),
    lambda lib: _t(lib, "float32", 3, 4).t().uniform_(),
    lambda lib: _t(lib, "float32", 3, 4).t()[1:].normal_(),
    lambda lib: lib.zeros(3, 4, device="meta").t().exponential_(),
    lambda lib: lib.zeros(3, device="meta", dtype=lib.int64).exponential_(),
]


@pytest.mark.parametrize("fn", INPLACE)
def test_inplace_like_torch(fn):
    m = like(fn)
    if m is not None and m.device.type == "cpu":
        assert m._version >= 1


def test_inplace_returns_self_and_strided_writes():
    x = M.zeros(6, 4)
    v = x.t()[:, ::2]
    assert v.uniform_(5, 6) is v
    a = x.numpy()
    assert ((a[::2] >= 5) & (a[::2] < 6)).all()
    np.testing.assert_array_equal(a[1::2], 0)


# ---------------------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------------------

def _moments(t):
    a = np_of(t).astype(np.float64).ravel()
    return a.mean(), a.var()


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16"])
def test_uniform_distribution(dt):
    x = M.rand(N, dtype=getattr(M, dt))
    a = np_of(x)
    assert a.min() >= 0 and a.max() < 1
    mean, var = _moments(x)
    assert abs(mean - 0.5) < 0.01 and abs(var - 1 / 12) < 0.005
    y = np_of(M.empty(N, dtype=getattr(M, dt)).uniform_(-2, 3))
    assert y.min() >= -2 and y.max() <= 3 and abs(y.mean() - 0.5) < 0.05


@pytest.mark.parametrize("dt", ["float32", "float64", "float16"])
def test_normal_distribution(dt):
    mean, var = _moments(M.randn(N, dtype=getattr(M, dt)))
    assert abs(mean) < 0.02 and abs(var - 1) < 0.03
    mean, var = _moments(M.empty(N, dtype=getattr(M, dt)).normal_(3, 2))
    assert abs(mean - 3) < 0.05 and abs(var - 4) < 0.15


def test_complex_normal_and_uniform():
    z = M.randn(N, dtype=M.complex64).numpy()
    assert abs(z.real.var() - 0.5) < 0.02 and abs(z.imag.var() - 0.5) < 0.02
    assert abs(np.corrcoef(z.real, z.imag)[0, 1]) < 0.02
    z = M.empty(N, dtype=M.complex128).normal_(1, 2).numpy()
    assert abs(z.real.mean() - 1) < 0.03 and abs(z.imag.mean() - 1) < 0.03
    assert abs(z.real.var() - 2) < 0.08
    u = M.rand(N, dtype=M.complex64).numpy()
    assert u.real.min() >= 0 and u.real.max() < 1 and abs(u.imag.mean() - 0.5) < 0.01


def test_normal_overloads_values():
    m = M.arange(4, dtype=M.float64).reshape(4, 1) * 10
    s = M.tensor([0.0, 1.0, 2.0], dtype=M.float64)
    r = M.normal(m.expand(4, 3).contiguous().repeat(1, 1), s) if False else None
    r = M.normal(M.full((N, 2), 5.0, dtype=M.float64), M.tensor([0.0, 2.0], dtype=M.float64))
    a = r.numpy()
    np.testing.assert_array_equal(a[:, 0], 5.0)
    assert abs(a[:, 1].mean() - 5) < 0.05 and abs(a[:, 1].std() - 2) < 0.05
    a = M.normal(M.full((N,), -1.0), 0.5).numpy()
    assert abs(a.mean() + 1) < 0.02 and abs(a.std() - 0.5) < 0.02
    a = M.normal(2.0, M.full((N,), 3.0)).numpy()
    assert abs(a.mean() - 2) < 0.05 and abs(a.std() - 3) < 0.05
    a = M.normal(-2.0, 0.1, (N,)).numpy()
    assert abs(a.mean() + 2) < 0.01 and abs(a.std() - 0.1) < 0.01
    raises_like(lambda: M.normal(M.zeros(3), -M.ones(3)), lambda: T.normal(T.zeros(3), -T.ones(3)))


@pytest.mark.parametrize("dt,lo,hi", [("int64", -5, 7), ("uint8", 0, 256), ("int8", -128, 128),
                                      ("float32", -3, 4), ("bool", 0, 2), ("int32", 10, 11)])
def test_randint_range(dt, lo, hi):
    a = np_of(M.randint(lo, hi, (20_000,), dtype=getattr(M, dt))).astype(np.int64)
    assert set(np.unique(a)) == set(range(lo, hi))


def test_random_default_ranges():
    a = M.empty(N, dtype=M.int8).random_().numpy()
    assert a.min() >= 0 and a.max() == 127
    a = M.empty(N, dtype=M.uint8).random_().numpy()
    assert a.max() == 255 and a.min() == 0
    a = M.empty(N, dtype=M.float16).random_().to(M.float32).numpy()
    assert a.min() >= 0 and a.max() <= 2 ** 11 and a.max() > 2000 and (a == np.round(a)).all()
    a = M.empty(N).random_().numpy()
    assert a.max() <= 2 ** 24 and a.max() > 2 ** 23 and (a == np.round(a)).all()
    a = M.empty(N, dtype=M.int64).random_().numpy()
    assert a.min() >= 0 and a.max() > 2 ** 62
    a = M.empty(N, dtype=M.int64).random_(7).numpy()
    assert set(np.unique(a)) == set(range(7))
    a = M.empty(N, dtype=M.int16).random_(-3, None).numpy()
    assert a.min() == -3 and a.max() > 30000
    a = M.empty(N, dtype=M.bool).random_().numpy()
    assert 0.45 < a.mean() < 0.55


def test_randperm_is_permutation():
    for n, dt in [(1000, M.int64), (50, M.float32), (100, M.int8), (1, M.int64)]:
        p = M.randperm(n, dtype=dt).numpy()
        np.testing.assert_array_equal(np.sort(p), np.arange(n))


@pytest.mark.parametrize("name,args,mean,var", [
    ("exponential_", (2.0,), 0.5, 0.25),
    ("log_normal_", (0.0, 0.5), math.exp(0.125), (math.exp(0.25) - 1) * math.exp(0.25)),
    ("geometric_", (0.25,), 4.0, 0.75 / 0.0625),
])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_continuous_moments(name, args, mean, var, dt):
    x = getattr(M.empty(N, dtype=getattr(M, dt)), name)(*args)
    m, v = _moments(x)
    assert abs(m - mean) < 0.03 * max(1, mean) and abs(v - var) < 0.08 * max(1, var)
    if name == "geometric_":
        a = x.numpy()
        assert a.min() >= 1 and (a == np.round(a)).all()
    else:
        assert np_of(x).min() > 0


def test_cauchy_quantiles():
    a = M.empty(N, dtype=M.float64).cauchy_(1.0, 2.0).numpy()
    q1, q2, q3 = np.quantile(a, [0.25, 0.5, 0.75])
    assert abs(q2 - 1) < 0.05 and abs(q1 + 1) < 0.1 and abs(q3 - 3) < 0.1


def test_bernoulli_values():
    p = M.tensor([0.0, 0.25, 1.0]).expand(N // 10, 3)
    r = M.bernoulli(p).numpy()
    np.testing.assert_array_equal(r[:, 0], 0)
    np.testing.assert_array_equal(r[:, 2], 1)
    assert abs(r[:, 1].mean() - 0.25) < 0.02
    r = M.bernoulli(M.zeros(N, dtype=M.float64), 0.7)
    assert r.dtype is M.float64 and abs(r.numpy().mean() - 0.7) < 0.01
    r = M.zeros(N, dtype=M.bool).bernoulli_(0.3).numpy()
    assert abs(r.mean() - 0.3) < 0.01
    r = M.zeros(N // 10, 2, dtype=M.int32).bernoulli_(M.tensor([0.1, 0.9])).numpy()
    assert abs(r[:, 0].mean() - 0.1) < 0.02 and abs(r[:, 1].mean() - 0.9) < 0.02


def test_poisson_values():
    lam = M.tensor([0.0, 1.0, 10.0]).expand(N // 10, 3).contiguous()
    a = M.poisson(lam).numpy()
    np.testing.assert_array_equal(a[:, 0], 0)
    assert abs(a[:, 1].mean() - 1) < 0.05 and abs(a[:, 2].var() - 10) < 0.8
    assert (a == np.round(a)).all()


def test_multinomial_values():
    p = M.tensor([[0.0, 1.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    r = M.multinomial(p, 20_000, replacement=True).numpy()
    assert r.dtype == np.int64
    assert set(np.unique(r[0])) == {1, 2}
    assert abs((r[0] == 2).mean() - 0.75) < 0.02
    assert abs((r[1] == 3).mean() - 0.25) < 0.02
    r = M.multinomial(M.ones(3, 10), 10).numpy()
    for row in r:
        np.testing.assert_array_equal(np.sort(row), np.arange(10))
    r = M.multinomial(M.tensor([1.0, 0.0, 0.0]), 2).numpy()
    assert r[0] == 0 and r[1] in (1, 2)
    r = M.multinomial(M.tensor([0.0, 5.0, 0.0]), 1, True).numpy()
    np.testing.assert_array_equal(r, [1])
    # without replacement: first draw follows the probabilities
    firsts = np.array([M.multinomial(M.tensor([1.0, 3.0]), 1).item() for _ in range(2000)])
    assert abs(firsts.mean() - 0.75) < 0.05


def test_meta_factories():
    for fn in [lambda: M.rand(2, 3, device="meta"), lambda: M.randint(3, (2,), device="meta"),
               lambda: M.randperm(3, device="meta"), lambda: M.normal(0., 1., (2,), device="meta")]:
        assert fn().device.type == "meta"
