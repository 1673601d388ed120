"""nn.utils: gradient clipping, parameter vectors, weight_norm / spectral_norm (old and new
style), parametrize and orthogonal, each compared with real torch."""
from __future__ import annotations

import copy
import math
import pathlib
import pickle
import sys
import warnings

import numpy as np
import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from helpers import assert_same, raises_like, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402
import mindtorch_v2.nn.utils as MU  # noqa: E402
from mindtorch_v2.nn.utils import parametrizations as MP, parametrize as MPZ  # noqa: E402

TP, TPZ = T.nn.utils.parametrizations, T.nn.utils.parametrize
DTYPES = [(M.float32, T.float32), (M.float64, T.float64)]


def _grads_pair(shapes, dtype, seed=0, noncontig=False, scale=1.0):
    """Parameters with .grad set to the same random values in torch and mindtorch."""
    rng = np.random.default_rng(seed)
    pm, pt = [], []
    for s in shapes:
        g = np.asarray(rng.standard_normal(s) * scale)
        p_t = T.nn.Parameter(T.zeros(s, dtype=dtype[1]))
        p_m = M.nn.Parameter(M.zeros(s, dtype=dtype[0]))
        gt = T.from_numpy(g).to(dtype[1])
        if noncontig and len(s) == 2:  # a transposed gradient of the same shape
            gt = gt.t().contiguous().t()
            gm = to_mt(gt.t().contiguous()).t()
            assert not gm.is_contiguous()
        else:
            gm = to_mt(gt)
        p_t.grad, p_m.grad = gt, gm
        pm.append(p_m)
        pt.append(p_t)
    return pm, pt


# ------------------------------------------------------------------------ gradient clipping

CLIP_CASES = [  # (norm_type, max_norm)
    (2.0, 0.5), (2, 100.0), (1.0, 1.0), (math.inf, 0.3), ("inf", 0.3), (0.5, 2.0), (3.0, 0.1),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("norm_type,max_norm", CLIP_CASES)
def test_clip_grad_norm_(dtype, norm_type, max_norm):
    shapes = [(3, 4), (5,), (2, 3), ()]
    pm, pt = _grads_pair(shapes, dtype, noncontig=True)
    nm = M.nn.utils.clip_grad_norm_(pm, max_norm, norm_type=norm_type)
    nt = T.nn.utils.clip_grad_norm_(pt, max_norm, norm_type=norm_type)
    assert_same(nm, nt)
    for a, b in zip(pm, pt):
        assert_same(a.grad, b.grad)


def test_clip_grad_norm_inputs():
    # a generator, a single tensor, parameters without grads, nothing at all
    pm, pt = _grads_pair([(4,), (2, 2)], DTYPES[0])
    extra_m, extra_t = M.nn.Parameter(M.ones(3)), T.nn.Parameter(T.ones(3))
    assert_same(MU.clip_grad_norm_(iter(pm + [extra_m]), 0.1),
                T.nn.utils.clip_grad_norm_(iter(pt + [extra_t]), 0.1))
    for a, b in zip(pm, pt):
        assert_same(a.grad, b.grad)
    assert extra_m.grad is None
    assert_same(MU.clip_grad_norm_(pm[0], 0.01), T.nn.utils.clip_grad_norm_(pt[0], 0.01))
    assert_same(pm[0].grad, pt[0].grad)
    assert_same(MU.clip_grad_norm_([], 1.0), T.nn.utils.clip_grad_norm_([], 1.0))
    assert_same(MU.clip_grad_norm_([extra_m], 1.0), T.nn.utils.clip_grad_norm_([extra_t], 1.0))


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_clip_grad_norm_nonfinite(bad):
    pm, pt = _grads_pair([(3,), (2,)], DTYPES[1])
    pm[0].grad[1] = bad
    pt[0].grad[1] = bad
    raises_like(lambda: MU.clip_grad_norm_(pm, 1.0, error_if_nonfinite=True),
                lambda: T.nn.utils.clip_grad_norm_(pt, 1.0, error_if_nonfinite=True))
    assert_same(MU.clip_grad_norm_(pm, 1.0, foreach=True), T.nn.utils.clip_grad_norm_(pt, 1.0))
    for a, b in zip(pm, pt):
        assert_same(a.grad, b.grad)


def test_clip_grad_norm_deprecated_alias():
    pm, pt = _grads_pair([(3,)], DTYPES[0])
    with pytest.warns(FutureWarning):
        nm = MU.clip_grad_norm(pm, 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nt = T.nn.utils.clip_grad_norm(pt, 0.1)
    assert_same(nm, nt)
    assert_same(pm[0].grad, pt[0].grad)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("value", [0.5, 2, 0.0])
def test_clip_grad_value_(dtype, value):
    pm, pt = _grads_pair([(3, 4), (6,)], dtype, noncontig=True, scale=2.0)
    MU.clip_grad_value_(pm, value)
    T.nn.utils.clip_grad_value_(pt, value)
    for a, b in zip(pm, pt):
        assert_same(a.grad, b.grad)
    MU.clip_grad_value_(pm[0], 0.1)  # a single tensor
    T.nn.utils.clip_grad_value_(pt[0], 0.1)
    assert_same(pm[0].grad, pt[0].grad)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_get_total_norm_and_clip_with_norm(norm_type):
    pm, pt = _grads_pair([(3, 2), (4,)], DTYPES[1], scale=3.0)
    nm = MU.get_total_norm([p.grad for p in pm], norm_type)
    nt = T.nn.utils.get_total_norm([p.grad for p in pt], norm_type)
    assert_same(nm, nt)
    assert_same(MU.get_total_norm(pm[0].grad, norm_type),
                T.nn.utils.get_total_norm(pt[0].grad, norm_type))
    assert_same(MU.get_total_norm([]), T.nn.utils.get_total_norm([]))
    MU.clip_grads_with_norm_(pm, 1.0, nm)
    T.nn.utils.clip_grads_with_norm_(pt, 1.0, nt)
    for a, b in zip(pm, pt):
        assert_same(a.grad, b.grad)


# ------------------------------------------------------------------------ parameter vectors

def test_parameters_to_vector_roundtrip():
    mt = T.nn.Linear(3, 4).double()
    mm = M.nn.Linear(3, 4).double()
    mm.load_state_dict({k: to_mt(v) for k, v in mt.state_dict().items()})
    nc_t, nc_m = T.randn(3, 2).t(), None
    nc_m = to_mt(nc_t.t().contiguous()).t()
    pm, pt = list(mm.parameters()), list(mt.parameters())
    vm, vt = MU.parameters_to_vector(pm), T.nn.utils.parameters_to_vector(pt)
    assert_same(vm, vt)
    raises_like(lambda: MU.parameters_to_vector(pm + [nc_m]),  # torch views, so this raises
                lambda: T.nn.utils.parameters_to_vector(pt + [nc_t]))
    new = T.arange(vt.numel(), dtype=T.float64)
    MU.vector_to_parameters(to_mt(new), pm)
    T.nn.utils.vector_to_parameters(new, pt)
    for a, b in zip(pm, pt):
        assert_same(a, b)
        assert isinstance(a, M.nn.Parameter) and a.requires_grad
    raises_like(lambda: MU.vector_to_parameters([1.0], pm),
                lambda: T.nn.utils.vector_to_parameters([1.0], pt))


# ------------------------------------------------------------------------ module helpers

def _modules(make, dtype=T.float64):
    """make(nn) in torch and mindtorch with torch's weights."""
    T.manual_seed(0)
    tm = make(T.nn).to(dtype)
    mm = make(M.nn).to(M.float64 if dtype == T.float64 else M.float32)
    mm.load_state_dict({k: to_mt(v) for k, v in tm.state_dict().items()})
    return mm, tm


def _run(mm, tm, shape, dtype=T.float64, noncontig=False):
    """Forward the same input through both (leaf inputs require grad); backward a weighted
    sum; return the two input leaves."""
    xt = T.randn(shape, dtype=dtype)
    if noncontig:
        xt = xt.transpose(-1, -2).contiguous().transpose(-1, -2)
    xm = to_mt(xt.contiguous())
    if noncontig:
        xm = to_mt(xt.transpose(-1, -2).contiguous()).transpose(-1, -2)
        assert not xm.is_contiguous() or 1 in shape[-2:]
    xt.requires_grad_()
    xm.requires_grad_()
    yt, ym = tm(xt), mm(xm)
    assert_same(ym, yt)
    w = T.randn(yt.shape, dtype=dtype)
    (yt * w).sum().backward()
    (ym * to_mt(w)).sum().backward()
    assert_same(xm.grad, xt.grad)
    return xm, xt


def _same_params(mm, tm):
    dm, dt = dict(mm.named_parameters()), dict(tm.named_parameters())
    assert list(dm) == list(dt)
    for k in dt:
        assert_same(dm[k], dt[k])
        if dt[k].grad is not None:
            assert_same(dm[k].grad, dt[k].grad)


LAYERS = {
    "linear": (lambda nn: nn.Linear(4, 3), (2, 4)),
    "linear_b1": (lambda nn: nn.Linear(4, 3), (1, 4)),
    "conv2d": (lambda nn: nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "convT2d": (lambda nn: nn.ConvTranspose2d(2, 3, 3), (2, 2, 4, 4)),
}


# ------------------------------------------------------------------ old-style weight_norm

@pytest.mark.parametrize("dim", [0, 1, None, -1])
@pytest.mark.parametrize("layer", list(LAYERS))
def test_weight_norm_old(layer, dim):
    make, shape = LAYERS[layer]
    mm, tm = _modules(make)
    with pytest.warns(FutureWarning):
        assert MU.weight_norm(mm, dim=dim) is mm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        T.nn.utils.weight_norm(tm, dim=dim)
    assert list(mm.state_dict()) == list(tm.state_dict())
    _same_params(mm, tm)
    _run(mm, tm, shape, noncontig=layer.startswith("linear"))
    _same_params(mm, tm)  # gradients of weight_g and weight_v
    assert_same(mm.weight, tm.weight)
    MU.remove_weight_norm(mm)
    T.nn.utils.remove_weight_norm(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert isinstance(mm.weight, M.nn.Parameter)
    assert_same(mm.weight, tm.weight)


def test_weight_norm_old_errors():
    mm, tm = _modules(LAYERS["linear"][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MU.weight_norm(mm)
        T.nn.utils.weight_norm(tm)
        raises_like(lambda: MU.weight_norm(mm), lambda: T.nn.utils.weight_norm(tm))
    raises_like(lambda: MU.remove_weight_norm(mm, "bias"),
                lambda: T.nn.utils.remove_weight_norm(tm, "bias"))


# ---------------------------------------------------------------- old-style spectral_norm

def _copy_buffers(mm, tm):
    for k, v in tm.named_buffers():
        mm.get_buffer(k).copy_(to_mt(v))


@pytest.mark.parametrize("n_iter", [1, 3])
@pytest.mark.parametrize("layer", list(LAYERS))
def test_spectral_norm_old(layer, n_iter):
    make, shape = LAYERS[layer]
    mm, tm = _modules(make)
    MU.spectral_norm(mm, n_power_iterations=n_iter)
    T.nn.utils.spectral_norm(tm, n_power_iterations=n_iter)
    assert list(mm.state_dict()) == list(tm.state_dict())
    _copy_buffers(mm, tm)  # the random start vectors
    for _ in range(2):  # training: the power iteration updates the buffers in place
        _run(mm, tm, shape)
        for (k, a), (_, b) in zip(mm.named_buffers(), tm.named_buffers()):
            assert_same(a, b)
        _same_params(mm, tm)  # weight_orig's gradient flows through sigma
    mm.eval(), tm.eval()
    before = mm.weight_u.clone()
    _run(mm, tm, shape)
    assert_same(mm.weight_u, to_torch_like(before))  # no power iteration in eval
    assert_same(mm.weight_u, tm.weight_u)
    sd_m, sd_t = mm.state_dict(), tm.state_dict()
    assert sd_m._metadata[""]["spectral_norm"] == sd_t._metadata[""]["spectral_norm"]
    MU.remove_spectral_norm(mm)
    T.nn.utils.remove_spectral_norm(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_same(mm.weight, tm.weight)


def test_spectral_norm_old_errors():
    mm, tm = _modules(LAYERS["linear"][0])
    raises_like(lambda: MU.spectral_norm(mm, n_power_iterations=0),
                lambda: T.nn.utils.spectral_norm(tm, n_power_iterations=0))
    MU.spectral_norm(mm)
    T.nn.utils.spectral_norm(tm)
    raises_like(lambda: MU.spectral_norm(mm), lambda: T.nn.utils.spectral_norm(tm))
    raises_like(lambda: MU.remove_spectral_norm(mm, "bias"),
                lambda: T.nn.utils.remove_spectral_norm(tm, "bias"))


# ------------------------------------------------------------------------ parametrize

def _symmetric(nn):
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

        def right_inverse(self, a):
            return a.triu()
    return Symmetric()


def _scale(nn, k=2.0):
    class Scale(nn.Module):
        def forward(self, x):
            return x * k

        def right_inverse(self, a):
            return a / k
    return Scale()


def _square(nn):
    return nn.Linear(3, 3)


def test_register_parametrization_forward_backward():
    mm, tm = _modules(_square)
    MPZ.register_parametrization(mm, "weight", _symmetric(M.nn))
    TPZ.register_parametrization(tm, "weight", _symmetric(T.nn))
    assert type(mm).__name__ == type(tm).__name__ == "ParametrizedLinear"
    assert isinstance(mm, M.nn.Linear)
    assert MPZ.type_before_parametrizations(mm) is M.nn.Linear
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert MPZ.is_parametrized(mm) and MPZ.is_parametrized(mm, "weight")
    assert not MPZ.is_parametrized(mm, "bias")
    assert "weight" not in dict(mm.named_parameters())
    _same_params(mm, tm)  # original = right_inverse(weight)
    assert_same(mm.weight, tm.weight)
    _run(mm, tm, (2, 3), noncontig=True)
    _same_params(mm, tm)
    # chaining a second parametrization on the same tensor
    MPZ.register_parametrization(mm, "weight", _scale(M.nn))
    TPZ.register_parametrization(tm, "weight", _scale(T.nn))
    assert len(mm.parametrizations.weight) == 2
    assert_same(mm.weight, tm.weight)
    # assignment goes through right_inverse, keeping the original Parameter object
    orig = mm.parametrizations.weight.original
    new = T.randn(3, 3, dtype=T.float64)
    new = new + new.T
    mm.weight = to_mt(new)
    tm.weight = new
    assert mm.parametrizations.weight.original is orig
    assert_same(orig, tm.parametrizations.weight.original)
    assert_same(mm.weight, tm.weight)


def test_parametrization_on_buffer_and_tuple_right_inverse():
    class Split(M.nn.Module):
        def forward(self, a, b):
            return a + b

        def right_inverse(self, x):
            return x * 0.25, x * 0.75
    mm = M.nn.Linear(2, 2)
    mm.register_buffer("scale", M.ones(2))
    MPZ.register_parametrization(mm, "scale", _scale(M.nn, 3.0))
    assert "parametrizations.scale.original" in mm.state_dict()
    assert not isinstance(mm.parametrizations.scale.original, M.nn.Parameter)
    assert mm.scale.tolist() == [1.0, 1.0]
    assert mm.parametrizations.scale.original.tolist() == pytest.approx([1 / 3, 1 / 3])
    w = mm.weight.detach().clone()
    MPZ.register_parametrization(mm, "weight", Split())
    plist = mm.parametrizations.weight
    assert not plist.is_tensor and plist.ntensors == 2
    assert isinstance(plist.original0, M.nn.Parameter)
    assert_same(mm.weight, to_torch_like(w))
    MPZ.remove_parametrizations(mm, "weight")
    assert isinstance(mm.weight, M.nn.Parameter)
    with pytest.raises(ValueError):  # a sequence cannot go back to "the original"
        MPZ.register_parametrization(mm, "weight", Split())
        MPZ.remove_parametrizations(mm, "weight", leave_parametrized=False)


def to_torch_like(m):
    from helpers import to_torch
    return to_torch(m)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations(leave):
    mm, tm = _modules(_square)
    MPZ.register_parametrization(mm, "weight", _scale(M.nn))
    TPZ.register_parametrization(tm, "weight", _scale(T.nn))
    orig = mm.parametrizations.weight.original
    MPZ.remove_parametrizations(mm, "weight", leave_parametrized=leave)
    TPZ.remove_parametrizations(tm, "weight", leave_parametrized=leave)
    assert type(mm) is M.nn.Linear and not hasattr(mm, "parametrizations")
    assert mm.weight is orig  # same Parameter object, as torch's set_ keeps it
    assert list(mm.state_dict()) == list(tm.state_dict())
    _same_params(mm, tm)
    assert not hasattr(type(mm), "weight")


def test_parametrize_errors_like_torch():
    mm, tm = _modules(_square)
    for name in ("nothing", "weight"):
        pm, pt = _scale(M.nn), _scale(T.nn)
        if name == "weight":  # shape-changing parametrization without unsafe
            pm.forward = lambda x: x[:2]
            pt.forward = lambda x: x[:2]
        raises_like(lambda: MPZ.register_parametrization(mm, name, pm),
                    lambda: TPZ.register_parametrization(tm, name, pt))
    raises_like(lambda: MPZ.remove_parametrizations(mm, "weight"),
                lambda: TPZ.remove_parametrizations(tm, "weight"))
    # unsafe lets the shape change
    pm = _scale(M.nn)
    pm.forward = lambda x: x[:2]
    MPZ.register_parametrization(mm, "weight", pm, unsafe=True)
    assert mm.weight.shape == (2, 3)
    with pytest.raises(ValueError):
        MPZ.ParametrizationList([], M.ones(2))


def test_parametrize_cached_pickle_deepcopy():
    mm = M.nn.Linear(3, 3)
    MPZ.register_parametrization(mm, "weight", _symmetric(M.nn))
    assert mm.weight is not mm.weight
    with MPZ.cached():
        w = mm.weight
        assert mm.weight is w
        with MPZ.cached():
            assert mm.weight is w
        assert mm.weight is w
    assert mm.weight is not w
    with pytest.raises(RuntimeError, match="state_dict"):
        pickle.dumps(mm)
    mc = copy.deepcopy(mm)
    assert type(mc) is type(mm)
    assert mc.parametrizations.weight.original is not mm.parametrizations.weight.original
    assert_same(mc.weight, to_torch_like(mm.weight))
    other = M.nn.Linear(3, 3)
    assert type(other) is M.nn.Linear and not hasattr(type(other), "weight")


@pytest.mark.parametrize("style", ["weight_norm", "scale"])
def test_transfer_parametrizations_and_params(style):
    res = []
    for nn, P, PZ in ((M.nn, MP, MPZ), (T.nn, TP, TPZ)):
        a, b = nn.Linear(3, 3), nn.Linear(3, 3)
        if style == "weight_norm":
            P.weight_norm(a)
        else:
            PZ.register_parametrization(a, "weight", _scale(nn))
        PZ.transfer_parametrizations_and_params(a, b)
        pa, pb = a.parametrizations.weight, b.parametrizations.weight
        res.append((type(b).__name__, list(b.state_dict()), bool((a.weight == b.weight).all()),
                    [getattr(pa, k) is getattr(pb, k) for k, _ in pa.named_parameters()],
                    pa[0] is pb[0]))
        c = nn.Module()
        PZ.transfer_parametrizations_and_params(a, c, "weight")
        res.append((type(c).__name__, list(c.state_dict())))
    assert res[:2] == res[2:]


# ------------------------------------------------------------- new-style parametrizations

@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("layer", ["linear", "conv2d", "convT2d"])
def test_parametrizations_weight_norm(layer, dim):
    make, shape = LAYERS[layer]
    mm, tm = _modules(make)
    MP.weight_norm(mm, dim=dim)
    TP.weight_norm(tm, dim=dim)
    assert list(mm.state_dict()) == list(tm.state_dict())
    _same_params(mm, tm)
    assert_same(mm.weight, tm.weight)
    _run(mm, tm, shape)
    _same_params(mm, tm)


def test_parametrizations_weight_norm_loads_old_checkpoint():
    mm, tm = _modules(LAYERS["linear"][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        T.nn.utils.weight_norm(tm)
    MP.weight_norm(mm)
    mm.load_state_dict({k: to_mt(v) for k, v in tm.state_dict().items()})
    assert_same(mm.weight, tm.weight)


@pytest.mark.parametrize("layer", list(LAYERS))
def test_parametrizations_spectral_norm(layer):
    make, shape = LAYERS[layer]
    mm, tm = _modules(make)
    MP.spectral_norm(mm)
    TP.spectral_norm(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    # after 15 warm-up iterations both estimate the top singular vector (up to sign)
    um, ut = mm.parametrizations.weight[0]._u, tm.parametrizations.weight[0]._u
    assert abs(float((to_torch_like(um) * ut).sum())) == pytest.approx(1.0, abs=1e-2)
    _copy_buffers(mm, tm)
    for _ in range(2):
        _run(mm, tm, shape)
        _same_params(mm, tm)
    mm.eval(), tm.eval()
    _run(mm, tm, shape)
    for (_, a), (_, b) in zip(mm.named_buffers(), tm.named_buffers()):
        assert_same(a, b)


def test_parametrizations_spectral_norm_errors():
    mm, tm = _modules(LAYERS["linear"][0])
    for kw in ({"dim": 2}, {"n_power_iterations": 0}, {"name": "nope"}):
        raises_like(lambda: MP.spectral_norm(mm, **kw), lambda: TP.spectral_norm(tm, **kw))
    bm, bt = _modules(lambda nn: nn.Linear(1, 1))  # a 1-D tensor: plain normalisation
    MP.spectral_norm(bm, "bias")
    TP.spectral_norm(bt, "bias")
    assert_same(bm.bias, bt.bias)


@pytest.mark.parametrize("orth_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_square_matches_torch(orth_map):
    mm, tm = _modules(lambda nn: nn.Linear(4, 4))
    MP.orthogonal(mm, orthogonal_map=orth_map)
    TP.orthogonal(tm, orthogonal_map=orth_map)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_same(mm.weight, tm.weight, atol=1e-10, rtol=1e-8)
    _run(mm, tm, (3, 4))
    _same_params(mm, tm)


@pytest.mark.parametrize("orth_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 3, 3)])
def test_orthogonal_shapes(orth_map, shape):
    mod = M.nn.Module()
    mod.register_parameter("weight", M.nn.Parameter(M.randn(*shape, dtype=M.float64)))
    MP.orthogonal(mod, orthogonal_map=orth_map)
    w = to_torch_like(mod.weight)
    q = w if shape[-2] >= shape[-1] else w.mT
    eye = T.eye(q.shape[-1], dtype=T.float64).expand(q.mT.shape[:-2] + (q.shape[-1],) * 2)
    T.testing.assert_close(q.mT @ q, eye, atol=1e-10, rtol=0)
    mod.weight.sum().backward()
    assert mod.parametrizations.weight.original.grad.shape == shape
    # assigning an orthogonal matrix makes it the value
    new = T.linalg.qr(T.randn(max(shape[-2:]), max(shape[-2:]), dtype=T.float64))[0]
    new = new[:shape[-2], :shape[-1]].expand(shape).contiguous()
    mod.weight = to_mt(new)
    T.testing.assert_close(to_torch_like(mod.weight), new, atol=1e-10, rtol=0)


def test_orthogonal_errors():
    mm, tm = _modules(lambda nn: nn.Linear(4, 4))
    for kw in ({"name": "bias"}, {"orthogonal_map": "nope"}, {"name": "nope"}):
        raises_like(lambda: MP.orthogonal(mm, **kw), lambda: TP.orthogonal(tm, **kw))
    MP.orthogonal(mm)
    TP.orthogonal(tm)
    raises_like(lambda: setattr(mm, "weight", M.ones(3, 3)),
                lambda: setattr(tm, "weight", T.ones(3, 3)))
