"""Densities, moments, entropies, cdfs and their gradients against torch.distributions."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same
sys.path.insert(0, os.path.dirname(__file__))
from _dist_cases import CASES, build, value


def _grads(out, leaves):
    names = sorted(leaves)
    gs = (M if isinstance(out, M.Tensor) else T).autograd.grad(
        out.sum(), [leaves[n] for n in names], allow_unused=True)
    return names, gs


def _both(case, fn, grad=True):
    """fn(dist, lib) in both libraries; returns (m, t, m_leaves, t_leaves)."""
    ctor, params, val = CASES[case]
    dm, lm = build(M, ctor, params, grad)
    dt, lt = build(T, ctor, params, grad)
    return fn(dm, M, val), fn(dt, T, val), lm, lt


def _compare_with_grad(case, fn):
    try:
        _, t, _, lt = _both(case, fn, grad=True)
    except NotImplementedError:
        pytest.skip("torch does not define it")
    m, t, lm, lt = _both(case, fn, grad=True)
    assert_same(m, t, rtol=1e-6, atol=1e-8)
    if not any(True for _ in lt) or not t.requires_grad:
        return
    names, gm = _grads(m, lm)
    _, gt = _grads(t, lt)
    for n, a, b in zip(names, gm, gt):
        if b is None:
            continue
        assert a is not None, f"no gradient for {n}"
        assert_same(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", sorted(CASES))
def test_log_prob(case):
    _compare_with_grad(case, lambda d, lib, v: d.log_prob(value(lib, v)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_shapes_and_support(case):
    m, t, _, _ = _both(case, lambda d, lib, v: d, grad=False)
    assert tuple(m.batch_shape) == tuple(t.batch_shape)
    assert tuple(m.event_shape) == tuple(t.event_shape)
    assert m.has_rsample == t.has_rsample
    assert m.has_enumerate_support == t.has_enumerate_support
    assert type(m.support).__name__ == type(t.support).__name__
    assert sorted(m.arg_constraints) == sorted(t.arg_constraints)
    sm = m.sample((2,))
    assert tuple(sm.shape) == tuple(t.sample((2,)).shape)
    assert bool(m.support.check(sm).all())


@pytest.mark.parametrize("prop", ["entropy", "mean", "variance", "stddev", "mode"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_moments_and_entropy(case, prop):
    def fn(d, lib, v):
        r = getattr(d, prop)
        return r() if callable(r) else r
    try:
        _both(case, fn, grad=False)
    except NotImplementedError:
        # torch does not define it: neither should we (or we may be stricter)
        return
    _compare_with_grad(case, fn)


CDF_CASES = ["normal", "lognormal", "halfnormal", "uniform", "exponential", "laplace",
             "cauchy", "halfcauchy", "gumbel", "weibull", "pareto"]


@pytest.mark.parametrize("case", CDF_CASES)
def test_cdf_icdf(case):
    _compare_with_grad(case, lambda d, lib, v: d.cdf(value(lib, v)))
    q = np.array([0.1, 0.5, 0.8])
    try:
        _both(case, lambda d, lib, v: d.icdf(value(lib, q)), grad=False)
    except NotImplementedError:
        return
    _compare_with_grad(case, lambda d, lib, v: d.icdf(value(lib, q)))


@pytest.mark.parametrize("case", ["bernoulli", "binomial", "categorical", "onehot"])
def test_enumerate_support(case):
    for expand in (True, False):
        m, t, _, _ = _both(case, lambda d, lib, v: d.enumerate_support(expand), grad=False)
        assert_same(m, t, check_dtype=False)


@pytest.mark.parametrize("case", ["normal", "gamma", "dirichlet", "mvn_tril", "categorical",
                                  "lowrank", "vonmises",
                                  "bernoulli", "beta", "studentt", "lognormal", "binomial"])
def test_expand(case):
    def fn(d, lib, v):
        e = d.expand((4,) + tuple(d.batch_shape))
        assert tuple(e.batch_shape) == (4,) + tuple(d.batch_shape)
        assert tuple(e.event_shape) == tuple(d.event_shape)
        x = value(lib, v)
        while x.dim() > len(d.batch_shape) + len(d.event_shape):
            x = x[0]
        return e.log_prob(x)
    m, t, _, _ = _both(case, fn, grad=False)
    assert_same(m, t, rtol=1e-6, atol=1e-8)


def test_mvn_matrices():
    for case in ("mvn_cov", "mvn_tril", "mvn_prec", "lowrank", "lowrank_b"):
        for attr in ("scale_tril", "covariance_matrix", "precision_matrix"):
            m, t, _, _ = _both(case, lambda d, lib, v: getattr(d, attr), grad=False)
            assert_same(m, t, rtol=1e-6, atol=1e-8)


def test_float32_default_dtype_for_numbers():
    assert_same(M.distributions.Normal(0.0, 2.0).log_prob(M.tensor(1.0)),
                T.distributions.Normal(0.0, 2.0).log_prob(T.tensor(1.0)))
    assert tuple(M.distributions.Normal(0.0, 1.0).batch_shape) == ()
    assert M.distributions.Normal(0.0, 1.0).sample().dtype is M.float32


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gamma_chi2_cdf(dtype):
    a = np.array([0.3, 1.0, 2.5, 10.0, 50.0, 0.5])
    x = np.array([0.1, 3.0, 2.0, 12.0, 40.0, 20.0])
    res = []
    for lib in (M, T):
        dt = getattr(lib, dtype)
        D = lib.distributions
        res.append((D.Gamma(lib.tensor(a, dtype=dt), lib.tensor(1.5, dtype=dt)).cdf(
            lib.tensor(x, dtype=dt)), D.Chi2(lib.tensor(a, dtype=dt)).cdf(lib.tensor(x, dtype=dt))))
    tol = 1e-8 if dtype == "float64" else 2e-6
    assert_same(res[0][0], res[1][0], rtol=tol, atol=tol)
    assert_same(res[0][1], res[1][1], rtol=tol, atol=tol)
