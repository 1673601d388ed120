"""Shared machinery of the families parameterised by either probs or logits."""
from __future__ import annotations

import mindtorch_v2 as torch

from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["ProbsLogitsMixin"]


class ProbsLogitsMixin:
    """Stores exactly one of probs/logits; the other is derived lazily.

    _is_binary: scalar probabilities (sigmoid) vs a last-dim distribution (softmax)."""

    _is_binary = True

    def _set_probs_or_logits(self, probs, logits, broadcast=True):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if broadcast:
                (self.probs,) = broadcast_all(probs)
            else:
                self.probs = probs
            self._param = self.probs
        else:
            if broadcast:
                (self.logits,) = broadcast_all(logits)
            else:
                self.logits = logits
            self._param = self.logits
        return probs is not None

    def _set_with_total_count(self, total_count, probs, logits):
        """Store probs or logits broadcast with ``total_count`` (cast to their dtype)."""
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name, value = ("probs", probs) if probs is not None else ("logits", logits)
        count, param = broadcast_all(total_count, value)
        self.total_count = count.type_as(param)
        setattr(self, name, param)
        self._param = param

    def _new(self, *args, **kwargs):
        return self._param.new_tensor(*args, **kwargs) if hasattr(self._param, "new_tensor") \
            else torch.tensor(*args, **kwargs)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=self._is_binary)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=self._is_binary)

    @property
    def param_shape(self):
        return self._param.size()

    def _expand_params(self, new, shape):
        """Copy whichever parameter is stored (expanded) onto new."""
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(shape)
            new._param = new.logits
