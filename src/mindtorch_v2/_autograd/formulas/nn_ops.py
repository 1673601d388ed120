"""Backward formulas of the nn_ops family (softmax, log_softmax).

With ``dtype`` given the forward casts the input first; the gradient computed here is in
the output's dtype and the engine casts it back to the input's (Note [grad reduction]).
"""
from __future__ import annotations

from ..derivatives import defgrad


@defgrad("softmax")
def _softmax(g, x, dim, dtype=None, *, result):
    # dy_j/dx_i = y_j (delta_ij - y_i)  =>  grad_x = y * (g - sum(g * y))
    gy = g * result
    return gy - result * gy.sum(dim, keepdim=True)


@defgrad("log_softmax")
def _log_softmax(g, x, dim, dtype=None, *, result):
    # y = x - logsumexp(x)  =>  grad_x = g - softmax(x) * sum(g)
    return g - result.exp() * g.sum(dim, keepdim=True)
