"""Backward formulas of the reduction family."""
from __future__ import annotations

from ..derivatives import defgrad


def _unsqueeze_dims(g, shape, dims, keepdim):
    """Put back the reduced dims (size 1) so ``g`` broadcasts against the input."""
    if keepdim or not shape:
        return g
    for d in sorted(d % len(shape) for d in dims):
        g = g.unsqueeze(d)
    return g


@defgrad("sum")
def _sum(g, x, dims=None, keepdim=False, dtype=None):
    dims = tuple(range(x.dim())) if not dims else dims
    return _unsqueeze_dims(g, x.shape, dims, keepdim).expand(x.shape)
