"""Shared cases for the distributions tests: each family with parameters and test values,
built identically in mindtorch_v2 and torch."""
from __future__ import annotations

import numpy as np


R = np.random.RandomState(0)


def pos(*shape):
    return R.uniform(0.5, 2.5, size=shape)


def unit(*shape):
    return R.uniform(0.1, 0.9, size=shape)


def real(*shape):
    return R.normal(size=shape)


def simplex(*shape):
    x = R.uniform(0.1, 1.0, size=shape)
    return x / x.sum(-1, keepdims=True)


def _spd(n):
    a = R.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


# name -> (constructor name, parameter dict of float64 arrays/numbers, value to score)
CASES = {
    "normal": ("Normal", {"loc": real(3), "scale": pos(3)}, real(2, 3)),
    "lognormal": ("LogNormal", {"loc": real(3), "scale": pos(3)}, pos(2, 3)),
    "halfnormal": ("HalfNormal", {"scale": pos(3)}, pos(3)),
    "uniform": ("Uniform", {"low": -pos(3), "high": pos(3)}, unit(3) - 0.5),
    "exponential": ("Exponential", {"rate": pos(3)}, pos(3)),
    "laplace": ("Laplace", {"loc": real(3), "scale": pos(3)}, real(3)),
    "cauchy": ("Cauchy", {"loc": real(3), "scale": pos(3)}, real(3)),
    "halfcauchy": ("HalfCauchy", {"scale": pos(3)}, pos(3)),
    "gamma": ("Gamma", {"concentration": pos(3), "rate": pos(3)}, pos(3)),
    "chi2": ("Chi2", {"df": pos(3) + 1}, pos(3)),
    "beta": ("Beta", {"concentration1": pos(3), "concentration0": pos(3)}, unit(3)),
    "dirichlet": ("Dirichlet", {"concentration": pos(2, 4)}, simplex(2, 4)),
    "studentt": ("StudentT", {"df": pos(3) + 2, "loc": real(3), "scale": pos(3)}, real(3)),
    "gumbel": ("Gumbel", {"loc": real(3), "scale": pos(3)}, real(3)),
    "weibull": ("Weibull", {"scale": pos(3), "concentration": pos(3) + 1}, pos(3)),
    "pareto": ("Pareto", {"scale": pos(3) * 0.4, "alpha": pos(3) + 2}, pos(3) + 1.1),
    "bernoulli": ("Bernoulli", {"probs": unit(3)}, np.array([0., 1., 1.])),
    "bernoulli_logits": ("Bernoulli", {"logits": real(3)}, np.array([1., 0., 1.])),
    "binomial": ("Binomial", {"total_count": 6, "probs": unit(3)}, np.array([0., 3., 6.])),
    "binomial_logits": ("Binomial", {"total_count": 5, "logits": real(3)}, np.array([1., 2., 5.])),
    "categorical": ("Categorical", {"probs": simplex(2, 4)}, np.array([0., 3.])),
    "categorical_logits": ("Categorical", {"logits": real(2, 4)}, np.array([[1., 2.]])),
    "onehot": ("OneHotCategorical", {"probs": simplex(2, 3)}, np.eye(3)[[0, 2]]),
    "multinomial": ("Multinomial", {"total_count": 5, "probs": simplex(2, 3)},
                    np.array([[1., 2., 2.], [5., 0., 0.]])),
    "poisson": ("Poisson", {"rate": pos(3)}, np.array([0., 2., 5.])),
    "geometric": ("Geometric", {"probs": unit(3)}, np.array([0., 2., 5.])),
    "negbinomial": ("NegativeBinomial", {"total_count": pos(3) + 1, "probs": unit(3)},
                    np.array([0., 2., 5.])),
    "negbinomial_logits": ("NegativeBinomial", {"total_count": pos(3) + 1, "logits": real(3)},
                           np.array([1., 0., 3.])),
    "mvn_cov": ("MultivariateNormal", {"loc": real(2, 3), "covariance_matrix": _spd(3)},
                real(2, 3)),
    "mvn_tril": ("MultivariateNormal",
                 {"loc": real(3), "scale_tril": np.linalg.cholesky(_spd(3))}, real(4, 3)),
    "mvn_prec": ("MultivariateNormal", {"loc": real(3), "precision_matrix": _spd(3)},
                 real(3)),
    "lowrank": ("LowRankMultivariateNormal", {"loc": real(2, 3), "cov_factor": real(3, 2),
                                              "cov_diag": pos(3)}, real(2, 3)),
    "lowrank_b": ("LowRankMultivariateNormal", {"loc": real(3), "cov_factor": real(2, 3, 1),
                                                "cov_diag": pos(2, 3)}, real(3)),
    "inversegamma": ("InverseGamma", {"concentration": pos(3) + 1, "rate": pos(3)}, pos(3)),
    "fisher": ("FisherSnedecor", {"df1": pos(3) * 3, "df2": pos(3) * 3}, pos(3)),
    "vonmises": ("VonMises", {"loc": real(3), "concentration": pos(3) * 2}, real(3)),
}

# Parameters that are counts/structure, not differentiated.
NO_GRAD = {"total_count"}


def build(lib, ctor, params, grad=True):
    """The distribution in lib, with float64 parameters requiring grad; returns (dist, leaves)."""
    leaves = {}
    kw = {}
    for k, v in params.items():
        if isinstance(v, (int, float)):
            kw[k] = v
            continue
        t = lib.tensor(np.asarray(v), dtype=lib.float64)
        if grad and k not in NO_GRAD:
            t.requires_grad_(True)
            leaves[k] = t
        kw[k] = t
    return getattr(lib.distributions, ctor)(**kw), leaves


def value(lib, v):
    return lib.tensor(np.asarray(v), dtype=lib.float64)
