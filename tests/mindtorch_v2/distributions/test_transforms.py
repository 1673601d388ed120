"""Transforms, biject_to/transform_to and constraints against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same

R = np.random.RandomState(1)


def _x(lib, a):
    return lib.tensor(np.asarray(a, dtype=np.float64))


TRANSFORMS = {
    "exp": (lambda tr, lib: tr.ExpTransform(), R.normal(size=(2, 3))),
    "sigmoid": (lambda tr, lib: tr.SigmoidTransform(), R.normal(size=(3,))),
    "tanh": (lambda tr, lib: tr.TanhTransform(), R.normal(size=(3,))),
    "softplus": (lambda tr, lib: tr.SoftplusTransform(), R.normal(size=(3,))),
    "affine": (lambda tr, lib: tr.AffineTransform(_x(lib, [1.0, -2.0, 0.5]),
                                                  _x(lib, [2.0, -0.5, 3.0])), R.normal(size=(3,))),
    "affine_num_ev1": (lambda tr, lib: tr.AffineTransform(1.0, -3.0, event_dim=1),
                       R.normal(size=(2, 3))),
    "power": (lambda tr, lib: tr.PowerTransform(_x(lib, 2.5)), R.uniform(0.5, 2, size=(3,))),
    "stick": (lambda tr, lib: tr.StickBreakingTransform(), R.normal(size=(2, 3))),
    "lower_chol": (lambda tr, lib: tr.LowerCholeskyTransform(), R.normal(size=(3, 3))),
    "corr_chol": (lambda tr, lib: tr.CorrCholeskyTransform(), R.normal(size=(2, 6))),
    "compose": (lambda tr, lib: tr.ComposeTransform([tr.AffineTransform(0.5, 2.0),
                                                     tr.ExpTransform()]), R.normal(size=(3,))),
    "indep": (lambda tr, lib: tr.IndependentTransform(tr.SigmoidTransform(), 1),
              R.normal(size=(2, 3))),
    "reshape": (lambda tr, lib: tr.ReshapeTransform((2, 3), (6,)), R.normal(size=(4, 2, 3))),
    "inv_exp": (lambda tr, lib: tr.ExpTransform().inv, R.uniform(0.5, 2, size=(3,))),
    "cat": (lambda tr, lib: tr.CatTransform([tr.ExpTransform(), tr.AffineTransform(1.0, 2.0)],
                                            dim=0, lengths=[1, 2]), R.normal(size=(3, 2))),
    "stack": (lambda tr, lib: tr.StackTransform([tr.ExpTransform(), tr.TanhTransform()],
                                                dim=1), R.normal(size=(3, 2))),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_forward_inverse_logdet(name):
    make, xa = TRANSFORMS[name]
    out = {}
    for lib in (M, T):
        t = make(lib.distributions.transforms, lib)
        x = _x(lib, xa).requires_grad_()
        y = t(x)
        xr = t.inv(y.detach())
        ladj = t.log_abs_det_jacobian(x, y) if name != "lower_chol" else None
        parts = [y, xr] + ([ladj] if ladj is not None else [])
        out[lib] = (parts, t, x)
    (pm, tm, xm), (pt, tt, xt) = out[M], out[T]
    for a, b in zip(pm, pt):
        assert_same(a, b, rtol=1e-6, atol=1e-9)
    assert tm.bijective == tt.bijective
    assert type(tm.domain).__name__ == type(tt.domain).__name__
    assert tm.domain.event_dim == tt.domain.event_dim
    assert tm.codomain.event_dim == tt.codomain.event_dim
    shape = tuple(xa.shape)
    assert tuple(tm.forward_shape(shape)) == tuple(tt.forward_shape(shape))
    # gradients of the log-det (or of y) w.r.t. x
    use_ladj = len(pt) == 3 and pt[-1].requires_grad  # constant log-dets have no graph
    sm = (pm[-1] if use_ladj else pm[0]).sum()
    st = (pt[-1] if use_ladj else pt[0]).sum()
    (gm,) = M.autograd.grad(sm, [xm])
    (gt,) = T.autograd.grad(st, [xt])
    assert_same(gm, gt, rtol=1e-6, atol=1e-9)


def test_transform_cache_and_inverse_identity():
    tr = M.distributions.transforms
    t = tr.ExpTransform()
    assert t.inv.inv is t
    assert t.sign == 1 and t.inv.sign == 1
    c = t.with_cache(1)
    x = _x(M, [0.1, 0.2])
    y = c(x)
    assert c.inv(y) is x  # cached pair: exact inverse
    with pytest.raises(ValueError):
        tr.ExpTransform(cache_size=2)
    assert tr.AffineTransform(0.0, -2.0).sign == -1
    assert tr.ExpTransform() == tr.ExpTransform()
    assert tr.identity_transform(x) is x


CONSTRAINT_CASES = [
    ("real", None), ("positive", None), ("nonnegative", None), ("unit_interval", None),
    ("simplex", None), ("lower_cholesky", None), ("corr_cholesky", None),
    ("positive_definite", None), ("greater_than", (1.5,)), ("less_than", (-0.5,)),
    ("interval", (-1.0, 2.0)), ("half_open_interval", (0.0, 3.0)),
]


def _constraint(lib, name, args):
    c = getattr(lib.distributions.constraints, name)
    return c(*args) if args else c


@pytest.mark.parametrize("name,args", CONSTRAINT_CASES)
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_biject_and_transform_to(name, args, registry):
    shape = (2, 3, 3) if name in ("lower_cholesky", "positive_definite") else \
        (2, 6) if name == "corr_cholesky" else (2, 4)
    xa = R.normal(size=shape)
    res = {}
    for lib in (M, T):
        c = _constraint(lib, name, args)
        try:
            t = getattr(lib.distributions, registry)(c)
        except NotImplementedError:
            res[lib] = None
            continue
        y = t(_x(lib, xa))
        res[lib] = (type(t).__name__, y, c.check(y))
    if res[T] is None:
        assert res[M] is None
        return
    assert res[M][0] == res[T][0]
    assert_same(res[M][1], res[T][1], rtol=1e-6, atol=1e-9)
    assert bool(res[M][2].all())
    assert_same(res[M][2], res[T][2])


@pytest.mark.parametrize("name,args,vals", [
    ("boolean", None, [0.0, 1.0, 0.5]), ("nonnegative_integer", None, [0.0, 2.0, -1.0, 1.5]),
    ("positive_integer", None, [0.0, 1.0, 3.0]), ("integer_interval", (1, 3), [0.0, 2.0, 3.0]),
    ("real", None, [1.0, float("nan"), float("inf")]), ("positive", None, [0.0, 1.0]),
    ("unit_interval", None, [0.0, 1.0, 1.1]), ("greater_than_eq", (1.0,), [1.0, 0.9]),
    ("simplex", None, [[0.5, 0.5], [0.5, 0.6]]), ("one_hot", None, [[0.0, 1.0], [1.0, 1.0]]),
    ("lower_triangular", None, [[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]]]),
    ("square", None, [[[1.0, 2.0], [3.0, 4.0]]]),
    ("symmetric", None, [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0], [3.0, 1.0]]]),
    ("positive_semidefinite", None, [[[1.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 1.0]]]),
    ("real_vector", None, [[1.0, float("nan")], [1.0, 2.0]]),
])
def test_constraint_check(name, args, vals):
    res = [_constraint(lib, name, args).check(_x(lib, vals)) for lib in (M, T)]
    assert_same(res[0], res[1])
    cm, ct = (_constraint(lib, name, args) for lib in (M, T))
    assert cm.event_dim == ct.event_dim and cm.is_discrete == ct.is_discrete
    assert repr(cm) == repr(ct)


def test_dependent_constraints():
    C = M.distributions.constraints
    assert C.is_dependent(C.dependent)
    assert C.is_dependent(M.distributions.Uniform.support)
    with pytest.raises(ValueError):
        C.dependent.check(M.tensor(1.0))
    with pytest.raises(NotImplementedError):
        C.dependent.event_dim  # noqa: B018
    assert C.dependent(event_dim=1).event_dim == 1
