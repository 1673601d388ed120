"""torch.nn.functional activations compared with real torch: values and gradients."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
import mindtorch_v2.nn.functional  # noqa: F401  (torch.nn.functional as an attribute)
from helpers import assert_same, raises_like, run_both

RNG = np.random.default_rng(1)


X = RNG.standard_normal((4, 6)) * 3
X[0, :3] = [0.0, 1.0, -1.0]   # kinks
X4 = RNG.standard_normal((2, 3, 4, 2)) * 3
F = "nn.functional"

CASES = [
    ("relu", lambda L, x: L.nn.functional.relu(x)),
    ("torch.relu", lambda L, x: L.relu(x)),
    ("relu6", lambda L, x: L.nn.functional.relu6(x * 3)),
    ("leaky_relu", lambda L, x: L.nn.functional.leaky_relu(x, 0.2)),
    ("rrelu_eval", lambda L, x: L.nn.functional.rrelu(x)),
    ("elu", lambda L, x: L.nn.functional.elu(x, 0.7)),
    ("selu", lambda L, x: L.nn.functional.selu(x)),
    ("celu", lambda L, x: L.nn.functional.celu(x, 1.5)),
    ("gelu", lambda L, x: L.nn.functional.gelu(x)),
    ("gelu_tanh", lambda L, x: L.nn.functional.gelu(x, approximate="tanh")),
    ("silu", lambda L, x: L.nn.functional.silu(x)),
    ("mish", lambda L, x: L.nn.functional.mish(x)),
    ("sigmoid", lambda L, x: L.nn.functional.sigmoid(x)),
    ("tanh", lambda L, x: L.nn.functional.tanh(x)),
    ("hardtanh", lambda L, x: L.nn.functional.hardtanh(x, -1.5, 2.0)),
    ("hardsigmoid", lambda L, x: L.nn.functional.hardsigmoid(x)),
    ("hardswish", lambda L, x: L.nn.functional.hardswish(x)),
    ("softplus", lambda L, x: L.nn.functional.softplus(x)),
    ("softplus_beta", lambda L, x: L.nn.functional.softplus(x * 10, beta=2, threshold=5)),
    ("softsign", lambda L, x: L.nn.functional.softsign(x)),
    ("softshrink", lambda L, x: L.nn.functional.softshrink(x, 1.0)),
    ("hardshrink", lambda L, x: L.nn.functional.hardshrink(x, 1.0)),
    ("torch.hardshrink", lambda L, x: L.hardshrink(x)),
    ("tanhshrink", lambda L, x: L.nn.functional.tanhshrink(x)),
    ("threshold", lambda L, x: L.nn.functional.threshold(x, 0.5, -2.0)),
    ("logsigmoid", lambda L, x: L.nn.functional.logsigmoid(x * 20)),
    ("softmax", lambda L, x: L.nn.functional.softmax(x, dim=1)),
    ("softmax_dtype", lambda L, x: L.nn.functional.softmax(x, 0, dtype=L.float32)),
    ("log_softmax", lambda L, x: L.nn.functional.log_softmax(x, dim=-1)),
    ("softmin", lambda L, x: L.nn.functional.softmin(x, dim=1)),
    ("glu", lambda L, x: L.nn.functional.glu(x)),
    ("glu0", lambda L, x: L.nn.functional.glu(x, 0)),
    ("method_relu", lambda L, x: x.relu()),
    ("torch.selu", lambda L, x: L.selu(x)),
    ("torch.celu", lambda L, x: L.celu(x)),
    ("torch.threshold", lambda L, x: L.threshold(x, 0.1, 20)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype,noncontig", [("float64", False), ("float32", True)])
def test_activation(name, fn, dtype, noncontig):
    run_both(fn, [X], dtype, noncontig)


def test_activation_4d_batch1_and_empty():
    run_both(lambda L, x: L.nn.functional.gelu(L.nn.functional.elu(x)), [X4[:1]])
    run_both(lambda L, x: L.nn.functional.silu(x), [np.zeros((0, 3))])


def test_prelu():
    w = np.array([0.1, -0.5, 2.0])
    run_both(lambda L, x, w: L.nn.functional.prelu(x, w), [X4, w])
    run_both(lambda L, x, w: L.nn.functional.prelu(x, w), [X4, np.array([0.25])])
    raises_like(lambda: M.nn.functional.prelu(M.ones(2, 4), M.ones(3)),
                lambda: T.nn.functional.prelu(T.ones(2, 4), T.ones(3)))


INPLACE = [
    ("relu_", lambda L, x: L.nn.functional.relu_(x)),
    ("relu_inplace", lambda L, x: L.nn.functional.relu(x, inplace=True)),
    ("torch.relu_", lambda L, x: L.relu_(x)),
    ("method_relu_", lambda L, x: x.relu_()),
    ("elu_", lambda L, x: L.nn.functional.elu_(x)),
    ("selu", lambda L, x: L.nn.functional.selu(x, True)),
    ("celu_", lambda L, x: L.nn.functional.celu_(x)),
    ("leaky_relu_", lambda L, x: L.nn.functional.leaky_relu_(x, 0.3)),
    ("hardtanh_", lambda L, x: L.nn.functional.hardtanh_(x)),
    ("relu6", lambda L, x: L.nn.functional.relu6(x, inplace=True)),
    ("silu", lambda L, x: L.nn.functional.silu(x, inplace=True)),
    ("hardswish", lambda L, x: L.nn.functional.hardswish(x, inplace=True)),
    ("threshold_", lambda L, x: L.nn.functional.threshold_(x, 0.0, 1.0)),
]


@pytest.mark.parametrize("name,fn", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace(name, fn):
    """In-place variants modify their input (on a non-leaf) and keep gradients right."""
    def go(L, x):
        y = x * 1.0
        r = fn(L, y)
        assert r is y
        return y
    run_both(go, [X])


def test_rrelu_training_statistics():
    x = -M.ones(20000, dtype=M.float64)
    y = M.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.005
    pos = M.nn.functional.rrelu(M.ones(5), training=True)
    assert pos.tolist() == [1.0] * 5


ERRORS = [
    lambda L: L.nn.functional.glu(L.ones(2, 3)),
    lambda L: L.nn.functional.glu(L.ones(())),
    lambda L: L.nn.functional.gelu(L.ones(2), approximate="bad"),
    lambda L: L.nn.functional.hardtanh(L.ones(2), 2.0, 1.0),
    lambda L: L.nn.functional.softshrink(L.ones(2), -1.0),
    lambda L: L.nn.functional.elu(L.ones(2, dtype=L.int64)),
    lambda L: L.nn.functional.softmax(L.ones(2, dtype=L.int64), 0),
    lambda L: L.nn.functional.leaky_relu(L.ones(2, dtype=L.int64)),
    lambda L: L.nn.functional.gelu(L.ones(2, dtype=L.int64)),
    lambda L: L.nn.functional.silu(L.ones(2, dtype=L.int64)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    raises_like(lambda: ERRORS[i](M), lambda: ERRORS[i](T))


def test_softmax_implicit_dim_warns():
    with pytest.warns(UserWarning):
        r = M.nn.functional.softmax(M.tensor(X))
    with pytest.warns(UserWarning):
        e = T.nn.functional.softmax(T.tensor(X))
    assert_same(r, e)


@pytest.mark.parametrize("fn", [lambda L, x: L.nn.functional.gelu(x),
                                lambda L, x: L.nn.functional.gelu(x, approximate="tanh"),
                                lambda L, x: L.relu(x) * x],
                         ids=["gelu", "gelu_tanh", "relu"])
def test_double_backward(fn):
    res = {}
    for L in (M, T):
        x = L.tensor(X, requires_grad=True)
        (g,) = L.autograd.grad(fn(L, x).sum(), x, create_graph=True)
        (g * g).sum().backward()
        res[L] = g, x.grad
    assert_same(res[M], res[T])


def test_relu_keeps_dtype_and_layout():
    for dt in ("int32", "float16", "float32"):
        a = np.arange(-6, 6).reshape(3, 4)
        m = M.nn.functional.relu(M.tensor(a, dtype=getattr(M, dt)).t())
        t = T.nn.functional.relu(T.tensor(a, dtype=getattr(T, dt)).t())
        assert_same(m, t, check_stride=True)
    raises_like(lambda: M.relu(M.ones(2, dtype=M.bool)), lambda: T.relu(T.ones(2, dtype=T.bool)))


def test_gumbel_softmax_soft_hard_and_gradients():
    import mindtorch_v2 as M
    import mindtorch_v2.nn.functional as MF
    M.manual_seed(0)
    logits = M.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)
    soft = MF.gumbel_softmax(logits, tau=0.5)
    assert M.allclose(soft.sum(-1), M.ones(2))
    hard = MF.gumbel_softmax(logits, tau=0.5, hard=True)
    assert sorted(hard.detach().flatten().tolist()) == [0, 0, 0, 0, 1, 1]
    (hard * M.tensor([1.0, 2.0, 3.0])).sum().backward()  # straight-through: soft's grad
    assert logits.grad is not None and bool(M.isfinite(logits.grad).all())
    # the frequency of each category follows softmax(logits)
    M.manual_seed(1)
    probs = M.tensor([0.2, 0.5, 0.3])
    draws = MF.gumbel_softmax(probs.log().expand(20000, 3), hard=True).mean(0)
    assert M.allclose(draws, probs, atol=0.02)
