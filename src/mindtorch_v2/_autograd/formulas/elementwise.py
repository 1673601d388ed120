"""Backward formulas of the elementwise family.

Complex inputs follow torch's convention (conjugate Wirtinger calculus): the gradient of
a holomorphic f is grad * conj(f'(z)).
"""
from __future__ import annotations

from ..derivatives import defgrad


@defgrad("add")
def _add(g, a, b, alpha=1):
    return g, (g if alpha == 1 else g * alpha)


@defgrad("sub")
def _sub(g, a, b, alpha=1):
    return g, -g if alpha == 1 else g * -alpha


@defgrad("mul")
def _mul(g, a, b):
    return g * b.conj() if hasattr(b, "conj") else g * b, g * a.conj() \
        if hasattr(a, "conj") else g * a


@defgrad("exp")
def _exp(g, x, *, result):
    return g * result.conj()
