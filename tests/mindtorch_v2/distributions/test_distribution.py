"""Distribution base behaviour: argument/sample validation (torch's messages), wrappers
(Independent, TransformedDistribution, MixtureSameFamily), repr and utils."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


def _x(lib, a):
    return lib.tensor(np.asarray(a, dtype=np.float64))


def _same_error(fn):
    """Both libraries raise the same type with the same message (tensor text normalised)."""
    msgs = []
    for lib in (T, M):
        with pytest.raises(Exception) as e:
            fn(lib)
        msgs.append((type(e.value), str(e.value)))
    assert msgs[0][0] is msgs[1][0], msgs
    norm = [re.sub(r"tensor\(.*", "", m, flags=re.S) for _, m in msgs]
    assert norm[0] == norm[1], msgs


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.Normal(_x(lib, [0.0]), _x(lib, [-1.0])),
    lambda lib: lib.distributions.Gamma(_x(lib, [1.0]), _x(lib, [0.0])),
    lambda lib: lib.distributions.Bernoulli(probs=_x(lib, [1.5])),
    lambda lib: lib.distributions.Bernoulli(probs=_x(lib, [0.5]), logits=_x(lib, [0.0])),
    lambda lib: lib.distributions.Categorical(probs=_x(lib, [[0.5, -0.1]])),
    lambda lib: lib.distributions.Categorical(probs=_x(lib, 0.5)),
    lambda lib: lib.distributions.Dirichlet(_x(lib, [1.0, -2.0])),
    lambda lib: lib.distributions.Uniform(_x(lib, [1.0]), _x(lib, [0.0])),
    lambda lib: lib.distributions.MultivariateNormal(_x(lib, [0.0, 0.0])),
    lambda lib: lib.distributions.MultivariateNormal(_x(lib, 0.0), _x(lib, [[1.0]])),
    lambda lib: lib.distributions.MultivariateNormal(_x(lib, [0.0]), _x(lib, [1.0])),
    lambda lib: lib.distributions.MultivariateNormal(_x(lib, [0.0, 0.0]),
                                                     _x(lib, [[1.0, 2.0], [2.0, 1.0]])),
    lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1),
    lambda lib: lib.distributions.Normal(_x(lib, [0.0, 1.0]), 1.0).log_prob(
        _x(lib, [0.0, 1.0, 2.0])),
    lambda lib: lib.distributions.Normal(_x(lib, [0.0, 1.0]), 1.0).log_prob([0.0, 1.0]),
    lambda lib: lib.distributions.Exponential(_x(lib, [1.0])).log_prob(_x(lib, [-1.0])),
    lambda lib: lib.distributions.Dirichlet(_x(lib, [1.0, 2.0])).log_prob(_x(lib, [1.0])),
    lambda lib: lib.distributions.Poisson(_x(lib, [1.0])).log_prob(_x(lib, [0.5])),
    lambda lib: lib.distributions.Geometric(probs=_x(lib, [0.0])),
    lambda lib: lib.distributions.Binomial(3, _x(lib, [0.5])).log_prob(_x(lib, [4.0])),
])
def test_validation_errors_match_torch(fn):
    # real torch.compile (called by another test in the same worker) switches torch's
    # default argument validation off; both libraries must validate here
    prev = T.distributions.Distribution._validate_args
    T.distributions.Distribution.set_default_validate_args(True)
    try:
        _same_error(fn)
    finally:
        T.distributions.Distribution.set_default_validate_args(prev)


def test_validate_args_off():
    d = M.distributions.Normal(_x(M, [0.0]), _x(M, [-1.0]), validate_args=False)
    assert bool(M.isnan(d.log_prob(_x(M, [0.0]))).all())
    M.distributions.Distribution.set_default_validate_args(False)
    try:
        M.distributions.Normal(_x(M, [0.0]), _x(M, [-1.0]))
    finally:
        M.distributions.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        M.distributions.Normal(_x(M, [0.0]), _x(M, [-1.0]))


def test_repr_and_perplexity():
    for lib in (M, T):
        d = lib.distributions.Normal(_x(lib, [0.0, 1.0]), _x(lib, [1.0, 2.0]))
        assert repr(d) == "Normal(loc: torch.Size([2]), scale: torch.Size([2]))"
    assert repr(M.distributions.Gamma(2.0, 3.0)) == repr(T.distributions.Gamma(2.0, 3.0))
    assert_same(M.distributions.Normal(_x(M, [0.0]), _x(M, [2.0])).perplexity(),
                T.distributions.Normal(_x(T, [0.0]), _x(T, [2.0])).perplexity())


def _mixtures(lib):
    D = lib.distributions
    mix = D.Categorical(_x(lib, [[0.3, 0.7], [0.5, 0.5]]))
    comp = D.Independent(D.Normal(_x(lib, [[[0.0, 1.0], [2.0, -1.0]]] * 2),
                                  _x(lib, [[[1.0, 0.5], [2.0, 1.0]]] * 2)), 1)
    return D.MixtureSameFamily(mix, comp)


def test_mixture_same_family():
    m, t = _mixtures(M), _mixtures(T)
    assert tuple(m.batch_shape) == tuple(t.batch_shape)
    assert tuple(m.event_shape) == tuple(t.event_shape)
    v = np.array([[0.5, -0.2], [1.0, 1.0]])
    assert_same(m.log_prob(_x(M, v)), t.log_prob(_x(T, v)))
    assert_same(m.mean, t.mean)
    assert_same(m.variance, t.variance)
    s = m.sample((3,))
    assert tuple(s.shape) == tuple(t.sample((3,)).shape)
    e = m.expand((4, 2))
    assert tuple(e.batch_shape) == (4, 2)
    D = M.distributions
    n = D.MixtureSameFamily(D.Categorical(_x(M, [0.3, 0.7])), D.Normal(_x(M, [0., 1.]),
                                                                       _x(M, [1., 2.])))
    tn = T.distributions.MixtureSameFamily(
        T.distributions.Categorical(_x(T, [0.3, 0.7])),
        T.distributions.Normal(_x(T, [0., 1.]), _x(T, [1., 2.])))
    assert_same(n.cdf(_x(M, [0.3, -1.0])), tn.cdf(_x(T, [0.3, -1.0])))
    with pytest.raises(ValueError):
        D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(_x(M, [0.0]), _x(M, [1.0])))


def _transformed(lib):
    D = lib.distributions
    tr = D.transforms
    base = D.Normal(_x(lib, [0.0, 1.0, 0.5]), _x(lib, [1.0, 0.5, 2.0]))
    return D.TransformedDistribution(base, [tr.AffineTransform(0.3, 2.0), tr.SigmoidTransform()])


def test_transformed_distribution():
    m, t = _transformed(M), _transformed(T)
    v = np.array([0.2, 0.5, 0.9])
    assert_same(m.log_prob(_x(M, v)), t.log_prob(_x(T, v)))
    assert_same(m.cdf(_x(M, v)), t.cdf(_x(T, v)))
    assert_same(m.icdf(_x(M, v)), t.icdf(_x(T, v)))
    assert repr(m.support) == repr(t.support)
    # vector event via StickBreaking: base batch (3,) becomes an event of size 4
    D = M.distributions
    sb = D.TransformedDistribution(D.Normal(M.zeros(3, dtype=M.float64),
                                            M.ones(3, dtype=M.float64)),
                                   D.transforms.StickBreakingTransform())
    tsb = T.distributions.TransformedDistribution(
        T.distributions.Normal(T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64)),
        T.distributions.transforms.StickBreakingTransform())
    assert tuple(sb.event_shape) == tuple(tsb.event_shape) == (4,)
    x = sb.rsample((2,))
    assert_same(sb.log_prob(x), tsb.log_prob(T.from_numpy(x.numpy())))
    # decreasing transform flips the cdf
    for lib in (M, T):
        d = lib.distributions.TransformedDistribution(
            lib.distributions.Exponential(_x(lib, [1.0])),
            lib.distributions.transforms.AffineTransform(0.0, -1.0))
        lib_out = d.cdf(_x(lib, [-0.5]))
        if lib is M:
            mo = lib_out
        else:
            assert_same(mo, lib_out)


def test_independent():
    for lib in (M, T):
        D = lib.distributions
        d = D.Independent(D.Normal(_x(lib, np.zeros((2, 3))), _x(lib, np.ones((2, 3)))), 1)
        assert tuple(d.batch_shape) == (2,) and tuple(d.event_shape) == (3,)
        assert d.has_rsample and not d.has_enumerate_support
    dm = M.distributions.Independent(M.distributions.Normal(_x(M, np.zeros((2, 3))),
                                                            _x(M, np.ones((2, 3)))), 1)
    v = np.arange(6.0).reshape(2, 3) / 5
    dt = T.distributions.Independent(T.distributions.Normal(_x(T, np.zeros((2, 3))),
                                                            _x(T, np.ones((2, 3)))), 1)
    assert_same(dm.log_prob(_x(M, v)), dt.log_prob(_x(T, v)))
    assert_same(dm.entropy(), dt.entropy())
    assert tuple(dm.expand((5, 2)).batch_shape) == (5, 2)


def test_utils():
    U = M.distributions.utils
    TU = T.distributions.utils
    a, b = U.broadcast_all(1.0, _x(M, [1.0, 2.0]))
    assert tuple(a.shape) == (2,) and a.dtype is M.float64
    with pytest.raises(ValueError):
        U.broadcast_all("x", 1.0)
    p = np.array([[0.2, 0.8], [0.0, 1.0]])
    assert_same(U.probs_to_logits(_x(M, p)), TU.probs_to_logits(_x(T, p)))
    assert_same(U.probs_to_logits(_x(M, p), True), TU.probs_to_logits(_x(T, p), True))
    assert_same(U.logits_to_probs(_x(M, p)), TU.logits_to_probs(_x(T, p)))
    assert_same(U.logits_to_probs(_x(M, p), True), TU.logits_to_probs(_x(T, p), True))
    mat = np.arange(9.0).reshape(3, 3)
    assert_same(U.tril_matrix_to_vec(_x(M, mat), -1), TU.tril_matrix_to_vec(_x(T, mat), -1))
    vec = np.arange(6.0)
    assert_same(U.vec_to_tril_matrix(_x(M, vec)), TU.vec_to_tril_matrix(_x(T, vec)))

    class C:
        calls = 0

        @U.lazy_property
        def x(self):
            C.calls += 1
            return 3

    c = C()
    assert c.x == 3 and c.x == 3 and C.calls == 1


def test_lazy_import():
    import subprocess
    import sys
    code = ("import sys, mindtorch_v2 as t; assert 'mindtorch_v2.distributions' not in "
            "sys.modules; t.distributions.Normal; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
