"""Binomial distribution."""
from __future__ import annotations

import mindtorch_v2 as torch

from . import constraints
from ._probs import ProbsLogitsMixin
from .distribution import Distribution
from .utils import expand_params

__all__ = ["Binomial"]


_BLOCK = 256  # Bernoulli trials drawn per round in Binomial.sample


def _clamp_by_zero(x):
    # max(x, 0), with gradient 1/2 at 0 (as torch's formula).
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(ProbsLogitsMixin, Distribution):
    """Number of successes in total_count Bernoulli(probs) trials."""
    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        self._set_with_total_count(total_count, probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, Binomial, batch_shape, _instance,
                             "total_count", probs_or_logits=True)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=torch.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        with torch.no_grad():
            # Sum of Bernoulli trials, in blocks of trials to bound memory; lanes with fewer
            # trials mask the extra ones. Cost grows with total_count (torch uses BTRS).
            n_max = int(self.total_count.max()) if self.total_count.numel() else 0
            probs = self.probs.expand(shape).unsqueeze(-1)
            counts = self.total_count.expand(shape).unsqueeze(-1)
            out = torch.zeros(shape, dtype=probs.dtype, device=probs.device)
            for start in range(0, n_max, _BLOCK):
                width = min(_BLOCK, n_max - start)
                u = torch.rand(shape + (width,), dtype=probs.dtype, device=probs.device)
                idx = torch.arange(start, start + width, dtype=probs.dtype,
                                   device=probs.device)
                out = out + ((u < probs) & (idx < counts)).to(probs.dtype).sum(-1)
            return out

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_factorial_n = torch.lgamma(self.total_count + 1)
        log_factorial_k = torch.lgamma(value + 1)
        log_factorial_nmk = torch.lgamma(self.total_count - value + 1)
        # log(1 + e^l)^n written as n*max(l, 0) + n*log1p(e^-|l|) to stay finite.
        normalize_term = (self.total_count * _clamp_by_zero(self.logits) +
                          self.total_count * torch.log1p(torch.exp(-torch.abs(self.logits))) -
                          log_factorial_n)
        return value * self.logits - log_factorial_k - log_factorial_nmk - normalize_term

    def entropy(self):
        total_count = int(self.total_count.max())
        if not bool((self.total_count == total_count).all()):
            raise NotImplementedError("Inhomogeneous total count not supported by "
                                      "`entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(torch.exp(log_prob) * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        total_count = int(self.total_count.max())
        if not bool((self.total_count == total_count).all()):
            raise NotImplementedError("Inhomogeneous total count not supported by "
                                      "`enumerate_support`.")
        values = torch.arange(1 + total_count, dtype=self._param.dtype,
                              device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
