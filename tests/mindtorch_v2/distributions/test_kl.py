"""kl_divergence against torch (values and gradients), and the registry's dispatch."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same

sys.path.insert(0, os.path.dirname(__file__))
from _dist_cases import CASES, build  # noqa: E402

PAIRS = [("normal", "normal"), ("gamma", "gamma"), ("beta", "beta"), ("dirichlet", "dirichlet"),
         ("exponential", "exponential"), ("laplace", "laplace"), ("cauchy", "cauchy"),
         ("gumbel", "gumbel"), ("pareto", "pareto"), ("poisson", "poisson"),
         ("bernoulli", "bernoulli_logits"), ("categorical", "categorical_logits"),
         ("onehot", "onehot"), ("geometric", "geometric"), ("halfnormal", "halfnormal"),
         ("uniform", "uniform"), ("lognormal", "lognormal"), ("mvn_cov", "mvn_tril"),
         ("mvn_prec", "mvn_cov"), ("binomial", "binomial"), ("chi2", "chi2"),
         ("weibull", "weibull"), ("lowrank", "lowrank_b"), ("mvn_cov", "lowrank"),
         ("lowrank_b", "mvn_tril"),
         # cross families and infinite ones
         ("exponential", "gamma"), ("exponential", "normal"), ("gamma", "exponential"),
         ("normal", "laplace"), ("uniform", "normal"), ("uniform", "exponential"),
         ("bernoulli", "poisson"), ("normal", "gamma"), ("poisson", "bernoulli"),
         ("laplace", "pareto")]


def _pair(lib, a, b):
    ca, pa, _ = CASES[a]
    cb, pb, _ = CASES[b]
    if a == b:  # a second, different member of the same family
        pb = {k: (v * 1.3 if not isinstance(v, int) and k != "probs" and "matrix" not in k
                  else v) for k, v in pb.items()}
        if "probs" in pb:
            pb["probs"] = np.asarray(pb["probs"]) ** 1.5
    p, lp = build(lib, ca, pa)
    q, lq = build(lib, cb, pb)
    return p, q, {**{"p_" + k: v for k, v in lp.items()}, **{"q_" + k: v for k, v in lq.items()}}


@pytest.mark.parametrize("a,b", PAIRS)
def test_kl_matches_torch(a, b):
    pt, qt, lt = _pair(T, a, b)
    try:
        kt = T.distributions.kl_divergence(pt, qt)
    except NotImplementedError:
        pm, qm, _ = _pair(M, a, b)
        with pytest.raises(NotImplementedError):
            M.distributions.kl_divergence(pm, qm)
        return
    pm, qm, lm = _pair(M, a, b)
    km = M.distributions.kl_divergence(pm, qm)
    assert_same(km, kt, rtol=1e-6, atol=1e-8)
    if not kt.requires_grad or bool(T.isinf(kt).any()):
        return
    names = sorted(n for n in lt if n in lm)
    gt = T.autograd.grad(kt.sum(), [lt[n] for n in names], allow_unused=True)
    gm = M.autograd.grad(km.sum(), [lm[n] for n in names], allow_unused=True)
    for n, x, y in zip(names, gm, gt):
        if y is not None:
            assert x is not None, n
            assert_same(x, y, rtol=1e-5, atol=1e-7)


def test_kl_not_implemented_message():
    p = M.distributions.Cauchy(0.0, 1.0)
    q = M.distributions.Binomial(3, M.tensor(0.5))
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p "
                                                  "type Cauchy and q type Binomial"):
        M.distributions.kl_divergence(p, q)


def test_register_kl_most_specific_wins():
    D = M.distributions

    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)
    assert float(D.kl_divergence(p, q)) == pytest.approx(0.5)

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return M.tensor(42.0)

    assert float(D.kl_divergence(p, q)) == 42.0
    assert float(D.kl_divergence(D.Normal(0.0, 1.0), q)) == pytest.approx(0.5)
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


@pytest.mark.parametrize("a", ["normal", "gamma", "exponential", "bernoulli"])
def test_exponential_family_bregman_forms(a):
    # The generic (autograd-based) entropy and same-family KL agree with torch's closed forms.
    pm, qm, _ = _pair(M, a, a)
    pt, qt, _ = _pair(T, a, a)
    EF = M.distributions.ExponentialFamily
    assert_same(EF.entropy(pm), T.distributions.ExponentialFamily.entropy(pt), rtol=1e-6,
                atol=1e-8)
    from mindtorch_v2.distributions.kl import _kl_expfamily_expfamily
    assert_same(_kl_expfamily_expfamily(pm, qm), T.distributions.kl_divergence(pt, qt),
                rtol=1e-6, atol=1e-8)
    with pytest.raises(NotImplementedError):
        _kl_expfamily_expfamily(pm, M.distributions.Poisson(M.tensor([1.0])))
