"""Fisher-Snedecor (F) distribution."""
from __future__ import annotations

import mindtorch_v2 as torch

from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import batch_shape_of, broadcast_all, expand_params

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    """F(df1, df2): ratio (X1/df1) / (X2/df2) of scaled chi-squared variables."""
    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(batch_shape_of(self.df1, df1, df2), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return expand_params(self, FisherSnedecor, batch_shape, _instance,
                             "df1", "df2", "_gamma1", "_gamma2")

    def _nan_unless(self, cond, value):
        return torch.where(cond, value, torch.full_like(value, float("nan")))

    @property
    def mean(self):
        df2 = self.df2.clone()
        return self._nan_unless(df2 > 2, df2 / (df2 - 2))

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return self._nan_unless(self.df1 > 2, mode)

    @property
    def variance(self):
        df2 = self.df2
        var = (2 * df2.pow(2) * (self.df1 + df2 - 2) /
               (self.df1 * (df2 - 2).pow(2) * (df2 - 4)))
        return self._nan_unless(df2 > 4, var)

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        # The Gammas have rate df instead of df/2 so each draw is already X_i / df_i.
        tiny = torch.finfo(self.df1.dtype).tiny
        X1 = self._gamma1.rsample(sample_shape).view(tuple(shape))
        X2 = self._gamma2.rsample(sample_shape).view(tuple(shape))
        X2 = X2.clamp(min=tiny)
        return (X1 / X2).clamp(min=tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        ct1 = self.df1 * 0.5
        ct2 = self.df2 * 0.5
        ct3 = self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * torch.log(value)
        t3 = (ct1 + ct2) * torch.log1p(ct3 * value)
        return t1 + t2 - t3
