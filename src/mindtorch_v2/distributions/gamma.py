"""Gamma distribution, and the standard-gamma sampler shared by Beta, Dirichlet, Chi2,
StudentT (Note [gamma sampling])."""
from __future__ import annotations

import numpy as np

import mindtorch_v2 as torch

from . import constraints
from .exp_family import ExponentialFamily
from .utils import batch_shape_of, broadcast_all, expand_params

__all__ = ["Gamma"]

# Note [gamma sampling]
# Draws use Marsaglia & Tsang (2000) on mindtorch ops: for a >= 1, d = a - 1/3,
# c = 1/sqrt(9d), x ~ N(0,1), v = (1 + c x)^3, accept when log U < x^2/2 + d - d v + d log v.
# a < 1 is boosted: Gamma(a) = Gamma(a + 1) * U^(1/a). Rejected lanes are redrawn until
# every lane accepted (acceptance > 95%, so a handful of rounds).
# The reparameterised gradient d sample / d a is the implicit one:
#   dx/da = -(dF(x; a)/da) / f(x; a)
# with F the regularised incomplete gamma; dF/da has no closed form, so it is a central
# finite difference of scipy.special.gammainc on the host (the one non-mindtorch step).


def _marsaglia_tsang(alpha):
    with torch.no_grad():
        boost = alpha < 1
        a = torch.where(boost, alpha + 1, alpha)
        d = a - 1.0 / 3.0
        c = 1.0 / torch.sqrt(9.0 * d)
        out = torch.zeros_like(a)
        todo = torch.ones(tuple(a.shape), dtype=torch.bool, device=a.device)
        for _ in range(1000):
            if not bool(todo.any()):
                break
            x = torch.randn(tuple(a.shape), dtype=a.dtype, device=a.device)
            u = torch.rand(tuple(a.shape), dtype=a.dtype, device=a.device)
            v = (1 + c * x) ** 3
            ok = (v > 0) & (torch.log(u) < 0.5 * x * x + d - d * v +
                            d * torch.log(v.clamp(min=1e-30)))
            take = ok & todo
            out = torch.where(take, d * v, out)
            todo = todo & ~ok
        u = torch.rand(tuple(a.shape), dtype=a.dtype, device=a.device)
        out = torch.where(boost, out * u.pow(1.0 / alpha), out)
        tiny = torch.finfo(a.dtype).tiny
        return out.clamp(min=tiny)


def _gamma_sample_grad(x, alpha):
    """d x / d alpha for x ~ Gamma(alpha, 1) at fixed CDF value (implicit reparam)."""
    from scipy import special as sp
    xn = x.detach().cpu().numpy().astype(np.float64)
    an = alpha.detach().cpu().numpy().astype(np.float64)
    h = 1e-5 * np.maximum(an, 1.0)
    dF = (sp.gammainc(an + h, xn) - sp.gammainc(an - h, xn)) / (2 * h)
    logpdf = (an - 1) * np.log(xn) - xn - sp.gammaln(an)
    grad = -dF / np.exp(logpdf)
    return torch.from_numpy(grad.astype(xn.dtype if x.dtype is torch.float64 else np.float32)
                            ).to(x.dtype).to(x.device)


class _StandardGamma(torch.autograd.Function):
    @staticmethod
    def forward(ctx, alpha):
        x = _marsaglia_tsang(alpha)
        ctx.save_for_backward(x, alpha)
        return x

    @staticmethod
    def backward(ctx, grad):
        x, alpha = ctx.saved_tensors
        return grad * _gamma_sample_grad(x, alpha)


def _standard_gamma(alpha):
    """Gamma(alpha, 1) samples of alpha's shape, reparameterised in alpha."""
    if alpha.requires_grad and torch.is_grad_enabled():
        return _StandardGamma.apply(alpha)
    return _marsaglia_tsang(alpha)


def _regularized_gamma_p(a, x, iters=120):
    """P(a, x) = gamma(a, x) / Gamma(a), the regularised lower incomplete gamma, in
    mindtorch ops: the power series where x < a + 1, else 1 - Q from the Lentz continued
    fraction (each converges fast in its region; both run on all lanes and are selected)."""
    a, x = torch.broadcast_tensors(a, x)
    tiny = torch.finfo(x.dtype).tiny
    xs = x.clamp(min=tiny)
    log_pref = a * torch.log(xs) - xs
    # series: sum_n x^n / ((a+1)...(a+n))
    term = torch.ones_like(xs)
    total = torch.ones_like(xs)
    for n in range(1, iters):
        term = term * xs / (a + n)
        total = total + term
    p_series = torch.exp(log_pref - torch.lgamma(a + 1)) * total
    # continued fraction for Q(a, x) (modified Lentz)
    b = xs + 1 - a
    c = torch.full_like(xs, 1 / tiny)
    d = 1 / b
    h = d
    for i in range(1, iters):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = torch.where(d.abs() < tiny, torch.full_like(d, tiny), d)
        c = b + an / c
        c = torch.where(c.abs() < tiny, torch.full_like(c, tiny), c)
        d = 1 / d
        h = h * d * c
    q_cf = torch.exp(log_pref - torch.lgamma(a)) * h
    p = torch.where(xs < a + 1, p_series, 1 - q_cf)
    return torch.where(x <= 0, torch.zeros_like(p), p)


class Gamma(ExponentialFamily):
    """Gamma distribution with shape `concentration` and `rate` (inverse scale)."""
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(batch_shape_of(self.concentration, concentration, rate),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, Gamma, batch_shape, _instance, "concentration", "rate")

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return value.clamp(min=torch.finfo(value.dtype).tiny)

    def log_prob(self, value):
        value = torch.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (torch.xlogy(self.concentration, self.rate) +
                torch.xlogy(self.concentration - 1, value) - self.rate * value -
                torch.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - torch.log(self.rate) + torch.lgamma(self.concentration) +
                (1.0 - self.concentration) * torch.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return torch.lgamma(x + 1) + (x + 1) * torch.log(-y.reciprocal())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        if hasattr(torch.special, "gammainc"):
            return torch.special.gammainc(self.concentration, self.rate * value)
        return _regularized_gamma_p(self.concentration, self.rate * value)
