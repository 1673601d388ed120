"""Sampling: shapes, seeded reproducibility, moments against the analytic ones, and
reparameterised gradients."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M

D = M.distributions
N = 20000


def _t(x):
    return M.tensor(np.asarray(x, dtype=np.float64))


MOMENT_CASES = [
    lambda: D.Normal(_t([0.5, -1.0]), _t([1.0, 2.0])),
    lambda: D.LogNormal(_t([0.1]), _t([0.4])),
    lambda: D.HalfNormal(_t([1.5])),
    lambda: D.Uniform(_t([-1.0]), _t([3.0])),
    lambda: D.Exponential(_t([0.5, 2.0])),
    lambda: D.Laplace(_t([1.0]), _t([0.5])),
    lambda: D.Gamma(_t([0.3, 1.0, 4.0]), _t([1.0, 2.0, 0.5])),
    lambda: D.Chi2(_t([3.0])),
    lambda: D.InverseGamma(_t([7.0]), _t([2.0])),
    lambda: D.FisherSnedecor(_t([6.0]), _t([12.0])),
    lambda: D.Beta(_t([0.5, 2.0]), _t([0.7, 3.0])),
    lambda: D.Dirichlet(_t([[0.5, 1.0, 2.0]])),
    lambda: D.StudentT(_t([6.0]), _t([1.0]), _t([2.0])),
    lambda: D.Gumbel(_t([1.0]), _t([2.0])),
    lambda: D.Weibull(_t([1.0]), _t([2.0])),
    lambda: D.Pareto(_t([1.0]), _t([9.0])),
    lambda: D.Bernoulli(_t([0.2, 0.7])),
    lambda: D.Binomial(7, _t([0.3])),
    lambda: D.Binomial(_t([2.0, 700.0]), _t([0.5, 0.6])),
    lambda: D.Categorical(_t([[0.2, 0.3, 0.5]])),
    lambda: D.OneHotCategorical(_t([0.2, 0.3, 0.5])),
    lambda: D.Multinomial(6, _t([0.2, 0.3, 0.5])),
    lambda: D.Poisson(_t([0.5, 4.0])),
    lambda: D.Geometric(_t([0.3])),
    lambda: D.NegativeBinomial(_t([3.0]), _t([0.4])),
    lambda: D.MultivariateNormal(_t([1.0, -1.0]), _t([[2.0, 0.5], [0.5, 1.0]])),
    lambda: D.LowRankMultivariateNormal(_t([1.0, -1.0, 0.0]), _t([[1.0], [0.5], [-0.3]]),
                                        _t([0.5, 1.0, 2.0])),
    lambda: D.MixtureSameFamily(D.Categorical(_t([0.3, 0.7])),
                                D.Normal(_t([-2.0, 2.0]), _t([0.5, 1.0]))),
]


@pytest.mark.parametrize("i", range(len(MOMENT_CASES)))
def test_sample_moments(i):
    M.manual_seed(1234)
    d = MOMENT_CASES[i]()
    x = d.sample((N,))
    assert tuple(x.shape) == (N,) + tuple(d.batch_shape) + tuple(d.event_shape)
    if isinstance(d, D.Categorical):
        x = x.double()
        mean = (d.probs * M.arange(3, dtype=M.float64)).sum(-1)
    else:
        mean = d.mean
    xm = x.double().mean(0).numpy()
    var = x.double().var(0).numpy()
    sd = np.sqrt(var)
    # 6 standard errors: a false failure is ~1e-9 likely.
    assert np.all(np.abs(xm - mean.detach().numpy()) <= 6 * sd / np.sqrt(N) + 1e-12), \
        (xm, mean)
    if not isinstance(d, D.Categorical):
        v = d.variance.detach().numpy()
        assert np.allclose(var, v, rtol=0.1, atol=1e-3), (var, v)


def test_seed_reproducible_and_generator_state():
    M.manual_seed(7)
    a = D.Gamma(_t([0.5, 3.0]), _t([1.0, 1.0])).sample((5,))
    b = D.Normal(_t([0.0]), _t([1.0])).rsample((3,))
    M.manual_seed(7)
    assert bool((D.Gamma(_t([0.5, 3.0]), _t([1.0, 1.0])).sample((5,)) == a).all())
    assert bool((D.Normal(_t([0.0]), _t([1.0])).rsample((3,)) == b).all())


def test_sample_has_no_grad_rsample_has():
    loc = _t([0.0, 1.0]).requires_grad_()
    d = D.Normal(loc, _t([1.0, 1.0]))
    assert not d.sample().requires_grad
    assert d.rsample().requires_grad
    with pytest.raises(NotImplementedError):
        D.Poisson(_t([1.0])).rsample()


def test_rsample_gradient_normal_matches_same_noise():
    # With the noise eps known, x = loc + eps * scale: d sum(x)/d scale = eps.
    M.manual_seed(3)
    loc = _t([0.5, -1.0]).requires_grad_()
    scale = _t([2.0, 0.5]).requires_grad_()
    x = D.Normal(loc, scale).rsample((4,))
    x.sum().backward()
    eps = (x.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(loc.grad.numpy(), [4.0, 4.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0).numpy(), rtol=1e-12)


@pytest.mark.parametrize("make,param", [
    (lambda p: D.Gamma(p, _t([1.0, 1.0])), [0.5, 3.0]),
    (lambda p: D.Beta(p, _t([2.0, 1.0])), [0.5, 3.0]),
    (lambda p: D.Dirichlet(p), [0.5, 3.0]),
    (lambda p: D.Exponential(p), [0.5, 3.0]),
    (lambda p: D.LogNormal(p, _t([0.3, 0.3])), [0.5, 1.0]),
    (lambda p: D.Laplace(p, _t([1.0, 1.0])), [0.5, 3.0]),
    (lambda p: D.MultivariateNormal(p, _t([[1.0, 0.2], [0.2, 1.0]])), [0.5, 3.0]),
])
def test_rsample_gradient_of_mean(make, param):
    # Pathwise estimate of d E[x] / d param compared with the gradient of the exact mean
    # (torch's pathwise gradient and ours are both unbiased for it).
    M.manual_seed(11)
    p = _t(param).requires_grad_()
    d = make(p)
    x = d.rsample((N,))
    (g_mc,) = M.autograd.grad(x.mean(0).sum(), [p], retain_graph=True)
    (g_exact,) = M.autograd.grad(d.mean.sum(), [p])
    np.testing.assert_allclose(g_mc.numpy(), g_exact.numpy(), rtol=0.06, atol=0.02)


def test_gamma_pathwise_gradient_matches_torch_implicit_gradient():
    # For a sample x at fixed CDF level, torch's implicit gradient and ours coincide.
    alpha = T.tensor([0.4, 1.0, 3.5], dtype=T.float64, requires_grad=True)
    T.manual_seed(0)
    xt = T._standard_gamma(alpha)
    (gt,) = T.autograd.grad(xt.sum(), [alpha])
    from mindtorch_v2.distributions.gamma import _gamma_sample_grad
    gm = _gamma_sample_grad(M.tensor(xt.detach().numpy()), M.tensor(alpha.detach().numpy()))
    np.testing.assert_allclose(gm.numpy(), gt.numpy(), rtol=1e-4)


def test_relaxed_rsample_on_support():
    M.manual_seed(0)
    t = _t(0.5)
    rb = D.RelaxedBernoulli(t, probs=_t([0.3, 0.8]))
    x = rb.rsample((100,))
    assert bool(((x > 0) & (x < 1)).all())
    rc = D.RelaxedOneHotCategorical(t, probs=_t([0.2, 0.3, 0.5]))
    y = rc.rsample((100,))
    np.testing.assert_allclose(y.sum(-1).numpy(), 1.0, rtol=1e-9)
    # As temperature -> 0 the class frequencies approach probs.
    cold = D.RelaxedOneHotCategorical(_t(0.05), probs=_t([0.2, 0.3, 0.5])).sample((N,))
    freq = F_one_hot_freq(cold)
    np.testing.assert_allclose(freq, [0.2, 0.3, 0.5], atol=0.02)


def F_one_hot_freq(samples):
    idx = samples.argmax(-1).numpy()
    return np.bincount(idx, minlength=samples.shape[-1]) / len(idx)


def test_von_mises_sampling():
    M.manual_seed(5)
    d = D.VonMises(_t([0.5, -3.0]), _t([0.2, 4.0]))
    x = d.sample((N,))
    assert bool(((x >= -np.pi) & (x < np.pi)).all())
    # E[cos(x - loc)] = I1(k) / I0(k) = 1 - circular variance
    c = M.cos(x - d.loc).mean(0).numpy()
    np.testing.assert_allclose(c, 1 - d.variance.numpy(), atol=0.02)
    with pytest.raises(NotImplementedError):
        d.rsample()
