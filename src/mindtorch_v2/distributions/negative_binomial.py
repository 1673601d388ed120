"""Negative binomial distribution."""
from __future__ import annotations

import mindtorch_v2 as torch
import mindtorch_v2.nn.functional as F

from . import constraints
from ._probs import ProbsLogitsMixin
from .distribution import Distribution
from .gamma import Gamma
from .utils import expand_params

__all__ = ["NegativeBinomial"]


class NegativeBinomial(ProbsLogitsMixin, Distribution):
    """Number of successes (probability probs each) before total_count failures."""
    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        self._set_with_total_count(total_count, probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, NegativeBinomial, batch_shape, _instance,
                             "total_count", probs_or_logits=True)

    @property
    def mean(self):
        return self.total_count * torch.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / torch.sigmoid(-self.logits)

    @property
    def _gamma(self):
        # Gamma-Poisson mixture: rate ~ Gamma(total_count, exp(-logits)).
        return Gamma(concentration=self.total_count, rate=torch.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return torch.poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized_prob = (self.total_count * F.logsigmoid(-self.logits) +
                                 value * F.logsigmoid(self.logits))
        log_normalization = (-torch.lgamma(self.total_count + value) + torch.lgamma(1.0 + value)
                             + torch.lgamma(self.total_count))
        # total_count + value == 0 means the certain outcome 0: log-normaliser 0.
        log_normalization = torch.where(self.total_count + value == 0.0,
                                        torch.zeros_like(log_normalization), log_normalization)
        return log_unnormalized_prob - log_normalization
