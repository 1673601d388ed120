"""Backward formulas of the extra family: igamma, igammac, frexp, and linalg_lu_factor_ex
(registered in ``_ops/lu.py``)."""
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


@defgrad("linalg_lu_factor_ex")
def _lu_factor(grads, A, pivot=True, *, result):
    # square A = P L U: gA = P L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H
    # (L's unit diagonal and U share the packed LU output: gL/gU are its two triangles)
    import mindtorch_v2 as T
    LU, piv = result[0], result[1]
    if LU.shape[-1] != LU.shape[-2]:
        raise NotImplementedError("the derivative for 'linalg_lu_factor_ex' is only "
                                  "implemented for square matrices.")
    g = grads[0]
    P, L, U = T.lu_unpack(LU, piv)
    phi = (L.mH @ g.tril(-1)).tril(-1) + (g.triu() @ U.mH).triu()
    x = T.linalg.solve_triangular(L.mH, phi, upper=True, unitriangular=True)
    x = T.linalg.solve_triangular(U.mH, x, upper=False, left=False)
    return (P @ x,)
