"""torch.special and softmax / log_softmax against real torch."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import check

_V = np.array([[-2.5, -0.7, 0.0, 0.3], [0.9, 1.0, 2.2, 7.5], [-1.0, 0.5, 3.0, -0.1]])
_P = np.array([[0.01, 0.2, 0.5, 0.7], [0.99, 0.3, 0.05, 0.8], [0.6, 0.45, 0.1, 0.9]])


def _x(L, dtype=None, data=_V):
    t = L.tensor(data)
    return t.to(dtype(L)) if dtype else t


INPUTS = {
    "f64": lambda L, d=_V: _x(L, None, d),
    "f32_t": lambda L, d=_V: _x(L, lambda L: L.float32, d).t(),
    "f32_sliced": lambda L, d=_V: _x(L, lambda L: L.float32, d)[:, ::2],
    "f16": lambda L, d=_V: _x(L, lambda L: L.float16, d),
    "i64": lambda L, d=_V: (_x(L, None, d) * 3).long(),
    "0d": lambda L, d=_V: _x(L, lambda L: L.float32, d)[1, 2],
    "empty": lambda L, d=_V: _x(L, lambda L: L.float32, d)[:0],
}
UNARY = ["expit", "erf", "erfc", "erfcx", "exp2", "expm1", "log1p", "gammaln", "digamma",
         "psi", "i0", "i0e", "i1", "i1e", "ndtr", "log_ndtr", "entr", "sinc", "round",
         "bessel_j0", "bessel_j1"]
PROB = ["erfinv", "ndtri", "logit"]  # defined on (0, 1)


@pytest.mark.parametrize("inp", list(INPUTS))
@pytest.mark.parametrize("name", UNARY + PROB)
def test_special_unary(name, inp):
    data = _P if name in PROB else _V
    tol = {"rtol": 2e-3, "atol": 2e-3} if inp == "f16" else {"rtol": 1e-5, "atol": 1e-6}
    check(lambda L: getattr(L.special, name)(INPUTS[inp](L, data)), **tol)


def test_special_unary_complex_refused():
    for name in ["erf", "ndtr", "i1", "entr", "gammaln"]:
        check(lambda L: getattr(L.special, name)(L.tensor([1 + 1j])))


BINARY = [
    lambda L: L.special.xlogy(L.tensor([0.0, 1, 2]), L.tensor([0.0, 3, float("nan")])),
    lambda L: L.special.xlog1py(L.tensor([0.0, 0, 1, 2]), L.tensor([float("nan"), -1, 1, 3])),
    lambda L: L.special.xlog1py(2, L.tensor([1, 2])),
    lambda L: L.special.xlog1py(L.tensor([1, 2]), 3),
    lambda L: L.special.xlog1py(L.tensor([[1.0], [2.0]]), L.tensor([0.5, 1.5, 2.5],
                                                                  dtype=L.float64)),
    lambda L: L.special.xlog1py(L.tensor([1 + 1j]), L.tensor([1.0])),
    lambda L: L.special.zeta(L.tensor([2.0, 3, 1, 0.5]), L.tensor([1.0, 2, 1, 1])),
    lambda L: L.special.zeta(2, L.tensor([1, 2])),
    lambda L: L.special.zeta(L.tensor([2.0, 3]), 1.5),
    lambda L: L.special.zeta(L.tensor([2.0, 3]).double(), L.tensor([[1.0], [4.0]])),
    lambda L: L.special.zeta(L.tensor([2.0, 3]), L.tensor([1.0, 2]), out=L.empty(2)),
    lambda L: L.special.zeta(L.tensor([2.0, 3]), L.tensor([1.0, 2, 3])),
    lambda L: L.special.polygamma(2, L.tensor([0.3, 1.5])),
    lambda L: L.special.polygamma(0, L.tensor([1, 2])),
    lambda L: L.special.multigammaln(L.tensor([1.0, 2.5, 7.0]), 2),
    lambda L: L.special.multigammaln(L.tensor([[1.5, 2.5], [3.0, 4.0]]).t(), 3),
    lambda L: L.special.multigammaln(L.tensor([1, 2]), 1),
    lambda L: L.special.multigammaln(L.tensor([1.0, 2.0]), 0),
    lambda L: L.special.multigammaln(L.tensor([3.0]).double(), 4),
    lambda L: L.special.round(L.tensor([1.55, -2.45]), decimals=1),
    lambda L: L.special.logit(L.tensor([0.3, 0.9]), eps=0.4),
    lambda L: L.special.logsumexp(L.tensor([[0.3, 1.0], [2.0, -1.0]]), 1),
    lambda L: L.special.logsumexp(L.tensor([[0.3, 1.0], [2.0, -1.0]]), 0, keepdim=True),
]


@pytest.mark.parametrize("i", range(len(BINARY)))
def test_special_misc(i):
    check(BINARY[i], rtol=1e-5, atol=1e-6)


def test_special_namespace():
    import mindtorch_v2.special as S
    for n in S.__all__:
        assert hasattr(T.special, n), n
    assert not hasattr(M, "zeta") and not hasattr(M, "xlog1py") and not hasattr(M, "expit")
    assert not hasattr(M.Tensor, "xlog1py")


# ------------------------------------------------------------------ softmax / log_softmax
SM_INPUTS = {
    "f32": lambda L: L.tensor(_V, dtype=L.float32),
    "f64_t": lambda L: L.tensor(_V).t(),
    "f32_3d_perm": lambda L: L.tensor(np.arange(24.0).reshape(2, 3, 4) / 5,
                                      dtype=L.float32).permute(2, 0, 1),
    "sliced": lambda L: L.tensor(_V)[:, ::2],
    "f16": lambda L: L.tensor(_V, dtype=L.float16),
    "bf16": lambda L: L.tensor(_V, dtype=L.bfloat16),
    "big": lambda L: L.tensor([[1000.0, 1001.0, -1000.0], [-1e30, 0.0, 1e30]]),
    "inf": lambda L: L.tensor([[float("inf"), 1.0], [float("-inf"), float("-inf")],
                               [float("-inf"), 0.0]]),
    "0d": lambda L: L.tensor(2.5),
    "empty": lambda L: L.zeros(0, 3),
    "i64": lambda L: L.arange(6).reshape(2, 3),
    "bool": lambda L: L.tensor([[True, False]]),
    "c64": lambda L: L.tensor([[1 + 1j, 2]]),
}
SM_CALLS = [
    lambda f, x, L: f(x, 0),
    lambda f, x, L: f(x, -1),
    lambda f, x, L: f(x, 1),
    lambda f, x, L: f(x, -1, dtype=L.float64),
    lambda f, x, L: f(x, 0, L.float32),
    lambda f, x, L: f(x, 2),
]


@pytest.mark.parametrize("inp", list(SM_INPUTS))
@pytest.mark.parametrize("which", ["softmax", "log_softmax", "special.softmax",
                                   "special.log_softmax", "method"])
def test_softmax(which, inp):
    def get(L):
        if which == "method":
            return lambda x, *a, **k: x.softmax(*a, **k)
        if which.startswith("special."):
            f = getattr(L.special, which.split(".")[1])
            return lambda x, d, dtype=None: f(x, d, dtype=dtype)
        return getattr(L, which)
    tol = {}
    for call in SM_CALLS:
        check(lambda L: call(get(L), SM_INPUTS[inp](L), L), check_stride=True, **tol)


def test_log_softmax_method_and_out():
    check(lambda L: L.tensor(_V).log_softmax(1, dtype=L.float32), check_stride=True)
    check(lambda L: L.softmax(L.tensor(_V), 0, out=L.empty(3, 4, dtype=L.float64)))
    check(lambda L: L.log_softmax(L.tensor(_V), 1, out=L.empty(0, dtype=L.float64)))


def test_softmax_bad_args():
    for bad in [lambda L: L.softmax(L.tensor([1.0, 2.0]), dim=(0,)),
                lambda L: L.softmax(L.tensor([1.0, 2.0])),
                lambda L: L.tensor(1.0).softmax(1),
                lambda L: L.softmax(L.tensor([1.0]), 0, dtype=L.int64)]:
        check(bad)


def test_softmax_values_stable():
    x = M.tensor([[1000.0, 1000.0]])
    assert np.allclose(M.softmax(x, 1).numpy(), 0.5)
    assert np.allclose(M.log_softmax(x, 1).numpy(), np.log(0.5))
