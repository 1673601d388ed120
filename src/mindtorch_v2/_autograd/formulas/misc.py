"""Backward formulas of copies (copy_, clone, _to_copy, fill_, zero_) and random ops.

Random sampling is differentiable in torch with a zero gradient: ``normal(mean, std)``,
``bernoulli``, ``poisson`` and the in-place fills (``uniform_``, ``normal_``, ...) give
their inputs zeros (and the filled tensor's previous history zeros too).  Their ops are
declared ``nondiff`` in ``_ops/random.py`` for the no-autograd fast path; here they are made
differentiable.  ``multinomial`` and ``randperm`` give integers and stay non-differentiable.
"""
from __future__ import annotations

from ..._ops.creation import zeros_like
from ..._ops.registry import OPS
from ..._tensor import Tensor
from ..derivatives import defgrad


def _zeros(g, *args, **kwargs):
    """Zero gradient for every tensor argument (the engine reduces shapes and dtypes)."""
    z = zeros_like(g)
    return (z,) * 3


@defgrad("copy_")
def _copy(g, self, src, non_blocking=False):
    # the old contents of self are overwritten; src gets g cast/reduced by the engine
    return zeros_like(g), g


@defgrad("clone")
def _clone(g, x, **kwargs):
    return g


@defgrad("_to_copy")
def _to_copy(g, x, *args, **kwargs):
    return g  # the engine casts back to x's dtype


@defgrad("fill_")
def _fill(g, self, value):
    return zeros_like(g), g.sum() if isinstance(value, Tensor) else None


defgrad("zero_", _zeros)

for _name in ("uniform_", "normal_", "random_", "exponential_", "cauchy_", "log_normal_",
              "geometric_", "bernoulli_", "normal", "bernoulli", "poisson"):
    OPS[_name].nondiff = False
    defgrad(_name, _zeros)
