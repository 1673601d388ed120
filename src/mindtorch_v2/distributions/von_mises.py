"""Von Mises distribution: the circular analogue of the normal, on [-pi, pi)."""
from __future__ import annotations

import math

import mindtorch_v2 as torch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, expand_params, lazy_property

__all__ = ["VonMises"]


def _log_i0(k):
    # log I0(k) = log(i0e(k)) + k: i0e is I0 scaled by exp(-k), finite for large k.
    return torch.log(torch.special.i0e(k)) + k


def _rejection_sample(loc, concentration, proposal_r, x):
    """Best & Fisher (1979): wrapped-Cauchy envelope, accept/reject until all lanes done."""
    done = torch.zeros(tuple(x.shape), dtype=torch.bool, device=loc.device)
    while not bool(done.all()):
        u = torch.rand((3,) + tuple(x.shape), dtype=loc.dtype, device=loc.device)
        u1, u2, u3 = u.unbind()
        z = torch.cos(math.pi * u1)
        f = (1 + proposal_r * z) / (proposal_r + z)
        c = concentration * (proposal_r - f)
        accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
        if bool(accept.any()):
            x = torch.where(accept, (u3 - 0.5).sign() * f.acos(), x)
            done = done | accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """Von Mises with mean direction loc and concentration (density exp(k cos(x - loc)) /
    (2 pi I0(k)))."""
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        batch_shape = self.loc.shape
        super().__init__(batch_shape, torch.Size(), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * torch.cos(value - self.loc)
        return log_prob - math.log(2 * math.pi) - _log_i0(self.concentration)

    @lazy_property
    def _loc(self):
        return self.loc.to(torch.float64)

    @lazy_property
    def _concentration(self):
        return self.concentration.to(torch.float64)

    @lazy_property
    def _proposal_r(self):
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa ** 2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        _proposal_r = (1 + rho ** 2) / (2 * rho)
        # second-order Taylor expansion around 0 for small kappa
        _proposal_r_taylor = 1 / kappa + kappa
        return torch.where(kappa < 1e-5, _proposal_r_taylor, _proposal_r)

    def sample(self, sample_shape=torch.Size()):
        # Drawn in float64: the acceptance test loses accuracy in single precision.
        with torch.no_grad():
            shape = tuple(self._extended_shape(sample_shape))
            x = torch.empty(shape, dtype=self._loc.dtype, device=self.loc.device)
            return _rejection_sample(self._loc, self._concentration, self._proposal_r,
                                     x).to(self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, VonMises, batch_shape, _instance, "loc", "concentration")

    @property
    def mean(self):
        """The circular mean (provided for consistency; not the linear mean)."""
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """The circular variance 1 - I1(k)/I0(k)."""
        return 1 - (torch.special.i1e(self.concentration) /
                    torch.special.i0e(self.concentration)).to(self.loc.dtype)
