"""Activation modules against real torch: forward values, input (and PReLU weight)
gradients, repr strings, in-place variants, train/eval behaviour of RReLU, float32 and
non-contiguous inputs, and torch's errors."""
from __future__ import annotations

import sys
import pathlib

import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from _layer_harness import NC, compare, raises_same  # noqa: E402
from helpers import assert_same, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402

# (id, factory); every module maps a float tensor to one of the same shape (GLU halves dim)
ACTS = [
    ("relu", lambda nn: nn.ReLU()),
    ("relu6", lambda nn: nn.ReLU6()),
    ("leaky_relu", lambda nn: nn.LeakyReLU(0.2)),
    ("prelu", lambda nn: nn.PReLU()),
    ("prelu_channels", lambda nn: nn.PReLU(3, init=0.1)),
    ("elu", lambda nn: nn.ELU(alpha=0.7)),
    ("selu", lambda nn: nn.SELU()),
    ("celu", lambda nn: nn.CELU(alpha=1.5)),
    ("gelu", lambda nn: nn.GELU()),
    ("gelu_tanh", lambda nn: nn.GELU(approximate="tanh")),
    ("silu", lambda nn: nn.SiLU()),
    ("mish", lambda nn: nn.Mish()),
    ("sigmoid", lambda nn: nn.Sigmoid()),
    ("tanh", lambda nn: nn.Tanh()),
    ("hardtanh", lambda nn: nn.Hardtanh(-0.5, 1.5)),
    ("hardsigmoid", lambda nn: nn.Hardsigmoid()),
    ("hardswish", lambda nn: nn.Hardswish()),
    ("softplus", lambda nn: nn.Softplus(beta=2, threshold=1.5)),
    ("softsign", lambda nn: nn.Softsign()),
    ("softshrink", lambda nn: nn.Softshrink(0.3)),
    ("hardshrink", lambda nn: nn.Hardshrink()),
    ("tanhshrink", lambda nn: nn.Tanhshrink()),
    ("threshold", lambda nn: nn.Threshold(0.1, -2.0)),
    ("logsigmoid", lambda nn: nn.LogSigmoid()),
    ("softmax", lambda nn: nn.Softmax(dim=1)),
    ("log_softmax", lambda nn: nn.LogSoftmax(dim=-1)),
    ("softmin", lambda nn: nn.Softmin(dim=0)),
    ("softmax2d", lambda nn: nn.Softmax2d()),
    ("glu", lambda nn: nn.GLU()),
    ("glu_dim0", lambda nn: nn.GLU(dim=0)),
    ("rrelu_eval", lambda nn: nn.RReLU(0.1, 0.3)),
]
IDS = [a[0] for a in ACTS]


@pytest.mark.parametrize("name,make", ACTS, ids=IDS)
@pytest.mark.parametrize("shape", [(2, 3, 4), NC(2, 3, 4), (0, 3, 4)],
                         ids=["contig", "noncontig", "batch0"])
def test_activation(name, make, shape):
    if isinstance(shape, tuple) and shape[0] == 0 and name == "softmin":
        shape = (2, 3, 0)
    compare(make, [shape], train=not name.endswith("_eval"))


@pytest.mark.parametrize("name,make", ACTS, ids=IDS)
def test_activation_float32(name, make):
    compare(make, [(2, 3, 4)], dtype=T.float32, tol=2e-5, train=False)


INPLACE = [
    ("relu", lambda nn: nn.ReLU(inplace=True)),
    ("relu6", lambda nn: nn.ReLU6(inplace=True)),
    ("leaky_relu", lambda nn: nn.LeakyReLU(0.1, inplace=True)),
    ("elu", lambda nn: nn.ELU(inplace=True)),
    ("selu", lambda nn: nn.SELU(inplace=True)),
    ("celu", lambda nn: nn.CELU(0.5, inplace=True)),
    ("silu", lambda nn: nn.SiLU(inplace=True)),
    ("mish", lambda nn: nn.Mish(inplace=True)),
    ("hardtanh", lambda nn: nn.Hardtanh(inplace=True)),
    ("hardsigmoid", lambda nn: nn.Hardsigmoid(inplace=True)),
    ("hardswish", lambda nn: nn.Hardswish(inplace=True)),
    ("threshold", lambda nn: nn.Threshold(0.2, 5.0, inplace=True)),
    ("rrelu_eval", lambda nn: nn.RReLU(inplace=True).eval()),
]


@pytest.mark.parametrize("name,make", INPLACE, ids=[a[0] for a in INPLACE])
def test_activation_inplace(name, make):
    """In-place modules overwrite their (non-leaf) input; values and gradients as torch."""
    mt_mod, t_mod = make(M.nn), make(T.nn)
    assert repr(mt_mod) == repr(t_mod)
    xt = T.randn(3, 5, dtype=T.float64, requires_grad=True)
    xm = to_mt(xt).requires_grad_()
    yt, ym = xt * 2, xm * 2
    ot, om = t_mod(yt), mt_mod(ym)
    assert_same(om, ot.detach())
    assert_same(ym, yt.detach())  # the input itself was overwritten
    g = T.randn(3, 5, dtype=T.float64)
    ot.backward(g)
    om.backward(to_mt(g))
    assert_same(xm.grad, xt.grad)


def test_rrelu_training_draws_slopes_in_range():
    M.manual_seed(0)
    x = -M.ones(1000)
    y = M.nn.RReLU(0.1, 0.3)(x)
    slopes = -y
    assert slopes.min().item() >= 0.1 and slopes.max().item() <= 0.3
    assert slopes.std().item() > 0.03
    y = M.nn.RReLU(0.1, 0.3).eval()(x)
    assert_same(y, T.full((1000,), -0.2))


def test_reprs_and_defaults():
    for make in (lambda nn: nn.Softmax(), lambda nn: nn.LogSoftmax(), lambda nn: nn.Softmin(2),
                 lambda nn: nn.Hardtanh(min_value=-2.0), lambda nn: nn.RReLU(inplace=True),
                 lambda nn: nn.ELU(inplace=True), lambda nn: nn.Softshrink(),
                 lambda nn: nn.GELU(), lambda nn: nn.PReLU(4), lambda nn: nn.Threshold(1, 2)):
        assert repr(make(M.nn)) == repr(make(T.nn))
    assert M.nn.PReLU(4).state_dict()["weight"].shape == (4,)
    assert M.nn.Softmax().dim is None
    assert isinstance(M.nn.ReLU6(), M.nn.Hardtanh)


def test_softmax_implicit_dim_warns_like_torch():
    x = T.randn(2, 3, dtype=T.float64)
    with pytest.warns(UserWarning):
        ym = M.nn.Softmax()(to_mt(x))
    with pytest.warns(UserWarning):
        yt = T.nn.Softmax()(x)
    assert_same(ym, yt)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.GLU(), (2, 3)),
    (lambda nn: nn.Softmax2d(), (4,)),
    (lambda nn: nn.PReLU(3), (2, 4)),
])
def test_activation_errors(make, shape):
    raises_same(make, T.randn(shape))


def test_int_input_errors_like_torch():
    x = T.arange(4)
    for make in (lambda nn: nn.GELU(), lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh()):
        try:
            yt = make(T.nn)(x)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e)):
                make(M.nn)(to_mt(x))
        else:
            assert_same(make(M.nn)(to_mt(x)), yt)
