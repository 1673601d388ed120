"""Backward formulas of the extra family (igamma, igammac, frexp)."""
from __future__ import annotations

from ..derivatives import defgrad


def _d_other(a, b):
    # d/dx P(a, x) = x^(a-1) e^(-x) / Gamma(a); torch has no derivative in a
    return ((a - 1) * b.log() - b - a.lgamma()).exp()


def _no_input_grad(name, needs):
    if needs[0]:
        raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")


@defgrad("igamma")
def _igamma(g, a, b, *, needs):
    _no_input_grad("igamma", needs)
    return None, g * _d_other(a, b) if needs[1] else None


@defgrad("igammac")
def _igammac(g, a, b, *, needs):
    _no_input_grad("igammac", needs)
    return None, -g * _d_other(a, b) if needs[1] else None


@defgrad("frexp")
def _frexp(grads, x, *, result):
    # mantissa = x * 2^-exponent with the exponent piecewise constant
    return (grads[0] / result[1].to(grads[0].dtype).exp2(),)
