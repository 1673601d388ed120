"""torch.optim.lr_scheduler against real torch: lr (and momentum) sequences over many
epochs, closed form vs chainable, state dict round trips."""
import math
import warnings

import pytest
import torch as T

import mindtorch_v2 as M

S = "lr_scheduler"


def _opt(lib, kind="SGD", **kw):
    ps = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    return getattr(lib.optim, kind)([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5}],
                                    lr=0.1, **kw)


def _sched(lib, opt, name, kw):
    kw = {k: (v(lib, opt) if callable(v) and k == "_build" else v) for k, v in kw.items()}
    return getattr(lib.optim.lr_scheduler, name)(opt, **kw)


CASES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95 ** e)),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: 0.5 ** e])),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.9)),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=6)),
    ("ConstantLR", dict(factor=0.5, total_iters=4)),
    ("PolynomialLR", dict(total_iters=8, power=2.0)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3)),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=2, step_size_down=5,
                      mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range",
                      gamma=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False,
                      scale_fn=lambda x: 0.8 ** x, scale_mode="iterations")),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=31)),
    ("OneCycleLR", dict(max_lr=[0.5, 1.0], epochs=3, steps_per_epoch=10,
                        anneal_strategy="linear", three_phase=True, pct_start=0.25)),
]


def _momenta(opt):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]


def _run(lib, name, kw, epochs, kind="SGD", opt_kw=None):
    opt = _opt(lib, kind, **(opt_kw or {}))
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kw)
    out = [(sched.get_last_lr(), [g["lr"] for g in opt.param_groups], _momenta(opt))]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups], _momenta(opt)))
    return out, sched, opt


def _close(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(y, (list, tuple)):
            _close(x, y)
        elif y is None:
            assert x is None
        else:
            assert x == pytest.approx(y, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_sequence_matches_torch(name, kw):
    epochs = 30 if name == "OneCycleLR" else 25
    m, _, _ = _run(M, name, kw, epochs, opt_kw=dict(momentum=0.9))
    t, _, _ = _run(T, name, kw, epochs, opt_kw=dict(momentum=0.9))
    _close(m, t)


@pytest.mark.parametrize("name,kw", [("OneCycleLR", dict(max_lr=0.05, total_steps=20)),
                                     ("CyclicLR", dict(base_lr=0.001, max_lr=0.01,
                                                       step_size_up=3))])
def test_cycle_momentum_with_adam_betas(name, kw):
    m, _, mo = _run(M, name, kw, 19, kind="Adam")
    t, _, to = _run(T, name, kw, 19, kind="Adam")
    _close(m, t)
    assert mo.param_groups[0]["betas"][1] == to.param_groups[0]["betas"][1] == 0.999
    assert mo.param_groups[0]["max_momentum"] == to.param_groups[0]["max_momentum"]


def test_onecycle_overstep_and_momentum_errors():
    for lib in (M, T):
        _, sched, _ = _run(lib, "OneCycleLR", dict(max_lr=0.1, total_steps=3), 2)
        with pytest.raises(ValueError, match="Tried to step 4 times"):
            sched.step()
            sched.step()
        ps = [lib.zeros(1, requires_grad=True)]
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
            lib.optim.lr_scheduler.OneCycleLR(lib.optim.Adagrad(ps), max_lr=0.1,
                                              total_steps=5)
        with pytest.raises(ValueError, match="You must define either total_steps"):
            lib.optim.lr_scheduler.OneCycleLR(lib.optim.SGD(ps, momentum=0.9), max_lr=0.1)


@pytest.mark.parametrize("name,kw", [c for c in CASES if c[0] in (
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "ConstantLR",
    "PolynomialLR", "CosineAnnealingWarmRestarts")])
def test_closed_form_with_epoch_argument(name, kw):
    """step(epoch) uses the closed form (with a deprecation warning), as in torch."""
    res = {}
    for lib in (M, T):
        opt = _opt(lib)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kw)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for e in [1, 2, 5, 3, 9, 12, 7, 20]:
                opt.step()
                sched.step(e)
                seq.append(sched.get_last_lr())
        res[lib] = seq
    _close(res[M], res[T])
    if name == "CosineAnnealingWarmRestarts":  # its own step(epoch) does not warn (torch)
        return
    opt = _opt(M)
    sched = getattr(M.optim.lr_scheduler, name)(opt, **kw)
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(3)


def test_warm_restarts_fractional_epochs():
    res = {}
    for lib in (M, T):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res[lib] = []
            for i in range(40):
                sched.step(i * 0.37)
                res[lib].append((sched.get_last_lr(), sched.T_i, sched.T_cur, sched.last_epoch))
    _close(res[M], res[T])


@pytest.mark.parametrize("kw,metrics", [
    (dict(patience=2, factor=0.5), [5, 4, 4.5, 4.2, 4.1, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6]),
    (dict(mode="max", threshold_mode="abs", threshold=0.1, patience=1, cooldown=2,
          min_lr=[0.02, 0.2]), [1, 1.05, 1.08, 1.2, 1.25, 1.26, 1.27, 1.28, 1.2, 1.1, 1.0]),
    (dict(mode="min", threshold_mode="rel", patience=0, factor=0.3, min_lr=0.009, eps=1e-3),
     [3.0] * 12),
    (dict(mode="max", patience=0, factor=0.5), [1.0, 0.9, 0.95, 1.001, 1.5, 1.4]),
])
def test_reduce_lr_on_plateau_matches_torch(kw, metrics):
    res = {}
    for lib in (M, T):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        seq = []
        for m in metrics:
            sched.step(m)
            seq.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter,
                        sched.best, sched.last_epoch))
        res[lib] = seq
    _close(res[M], res[T])


def test_reduce_lr_on_plateau_errors():
    opt = _opt(M)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        M.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode foo is unknown"):
        M.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="foo")
    with pytest.raises(ValueError, match="expected 2 min_lrs"):
        M.optim.lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])


def _sequential(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.1, total_iters=4),
                                s.ExponentialLR(opt, gamma=0.9),
                                s.CosineAnnealingLR(opt, T_max=5)], milestones=[4, 10])


def _chained(lib, opt):
    s = lib.optim.lr_scheduler
    return s.ChainedScheduler([s.ConstantLR(opt, factor=0.5, total_iters=3),
                               s.ExponentialLR(opt, gamma=0.8),
                               s.MultiStepLR(opt, milestones=[4, 8], gamma=0.5)])


@pytest.mark.parametrize("build", [_sequential, _chained], ids=["sequential", "chained"])
def test_composite_schedulers_match_torch(build):
    res = {}
    for lib in (M, T):
        opt = _opt(lib)
        sched = build(lib, opt)
        seq = [(sched.get_last_lr(), [g["lr"] for g in opt.param_groups])]
        for _ in range(20):
            opt.step()
            sched.step()
            seq.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups]))
        res[lib] = seq
    _close(res[M], res[T])


def test_composite_errors():
    s = M.optim.lr_scheduler
    opt, other = _opt(M), _opt(M)
    with pytest.raises(ValueError, match="expects at least one scheduler"):
        s.SequentialLR(opt, [], milestones=[])
    with pytest.raises(ValueError, match="one more than the number of milestone points"):
        s.SequentialLR(opt, [s.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="to belong to the same optimizer"):
        s.ChainedScheduler([s.StepLR(opt, 2), s.StepLR(other, 2)])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        s.ChainedScheduler([s.ReduceLROnPlateau(opt)])


@pytest.mark.parametrize("name,kw", CASES[:6] + CASES[8:13] + [CASES[15]],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_state_dict_round_trip(name, kw):
    """Stop half-way, save, restore into a fresh scheduler (last_epoch resume), continue:
    the rest of the sequence equals an uninterrupted torch run."""
    t, _, _ = _run(T, name, kw, 24, opt_kw=dict(momentum=0.9))
    opt = _opt(M, momentum=0.9)
    sched = getattr(M.optim.lr_scheduler, name)(opt, **kw)
    for _ in range(10):
        opt.step()
        sched.step()
    sd, osd = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 10
    tsd = _run(T, name, kw, 10, opt_kw=dict(momentum=0.9))[1].state_dict()
    assert set(sd) == set(tsd)
    opt2 = _opt(M, momentum=0.9)
    opt2.load_state_dict(osd)
    sched2 = getattr(M.optim.lr_scheduler, name)(opt2, **kw)
    sched2.load_state_dict(sd)
    opt2.load_state_dict(osd)  # the new scheduler's init step touched the lrs
    seq = []
    for _ in range(14):
        opt2.step()
        sched2.step()
        seq.append(sched2.get_last_lr())
    _close(seq, [e[0] for e in t[11:]])


def test_base_behaviour_and_warnings():
    opt = _opt(M)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        M.optim.lr_scheduler.StepLR(object(), 2)
    with pytest.raises(KeyError, match="initial_lr"):
        M.optim.lr_scheduler.StepLR(opt, 2, last_epoch=3)
    sched = M.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    assert sched.base_lrs == [0.1, 0.5] and sched.last_epoch == 0
    assert opt.param_groups[0]["initial_lr"] == 0.1
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()
    assert isinstance(sched, M.optim.lr_scheduler.LRScheduler)
    with pytest.raises(TypeError):
        M.optim.lr_scheduler.StepLR(opt, 2, verbose=True)  # removed in torch 2.13 as well
    with pytest.raises(TypeError):
        T.optim.lr_scheduler.StepLR(_opt(T), 2, verbose=True)


def test_lambda_state_dict_saves_callable_objects():
    class Decay:
        def __init__(self, r):
            self.r = r

        def __call__(self, e):
            return self.r ** e
    opt = _opt(M)
    sched = M.optim.lr_scheduler.LambdaLR(opt, [Decay(0.5), lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"r": 0.5}, None]
    sched2 = M.optim.lr_scheduler.LambdaLR(_opt(M), [Decay(0.9), lambda e: 1.0])
    sched2.load_state_dict(sd)
    assert sched2.lr_lambdas[0].r == 0.5
    assert math.isclose(sched2.get_last_lr()[0], 0.1)
